package dev.trellis.change;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row of change_event, as the API shows it. */
public record ChangeEvent(long seq, String tenant, String stream, long id, String op, List<String> fields,
        JsonNode before, JsonNode after, Instant updatedAt, Instant seenAt, String source, boolean backfill) {

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("tenant", tenant);
        m.put("stream", stream);
        m.put("id", id);
        m.put("op", op);
        m.put("fields", fields);
        m.put("before", before);
        m.put("after", after);
        m.put("updated_at", updatedAt == null ? null : updatedAt.toString());
        m.put("seen_at", seenAt.toString());
        m.put("source", source);
        m.put("backfill", backfill);
        return m;
    }
}
