package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One row of the {@code outbox} table. */
public record OutboxItem(
        long id,
        String tenant,
        String kind,
        JsonNode payload,
        Long actingUser,
        String idempotencyKey,
        String orderingKey,
        String status,
        int attempts,
        Instant nextAttemptAt,
        boolean ambiguous,
        Long greenhouseId,
        /** The older item that already held this Greenhouse id when this one was delivered (null: none). */
        Long recordHeldBy,
        String lastError,
        Integer claimedBy,
        Instant createdAt,
        Instant updatedAt,
        Instant deliveredAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How update and delete items refer to the interview an outbox item created. */
    public static String ref(long id) {
        return "outbox-" + id;
    }

    static OutboxItem from(ResultSet rs) throws SQLException {
        JsonNode payload;
        try {
            payload = JSON.readTree(rs.getString("payload"));
        } catch (java.io.IOException e) {
            throw new SQLException("outbox " + rs.getLong("id") + ": payload is not JSON", e);
        }
        return new OutboxItem(rs.getLong("id"), rs.getString("tenant"), rs.getString("kind"), payload,
                (Long) rs.getObject("acting_user", Long.class), rs.getString("idempotency_key"),
                rs.getString("ordering_key"), rs.getString("status"), rs.getInt("attempts"),
                instant(rs.getTimestamp("next_attempt_at")), rs.getBoolean("ambiguous"),
                (Long) rs.getObject("greenhouse_id", Long.class), (Long) rs.getObject("record_held_by", Long.class),
                rs.getString("last_error"),
                (Integer) rs.getObject("claimed_by", Integer.class), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")), instant(rs.getTimestamp("delivered_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** As the REST API shows it. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("ref", ref(id));
        m.put("tenant", tenant);
        m.put("kind", kind);
        m.put("status", status);
        m.put("attempts", attempts);
        m.put("greenhouse_id", greenhouseId);
        m.put("record_held_by", recordHeldBy);
        m.put("last_error", lastError);
        m.put("ambiguous", ambiguous);
        m.put("acting_user", actingUser);
        m.put("idempotency_key", idempotencyKey);
        m.put("ordering_key", orderingKey);
        m.put("next_attempt_at", str(nextAttemptAt));
        m.put("created_at", str(createdAt));
        m.put("updated_at", str(updatedAt));
        m.put("delivered_at", str(deliveredAt));
        m.put("payload", payload);
        return m;
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
