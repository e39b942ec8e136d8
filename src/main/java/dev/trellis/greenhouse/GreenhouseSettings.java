package dev.trellis.greenhouse;

import dev.trellis.config.Settings;
import java.time.Duration;

/** The trellis.greenhouse.* keys: the rate budget per tenant and window, and the gateway's retry policy. */
public record GreenhouseSettings(int rateBudget, int maxAttempts, Duration backoff, Duration maxBackoff,
        Duration timeout) {

    public static GreenhouseSettings bind(Settings settings) {
        return new GreenhouseSettings(
                settings.integer("trellis.greenhouse.rate-budget", 1, Integer.MAX_VALUE),
                settings.integer("trellis.greenhouse.max-attempts", 1, 100),
                settings.millis("trellis.greenhouse.backoff-ms", 1, 3_600_000),
                settings.millis("trellis.greenhouse.max-backoff-ms", 1, 3_600_000),
                settings.millis("trellis.greenhouse.timeout-ms", 1, 3_600_000));
    }

    public GreenhouseGateway.Policy policy() {
        return new GreenhouseGateway.Policy(maxAttempts, backoff, maxBackoff, timeout);
    }
}
