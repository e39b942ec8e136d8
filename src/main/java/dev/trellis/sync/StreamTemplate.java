package dev.trellis.sync;

import dev.trellis.route.HubHeaders;
import java.util.HashMap;
import java.util.Map;
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
    /** Route properties carry the stream's parameters to the runner and the catalog. */
    public static final String PROPERTY_PREFIX = "trellis.stream.";

    /** Optional parameters and their defaults; "none" stands for no value. */
    static final String[][] OPTIONAL = {
        {"resource", "none"}, {"table", "none"}, {"joinColumns", "none"}, {"perPage", "500"},
        {"lookbackMinutes", "60"}, {"lagSeconds", "60"}, {"backfillFrom", "none"}, {"query", "none"},
        {"deletedRecords", "false"}, {"sweepHours", "24"}, {"tenants", "all"},
    };

    /** Refuses a stream whose parameters are wrong before its route exists: at start-up, and on a live edit. */
    private static void check(RouteTemplateContext context) {
        Map<String, String> params = new HashMap<>();
        context.getParameters().forEach((k, v) -> params.put(k, v == null ? null : v.toString()));
        StreamDefinition.from(params);
        StreamSchedule.parse(params.get("stream"), params.get("schedule"));
    }

    @Override
    public void configure() {
        RouteTemplateDefinition template = routeTemplate(NAME)
                .templateParameter("stream", null, "stream name: the state key and, by default, resource and table")
                .templateParameter("schedule", null, "Quartz cron, e.g. 0 0/15 * * * ?")
                .configure(StreamTemplate::check);
        for (String[] p : OPTIONAL) {
            template.templateParameter(p[0], p[1]);
        }
        // no Quartz job recovery: InterruptedRuns continues a dead instance's run per tenant, from its saved link
        RouteDefinition route = template.from("quartz:" + QuartzCluster.GROUP + "/{{stream}}?cron=RAW({{schedule}})&stateful=true");
        route.routeProperty(PROPERTY_PREFIX + "stream", "{{stream}}");
        route.routeProperty(PROPERTY_PREFIX + "schedule", "{{schedule}}");
        for (String[] p : OPTIONAL) {
            route.routeProperty(PROPERTY_PREFIX + p[0], "{{" + p[0] + "}}");
        }
        route.bean(StreamRunner.BEAN, "selectTenants")
                .split(body())
                    .setHeader(HubHeaders.TENANT, body())
                    .bean(StreamRunner.BEAN, "run")
                .end();
    }
}
