package dev.trellis.change;

import dev.trellis.config.Settings;
import java.time.Duration;

/** The trellis.changes.* keys: how long change events are kept, and how often the oldest are trimmed. */
public record ChangeSettings(Duration retention, Duration trimPeriod) {

    public static ChangeSettings bind(Settings settings) {
        return new ChangeSettings(
                Duration.ofDays(settings.number("trellis.changes.retention-days", 1, 3650)),
                settings.seconds("trellis.changes.trim-period-seconds", 10, 24 * 3600));
    }
}
