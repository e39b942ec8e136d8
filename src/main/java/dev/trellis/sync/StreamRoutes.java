package dev.trellis.sync;

import org.apache.camel.builder.RouteBuilder;

/** The REST API of the streams: each endpoint is one route that hands the request to a {@link StreamApi} method. */
public final class StreamRoutes extends RouteBuilder {
    @Override
    public void configure() {
        rest("/api/streams")
                .get().routeId("api-streams-list").to("bean:streamApi?method=list")
                .get("/freshness").routeId("api-streams-freshness").to("bean:streamApi?method=freshness")
                .get("/{tenant}/{stream}/runs").routeId("api-streams-runs").to("bean:streamApi?method=runs")
                .post("/{tenant}/{stream}/sync").routeId("api-streams-sync").to("bean:streamApi?method=syncNow")
                .post("/{tenant}/{stream}/reset").routeId("api-streams-reset").to("bean:streamApi?method=reset");
    }
}
