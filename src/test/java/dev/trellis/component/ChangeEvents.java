package dev.trellis.component;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Writes change_event rows as the change feed does, for tests of the consumer (the feed's writer is not theirs). */
final class ChangeEvents {
    private final DataSource db;

    ChangeEvents(DataSource db) {
        this.db = db;
    }

    /** Appends one event; {@code fields} comma-separated or null; returns its seq. */
    long add(String tenant, String stream, long id, String op, String fields, String afterJson, boolean backfill)
            throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into change_event (tenant, stream, record_id, op, fields, after, before, source, backfill)
                values (?, ?, ?, ?, string_to_array(?, ','), ?::jsonb, ?::jsonb, 'poll', ?) returning seq""")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.setLong(3, id);
            ps.setString(4, op);
            ps.setString(5, fields);
            ps.setString(6, afterJson);
            ps.setString(7, "update".equals(op) ? "{\"status\": \"active\"}" : null);
            ps.setBoolean(8, backfill);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long update(String tenant, String stream, long id, String fields) throws SQLException {
        return add(tenant, stream, id, "update", fields, "{\"id\": " + id + ", \"status\": \"hired\"}", false);
    }

    /** {@code count} updates of stream for ids from {@code firstId}, in one transaction. */
    void updates(String tenant, String stream, long firstId, int count) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into change_event (tenant, stream, record_id, op, fields, after, source)
                select ?, ?, g, 'update', '{status}', jsonb_build_object('id', g), 'poll'
                from generate_series(?::bigint, ?::bigint) g order by g""")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.setLong(3, firstId);
            ps.setLong(4, firstId + count - 1);
            ps.executeUpdate();
        }
    }
}
