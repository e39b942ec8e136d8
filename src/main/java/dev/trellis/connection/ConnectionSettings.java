package dev.trellis.connection;

import dev.trellis.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The trellis.tenants.* keys the live connections use, and the keys that seal their secrets (TRELLIS_ENCRYPTION_KEY,
 * or the zero-setup key file under the home's data/), read with the other settings so a bad key stops the start early.
 */
public record ConnectionSettings(Path tenantsDir, Duration refresh, KeyRing keys) {

    public static ConnectionSettings bind(Settings settings) {
        return new ConnectionSettings(
                settings.path("trellis.tenants.dir"),
                settings.seconds("trellis.tenants.refresh-seconds", 1, 3600),
                KeyRing.load(settings.home().resolve("data")));
    }
}
