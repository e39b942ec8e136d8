package dev.trellis.sync;

import dev.trellis.config.Settings;
import java.time.Duration;

/** The trellis.sync.* keys: runs at once, the lag health check's grace, how often interrupted runs are looked for. */
public record SyncSettings(int threads, Duration lagGrace, Duration resumeCheck) {

    public static SyncSettings bind(Settings settings) {
        return new SyncSettings(
                settings.integer("trellis.sync.threads", 1, 64),
                settings.minutes("trellis.sync.lag-grace-minutes", 0, 7 * 24 * 60),
                settings.seconds("trellis.sync.resume-check-seconds", 1, 24 * 3600));
    }
}
