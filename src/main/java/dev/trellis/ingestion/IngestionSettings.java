package dev.trellis.ingestion;

import dev.trellis.config.Settings;
import java.time.Duration;

/** The trellis.ingestion.* keys: the schedules of the job import and the status sync, and what runs at start-up. */
public record IngestionSettings(Duration jobsPeriod, Duration statusPeriod, boolean connectOnStartup,
        boolean importOnStartup, Duration startupDelay) {

    public static IngestionSettings bind(Settings settings) {
        // like the connection check (whose step 4 is the same code): on unless trellis.check.on-startup is false
        boolean startup = settings.flag("trellis.check.on-startup");
        return new IngestionSettings(
                settings.minutes("trellis.ingestion.jobs-period-minutes", 0, 7 * 24 * 60),
                settings.minutes("trellis.ingestion.status-period-minutes", 0, 7 * 24 * 60),
                settings.optionalFlag("trellis.ingestion.connect-on-startup").orElse(startup),
                settings.optionalFlag("trellis.ingestion.import-on-startup").orElse(startup),
                settings.millis("trellis.ingestion.startup-delay-ms", 0, 3_600_000));
    }
}
