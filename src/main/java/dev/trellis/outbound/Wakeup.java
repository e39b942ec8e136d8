package dev.trellis.outbound;

/** Wakes waiting dispatcher threads; a waiter that started before a wake-up never misses it. */
final class Wakeup {
    private long generation;

    synchronized long generation() {
        return generation;
    }

    synchronized void wake() {
        generation++;
        notifyAll();
    }

    /** Waits until a wake-up after {@code seen}, or the timeout. */
    synchronized void await(long seen, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (generation == seen) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }
}
