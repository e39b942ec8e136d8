package dev.trellis.hub;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for what a hub does in the background: polls a probe until it answers something other than null. */
public final class Await {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** The probe's first non-null answer within 30 s, polled every 100 ms; an AssertionError after that. */
    public static <T> T until(Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + LIMIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
