package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link ListQuery}: walks ids downward from just below the last id answered, so a page costs the records
 * it visits, not the size of the table. Reads one record ahead to know whether a next page exists.
 */
final class Pager {
    /** One page of records and whether more follow. */
    record Page(List<ObjectNode> records, boolean hasMore) {
        long lastId() {
            return records.get(records.size() - 1).get("id").asLong();
        }
    }

    private final Organisation org;

    Pager(Organisation org) {
        this.org = org;
    }

    Page page(ListQuery q, long below) {
        IdSource source = source(q);
        List<ObjectNode> out = new ArrayList<>(Math.min(q.perPage + 1, 501));
        long cursor = below;
        while (out.size() <= q.perPage) {
            long id = source.next(cursor);
            if (id < 0) {
                break;
            }
            cursor = id;
            ObjectNode rec = q.includeDeleted ? org.getIncludingDeleted(q.resource, id) : org.get(q.resource, id);
            if (rec != null && q.matches(rec)) {
                out.add(rec);
            }
        }
        boolean more = out.size() > q.perPage;
        if (more) {
            out.remove(out.size() - 1);
        }
        return new Page(out, more);
    }

    /** Yields candidate ids in descending order, each below the one given; -1 when done. */
    private interface IdSource {
        long next(long below);
    }

    private IdSource source(ListQuery q) {
        if (q.explicitIds != null) {
            return sorted(q.explicitIds);
        }
        if (q.parentIds != null) {
            long[] all = new long[0];
            for (long parent : q.parentIds) {
                long[] c = org.childIds(q.resource, parent);
                long[] merged = Arrays.copyOf(all, all.length + c.length);
                System.arraycopy(c, 0, merged, all.length, c.length);
                all = merged;
            }
            Arrays.sort(all);
            return sorted(all);
        }
        Table table = org.table(q.resource);
        long lo = 1;
        long hi = table.generated;
        if (q.window != null) {
            long[] range = org.timeline().indexRange(q.resource, q.window.from(), q.window.to());
            lo = range[0];
            hi = range[1];
        }
        long from = lo;
        long to = hi;
        boolean includeDeleted = q.includeDeleted;
        return below -> table.nextBelow(below, from, to, includeDeleted);
    }

    private static IdSource sorted(long[] ascending) {
        return below -> {
            int k = Arrays.binarySearch(ascending, below);
            int idx = k >= 0 ? k - 1 : -k - 2;
            return idx >= 0 ? ascending[idx] : -1;
        };
    }
}
