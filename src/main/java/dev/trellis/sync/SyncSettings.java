package dev.trellis.sync;

import dev.trellis.config.Settings;
import java.time.Duration;

/**
 * The trellis.sync.* keys: workers per instance, runs per tenant at once, the queue's poll, a run's time slice and a
 * claim's lease, the lag health check's grace, how often interrupted runs are looked for.
 */
public record SyncSettings(int threads, int tenantConcurrency, Duration poll, Duration slice, Duration claimLease,
        Duration lagGrace, Duration resumeCheck) {

    public static SyncSettings bind(Settings settings) {
        return new SyncSettings(
                settings.integer("trellis.sync.threads", 1, 64),
                settings.integer("trellis.sync.tenant-concurrency", 1, 64),
                settings.millis("trellis.sync.poll-ms", 50, 60_000),
                settings.seconds("trellis.sync.slice-seconds", 0, 24 * 3600),
                settings.seconds("trellis.sync.claim-lease-seconds", 3, 3600),
                settings.minutes("trellis.sync.lag-grace-minutes", 0, 7 * 24 * 60),
                settings.seconds("trellis.sync.resume-check-seconds", 1, 24 * 3600));
    }
}
