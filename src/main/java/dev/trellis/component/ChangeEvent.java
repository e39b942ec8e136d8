package dev.trellis.component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row of change_event as a consumer receives it; {@link #body()} is the exchange body. */
record ChangeEvent(long seq, String tenant, String stream, long recordId, String op,
        List<String> fields, Object after, Object before, String updatedAt, String seenAt, String source,
        boolean backfill) {

    /** The event as a Map of its JSON names: what a route's steps and a dead letter see. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seq", seq());
        body.put("tenant", tenant);
        body.put("stream", stream);
        body.put("id", recordId);
        body.put("op", op);
        body.put("fields", fields);
        body.put("after", after);
        body.put("before", before);
        body.put("updated_at", updatedAt);
        body.put("seen_at", seenAt);
        body.put("source", source);
        body.put("backfill", backfill);
        return body;
    }
}
