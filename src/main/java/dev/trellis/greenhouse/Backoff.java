package dev.trellis.greenhouse;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: retry n waits between half and all of min(max, base * 2^(n-1)). */
public final class Backoff {
    private Backoff() {
    }

    /** The wait before retry {@code attempt} (1 for the first); the jitter keeps many retries from aligning. */
    public static Duration delay(Duration base, Duration max, int attempt) {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }
}
