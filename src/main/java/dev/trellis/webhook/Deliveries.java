package dev.trellis.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Table webhook_delivery: stored before the 200, claimed by processors with FOR UPDATE SKIP LOCKED. */
final class Deliveries {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A claimed delivery. */
    record Claimed(long id, String tenant, String action, JsonNode body, Instant receivedAt, int attempts) {
    }

    private final DataSource dataSource;

    Deliveries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores and commits a delivery; false when one with the same event id was stored before (a redelivery).
     * An action with nothing to do is stored as done.
     */
    boolean store(String tenant, String eventId, String action, String kind, String body, Instant receivedAt)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into webhook_delivery (tenant, event_id, action, kind, body, received_at, state, processed_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, case when ? then now() end) "
                        + "on conflict (tenant, event_id) do nothing")) {
            boolean none = kind.equals("none");
            ps.setString(1, tenant);
            ps.setString(2, eventId);
            ps.setString(3, action);
            ps.setString(4, kind);
            ps.setString(5, body);
            ps.setTimestamp(6, Timestamp.from(receivedAt));
            ps.setString(7, none ? "done" : "pending");
            ps.setBoolean(8, none);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Locks (in {@code c}'s transaction) up to {@code limit} due deliveries of {@code kind}, all of one tenant: the
     * tenant of the oldest one no other processor holds. Empty when none is due.
     */
    static List<Claimed> claim(Connection c, String kind, int limit) throws SQLException {
        String tenant;
        try (PreparedStatement ps = c.prepareStatement("select tenant from webhook_delivery where state = 'pending' "
                + "and kind = ? and next_attempt_at <= now() order by id limit 1 for update skip locked")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                tenant = rs.getString(1);
            }
        }
        List<Claimed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id, tenant, action, body, received_at, attempts "
                + "from webhook_delivery where state = 'pending' and kind = ? and tenant = ? and next_attempt_at <= now() "
                + "order by id limit ? for update skip locked")) {
            ps.setString(1, kind);
            ps.setString(2, tenant);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), parse(rs.getString(4)),
                            rs.getTimestamp(5).toInstant(), rs.getInt(6)));
                }
            }
        }
        return out;
    }

    /** Marks deliveries processed, in {@code c}'s transaction (the one that applied them). */
    static void finish(Connection c, List<Long> ids, String state, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update webhook_delivery set state = ?, error = ?, "
                + "processed_at = clock_timestamp() where id = any(?)")) {
            ps.setString(1, state);
            ps.setString(2, error);
            ps.setArray(3, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /** Puts deliveries back for a later attempt (or gives up on them after {@code maxAttempts}). */
    void retry(List<Long> ids, Duration wait, int maxAttempts, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update webhook_delivery set attempts = attempts + 1, error = ?, "
                        + "next_attempt_at = now() + ? * interval '1 millisecond', "
                        + "state = case when attempts + 1 >= ? then 'failed' else state end, "
                        + "processed_at = case when attempts + 1 >= ? then now() end where id = any(?)")) {
            ps.setString(1, error);
            ps.setLong(2, wait.toMillis());
            ps.setInt(3, maxAttempts);
            ps.setInt(4, maxAttempts);
            ps.setArray(5, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /** Deletes processed deliveries received before {@code before}, in batches; returns how many went. */
    long trim(Instant before, int batch) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "delete from webhook_delivery where id in (select id from webhook_delivery where state <> 'pending' "
                        + "and received_at < ? limit ?)")) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, batch);
            long total = 0;
            int n;
            do {
                n = ps.executeUpdate();
                total += n;
            } while (n == batch);
            return total;
        }
    }

    private static JsonNode parse(String text) throws SQLException {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new SQLException("webhook_delivery.body is not JSON", e);
        }
    }
}
