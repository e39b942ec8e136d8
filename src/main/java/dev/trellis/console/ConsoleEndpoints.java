package dev.trellis.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.api.ApiToken;
import dev.trellis.api.RouterHandlers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations console on the API port: its pages and scripts under {@code /console/} (from the jar), and its
 * sign-in: {@code POST /console/login} takes the API token once, in the body, and answers with the HttpOnly session
 * cookie ({@link ApiToken}); {@code POST /console/logout} clears it; {@code GET /console/session} says whether a
 * token is asked, whether this browser is signed in, and whether partner OAuth connect is configured. Everything
 * else the console shows comes from {@code /api}.
 */
public final class ConsoleEndpoints extends RouterHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LOGIN_BODY = 4096;

    private final ApiToken token;
    private final ConsoleAssets assets;
    private final boolean partnerConnect;

    public ConsoleEndpoints(CamelContext context, ApiToken token, ConsoleAssets assets, boolean partnerConnect) {
        super(context);
        this.token = token;
        this.assets = assets;
        this.partnerConnect = partnerConnect;
    }

    @Override
    protected void register(VertxPlatformHttpRouter router) {
        router.route(HttpMethod.POST, "/console/login").order(Integer.MIN_VALUE).handler(this::login);
        router.route(HttpMethod.POST, "/console/logout").order(Integer.MIN_VALUE).handler(this::logout);
        router.route(HttpMethod.GET, "/console/session").order(Integer.MIN_VALUE).handler(this::session);
        // Vert.x matches "/console" for "/console/" too: only the bare path is sent on
        router.route(HttpMethod.GET, "/console").order(Integer.MIN_VALUE).handler(ctx -> {
            if (ctx.request().path().equals("/console")) {
                ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/console/").end();
            } else {
                ctx.next();
            }
        });
        router.route(HttpMethod.GET, "/console/*").order(Integer.MIN_VALUE + 1).handler(this::asset);
    }

    private void asset(RoutingContext ctx) {
        String path = ctx.request().path().substring("/console/".length());
        ConsoleAssets.Asset asset = assets.find(path.isEmpty() ? "index.html" : path).orElse(null);
        if (asset == null) {
            ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("No such console file: /console/" + path.replaceAll("[^A-Za-z0-9._/-]", "?"));
            return;
        }
        secure(ctx);
        if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        // no-cache: the browser revalidates with the ETag, so a new jar's files are used at once
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, asset.type()).putHeader(HttpHeaders.ETAG, asset.etag())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(Buffer.buffer(asset.bytes()));
    }

    private void session(RoutingContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokenRequired", token.required());
        out.put("signedIn", token.session(ctx.request()));
        out.put("partnerConnect", partnerConnect);
        json(ctx, 200, out);
    }

    private void login(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!token.required()) {
            json(ctx, 200, Map.of("signedIn", true, "tokenRequired", false));
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_LOGIN_BODY) {
            json(ctx, 413, Map.of("error", "The sign-in body is larger than " + MAX_LOGIN_BODY + " bytes"));
            return;
        }
        // read at most MAX_LOGIN_BODY bytes: a longer body (chunked, so without a length) is refused, not buffered
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_LOGIN_BODY) {
                refused[0] = true;
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                json(ctx, 413, Map.of("error", "The sign-in body is larger than " + MAX_LOGIN_BODY + " bytes"));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> refused[0] = true);
        request.resume(); // the router pauses a request until a handler reads it
        request.endHandler(end -> {
            if (refused[0]) {
                return;
            }
            String given = null;
            try {
                JsonNode json = JSON.readTree(body.getBytes());
                given = json != null && json.path("token").isTextual() ? json.path("token").textValue() : null;
            } catch (Exception e) {
                // not JSON: answered below like a missing field; the body is never logged (it is the token)
            }
            if (given == null || given.isBlank()) {
                json(ctx, 400, Map.of("error", "Field 'token' is missing: paste the hub's API token "
                        + "(TRELLIS_API_TOKEN)"));
                return;
            }
            if (!token.matches(given.trim())) {
                LOG.info("Console sign-in refused from {}: wrong token", request.remoteAddress());
                json(ctx, 401, Map.of("error", "That is not this hub's API token. Paste the value of "
                        + "TRELLIS_API_TOKEN (or of the file TRELLIS_API_TOKEN_FILE names) that the hub was started with."));
                return;
            }
            ctx.response().addCookie(cookie(token.newSession(), token.lifetime().toSeconds(), request));
            json(ctx, 200, Map.of("signedIn", true, "tokenRequired", true));
        });
    }

    private void logout(RoutingContext ctx) {
        ctx.response().addCookie(cookie("", 0, ctx.request()));
        json(ctx, 200, Map.of("signedIn", false, "tokenRequired", token.required()));
    }

    private static Cookie cookie(String value, long maxAgeSeconds, HttpServerRequest request) {
        Cookie cookie = Cookie.cookie(ApiToken.COOKIE, value).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSeconds);
        // behind a TLS proxy the browser must send it back over https only
        if (request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"))) {
            cookie.setSecure(true);
        }
        return cookie;
    }

    private static void secure(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                        + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
                        + "form-action 'self'")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY");
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (Exception e) {
            text = "{}";
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(text);
    }
}
