package dev.trellis.change;

import org.apache.camel.builder.RouteBuilder;

/** The REST API of the change feed: one route handing the request to {@link ChangeApi}. */
public final class ChangeRoutes extends RouteBuilder {
    @Override
    public void configure() {
        rest("/api/changes").get().routeId("api-changes-list").to("bean:changeApi?method=list");
    }
}
