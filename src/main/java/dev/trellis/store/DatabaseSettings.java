package dev.trellis.store;

import dev.trellis.config.Settings;
import java.nio.file.Path;

/** The trellis.db.* keys: an external server's URL (null: embedded), user, pool, embedded directory and port. */
public record DatabaseSettings(String url, String user, int poolSize, Path embeddedDir, int embeddedPort) {

    public static DatabaseSettings bind(Settings settings) {
        return new DatabaseSettings(
                settings.optional("trellis.db.url").orElse(null),
                settings.required("trellis.db.user"),
                settings.integer("trellis.db.pool-size", 1, 1000),
                settings.path("trellis.db.embedded-dir"),
                settings.integer("trellis.db.embedded-port", 0, 65_535));
    }
}
