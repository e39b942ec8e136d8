package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running Greenhouse emulator: Harvest v3 with its token endpoint, Candidate Ingestion, Job Board, webhooks and
 * the {@code /_sandbox} control API, all on one HTTP server. Start one per test class:
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(42).candidates(1000).rateLimit(0).build())) {
 *     SandboxCredentials c = sb.credentials();
 *     // POST c.tokenUrl() with Basic c.clientId():c.clientSecret(), grant_type=client_credentials, sub=c.siteAdminUserId()
 *     // GET  c.harvestBaseUrl() + "/candidates?per_page=500" with the Bearer token
 *     sb.faults().failNext(2);                    // the next two API calls answer 503
 *     sb.churn(10);                                // ten changes now (updates, creations, deletions) + webhooks
 *     long candidates = sb.state().count(Resource.CANDIDATES);
 * }
 * }</pre>
 *
 * Records are derived from the seed and their id; only changes take memory. With {@link SandboxSettings#orgs} above
 * one it serves that many organisations at once, each with its own data (seed + i) and credentials
 * ({@link #credentials(int)}); the methods without an {@code org} argument act on organisation 0.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxSettings settings;
    private final SandboxClock clock;
    private final Faults faults;
    private final WebhookSender webhookSender;
    private final TokenIssuer tokens;
    private final TokenIssuer ingestionTokens;
    private final PartnerOAuth partner;
    private final AuthorizeHandler authorize;
    private final Orgs orgs;
    private final SandboxServer server;
    private final List<SandboxCredentials> credentials = new ArrayList<>();
    private ScheduledExecutorService churnTimer;

    private Sandbox(SandboxSettings settings) throws IOException {
        this.settings = settings;
        long seed = settings.seed();
        this.clock = new SandboxClock(Clock.systemUTC());
        this.faults = new Faults(seed);
        this.webhookSender = new WebhookSender(settings.webhookRetryDelays(), settings.webhookTimeout());
        this.tokens = new TokenIssuer(clock, settings.tokenTtl().toMillis(), faults);
        List<SandboxOrg> list = new ArrayList<>(settings.orgs());
        for (int i = 0; i < settings.orgs(); i++) {
            list.add(new SandboxOrg(i, settings, clock, tokens, webhookSender));
        }
        this.orgs = new Orgs(list);
        this.ingestionTokens = new TokenIssuer(clock, settings.partnerTokenTtl().toMillis(), faults);
        this.partner = new PartnerOAuth(clock, faults, orgs, tokens, ingestionTokens,
                settings.partnerTokenTtl().toMillis());
        List<String> redirectUris = settings.partnerRedirectUris();
        for (int i = 0; i < redirectUris.size(); i++) {
            // from the seed: a restarted sandbox keeps the app a hub was configured with
            partner.register("partner-" + String.format("%016x", Gen.hash(seed, 9101, i)).substring(0, 10),
                    Long.toHexString(Gen.hash(seed, 9102, i)) + Long.toHexString(Gen.hash(seed, 9103, i)),
                    redirectUris.get(i), Scopes.partnerAll());
        }
        this.authorize = new AuthorizeHandler(partner, orgs);

        RateWindow harvestWindow = new RateWindow(settings.rateLimit(), 30_000, clock);
        RateWindow tokenWindow = new RateWindow(settings.tokenRateLimit(), 60_000, clock);
        Map<SandboxServer.Area, Handler> handlers = new EnumMap<>(SandboxServer.Area.class);
        handlers.put(SandboxServer.Area.TOKEN, new TokenHandler(tokens, partner, tokenWindow, orgs,
                settings.tokenTtl().toSeconds()));
        handlers.put(SandboxServer.Area.AUTHORIZE, authorize);
        handlers.put(SandboxServer.Area.HARVEST, new HarvestHandler(tokens, harvestWindow, orgs));
        handlers.put(SandboxServer.Area.PARTNER, req -> IngestionHandler.dispatch(req, orgs, ingestionTokens));
        handlers.put(SandboxServer.Area.BOARD, req -> orgs.byBoardPath(req.path).board.handle(req));
        handlers.put(SandboxServer.Area.CONTROL, new ControlHandler(this));
        this.server = new SandboxServer(settings.host(), settings.port(), settings.threads(), clock, faults,
                harvestWindow, handlers);
        server.start();
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        String baseUrl = "http://" + host + ":" + server.port();
        for (SandboxOrg o : orgs.all()) {
            credentials.add(o.credentials(baseUrl));
        }
        if (settings.churnPerMinute() > 0) {
            churnTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sandbox-churn");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, 60_000_000L / settings.churnPerMinute());
            // every organisation makes its own changes at the rate asked for
            churnTimer.scheduleAtFixedRate(() -> orgs.all().forEach(o -> o.churn.step()), period, period,
                    TimeUnit.MICROSECONDS);
        }
    }

    /** Starts a sandbox and its HTTP server; it is ready when this returns. */
    public static Sandbox start(SandboxSettings settings) throws IOException {
        return new Sandbox(settings);
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** Server root, e.g. {@code http://127.0.0.1:54321} (see {@link SandboxCredentials} for per-API bases). */
    public String baseUrl() {
        return credentials.get(0).baseUrl();
    }

    public int port() {
        return server.port();
    }

    /** How many organisations this sandbox serves ({@link SandboxSettings#orgs}). */
    public int orgs() {
        return orgs.size();
    }

    /** Organisation 0's client id/secret with all scopes, user ids, partner key and e-mail, board token, webhook secret. */
    public SandboxCredentials credentials() {
        return credentials.get(0);
    }

    /** The credentials of organisation {@code org} (0-based); each sees and changes only its own organisation. */
    public SandboxCredentials credentials(int org) {
        return credentials.get(orgs.get(org).index);
    }

    /** A new OAuth client of organisation 0 with exactly these scopes (e.g. {@code Scopes.allExcept(Scopes.NOTES_CREATE)}). */
    public ClientCredentials createClient(Set<String> scopes) {
        return createClient(0, scopes);
    }

    /** A new OAuth client of organisation {@code org} with exactly these scopes. */
    public ClientCredentials createClient(int org, Set<String> scopes) {
        return tokens.registerRandom(scopes, orgs.get(org).index);
    }

    /** Deletes an OAuth client, as a customer does in Greenhouse: false when there was none. */
    public boolean revokeClient(String clientId) {
        return tokens.revoke(clientId);
    }

    /**
     * Registers a partner app, as Greenhouse Partner Support does: random client id and secret, exactly one redirect
     * URI, fixed scopes (Harvest {@code harvest:*} and/or Candidate Ingestion ones, {@link Scopes#partnerAll()}).
     *
     * @throws IllegalArgumentException for a redirect URI that is not an absolute http(s) URL, or an unknown scope
     */
    public PartnerApp createPartnerApp(String redirectUri, Set<String> scopes) {
        return partner.registerRandom(redirectUri, scopes);
    }

    /** Every partner app: those of {@link SandboxSettings#partnerRedirectUris()} first, then those created. */
    public List<PartnerApp> partnerApps() {
        return partner.apps();
    }

    /**
     * Approves an authorization request without a browser, as the consent form's Approve does: {@code authorizeUrl}
     * is the full URL a hub redirects to ({@code .../authorize?client_id=...}, or {@code .../oauth/authorize} for
     * Candidate Ingestion). Returns the redirect URI with {@code code} and {@code state}.
     *
     * @throws IllegalArgumentException when the request or the user is refused (the error page's message)
     */
    public String approvePartner(String authorizeUrl, int org, long userId) {
        URI u = URI.create(authorizeUrl);
        Map<String, String> form = new LinkedHashMap<>(SandboxRequest.parseQuery(u.getRawQuery()));
        form.put("decision", "approve");
        form.put("org", Integer.toString(org));
        form.put("user_id", Long.toString(userId));
        Reply r = authorize.decide(PartnerOAuth.Api.ofPath(u.getPath()), form);
        String location = r.headers().get("Location");
        if (r.status() != 302
                || SandboxRequest.parseQuery(URI.create(location).getRawQuery()).containsKey("error")) {
            throw new IllegalArgumentException("refused: " + (location != null ? location
                    : new String(r.body(), StandardCharsets.UTF_8).replaceAll("<[^>]+>", " ")
                            .replaceAll("\\s+", " ").trim()));
        }
        return location;
    }

    /** Every partner authorization since start, oldest first, with its counters. */
    public List<PartnerGrant> partnerGrants() {
        return partner.grants(null, null);
    }

    /** One partner authorization, by grant id or by any refresh token it issued; null when none. */
    public PartnerGrant partnerGrant(String grantIdOrRefreshToken) {
        return partner.grant(grantIdOrRefreshToken);
    }

    /**
     * Revokes a partner authorization (by grant id or any refresh token it issued), as a customer removing the app
     * does: its refresh token answers invalid_grant, its access tokens 401. False when there is none.
     */
    public boolean revokePartnerGrant(String grantIdOrRefreshToken) {
        return partner.revoke(grantIdOrRefreshToken);
    }

    /** Revokes every live authorization of a partner app in organisation {@code org}; returns how many. */
    public int revokePartnerGrants(String clientId, int org) {
        return partner.revokeAll(clientId, orgs.get(org).index);
    }

    /** invalid_grant answers of the partner token endpoints since start (codes and refresh tokens, every grant). */
    public long partnerInvalidGrants() {
        return partner.invalidGrants();
    }

    /** The fault switches (one set for every organisation); changes apply to the next request. */
    public Faults faults() {
        return faults;
    }

    /** Organisation 0's webhook targets and deliveries. */
    public WebhookEmitter webhooks() {
        return webhooks(0);
    }

    /** Organisation {@code org}'s webhook targets and deliveries (signed with its own secret). */
    public WebhookEmitter webhooks(int org) {
        return orgs.get(org).webhooks;
    }

    /** The sandbox's clock (system time plus whatever {@link #advanceClock} added). */
    public SandboxClock clock() {
        return clock;
    }

    /** Moves the sandbox's time forward: tokens, cursors and rate windows expire without waiting. */
    public void advanceClock(Duration by) {
        clock.advance(by);
    }

    /** Invalidates every token minted so far, of every organisation; returns how many there were. */
    public int expireTokens() {
        return tokens.expireAll() + ingestionTokens.expireAll();
    }

    /** Makes {@code n} churn changes in organisation 0 now (what {@code --churn} does over time). */
    public List<String> churn(int n) {
        return churn(0, n);
    }

    /** Makes {@code n} churn changes in organisation {@code org} now; returns what was done. */
    public List<String> churn(int org, int n) {
        Churn churn = orgs.get(org).churn;
        List<String> done = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            done.add(churn.step());
        }
        return done;
    }

    /**
     * Changes one record of organisation 0 as the organisation would (candidate edit, application stage move, job or
     * job post edit; other resources: a fresh updated_at) and sends the matching webhook. Returns the record, or null
     * if absent.
     */
    public JsonNode touch(Resource r, long id) {
        return touch(0, r, id);
    }

    /** {@link #touch(Resource, long)} in organisation {@code org}. */
    public JsonNode touch(int org, Resource r, long id) {
        SandboxOrg o = orgs.get(org);
        synchronized (o.touchRandom) {
            return o.changes.touch(r, id, o.touchRandom);
        }
    }

    /**
     * Deletes a candidate of organisation 0 (with its applications and their children), an interview, or a job post
     * (soft: it stays listed with active=false), and sends the webhook. Returns the deleted ids per resource (empty if
     * absent).
     */
    public Map<Resource, List<Long>> delete(Resource r, long id) {
        return delete(0, r, id);
    }

    /** {@link #delete(Resource, long)} in organisation {@code org}. */
    public Map<Resource, List<Long>> delete(int org, Resource r, long id) {
        return orgs.get(org).changes.delete(r, id);
    }

    /** Reads a record of organisation 0 as Harvest would show it, or null when it does not exist. */
    public JsonNode record(Resource r, long id) {
        return record(0, r, id);
    }

    /** Reads a record of organisation {@code org} as Harvest would show it, or null when it does not exist. */
    public JsonNode record(int org, Resource r, long id) {
        ObjectNode rec = orgs.get(org).data.get(r, id);
        return rec == null ? null : rec.deepCopy();
    }

    /** The records of organisation 0 created since start (writes, ingestion, churn) that still exist, oldest first. */
    public List<JsonNode> created(Resource r) {
        return created(0, r);
    }

    /** The records of organisation {@code org} created since start that still exist, oldest first. */
    public List<JsonNode> created(int org, Resource r) {
        Table t = orgs.get(org).data.table(r);
        List<JsonNode> out = new ArrayList<>();
        t.created.forEach((id, rec) -> {
            if (!t.deleted.contains(id)) {
                out.add(rec.deepCopy());
            }
        });
        return out;
    }

    /**
     * The ids organisation 0 lists for {@code /v3/<r>} with these filters (e.g. {@code custom_field_key=degree}),
     * all pages, descending: the truth of a filtered stream. A bad filter throws, as the request would answer 422.
     */
    public List<Long> listedIds(Resource r, Map<String, String> filters) {
        SandboxOrg o = orgs.get(0);
        ListQuery q = ListQuery.parse(r, filters, ListQuery.MAX_PER_PAGE, o.data.generator(), Set.of());
        List<Long> ids = new ArrayList<>();
        long below = Long.MAX_VALUE;
        while (true) {
            Pager.Page page = o.pager.page(q, below);
            page.records().forEach(rec -> ids.add(rec.get("id").asLong()));
            if (!page.hasMore()) {
                return ids;
            }
            below = page.lastId();
        }
    }

    /** Organisation 0's counts and deleted ids, and the request counters (of every organisation), as of now. */
    public SandboxState state() {
        return state(0);
    }

    /** Organisation {@code org}'s counts and deleted ids, and the request counters (of every organisation). */
    public SandboxState state(int org) {
        Organisation data = orgs.get(org).data;
        Map<Resource, List<Long>> deleted = new LinkedHashMap<>();
        for (Resource r : Resource.values()) {
            List<Long> ids = data.deletedIds(r);
            if (!ids.isEmpty()) {
                deleted.put(r, ids);
            }
        }
        Map<String, Long> requests = new LinkedHashMap<>();
        server.requestCounts().fields().forEachRemaining(e -> requests.put(e.getKey(), e.getValue().asLong()));
        return new SandboxState(data.counts(), deleted, requests);
    }

    /** Forgets the request counters. */
    public void resetRequestCounts() {
        server.resetCounts();
    }

    /** Stops the server, churn and webhook deliveries. */
    public void stop() {
        if (churnTimer != null) {
            churnTimer.shutdownNow();
        }
        webhookSender.stop();
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
