package dev.trellis.sync;

import dev.trellis.route.HubHeaders;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * The mechanics every stream shares, as one route template: a clustered Quartz trigger that only queues the stream
 * for every tenant it covers ({@link SyncQueue}); the queue's workers send each (tenant, stream) back into the route
 * with the tenant header, which runs it (so one tenant's failure goes to the dead-letter queue under its name, and a
 * replayed dead letter runs that tenant's stream). Streams are declared in routes/ YAML with {@code templatedRoute}.
 */
public final class StreamTemplate extends RouteBuilder {
    public static final String NAME = "harvest-stream";
    /** Route property that marks the routes built from this template, for {@link StreamCatalog}. */
    static final String TEMPLATE_PROPERTY = "trellis.template";

    /**
     * Refuses a stream whose parameters are wrong before its route exists: at start-up, and on a live edit. Every
     * parameter is checked, the schedule field by field, and a name the template does not declare is refused.
     */
    private static void check(RouteTemplateContext context) {
        StreamCatalog.Entry.from(null, context.getParameters());
    }

    @Override
    public void configure() {
        RouteTemplateDefinition template = routeTemplate(NAME).configure(StreamTemplate::check);
        for (StreamParameter p : StreamParameter.values()) {
            template.templateParameter(p.key, p.defaultValue, p.description);
        }
        // no Quartz job recovery: InterruptedRuns continues a dead instance's run per tenant, from its saved link
        RouteDefinition route = template.from("quartz:" + QuartzCluster.GROUP + "/{{stream}}?cron=RAW({{schedule}})&stateful=true");
        route.routeProperty(TEMPLATE_PROPERTY, NAME);
        route.choice()
                .when(header(HubHeaders.TENANT).isNull()).bean(StreamRunner.BEAN, "enqueue")
                .otherwise().bean(StreamRunner.BEAN, "run")
                .end();
    }
}
