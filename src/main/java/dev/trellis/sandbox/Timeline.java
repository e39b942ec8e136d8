package dev.trellis.sandbox;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Where generated records sit in time and in the parent/child tree. Generated timestamps are fixed (not relative to
 * now) and all lie before 2026; a record's timestamps stay within {@link #maxLag} of {@link #earliest}, which never
 * decreases with the index, so a date window maps to an index range by binary search.
 */
final class Timeline {
    static final long DAY = 86_400_000L;
    static final long REFERENCE_START = Instant.parse("2018-01-01T00:00:00Z").toEpochMilli();
    static final long REFERENCE_SPAN = 30 * DAY;
    static final long ROOT_START = Instant.parse("2019-01-01T00:00:00Z").toEpochMilli();
    static final long ROOT_SPAN = Instant.parse("2025-06-30T00:00:00Z").toEpochMilli() - ROOT_START;
    static final long ROOT_JITTER = DAY;
    static final long CHILD_LAG = 14 * DAY;
    static final long UPDATE_LAG = 120 * DAY;

    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final long seed;
    private final Map<Resource, Long> sizes;

    Timeline(long seed, Map<Resource, Long> sizes) {
        this.seed = seed;
        this.sizes = sizes;
    }

    static String iso(long millis) {
        return ISO.format(Instant.ofEpochMilli(millis));
    }

    long size(Resource r) {
        return sizes.get(r);
    }

    /** Index of the parent of child {@code i} (proportional spread, so a parent's children are contiguous). */
    long parentIndex(Resource child, long i) {
        if (child == Resource.SCORECARDS) {
            // scorecard i belongs to interviewer row i, so it hangs from that row's application (contiguous too)
            return parentIndex(Resource.INTERVIEWS, parentIndex(Resource.INTERVIEWERS, i));
        }
        long n = size(child);
        long p = size(child.parent());
        return (i * p + n - 1) / n;
    }

    /** First generated child index of parent {@code p}; greater than {@link #lastChild} when it has none. */
    long firstChild(Resource child, long p) {
        if (child == Resource.SCORECARDS) {
            return firstChild(Resource.INTERVIEWERS, firstChild(Resource.INTERVIEWS, p));
        }
        long n = size(child);
        long parents = size(child.parent());
        return (p - 1) * n / parents + 1;
    }

    long lastChild(Resource child, long p) {
        if (child == Resource.SCORECARDS) {
            return lastChild(Resource.INTERVIEWERS, lastChild(Resource.INTERVIEWS, p));
        }
        return p * size(child) / size(child.parent());
    }

    private static boolean isReferenceData(Resource r) {
        return r != Resource.JOBS && r != Resource.CANDIDATES && r.parent() == null;
    }

    /** A lower bound of every timestamp of record {@code i}; non-decreasing in {@code i}. */
    long earliest(Resource r, long i) {
        if (r.parent() != null) {
            return earliest(r.parent(), parentIndex(r, i));
        }
        long n = size(r);
        if (isReferenceData(r)) {
            return REFERENCE_START + (long) ((double) REFERENCE_SPAN * (i - 1) / n);
        }
        return ROOT_START + (long) ((double) ROOT_SPAN * (i - 1) / n);
    }

    /** Every timestamp of record {@code i} is at most {@code earliest + maxLag}. */
    long maxLag(Resource r) {
        long lag = ROOT_JITTER + UPDATE_LAG;
        for (Resource p = r.parent(); p != null; p = p.parent()) {
            lag += CHILD_LAG;
        }
        return lag;
    }

    long created(Resource r, long i) {
        long h = Gen.hash(seed, 1000 + r.ordinal(), i);
        if (r.parent() != null) {
            return created(r.parent(), parentIndex(r, i)) + Math.floorMod(h, CHILD_LAG);
        }
        return earliest(r, i) + Math.floorMod(h, ROOT_JITTER);
    }

    long updated(Resource r, long i, long created) {
        long h = Gen.hash(seed, 2000 + r.ordinal(), i);
        return Math.floorMod(h, 10) < 3 ? created : created + Math.floorMod(h >>> 8, UPDATE_LAG);
    }

    /** Smallest index range [lo, hi] that can hold records with a timestamp in [from, to]; lo > hi when empty. */
    long[] indexRange(Resource r, long from, long to) {
        long n = size(r);
        long lag = maxLag(r);
        long lowTime = from == Long.MIN_VALUE ? Long.MIN_VALUE : from - lag;
        // first index whose earliest >= lowTime - 1 (earliest could be just below; predicate filters the rest)
        long lo = firstIndexWithEarliestAtLeast(r, lowTime, n);
        // last index whose earliest <= to
        long hi = firstIndexWithEarliestAtLeast(r, to == Long.MAX_VALUE ? Long.MAX_VALUE : to + 1, n) - 1;
        return new long[] {Math.max(1, lo - 1), Math.min(n, hi)};
    }

    private long firstIndexWithEarliestAtLeast(Resource r, long t, long n) {
        long lo = 1;
        long hi = n + 1;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (earliest(r, mid) >= t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
