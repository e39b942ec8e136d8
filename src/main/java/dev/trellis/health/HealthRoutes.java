package dev.trellis.health;

import org.apache.camel.builder.RouteBuilder;

/** {@code GET /api/health}: the health checks on the API port, behind its token (the console reads it). */
public final class HealthRoutes extends RouteBuilder {
    @Override
    public void configure() {
        rest("/api/health").get().routeId("api-health").to("bean:" + HealthApi.BEAN + "?method=health");
    }
}
