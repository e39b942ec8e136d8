package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void eachRetryWaitsBetweenHalfAndAllOfTheDoubledBaseUpToTheMaximum() {
        long[] caps = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int attempt = 1; attempt <= caps.length; attempt++) {
            for (int i = 0; i < 200; i++) {
                long ms = Backoff.delay(BASE, MAX, attempt).toMillis();
                long cap = caps[attempt - 1];
                assertTrue(ms >= cap / 2 && ms <= cap, "attempt " + attempt + ": " + ms + " ms, cap " + cap);
            }
        }
    }

    @Test
    void aLateAttemptStaysAtTheMaximumInsteadOfOverflowing() {
        for (int attempt : new int[] {21, 63, 64, 1000, Integer.MAX_VALUE}) {
            long ms = Backoff.delay(BASE, MAX, attempt).toMillis();
            assertTrue(ms >= 15_000 && ms <= 30_000, "attempt " + attempt + ": " + ms);
        }
    }

    @Test
    void theWaitIsJitteredSoRetriesDoNotAlign() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(Backoff.delay(BASE, MAX, 4).toMillis());
        }
        assertTrue(seen.size() > 10, "50 draws gave " + seen);
        assertEquals(0, Backoff.delay(Duration.ZERO, MAX, 3).toMillis());
    }
}
