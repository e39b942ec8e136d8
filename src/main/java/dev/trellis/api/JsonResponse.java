package dev.trellis.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trellis.config.SecretMasker;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a REST handler and writes its answer as JSON. Handlers never throw into Camel: a refused request answers
 * 4xx with {@code {"error": ...}}, anything else 500 with the (masked) reason, so API calls never land in the
 * dead-letter queue.
 */
public final class JsonResponse {
    private static final Logger LOG = LoggerFactory.getLogger(JsonResponse.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A REST handler: reads the request from the exchange and returns the answer's body. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Exchange exchange) throws Exception;
    }

    private final SecretMasker masker;

    public JsonResponse(SecretMasker masker) {
        this.masker = masker;
    }

    public void answer(Exchange exchange, int status, Handler handler) {
        try {
            write(exchange, status, handler.handle(exchange));
        } catch (ApiException e) {
            write(exchange, e.status(), Map.of("error", e.getMessage()));
        } catch (Exception e) {
            String reason = masker.mask(String.valueOf(e.getMessage()));
            LOG.error("{} {} failed: {}", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_URI), reason, e);
            write(exchange, 500, Map.of("error", reason));
        }
    }

    private static void write(Exchange exchange, int status, Object body) {
        try {
            exchange.getMessage().setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /** A path or query parameter as a positive number, or 400 naming the parameter. */
    public static Optional<Long> number(Exchange exchange, String name) {
        String value = exchange.getIn().getHeader(name, String.class);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Optional.of(n);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Parameter '" + name + "' must be a positive whole number, not '" + value + "'");
        }
    }
}
