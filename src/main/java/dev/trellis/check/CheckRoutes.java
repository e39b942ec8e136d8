package dev.trellis.check;

import org.apache.camel.builder.RouteBuilder;

/** {@code GET /api/tenants/{tenant}/check}, and the check of every tenant at start-up and then every hour. */
public final class CheckRoutes extends RouteBuilder {
    @Override
    public void configure() {
        CheckService service = getContext().getRegistry().lookupByNameAndType(CheckService.BEAN, CheckService.class);
        CheckSettings settings = getContext().getRegistry().findSingleByType(CheckSettings.class);
        long period = settings.period().toMillis();
        long delay = settings.onStartup() ? settings.startupDelay().toMillis() : period;

        rest("/api/tenants")
                .get("/{tenant}/check").routeId("api-tenant-check").to("bean:" + CheckService.BEAN + "?method=api");
        if (period > 0) {
            from("timer:trellis-connection-check?delay=" + delay + "&period=" + period)
                    .routeId("connection-check")
                    .process(exchange -> service.checkAll());
        }
    }
}
