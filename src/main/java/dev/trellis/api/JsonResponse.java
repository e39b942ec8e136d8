package dev.trellis.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trellis.config.SecretMasker;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * Runs a REST handler and writes its answer as JSON. Handlers never throw into Camel: a refused request answers
 * 4xx with {@code {"error": ...}} naming the field, anything else the generic 500 of {@link InternalFailure}, so API
 * calls never land in the dead-letter queue and no answer carries a Java or database message.
 */
public final class JsonResponse {
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
            checkParameters(exchange);
            write(exchange, status, handler.handle(exchange));
        } catch (ApiException e) {
            write(exchange, e.status(), e.body());
        } catch (BadField e) {
            write(exchange, 400, Map.of("error", e.answer()));
        } catch (Exception e) {
            String request = exchange.getIn().getHeader(Exchange.HTTP_METHOD) + " "
                    + exchange.getIn().getHeader(Exchange.HTTP_PATH);
            write(exchange, 500, InternalFailure.logged(masker, request, e));
        }
    }

    /** Path and query parameters (headers by now) must be text PostgreSQL can store. */
    private static void checkParameters(Exchange exchange) {
        exchange.getIn().getHeaders().forEach((name, value) -> {
            if (value instanceof String s) {
                String problem = JsonBody.textProblem(s);
                if (problem != null) {
                    throw ApiException.badRequest("Parameter '" + name + "': " + problem);
                }
            }
        });
    }

    private static void write(Exchange exchange, int status, Object body) {
        try {
            exchange.getMessage().setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // the request's headers and parameters would be echoed as response headers, bad bytes and all
        Object location = exchange.getMessage().getHeader("Location");
        exchange.getMessage().removeHeaders("*");
        if (location != null && status < 300) {
            exchange.getMessage().setHeader("Location", location);
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
            throw ApiException.badRequest("Parameter '" + name + "' must be a whole number from 1 to "
                    + Long.MAX_VALUE + ", not '" + shorten(value) + "'");
        }
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
