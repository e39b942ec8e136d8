package dev.trellis.sandbox;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the sandbox's truth, to compare a client's view against.
 *
 * @param counts        existing records per resource (all of them: service accounts, default rejection reasons
 *                      included; job posts without the soft-deleted ones)
 * @param deletedIds    ids deleted since start, per resource (cascades included), ascending
 * @param requestCounts requests by {@code "METHOD /path/{id} STATUS"} (STATUS may be {@code dropped} or
 *                      {@code "200 truncated"})
 */
public record SandboxState(Map<Resource, Long> counts, Map<Resource, List<Long>> deletedIds,
        Map<String, Long> requestCounts) {

    public long count(Resource r) {
        return counts.get(r);
    }

    public List<Long> deleted(Resource r) {
        return deletedIds.getOrDefault(r, List.of());
    }

    /** Requests seen for a key such as {@code "GET /v3/candidates 200"}; 0 when none. */
    public long requests(String key) {
        return requestCounts.getOrDefault(key, 0L);
    }
}
