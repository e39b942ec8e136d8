package dev.trellis.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import dev.trellis.route.HubHeaders;
import java.util.Collection;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of the error channel: files the original message of a failed exchange, secrets masked. */
public final class DeadLetterRecorder implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRecorder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterStore store;
    private final SecretMasker masker;
    private final Runnable onChange;

    public DeadLetterRecorder(DeadLetterStore store, SecretMasker masker, Runnable onChange) {
        this.store = store;
        this.masker = masker;
        this.onChange = onChange;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, exchange.getFromRouteId(), String.class);
        // a failing processor has no endpoint: name the route's input instead
        String endpoint = masker.mask(exchange.getProperty(Exchange.FAILURE_ENDPOINT,
                exchange.getFromEndpoint() == null ? null : exchange.getFromEndpoint().getEndpointUri(), String.class));
        int attempts = exchange.getProperty(HubHeaders.REDELIVERIES, 0, Integer.class) + 1;
        Object body = exchange.getIn().getBody();
        boolean json = body instanceof Map || body instanceof Collection;
        DeadLetterStore.Failure failure = new DeadLetterStore.Failure(
                exchange.getIn().getHeader(HubHeaders.TENANT, String.class),
                routeId,
                endpoint,
                masker.mask(json ? toJson(body) : exchange.getIn().getBody(String.class)),
                json ? DeadLetter.BodyFormat.json : DeadLetter.BodyFormat.text,
                masker.maskHeaders(exchange.getIn().getHeaders()),
                cause == null ? null : cause.getClass().getName(),
                cause == null ? null : masker.mask(cause.getMessage()),
                attempts);
        Long replayOf = exchange.getProperty(HubHeaders.REPLAY_OF, Long.class);
        long id;
        if (replayOf != null) {
            store.recordReplayFailure(replayOf, failure);
            id = replayOf;
        } else {
            id = store.insert(failure);
        }
        exchange.setProperty(HubHeaders.DEAD_LETTER_ID, id);
        LOG.warn("Dead letter {}: route {} failed at {} after {} attempt(s): {}", id, routeId, endpoint, attempts,
                failure.exceptionMessage());
        onChange.run();
    }

    private static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return String.valueOf(body);
        }
    }
}
