package dev.trellis.connection;

import dev.trellis.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** The trellis.tenants.* keys the live connections use, and where the zero-setup encryption key lives. */
public record ConnectionSettings(Path tenantsDir, Duration refresh, Path dataDir) {

    public static ConnectionSettings bind(Settings settings) {
        return new ConnectionSettings(
                settings.path("trellis.tenants.dir"),
                settings.seconds("trellis.tenants.refresh-seconds", 1, 3600),
                settings.home().resolve("data"));
    }
}
