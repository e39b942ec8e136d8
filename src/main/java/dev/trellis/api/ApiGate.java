package dev.trellis.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.LoggerFactory;

/**
 * What every request under {@code /api} passes before a route: the bearer token ({@code trellis.api.token}, when
 * set; without one the server listens on 127.0.0.1 only), the body's size ({@code camel.server.max-body-size}) and
 * content type, and the JSON answer when anything after it fails. It sits in front of the HTTP router, so routes
 * added later (YAML or Java) pass it too.
 */
public final class ApiGate extends RouterHandlers implements ExceptionHandler {
    /** Registry name of this gate as the REST consumers' exception handler. */
    public static final String BEAN = "apiGate";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiToken token;
    private final long maxBodyBytes;
    private final SecretMasker masker;

    public ApiGate(String token, long maxBodyBytes, SecretMasker masker) {
        this(new ApiToken(token), maxBodyBytes, masker);
    }

    public ApiGate(ApiToken token, long maxBodyBytes, SecretMasker masker) {
        super(null); // the hub sets it (setCamelContext) before starting
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
        this.masker = masker;
    }

    @Override
    protected void noServer() {
        // camel.server.enabled=false: no REST server, so no /api to guard
        LoggerFactory.getLogger(ApiGate.class).warn("No REST server is running: /api is not served");
    }

    @Override
    protected void register(VertxPlatformHttpRouter router) {
        router.route("/api/*").order(Integer.MIN_VALUE).handler(this::admit).failureHandler(this::failed);
    }

    private void admit(RoutingContext ctx) {
        if (!token.admits(ctx.request())) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            refuse(ctx, 401, "Missing or wrong bearer token (Authorization: Bearer <TRELLIS_API_TOKEN>)");
            return;
        }
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.trim().matches("[0-9]{1,18}") && Long.parseLong(length.trim()) > maxBodyBytes) {
            // the body is not read: close the connection rather than leave it in the stream
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            refuse(ctx, 413, tooLarge());
            return;
        }
        HttpMethod method = ctx.request().method();
        if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE) {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (base.isEmpty() || base.equals("application/x-www-form-urlencoded") || base.equals("text/plain")) {
                // what curl -d sends: the body is JSON all the same, and must not be decoded as a form
                ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
            } else if (!base.equals("application/json") && !base.endsWith("+json")) {
                refuse(ctx, 415, "Header 'Content-Type': the API takes JSON (application/json), not " + base);
                return;
            }
        }
        ctx.next();
    }

    /** A failure outside the REST handlers (the body limit, Camel, Vert.x): a JSON answer, never a Java message. */
    private void failed(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().close();
            return;
        }
        if (ctx.failure() == null && ctx.statusCode() == 413) {
            refuse(ctx, 413, tooLarge());
        } else if (ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            refuse(ctx, ctx.statusCode(), "The request was refused (HTTP " + ctx.statusCode() + ")");
        } else {
            Throwable failure = ctx.failure() != null ? ctx.failure()
                    : new IllegalStateException("HTTP " + ctx.statusCode() + " from the HTTP layer");
            write(ctx, 500, InternalFailure.logged(masker, ctx.request().method() + " " + ctx.request().path(), failure));
        }
    }

    /**
     * The REST consumers report a failure here before it reaches {@link #failed}, which logs it masked with its error
     * id; Camel's default would log its message, which may quote the request, unmasked at WARN.
     */
    @Override
    public void handleException(Throwable exception) {
        // logged by failed()
    }

    @Override
    public void handleException(String message, Throwable exception) {
        // logged by failed()
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        // logged by failed()
    }

    private String tooLarge() {
        return "The request body is larger than the limit of " + maxBodyBytes + " bytes (camel.server.max-body-size)";
    }

    private static void refuse(RoutingContext ctx, int status, String error) {
        write(ctx, status, Map.of("error", error));
    }

    private static void write(RoutingContext ctx, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"error\":\"internal error\"}";
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(text);
    }

}
