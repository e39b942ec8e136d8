package dev.trellis.hub;

import dev.trellis.config.Settings;
import java.nio.file.Path;
import java.util.List;

/** The hub's own keys: where tenants are, the demo, the routes health must see, the live reload of route files. */
record HubSettings(Path tenantsDir, boolean demo, int demoCandidates, List<String> requiredRoutes,
        boolean reloadRoutes, String reloadDirectory, String reloadPattern, boolean tenantLabel) {

    static HubSettings bind(Settings settings) {
        boolean reload = settings.flag("camel.main.routes-reload-enabled");
        return new HubSettings(
                settings.path("trellis.tenants.dir"),
                settings.flag("trellis.demo.enabled"),
                settings.integer("trellis.demo.candidates", 1, 10_000_000),
                settings.list("trellis.health.required-routes"),
                reload,
                reload ? settings.required("camel.main.routes-reload-directory") : null,
                reload ? settings.required("camel.main.routes-reload-pattern") : null,
                settings.flag("trellis.metrics.tenant-label"));
    }
}
