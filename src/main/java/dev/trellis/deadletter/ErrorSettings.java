package dev.trellis.deadletter;

import dev.trellis.config.Settings;
import java.time.Duration;
import java.util.List;

/** The trellis.errors.* keys: the error channel's redelivery, the words masked in dead letters, the gauge's refresh. */
public record ErrorSettings(int maximumRedeliveries, Duration redeliveryDelay, double backoffMultiplier,
        Duration maximumRedeliveryDelay, List<String> secretWords, Duration gaugeRefresh) {

    public static ErrorSettings bind(Settings settings) {
        return new ErrorSettings(
                settings.integer("trellis.errors.maximum-redeliveries", 0, 100),
                settings.millis("trellis.errors.redelivery-delay-ms", 0, 3_600_000),
                settings.decimal("trellis.errors.backoff-multiplier", 1, 100),
                settings.millis("trellis.errors.maximum-redelivery-delay-ms", 0, 24 * 3_600_000L),
                settings.list("trellis.errors.secret-words"),
                settings.millis("trellis.errors.gauge-refresh-ms", 100, 3_600_000));
    }
}
