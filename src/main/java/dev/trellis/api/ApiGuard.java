package dev.trellis.api;

import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.LoggerFactory;

/**
 * Asks every request under {@code /api} for {@code Authorization: Bearer <trellis.api.token>}. It sits in front of
 * the HTTP router, so routes added later (YAML or Java) are guarded too. Without a token it lets requests pass:
 * the server then listens on 127.0.0.1 only.
 */
public final class ApiGuard extends SimpleEventNotifierSupport implements CamelContextAware {
    private final byte[] expected;
    private CamelContext context;

    public ApiGuard(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
    }

    /** The HTTP server is up once services have started; routes, and with them /api, start right after this. */
    @Override
    public void notify(CamelEvent event) {
        if (expected == null) {
            return;
        }
        VertxPlatformHttpRouter router = context.hasServices(MainHttpServer.class).stream()
                .map(MainHttpServer::getRouter).filter(r -> r != null && r.isMainServer()).findFirst().orElse(null);
        if (router == null) {
            // camel.server.enabled=false: no REST server, so no /api to guard
            LoggerFactory.getLogger(ApiGuard.class).warn("No REST server is running: /api is not served");
            return;
        }
        router.route("/api/*").order(Integer.MIN_VALUE).handler(ctx -> {
            String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(401)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader("WWW-Authenticate", "Bearer")
                        .end("{\"error\":\"Missing or wrong bearer token (Authorization: Bearer <TRELLIS_API_TOKEN>)\"}");
            }
        });
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }
}
