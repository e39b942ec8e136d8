package dev.trellis.connection;

import dev.trellis.api.ApiException;
import dev.trellis.api.RouterHandlers;
import dev.trellis.api.ApiToken;
import dev.trellis.config.SecretMasker;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Connect with Greenhouse": {@code GET /connect/greenhouse?tenant&return_to} (behind the API token, as /api is)
 * sends the browser to Greenhouse's consent page with a single-use state; {@code GET /connect/greenhouse/callback}
 * (public: the state guards it) exchanges the code, saves the grant, checks and starts the connection, and sends the
 * browser back to return_to with the outcome. Plain Vert.x handlers on the API port: answers are redirects and pages.
 */
final class PartnerEndpoints extends RouterHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerEndpoints.class);
    static final String START = "/connect/greenhouse";
    static final String CALLBACK = "/connect/greenhouse/callback";

    private final PartnerSettings partner;
    private final OAuthStates states;
    private final Map<GrantApi, PartnerGrants> grants;
    private final Connections connections;
    private final ApiToken token;
    private final SecretMasker masker;

    PartnerEndpoints(CamelContext context, PartnerSettings partner, OAuthStates states,
            Map<GrantApi, PartnerGrants> grants, Connections connections, ApiToken token, SecretMasker masker) {
        super(context);
        this.partner = partner;
        this.states = states;
        this.grants = grants;
        this.connections = connections;
        this.token = token;
        this.masker = masker;
    }

    @Override
    protected void register(VertxPlatformHttpRouter router) {
        router.route(HttpMethod.GET, START).order(Integer.MIN_VALUE).blockingHandler(this::start, false);
        router.route(HttpMethod.GET, CALLBACK).order(Integer.MIN_VALUE).blockingHandler(this::callback, false);
    }

    private void start(RoutingContext ctx) {
        // the console's session cookie too: its Connect button navigates here, and a link cannot send a header
        if (!token.admitsNavigation(ctx.request())) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            page(ctx, 401, "Not allowed", "Missing or wrong bearer token (Authorization: Bearer "
                    + "<TRELLIS_API_TOKEN>), and no console sign-in.");
            return;
        }
        String apiName = ctx.request().getParam("api");
        Optional<GrantApi> api = GrantApi.of(apiName == null ? GrantApi.HARVEST.label : apiName);
        if (api.isEmpty()) {
            page(ctx, 400, "Bad request", "Parameter 'api' must be harvest (the default) or ingestion.");
            return;
        }
        Optional<PartnerSettings.App> app = partner.app(api.get());
        if (app.isEmpty()) {
            page(ctx, 404, "Partner connections are off", "This hub has no " + api.get().label + " partner app "
                    + "configured (trellis.partner." + (api.get() == GrantApi.HARVEST ? "" : "ingestion.")
                    + "client-id).");
            return;
        }
        String tenant = ctx.request().getParam("tenant");
        String returnTo = ctx.request().getParam("return_to");
        if (tenant == null || !ConnectionSpec.ID.matcher(tenant).matches()) {
            page(ctx, 400, "Bad request", "Parameter 'tenant' must be the connection's id: lower-case letters, "
                    + "digits and dashes, 1 to 63 characters" + (tenant == null ? " (it is missing)." : "."));
            return;
        }
        if (!partner.allowed(returnTo)) {
            page(ctx, 400, "Bad request", "Parameter 'return_to' must be an absolute URL on one of the origins in "
                    + "trellis.partner.return-to" + (returnTo == null ? " (it is missing)." : "."));
            return;
        }
        try {
            Optional<TenantStore.Row> row = connections.find(tenant);
            if (row.isPresent() && !row.get().source().equals("api")) {
                page(ctx, 409, "Cannot connect " + tenant, "Tenant " + tenant + " comes from "
                        + (row.get().file() == null ? row.get().source() : row.get().file())
                        + ": it cannot be connected through Greenhouse here.");
                return;
            }
            String state = states.create(tenant, api.get(), returnTo);
            PartnerSettings.App a = app.get();
            String location = a.authorizeUrl() + (a.authorizeUrl().getQuery() == null ? "?" : "&")
                    + "client_id=" + enc(a.clientId()) + "&redirect_uri=" + enc(a.redirectUri().toString())
                    + "&response_type=code&state=" + enc(state)
                    + (a.scopes().isEmpty() ? "" : "&scope=" + enc(String.join(" ", a.scopes())));
            redirect(ctx, location);
        } catch (Exception e) {
            failed(ctx, "GET " + START, e);
        }
    }

    private void callback(RoutingContext ctx) {
        if (!partner.enabled()) {
            page(ctx, 404, "Partner connections are off", "This hub has no partner app configured.");
            return;
        }
        try {
            Optional<OAuthStates.Pending> taken = states.take(ctx.request().getParam("state"));
            if (taken.isEmpty()) {
                page(ctx, 400, "This link is used up", "This authorization is unknown or was completed already "
                        + "(each one works once). Nothing was saved. Start again from the page that sent you here.");
                return;
            }
            OAuthStates.Pending pending = taken.get();
            if (pending.expired()) {
                page(ctx, 400, "This authorization expired", "More than " + partner.state().toMinutes()
                        + " minutes passed since it started. Nothing was saved. Start again from the page that "
                        + "sent you here.");
                return;
            }
            String error = ctx.request().getParam("error");
            if (error != null) {
                String safe = error.matches("[a-z_]{1,64}") ? error : "authorization_failed";
                LOG.info("Partner connection {}: Greenhouse answered {}", pending.tenant(), safe);
                redirect(ctx, back(pending, "error=" + safe));
                return;
            }
            String code = ctx.request().getParam("code");
            if (code == null || code.isBlank() || code.length() > 2000) {
                page(ctx, 400, "Bad request", "Parameter 'code' is missing: Greenhouse sends it with the state.");
                return;
            }
            PartnerGrants.TokenAnswer answer;
            try {
                answer = grants.get(pending.api()).exchange(code);
            } catch (PartnerGrants.Refused e) {
                LOG.warn("Partner connection {}: the code was refused ({})", pending.tenant(), e.error);
                page(ctx, 400, "Greenhouse refused the authorization", "Greenhouse did not accept this authorization "
                        + "(" + e.error + "): it may have been used already or be more than a minute old. Nothing "
                        + "was saved. Start again from the page that sent you here.");
                return;
            } catch (java.io.IOException e) {
                LOG.warn("Partner connection {}: the token endpoint did not answer: {}", pending.tenant(),
                        masker.mask(String.valueOf(e.getMessage())));
                page(ctx, 502, "Greenhouse did not answer", "The code could not be exchanged: Greenhouse's token "
                        + "endpoint did not answer. Nothing was saved. Start again in a moment.");
                return;
            }
            TenantStore.Row row = connections.connectPartner(pending.tenant(), pending.api(), answer);
            redirect(ctx, back(pending, "status=" + row.status()));
        } catch (ApiException e) {
            page(ctx, e.status(), "Cannot connect", e.getMessage());
        } catch (Exception e) {
            failed(ctx, "GET " + CALLBACK, e);
        }
    }

    private static String back(OAuthStates.Pending pending, String outcome) {
        String to = pending.returnTo();
        return to + (to.contains("?") ? "&" : "?") + "tenant=" + enc(pending.tenant()) + "&" + outcome;
    }

    private void failed(RoutingContext ctx, String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String id = Long.toHexString(System.nanoTime());
        LOG.error("{} failed (error id {}): {}", what, id, masker.mask(String.valueOf(e)));
        page(ctx, 500, "Something went wrong", "The hub could not complete this (error id " + id + ", in its log).");
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Referrer-Policy", "no-referrer").end();
    }

    private static void page(RoutingContext ctx, int status, String title, String text) {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title></head>"
                + "<body><h1>" + esc(title) + "</h1><p>" + esc(text) + "</p></body></html>";
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Referrer-Policy", "no-referrer")
                .end(html);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
