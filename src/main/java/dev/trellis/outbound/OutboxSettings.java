package dev.trellis.outbound;

import dev.trellis.config.Settings;
import java.time.Duration;

/** The trellis.outbox.* keys: the dispatcher's threads, attempts, backoff, poll, stop grace and batch size. */
public record OutboxSettings(int threads, int maxAttempts, Duration backoff, Duration maxBackoff, Duration poll,
        Duration stopGrace, int batchSize) {

    public static OutboxSettings bind(Settings settings) {
        return new OutboxSettings(
                settings.integer("trellis.outbox.threads", 0, 64),
                settings.integer("trellis.outbox.max-attempts", 1, 1000),
                settings.millis("trellis.outbox.backoff-ms", 1, 3_600_000),
                settings.millis("trellis.outbox.max-backoff-ms", 1, 24 * 3_600_000L),
                settings.millis("trellis.outbox.poll-ms", 10, 3_600_000),
                settings.millis("trellis.outbox.stop-grace-ms", 0, 600_000),
                settings.integer("trellis.outbox.batch-size", 1, 1000));
    }
}
