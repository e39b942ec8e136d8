package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One resource's records: the generated id range plus overlays (created records, changed copies of generated
 * records, deleted ids). Only overlays take memory.
 */
final class Table {
    final Resource resource;
    final long generated;
    /** Records made after start (writes, ingestion, churn), by id. */
    final ConcurrentSkipListMap<Long, ObjectNode> created = new ConcurrentSkipListMap<>();
    /** Changed copies of generated records, by id. */
    final Map<Long, ObjectNode> changed = new ConcurrentHashMap<>();
    /** Ids of created or changed records: always visited by window queries, whatever the index range. */
    final ConcurrentSkipListSet<Long> touched = new ConcurrentSkipListSet<>();
    /** Deleted ids (for job posts: soft-deleted, still listed with active=false). */
    final Set<Long> deleted = ConcurrentHashMap.newKeySet();
    /** The id of the first record created after start. */
    final long firstCreatedId;
    private final AtomicLong nextId;

    /** Created records get ids above the generated range and above {@code createdIdsAbove}. */
    Table(Resource resource, long generated, long createdIdsAbove) {
        this.resource = resource;
        this.generated = generated;
        this.firstCreatedId = Math.max(resource.idBase() + generated, createdIdsAbove) + 1;
        this.nextId = new AtomicLong(firstCreatedId);
    }

    long newId() {
        return nextId.getAndIncrement();
    }

    /** Index of a generated id, or -1 when the id is not in the generated range. */
    long indexOf(long id) {
        long i = id - resource.idBase();
        return i >= 1 && i <= generated ? i : -1;
    }

    long count() {
        return generated + created.size() - deleted.size();
    }

    /**
     * The largest id below {@code below} that is in the generated index range [lo, hi] or was created or changed.
     * Deleted ids are skipped unless asked for. Returns -1 when there is none.
     */
    long nextBelow(long below, long lo, long hi, boolean includeDeleted) {
        long base = resource.idBase();
        while (true) {
            long gid = -1;
            if (lo <= hi) {
                long candidate = Math.min(below - 1, base + hi);
                if (candidate >= base + lo) {
                    gid = candidate;
                }
            }
            Long t = touched.lower(below);
            long id = Math.max(gid, t == null ? -1 : t);
            if (id < 0) {
                return -1;
            }
            if (!includeDeleted && deleted.contains(id)) {
                below = id;
                continue;
            }
            return id;
        }
    }
}
