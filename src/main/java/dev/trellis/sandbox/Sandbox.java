package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Records are derived from the seed and their id; only changes take memory.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxSettings settings;
    private final SandboxClock clock;
    private final Faults faults;
    private final Organisation org;
    private final OrgChanges changes;
    private final WebhookEmitter webhooks;
    private final TokenIssuer tokens;
    private final Churn churn;
    private final SandboxServer server;
    private final SandboxCredentials credentials;
    private final ClientCredentials mainClient;
    private final Random touchRandom;
    private ScheduledExecutorService churnTimer;

    private Sandbox(SandboxSettings settings) throws IOException {
        this.settings = settings;
        long seed = settings.seed();
        this.clock = new SandboxClock(Clock.systemUTC());
        this.faults = new Faults(seed);
        String boardToken = "sandbox-" + String.format("%016x", Gen.hash(seed, 9001, 1)).substring(0, 6);
        Timeline timeline = new Timeline(seed, settings.sizes());
        this.org = new Organisation(new OrgGenerator(seed, timeline, boardToken), clock,
                settings.createdIdsAbove());
        String webhookSecret = "whsec-" + Long.toHexString(Gen.hash(seed, 9002, 1));
        this.webhooks = new WebhookEmitter(webhookSecret, settings.webhookUrls(), settings.webhookRetryDelays(),
                settings.webhookTimeout());
        this.changes = new OrgChanges(org, webhooks);
        this.tokens = new TokenIssuer(clock, settings.tokenTtl().toMillis(), faults);
        this.mainClient = tokens.register("sandbox-" + String.format("%016x", Gen.hash(seed, 9003, 1)).substring(0, 10),
                Long.toHexString(Gen.hash(seed, 9004, 1)) + Long.toHexString(Gen.hash(seed, 9004, 2)), Scopes.all());
        this.churn = new Churn(org, changes, seed);
        this.touchRandom = new Random(seed + 1);
        String partnerKey = "partner-" + Long.toHexString(Gen.hash(seed, 9005, 1));
        String boardKey = "board-" + Long.toHexString(Gen.hash(seed, 9006, 1));

        RateWindow harvestWindow = new RateWindow(settings.rateLimit(), 30_000, clock);
        RateWindow tokenWindow = new RateWindow(settings.tokenRateLimit(), 60_000, clock);
        CursorCodec cursors = new CursorCodec(CursorCodec.keyFrom(seed), clock, settings.cursorTtl());
        Map<SandboxServer.Area, Handler> handlers = new EnumMap<>(SandboxServer.Area.class);
        handlers.put(SandboxServer.Area.TOKEN,
                new TokenHandler(tokens, tokenWindow, org, settings.tokenTtl().toSeconds()));
        handlers.put(SandboxServer.Area.HARVEST, new HarvestHandler(tokens, harvestWindow, org, cursors,
                new HarvestWrites(org, changes)));
        handlers.put(SandboxServer.Area.PARTNER, new IngestionHandler(org, changes, partnerKey, boardToken));
        handlers.put(SandboxServer.Area.BOARD, new JobBoardHandler(org, changes, boardToken, boardKey));
        handlers.put(SandboxServer.Area.CONTROL, new ControlHandler(this));
        this.server = new SandboxServer(settings.host(), settings.port(), settings.threads(), clock, faults,
                harvestWindow, handlers);
        server.start();
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        OrgGenerator gen = org.generator();
        this.credentials = new SandboxCredentials("http://" + host + ":" + server.port(), mainClient.clientId(),
                mainClient.clientSecret(), OrgGenerator.id(Resource.USERS, OrgGenerator.SITE_ADMIN),
                OrgGenerator.id(Resource.USERS, OrgGenerator.NON_ADMIN),
                OrgGenerator.id(Resource.USERS, OrgGenerator.SERVICE_ACCOUNT), partnerKey,
                gen.userEmail(OrgGenerator.PARTNER_USER), gen.userEmail(OrgGenerator.BASIC_USER),
                gen.userEmail(OrgGenerator.DEACTIVATED_USER), boardToken, boardKey, webhookSecret);
        if (settings.churnPerMinute() > 0) {
            churnTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sandbox-churn");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, 60_000_000L / settings.churnPerMinute());
            churnTimer.scheduleAtFixedRate(churn::step, period, period, TimeUnit.MICROSECONDS);
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
        return credentials.baseUrl();
    }

    public int port() {
        return server.port();
    }

    /** Client id/secret with all scopes, user ids, partner key and e-mail, board token, webhook secret. */
    public SandboxCredentials credentials() {
        return credentials;
    }

    /** A new OAuth client with exactly these scopes (e.g. {@code Scopes.allExcept(Scopes.NOTES_CREATE)}). */
    public ClientCredentials createClient(Set<String> scopes) {
        return tokens.registerRandom(scopes);
    }

    /** The fault switches; changes apply to the next request. */
    public Faults faults() {
        return faults;
    }

    /** Webhook targets and deliveries. */
    public WebhookEmitter webhooks() {
        return webhooks;
    }

    /** The sandbox's clock (system time plus whatever {@link #advanceClock} added). */
    public SandboxClock clock() {
        return clock;
    }

    /** Moves the sandbox's time forward: tokens, cursors and rate windows expire without waiting. */
    public void advanceClock(Duration by) {
        clock.advance(by);
    }

    /** Invalidates every token minted so far; returns how many there were. */
    public int expireTokens() {
        return tokens.expireAll();
    }

    /** Makes {@code n} churn changes now (what {@code --churn} does over time); returns what was done. */
    public List<String> churn(int n) {
        List<String> done = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            done.add(churn.step());
        }
        return done;
    }

    /**
     * Changes one record as the organisation would (candidate edit, application stage move, job or job post edit;
     * other resources: a fresh updated_at) and sends the matching webhook. Returns the record, or null if absent.
     */
    public JsonNode touch(Resource r, long id) {
        synchronized (touchRandom) {
            return changes.touch(r, id, touchRandom);
        }
    }

    /**
     * Deletes a candidate (with its applications and their children), an interview, or a job post (soft: it stays
     * listed with active=false), and sends the webhook. Returns the deleted ids per resource (empty if absent).
     */
    public Map<Resource, List<Long>> delete(Resource r, long id) {
        return changes.delete(r, id);
    }

    /** Reads a record as Harvest would show it, or null when it does not exist. */
    public JsonNode record(Resource r, long id) {
        ObjectNode rec = org.get(r, id);
        return rec == null ? null : rec.deepCopy();
    }

    /** The records created since start (writes, ingestion, churn) that still exist, oldest first. */
    public List<JsonNode> created(Resource r) {
        Table t = org.table(r);
        List<JsonNode> out = new ArrayList<>();
        t.created.forEach((id, rec) -> {
            if (!t.deleted.contains(id)) {
                out.add(rec.deepCopy());
            }
        });
        return out;
    }

    /** Counts, deleted ids and request counters, as of now. */
    public SandboxState state() {
        Map<Resource, List<Long>> deleted = new LinkedHashMap<>();
        for (Resource r : Resource.values()) {
            List<Long> ids = org.deletedIds(r);
            if (!ids.isEmpty()) {
                deleted.put(r, ids);
            }
        }
        Map<String, Long> requests = new LinkedHashMap<>();
        server.requestCounts().fields().forEachRemaining(e -> requests.put(e.getKey(), e.getValue().asLong()));
        return new SandboxState(org.counts(), deleted, requests);
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
        webhooks.stop();
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
