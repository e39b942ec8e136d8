package dev.trellis.component;

import dev.trellis.outbound.InvalidItem;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * greenhouse:note, greenhouse:email, greenhouse:interview: the body is the item's fields (a Map or JSON object, as
 * for the REST API); it goes through the outbox's intake and validation, its tenant from the body or the TrellisTenant
 * header, its idempotency key from the Idempotency-Key header. Answers the accepted item and the TrellisOutboxId header.
 */
final class OutboxProducer extends DefaultProducer {
    private final GreenhouseEndpoint endpoint;

    OutboxProducer(GreenhouseEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        endpoint.getComponent().outbox().fromRoute(exchange, kind(exchange));
    }

    private String kind(Exchange exchange) {
        return switch (endpoint.getKind()) {
            case NOTE -> "note";
            case EMAIL -> "email";
            case INTERVIEW -> {
                String action = exchange.getIn().getHeader(GreenhouseHeaders.ACTION, endpoint.getAction(), String.class);
                if (!"create".equals(action) && !"update".equals(action) && !"delete".equals(action)) {
                    throw new InvalidItem(GreenhouseHeaders.ACTION,
                            "must be create, update or delete, not '" + action + "'");
                }
                yield "interview_" + action;
            }
            default -> throw new IllegalStateException("not an outbox endpoint: " + endpoint.getKind());
        };
    }
}
