package dev.trellis.outbound;

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

        rest("/api/tenants")
                .post("/{tenant}/notes").routeId("api-outbox-note").to("direct:api-outbox-note")
                .post("/{tenant}/emails").routeId("api-outbox-email").to("direct:api-outbox-email")
                .post("/{tenant}/interviews").routeId("api-outbox-interview-create").to("direct:api-outbox-interview-create")
                .patch("/{tenant}/interviews/{ref}").routeId("api-outbox-interview-update")
                .to("direct:api-outbox-interview-update")
                .delete("/{tenant}/interviews/{ref}").routeId("api-outbox-interview-delete")
                .to("direct:api-outbox-interview-delete");
        rest("/api/outbox")
                .get("/{id}").routeId("api-outbox-show").to("direct:api-outbox-show");
        from("direct:api-outbox-note").routeId("api-outbox-note-handler").process(api::note);
        from("direct:api-outbox-email").routeId("api-outbox-email-handler").process(api::email);
        from("direct:api-outbox-interview-create").routeId("api-outbox-interview-create-handler")
                .process(api::createInterview);
        from("direct:api-outbox-interview-update").routeId("api-outbox-interview-update-handler")
                .process(api::updateInterview);
        from("direct:api-outbox-interview-delete").routeId("api-outbox-interview-delete-handler")
                .process(api::deleteInterview);
        from("direct:api-outbox-show").routeId("api-outbox-show-handler").process(api::show);
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
