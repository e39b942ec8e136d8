package dev.trellis.check;

import dev.trellis.config.Settings;
import java.time.Duration;
import java.util.List;

/** The trellis.check.* keys: when the hub checks every tenant, each probe's timeout, what is not checked. */
public record CheckSettings(Duration period, boolean onStartup, Duration startupDelay, Duration timeout,
        List<String> disabledFeatures, List<String> webhookTenants) {

    public static CheckSettings bind(Settings settings) {
        return new CheckSettings(
                settings.minutes("trellis.check.period-minutes", 0, 7 * 24 * 60),
                settings.flag("trellis.check.on-startup"),
                settings.millis("trellis.check.startup-delay-ms", 0, 3_600_000),
                settings.millis("trellis.check.timeout-ms", 1, 600_000),
                settings.list("trellis.check.disabled-features"),
                settings.list("trellis.check.webhook-tenants"));
    }
}
