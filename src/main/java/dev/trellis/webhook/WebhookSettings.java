package dev.trellis.webhook;

import dev.trellis.config.Settings;
import java.time.Duration;

/**
 * The trellis.webhooks.* keys: processing threads, deliveries per batch, the fallback poll, retries of a failed
 * re-read, how long a paused tenant's deliveries wait between checks, and how long processed deliveries are kept.
 */
public record WebhookSettings(int readThreads, int batchSize, Duration poll, int maxAttempts, Duration backoff,
        Duration maxBackoff, Duration pausedRecheck, Duration retention) {

    public static WebhookSettings bind(Settings settings) {
        return new WebhookSettings(
                settings.integer("trellis.webhooks.read-threads", 0, 64),
                settings.integer("trellis.webhooks.batch-size", 1, 1000),
                settings.millis("trellis.webhooks.poll-ms", 50, 60_000),
                settings.integer("trellis.webhooks.max-attempts", 1, 100),
                settings.millis("trellis.webhooks.backoff-ms", 1, 3_600_000),
                settings.millis("trellis.webhooks.max-backoff-ms", 1, 24 * 3_600_000),
                settings.seconds("trellis.webhooks.paused-recheck-seconds", 1, 24 * 3600),
                Duration.ofDays(settings.integer("trellis.webhooks.retention-days", 1, 3650)));
    }
}
