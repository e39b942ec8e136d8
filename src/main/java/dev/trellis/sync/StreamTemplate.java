package dev.trellis.sync;

import dev.trellis.route.HubHeaders;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * The mechanics every stream shares, as one route template: a clustered Quartz trigger, then one sub-exchange per
 * tenant (so one tenant's failure goes to the dead-letter queue under its name while the others go on), each
 * running {@link StreamRunner}. Streams are declared in routes/ YAML with {@code templatedRoute}.
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
        route.bean(StreamRunner.BEAN, "selectTenants")
                .split(body())
                    .setHeader(HubHeaders.TENANT, body())
                    .bean(StreamRunner.BEAN, "run")
                .end();
    }
}
