package dev.trellis.component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The consumer's side of change_event (V14) and change_consumer (V15), on one session: the per-consumer advisory
 * lock, the offset, and reading the events after it below the xid read horizon.
 */
final class ChangeFeed {
    /** First key of the consumers' session advisory locks (second key: hash of the consumer name). */
    private static final int LOCK_CLASS = 0x0C4A6E;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a consumer is: the (xid, seq) of the last event it completed; events are read in this order. */
    record Offset(String xid, long seq) {
    }

    private ChangeFeed() {
    }

    /** Takes the consumer's lock on this session; false when another session (instance) holds it. */
    static boolean lock(Connection c, String consumer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?, hashtext(?))")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setString(2, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The consumer's offset; a new consumer starts at the beginning of the feed's retention. */
    static Offset offset(Connection c, String consumer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into change_consumer (name) values (?) on conflict (name) do nothing")) {
            ps.setString(1, consumer);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select last_xid::text, last_seq from change_consumer where name = ?")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Offset(rs.getString(1), rs.getLong(2));
            }
        }
    }

    static void save(Connection c, String consumer, Offset offset, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update change_consumer set last_xid = ?::xid8, last_seq = ?, "
                + "owner = ?, updated_at = now() where name = ?")) {
            ps.setString(1, offset.xid());
            ps.setLong(2, offset.seq());
            ps.setString(3, owner);
            ps.setString(4, consumer);
            ps.executeUpdate();
        }
    }

    /**
     * Up to {@code limit} events after {@code offset}, of transactions older than every running one: a transaction
     * still running when this reads gets an xid above the horizon, so it is read later, never skipped.
     */
    static List<ChangeEvent> after(Connection c, Offset offset, int limit) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select xid::text as xid_text, seq, tenant, stream, record_id, op, fields, after::text, before::text,
                       to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       to_char(seen_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), source, backfill
                from change_event
                where (xid, seq) > (?::xid8, ?) and xid < pg_snapshot_xmin(pg_current_snapshot())
                order by change_event.xid, seq
                limit ?""")) {
            ps.setString(1, offset.xid());
            ps.setLong(2, offset.seq());
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array fields = rs.getArray(7);
                    events.add(new ChangeEvent(new Offset(rs.getString(1), rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getLong(5), rs.getString(6),
                            fields == null ? null : Arrays.asList((String[]) fields.getArray()),
                            json(rs.getString(8)), json(rs.getString(9)), rs.getString(10), rs.getString(11),
                            rs.getString(12), rs.getBoolean(13)));
                }
            }
        }
        return events;
    }

    private static Object json(String text) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("change_event holds JSON that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
