package dev.trellis.outbound;

import java.util.Locale;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;

/** The outbox's REST API, the {@code direct:outbox} intake for routes, and the route dead items are replayed into. */
public final class OutboxRoutes extends RouteBuilder {
    public static final String INTAKE = "direct:outbox";

    @Override
    public void configure() {
        OutboxApi api = getContext().getRegistry().lookupByNameAndType(Outbound.API, OutboxApi.class);
        OutboxDispatcher dispatcher = getContext().getRegistry().lookupByNameAndType(Outbound.DISPATCHER,
                OutboxDispatcher.class);

        // an item that fails validation fails the same way every time: straight to the dead-letter queue
        onException(InvalidItem.class).maximumRedeliveries(0);

        from(INTAKE).routeId("outbox-intake").process(api::fromRoute);

        from("direct:" + OutboxDispatcher.REPLAY_ROUTE).routeId(OutboxDispatcher.REPLAY_ROUTE)
                .process(exchange -> dispatcher.replay(itemId(exchange.getIn().getBody())));

        // one endpoint per kind that has one (OutboundKind.rest): /api/tenants/{tenant}/notes, ...; the direct: step
        // carries the kind, and Camel inlines it into the REST route
        for (OutboundKind kind : api.restKinds()) {
            OutboundKind.Rest rest = kind.rest().orElseThrow();
            String id = "api-outbox-" + kind.name().replace('_', '-');
            rest("/api/tenants").verb(rest.method().toLowerCase(Locale.ROOT), rest.path()).routeId(id)
                    .to("direct:" + id);
            from("direct:" + id).process(exchange -> api.accept(exchange, kind));
        }
        rest("/api/outbox")
                .get().routeId("api-outbox-list").to("bean:" + Outbound.API + "?method=list")
                .get("/{id}").routeId("api-outbox-show").to("bean:" + Outbound.API + "?method=show");
    }

    /** A dead letter's body: {"outbox_id": n, ...} as filed, or just the id. */
    static long itemId(Object body) {
        Object id = body instanceof Map<?, ?> m ? m.get("outbox_id") : body;
        try {
            return Long.parseLong(String.valueOf(id).trim());
        } catch (NumberFormatException e) {
            throw new InvalidItem("outbox_id", "must name an outbox item, not " + id);
        }
    }
}
