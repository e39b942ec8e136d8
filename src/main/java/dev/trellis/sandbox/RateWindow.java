package dev.trellis.sandbox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed-window request counting per key (a credential), windows aligned on the epoch (docs/greenhouse.md#rate-limits).
 */
final class RateWindow {
    /** The outcome of one request: allowed or not, and the header values to send. */
    record Outcome(boolean allowed, int limit, int remaining, long resetEpochSeconds, long retryAfterSeconds) {
        Reply addHeaders(Reply reply) {
            reply.header("X-RateLimit-Limit", Integer.toString(limit));
            reply.header("X-RateLimit-Remaining", Integer.toString(remaining));
            reply.header("X-RateLimit-Reset", Long.toString(resetEpochSeconds));
            if (!allowed) {
                reply.header("Retry-After", Long.toString(retryAfterSeconds));
            }
            return reply;
        }
    }

    private static final class Counter {
        final long start;
        int used;

        Counter(long start) {
            this.start = start;
        }
    }

    private final int limit;
    private final long windowMillis;
    private final SandboxClock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    RateWindow(int limit, long windowMillis, SandboxClock clock) {
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    boolean enabled() {
        return limit > 0;
    }

    int limit() {
        return limit;
    }

    /** The sandbox's now in epoch seconds (the clock tests can advance). */
    long nowSeconds() {
        return clock.millis() / 1000;
    }

    Outcome take(String key) {
        long now = clock.millis();
        long start = now - Math.floorMod(now, windowMillis);
        long end = start + windowMillis;
        Counter c = counters.compute(key, (k, old) -> old == null || old.start != start ? new Counter(start) : old);
        boolean allowed;
        int used;
        synchronized (c) {
            allowed = c.used < limit;
            if (allowed) {
                c.used++;
            }
            used = c.used;
        }
        long retryAfter = Math.max(1, (end - now + 999) / 1000);
        return new Outcome(allowed, limit, Math.max(0, limit - used), (end + 999) / 1000, retryAfter);
    }
}
