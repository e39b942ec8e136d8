package dev.trellis.sync;

import org.apache.camel.builder.RouteBuilder;

/** The REST API of the streams. */
public final class StreamRoutes extends RouteBuilder {
    @Override
    public void configure() {
        StreamApi api = getContext().getRegistry().lookupByNameAndType("streamApi", StreamApi.class);
        rest("/api/streams")
                .get().routeId("api-streams-list").to("direct:api-streams-list")
                .post("/{tenant}/{stream}/sync").routeId("api-streams-sync").to("direct:api-streams-sync")
                .post("/{tenant}/{stream}/reset").routeId("api-streams-reset").to("direct:api-streams-reset");
        from("direct:api-streams-list").routeId("api-streams-list-handler").process(api::list);
        from("direct:api-streams-sync").routeId("api-streams-sync-handler").process(api::syncNow);
        from("direct:api-streams-reset").routeId("api-streams-reset-handler").process(api::reset);
    }
}
