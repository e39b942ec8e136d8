package dev.trellis.deadletter;

import org.apache.camel.builder.RouteBuilder;

/** The dead-letter route at the end of the error channel, its REST API and the open-letters gauge. */
public final class DeadLetterRoutes extends RouteBuilder {
    public static final String ENDPOINT = "direct:dead-letter";

    @Override
    public void configure() {
        // built and bound by HubConfiguration
        DeadLetterRecorder recorder = getContext().getRegistry().lookupByNameAndType("deadLetterRecorder", DeadLetterRecorder.class);
        DeadLetterGauge gauge = getContext().getRegistry().lookupByNameAndType("deadLetterGauge", DeadLetterGauge.class);
        // its own failures must not loop back into itself: the error channel then logs them
        from(ENDPOINT).routeId("dead-letter").errorHandler(noErrorHandler())
                .process(recorder);

        long refresh = getContext().getRegistry().findSingleByType(ErrorSettings.class).gaugeRefresh().toMillis();
        from("timer:dead-letter-gauge?delay=0&period=" + refresh).routeId("dead-letter-gauge")
                .errorHandler(noErrorHandler())
                .process(exchange -> gauge.refresh());

        rest("/api/dead-letters")
                .get().routeId("api-dead-letters-list").to("bean:deadLetterApi?method=list")
                .post("/replay").routeId("api-dead-letters-replay-many").to("bean:deadLetterApi?method=replayMany")
                .get("/{id}").routeId("api-dead-letters-show").to("bean:deadLetterApi?method=show")
                .post("/{id}/replay").routeId("api-dead-letters-replay").to("bean:deadLetterApi?method=replay")
                .post("/{id}/discard").routeId("api-dead-letters-discard").to("bean:deadLetterApi?method=discard");
    }
}
