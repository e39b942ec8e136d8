package dev.trellis.change;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads change events ascending by seq after a cursor, up to the bound below which every event has committed or
 * rolled back (change_event_bound() in V14), so an event committed later with a lower seq is never skipped.
 */
public final class ChangeFeed {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to read: {@code tenant} and {@code stream} null for all; with {@code tail}, the latest {@code limit} events
     * (ascending) instead of those after {@code after}, and a {@code next} that goes on from now.
     */
    public record Query(String tenant, String stream, long after, int limit, boolean includeBackfill, boolean tail) {
        public Query(String tenant, String stream, long after, int limit, boolean includeBackfill) {
            this(tenant, stream, after, limit, includeBackfill, false);
        }
    }

    /**
     * A page: {@code next} is the cursor to read after (the last event's seq, or the query's when none);
     * {@code trimmedThrough} the highest seq retention has deleted, read after the page.
     */
    public record Page(List<ChangeEvent> events, long next, boolean full, long trimmedThrough) {
    }

    private final DataSource dataSource;

    public ChangeFeed(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Page read(Query q) throws SQLException {
        String sql = "select seq, tenant, stream, record_id, op, fields, before::text, after::text, updated_at, seen_at, "
                + "source, backfill from change_event where seq > ? and seq <= ?" + (q.tenant() == null ? "" : " and tenant = ?")
                + (q.stream() == null ? "" : " and stream = ?") + (q.includeBackfill() ? "" : " and not backfill")
                + " order by seq" + (q.tail() ? " desc" : "") + " limit ?";
        List<ChangeEvent> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            // a statement of its own, before the read's: the read's snapshot must be taken after it
            long bound;
            try (PreparedStatement ps = c.prepareStatement("select change_event_bound()");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                bound = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setLong(i++, q.tail() ? 0 : q.after());
                ps.setLong(i++, bound);
                if (q.tenant() != null) {
                    ps.setString(i++, q.tenant());
                }
                if (q.stream() != null) {
                    ps.setString(i++, q.stream());
                }
                ps.setInt(i, q.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(event(rs));
                    }
                }
            }
            // after the page: a trim that ran meanwhile is seen, so no event it took goes missing silently
            long trimmed = ChangeTrim.trimmedThrough(c);
            if (q.tail()) {
                java.util.Collections.reverse(events);
                // nothing between the last event and the bound matches the query: go on from the bound
                return new Page(events, Math.max(bound, q.after()), false, trimmed);
            }
            long next = events.isEmpty() ? q.after() : events.get(events.size() - 1).seq();
            return new Page(events, next, events.size() == q.limit(), trimmed);
        }
    }

    private static ChangeEvent event(ResultSet rs) throws SQLException {
        Array fields = rs.getArray(6);
        String before = rs.getString(7);
        String after = rs.getString(8);
        try {
            return new ChangeEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                    fields == null ? null : Arrays.asList((String[]) fields.getArray()),
                    before == null ? null : JSON.readTree(before), after == null ? null : JSON.readTree(after),
                    rs.getTimestamp(9) == null ? null : rs.getTimestamp(9).toInstant(), rs.getTimestamp(10).toInstant(),
                    rs.getString(11), rs.getBoolean(12));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("change_event " + rs.getLong(1) + " holds unreadable JSON", e);
        }
    }
}
