package dev.trellis.check;

import dev.trellis.config.Settings;
import org.apache.camel.builder.RouteBuilder;

/** {@code GET /api/tenants/{tenant}/check}, and the check of every tenant at start-up and then every hour. */
public final class CheckRoutes extends RouteBuilder {
    @Override
    public void configure() {
        CheckService service = getContext().getRegistry().lookupByNameAndType(CheckService.BEAN, CheckService.class);
        Settings settings = new Settings(getContext());
        long period = settings.number("trellis.check.period-minutes", 60) * 60_000;
        long delay = settings.string("trellis.check.on-startup", "true").equals("true")
                ? settings.number("trellis.check.startup-delay-ms", 1000) : period;

        rest("/api/tenants")
                .get("/{tenant}/check").routeId("api-tenant-check").to("bean:" + CheckService.BEAN + "?method=api");
        if (period > 0) {
            from("timer:trellis-connection-check?delay=" + delay + "&period=" + period)
                    .routeId("connection-check")
                    .process(exchange -> service.checkAll());
        }
    }
}
