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
 * lock, the offset (the seq of the last event the route completed), and reading the events after it up to the feed's
 * read bound (docs/changes.md "Order and the read bound"), so an event committed later with a lower seq is not skipped.
 */
final class ChangeFeed {
    /** First key of the consumers' session advisory locks (second key: hash of the consumer name). */
    private static final int LOCK_CLASS = 0x0C4A6E;
    private static final ObjectMapper JSON = new ObjectMapper();

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
    static long offset(Connection c, String consumer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into change_consumer (name) values (?) on conflict (name) do nothing")) {
            ps.setString(1, consumer);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select last_seq from change_consumer where name = ?")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void save(Connection c, String consumer, long seq, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update change_consumer set last_seq = ?, owner = ?, "
                + "updated_at = now() where name = ?")) {
            ps.setLong(1, seq);
            ps.setString(2, owner);
            ps.setString(3, consumer);
            ps.executeUpdate();
        }
    }

    /**
     * Up to {@code limit} events after {@code seq}, up to the read bound, asked in a statement of its own first (the
     * session is in autocommit: the read's snapshot is taken after it).
     */
    static List<ChangeEvent> after(Connection c, long seq, int limit) throws SQLException {
        long bound;
        try (PreparedStatement ps = c.prepareStatement("select change_event_bound()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            bound = rs.getLong(1);
        }
        List<ChangeEvent> events = new ArrayList<>();
        if (bound <= seq) {
            return events;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select seq, tenant, stream, record_id, op, fields, after::text, before::text,
                       to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       to_char(seen_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), source, backfill
                from change_event
                where seq > ? and seq <= ?
                order by seq
                limit ?""")) {
            ps.setLong(1, seq);
            ps.setLong(2, bound);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array fields = rs.getArray(6);
                    events.add(new ChangeEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), fields == null ? null : Arrays.asList((String[]) fields.getArray()),
                            json(rs.getString(7)), json(rs.getString(8)), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getBoolean(12)));
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
