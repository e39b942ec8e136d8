package dev.trellis.connection;

import org.apache.camel.builder.RouteBuilder;

/** {@code /api/tenants} (connections) and {@code /api/keys} (the keys that seal their secrets). */
public final class TenantRoutes extends RouteBuilder {
    @Override
    public void configure() {
        String api = "bean:" + TenantApi.BEAN + "?method=";
        rest("/api/tenants")
                .post("/check").routeId("api-tenants-check").to(api + "check")
                .post().routeId("api-tenants-create").to(api + "create")
                .get().routeId("api-tenants-list").to(api + "list")
                .get("/{tenant}").routeId("api-tenant-show").to(api + "show")
                .patch("/{tenant}").routeId("api-tenant-change").to(api + "change")
                .post("/{tenant}/pause").routeId("api-tenant-pause").to(api + "pause")
                .post("/{tenant}/resume").routeId("api-tenant-resume").to(api + "resume")
                .delete("/{tenant}").routeId("api-tenant-remove").to(api + "remove");
        rest("/api/keys")
                .get().routeId("api-keys").to(api + "keys")
                .post("/rotate").routeId("api-keys-rotate").to(api + "rotate");
    }
}
