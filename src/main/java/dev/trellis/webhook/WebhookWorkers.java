package dev.trellis.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's processing threads: one for deletions, so they never wait behind a re-read held up by the rate
 * budget, and {@code trellis.webhooks.read-threads} for re-reads. Each wakes at once on a delivery stored here and
 * polls for deliveries stored on other instances (or due again); the deletion thread also trims old deliveries.
 */
final class WebhookWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookWorkers.class);
    private static final Duration TRIM_EVERY = Duration.ofHours(1);

    private final WebhookProcessor processor;
    private final Deliveries deliveries;
    private final WebhookSettings settings;
    private final Clock clock;
    private final List<Semaphore> wakeups = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    WebhookWorkers(WebhookProcessor processor, Deliveries deliveries, WebhookSettings settings, Clock clock) {
        this.processor = processor;
        this.deliveries = deliveries;
        this.settings = settings;
        this.clock = clock;
    }

    void start(ExecutorService threads) {
        threads.execute(() -> loop("delete", true));
        for (int i = 0; i < settings.readThreads(); i++) {
            threads.execute(() -> loop("read", false));
        }
    }

    /** A delivery was stored here: every thread looks now instead of at its next poll. */
    void wake() {
        wakeups.forEach(Semaphore::release);
    }

    void stop() {
        stopped = true;
        wake();
    }

    private void loop(String kind, boolean trims) {
        Semaphore wakeup = new Semaphore(0);
        wakeups.add(wakeup);
        Instant nextTrim = clock.instant();
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            try {
                wakeup.drainPermits();
                int claimed = processor.batch(kind);
                if (trims && clock.instant().isAfter(nextTrim)) {
                    nextTrim = clock.instant().plus(TRIM_EVERY);
                    long trimmed = deliveries.trim(clock.instant().minus(settings.retention()), 1000);
                    if (trimmed > 0) {
                        LOG.info("Trimmed {} processed webhook deliveries older than {} days", trimmed,
                                settings.retention().toDays());
                    }
                }
                if (claimed == 0) {
                    wakeup.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("Webhook processing ({}) failed: {}", kind, e.getMessage());
                sleep();
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(settings.poll().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
