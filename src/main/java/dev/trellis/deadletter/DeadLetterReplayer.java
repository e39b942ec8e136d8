package dev.trellis.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/** Sends a dead letter's original message into the route where it failed, through that route's error handling. */
public final class DeadLetterReplayer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final DeadLetterStore store;

    public DeadLetterReplayer(CamelContext context, DeadLetterStore store) {
        this.context = context;
        this.store = store;
    }

    /** What a replay did. */
    public record Outcome(boolean replayed, DeadLetter deadLetter) {
    }

    /** Thrown when the dead letter cannot be replayed at all (not open, route gone); nothing was sent. */
    public static final class NotReplayable extends RuntimeException {
        public NotReplayable(String message) {
            super(message);
        }
    }

    public Outcome replay(DeadLetter letter) {
        if (letter.status() != DeadLetter.Status.open) {
            throw new NotReplayable("Dead letter " + letter.id() + " is " + letter.status() + ", only open ones can be replayed");
        }
        Object body = body(letter);
        Exchange exchange;
        try {
            exchange = RouteInvoker.invoke(context, letter.routeId(), ex -> {
                letter.headers().forEach((name, value) -> {
                    if (!SecretMasker.MASK.equals(value) && !name.startsWith("Camel")) {
                        ex.getIn().setHeader(name, value);
                    }
                });
                ex.getIn().setBody(body);
                ex.setProperty(HubHeaders.REPLAY_OF, letter.id());
            });
        } catch (RouteInvoker.RouteNotRunning e) {
            throw new NotReplayable(e.getMessage() + ": dead letter " + letter.id() + " cannot be replayed now");
        }
        boolean failedAgain = exchange.getProperty(HubHeaders.DEAD_LETTER_ID) != null || exchange.getException() != null;
        if (!failedAgain) {
            store.markReplayed(letter.id());
        }
        return new Outcome(!failedAgain, store.find(letter.id()).orElseThrow());
    }

    private static Object body(DeadLetter letter) {
        if (letter.bodyFormat() == DeadLetter.BodyFormat.json && letter.body() != null) {
            try {
                return JSON.readValue(letter.body(), Object.class);
            } catch (JsonProcessingException e) {
                throw new NotReplayable("Dead letter " + letter.id() + " has a JSON body that no longer parses: "
                        + e.getOriginalMessage());
            }
        }
        return letter.body();
    }
}
