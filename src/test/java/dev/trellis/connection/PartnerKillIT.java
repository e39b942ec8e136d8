package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.TestHome;
import dev.trellis.hub.TrellisJar;
import dev.trellis.sandbox.PartnerApp;
import dev.trellis.sandbox.PartnerGrant;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar with a few partner connections, killed with SIGKILL while it refreshes their grants, again and
 * again: every connection stays active. Each round expires every access token on the sandbox's clock, asks the hub to
 * use every connection (its checks get 401, refresh under the row lock, retry), waits until Greenhouse has rotated at
 * least one grant in this round (so refreshes are under way), kills the jar a random few milliseconds later and
 * restarts it.
 *
 * <p>The protocol leaves one window no client can close: Greenhouse has rotated the refresh token and the answer has
 * not reached the hub's commit (in flight, or between the answer and the commit). A kill there loses the new token,
 * and the next refresh gets invalid_grant. The test tells such a round from a bug by comparing, per grant, the
 * rotations Greenhouse made with the refreshes the hub committed while the jar was down: a lost connection is
 * accepted only where Greenhouse rotated more often than the hub committed; it is reported, re-authorized through the
 * flow and counted. Any other disconnect, or invalid_grant beyond those, fails.
 */
class PartnerKillIT {
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final List<String> TENANTS = List.of("k1", "k2", "k3", "k4");
    private static final int ROUNDS = 8;

    @TempDir
    static Path dir;
    static EmbeddedPostgres pg;
    static Sandbox sandbox;
    static PartnerApp app;
    static TestHome home;
    static Process hub;
    static final String KEY = KeyRing.newKey();
    static final Map<String, String> GRANTS = new LinkedHashMap<>();
    static int started;
    static Connection poll;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        sandbox = Sandbox.start(SandboxSettings.builder().seed(13).candidates(30).rateLimit(0)
                .partnerTokenTtl(Duration.ofMinutes(1)).build());
        home = new TestHome(Files.createDirectories(dir.resolve("home")));
        home.route("streams.camel.yaml", candidatesOnly());
        app = sandbox.createPartnerApp(home.apiUrl() + "/connect/greenhouse/callback", Scopes.partnerAll());
    }

    @AfterAll
    static void stop() throws Exception {
        if (poll != null) {
            poll.close();
        }
        if (hub != null) {
            TrellisJar.stopAll(List.of(hub), Duration.ofSeconds(30));
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void killedInTheMiddleOfRefreshesManyTimesNoConnectionIsLost() throws Exception {
        hub = startJar();
        for (String t : TENANTS) {
            connect(t);
        }
        hub.destroy(); // measured on a fresh jar, as every round below is
        assertTrue(hub.waitFor(30, TimeUnit.SECONDS));
        hub = startJar();
        Random random = new Random(Long.getLong("partner.kill.seed", System.nanoTime()));
        ExecutorService pool = Executors.newFixedThreadPool(TENANTS.size());
        List<Long> cold = window(pool);
        List<Long> warm = window(pool);
        System.out.println("PartnerKillIT: the window, Greenhouse's rotation to the hub's commit, ms per grant: on a "
                + "freshly started jar " + cold + ", warm " + warm);
        // the hub commits right after the answer (seal, two statements, commit): a window of a request's order, not
        // one that spans another request (e.g. committing after the new access token's first use)
        assertTrue(warm.stream().allMatch(ms -> ms < 250), "the rotated token is committed at once: " + warm);
        int midBatch = 0;
        int windowHits = 0;
        List<String> rounds = new ArrayList<>();
        long began = System.nanoTime();
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                Map<String, Long> rotated = sandboxRefreshes();
                Map<String, Long> committed = hubRefreshes();
                sandbox.advanceClock(Duration.ofSeconds(61)); // every access token has expired on Greenhouse's clock
                for (String t : TENANTS) {
                    pool.submit(() -> HttpCalls.get(home.apiUrl() + "/api/tenants/" + t + "/check"));
                }
                // refreshes are under way once Greenhouse has rotated one grant; the kill lands a little later
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (rotations(rotated) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(rotations(rotated) > 0, "round " + round + ": no refresh began within 20 s");
                int delay = random.nextInt(40);
                Thread.sleep(delay);
                hub.destroyForcibly();
                assertTrue(hub.waitFor(30, TimeUnit.SECONDS));

                // per grant: rotated by Greenhouse but not committed by the hub = the protocol's window
                Map<String, Long> rotatedNow = sandboxRefreshes();
                Map<String, Long> committedNow = hubRefreshes();
                List<String> lostInWindow = new ArrayList<>();
                int refreshedAtKill = 0;
                for (String t : TENANTS) {
                    long g = rotatedNow.get(t) - rotated.get(t);
                    long h = committedNow.get(t) - committed.get(t);
                    refreshedAtKill += h > 0 ? 1 : 0;
                    assertTrue(h <= g, t + ": the hub committed " + h + " refreshes, Greenhouse made " + g);
                    if (g > h) {
                        lostInWindow.add(t);
                    }
                }
                midBatch += refreshedAtKill < TENANTS.size() ? 1 : 0;
                rounds.add("round " + round + ": killed " + delay + " ms after the first rotation, " + refreshedAtKill
                        + "/" + TENANTS.size() + " refreshes committed, in the window: " + lostInWindow);

                hub = startJar();
                for (String t : TENANTS) {
                    HttpCalls.Answer check = HttpCalls.get(home.apiUrl() + "/api/tenants/" + t + "/check");
                    if (lostInWindow.contains(t)) {
                        // its rotated refresh token died with the process: Greenhouse says invalid_grant, once
                        assertEquals("disconnected", status(t), t + " after a kill in the window: " + check.body());
                        windowHits++;
                        connect(t);
                    } else {
                        assertEquals(200, check.status(), "round " + round + ", " + t + ": " + check.body());
                        assertEquals("active", status(t), "round " + round + ", " + t);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            rounds.forEach(r -> System.out.println("PartnerKillIT: " + r));
        }
        System.out.printf("PartnerKillIT: %d kills in %.0f s, %d with refreshes still uncommitted, %d connection(s) "
                + "lost in the protocol's window (re-authorized), sandbox invalid_grant %d%n", ROUNDS,
                (System.nanoTime() - began) / 1e9, midBatch, windowHits, sandbox.partnerInvalidGrants());

        assertTrue(midBatch >= 1, "at least one kill landed before every refresh was committed");
        assertEquals(windowHits, sandbox.partnerInvalidGrants(), "invalid_grant only for the window's rounds");
        // Not asserted rare here: every kill is aimed at the few ms after a rotation, where a grant is in the window by
        // construction (about one loss per kill at 4 concurrent refreshes). The rate for a kill at a random moment is
        // the window (~10-20 ms, printed above) times the refreshes per second: ~0.1% with 200 one-hour connections.
        for (String t : TENANTS) {
            assertEquals("active", status(t), t);
            assertEquals("active", sandbox.partnerGrant(GRANTS.get(t)).status(), t);
        }
        // and syncing works: a new candidates run of each tenant reads on the grant after all those kills
        Map<String, Long> before = new HashMap<>();
        for (String t : TENANTS) {
            before.put(t, lastRun(t).path("id").asLong(-1));
            HttpResponse<String> sync = NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(home.apiUrl()
                    + "/api/streams/" + t + "/candidates/sync")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, sync.statusCode(), sync.body());
        }
        TrellisJar.waitFor(hub, Duration.ofSeconds(60), () -> TENANTS.stream().allMatch(t -> synced(t, before.get(t))),
                log(started));
    }

    // ---- the jar -----------------------------------------------------------------------------------------------

    private static Process startJar() throws Exception {
        started++;
        Path log = log(started);
        List<String> properties = List.of("trellis.db.url=" + pg.getJdbcUrl("postgres", "postgres"),
                "trellis.db.user=postgres", "trellis.demo.enabled=false", "trellis.check.on-startup=false",
                "trellis.greenhouse.rate-budget=1000000000",
                "trellis.partner.client-id=" + app.clientId(),
                "trellis.partner.client-secret=env:PARTNER_KILL_SECRET",
                "trellis.partner.redirect-uri=" + home.apiUrl() + "/connect/greenhouse/callback",
                "trellis.partner.authorize-url=" + sandbox.baseUrl() + "/authorize",
                "trellis.partner.token-url=" + sandbox.baseUrl() + "/token",
                "trellis.partner.harvest-url=" + sandbox.baseUrl(),
                "trellis.partner.return-to=https://vendor.example.com",
                "trellis.ingestion.status-period-minutes=0", "trellis.ingestion.jobs-period-minutes=0");
        Map<String, String> env = new HashMap<>();
        env.put("PARTNER_KILL_SECRET", app.clientSecret());
        env.put(KeyRing.CURRENT, KEY); // every run of the jar opens the tokens the killed one sealed
        env.put("TRELLIS_API_TOKEN", null);
        Process p = TrellisJar.start(home.dir(), log, env,
                TrellisJar.runArgs(home, home.port(), home.managementPort(), properties));
        TrellisJar.waitFor(p, Duration.ofSeconds(90),
                () -> HttpCalls.get(home.managementUrl() + "/observe/health").status() == 200, log);
        return p;
    }

    private static Path log(int run) {
        return dir.resolve("hub-" + run + ".log");
    }

    /** The shipped candidates stream only, never due by the clock (the test runs it). */
    private static String candidatesOnly() throws Exception {
        String yaml = Files.readString(Path.of("routes/streams.camel.yaml"));
        Matcher m = Pattern.compile("(?m)^- templatedRoute:").matcher(yaml);
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
        }
        StringBuilder out = new StringBuilder(yaml.substring(0, starts.get(0)));
        for (int i = 0; i < starts.size(); i++) {
            String block = yaml.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : yaml.length());
            if (block.contains("routeId: stream-candidates")) {
                out.append(block.replaceAll("\\{name: schedule, value: \"[^\"]*\"}",
                        "{name: schedule, value: \"0 0 3 1 1 ?\"}"));
            }
        }
        return out.toString();
    }

    // ---- the flow and the counters -----------------------------------------------------------------------------

    /** GET /connect/greenhouse → consent approved as org 0's Site Admin → GET the callback; remembers the grant. */
    private static void connect(String tenant) throws Exception {
        HttpResponse<String> start = NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(home.apiUrl()
                + "/connect/greenhouse?tenant=" + tenant + "&return_to=" + URLEncoder.encode("https://vendor.example.com/",
                StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        String callback = sandbox.approvePartner(start.headers().firstValue("Location").orElseThrow(), 0,
                sandbox.credentials().siteAdminUserId());
        HttpResponse<String> done = NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(callback)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("https://vendor.example.com/?tenant=" + tenant + "&status=active",
                done.headers().firstValue("Location").orElse(done.body()));
        GRANTS.put(tenant, sandbox.partnerGrants().stream().filter(g -> g.status().equals("active")
                && !GRANTS.containsValue(g.grantId())).reduce((x, y) -> y).orElseThrow().grantId());
    }

    private static String status(String tenant) throws Exception {
        JsonNode t = ConnectionSpec.JSON.readTree(HttpCalls.get(home.apiUrl() + "/api/tenants/" + tenant).body());
        return t.path("status").asText();
    }

    private static JsonNode lastRun(String tenant) throws Exception {
        JsonNode streams = ConnectionSpec.JSON.readTree(HttpCalls.get(home.apiUrl() + "/api/streams?tenant="
                + tenant).body());
        for (JsonNode s : streams.isArray() ? streams : streams.path("streams")) {
            if (s.path("tenant").asText().equals(tenant)) {
                return s.path("lastRun");
            }
        }
        throw new AssertionError("no candidates stream of " + tenant + ": " + streams);
    }

    private static boolean synced(String tenant, long runBefore) {
        try {
            JsonNode run = lastRun(tenant);
            return run.path("id").asLong(-1) > runBefore && run.path("status").asText().equals("done");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One round without a kill: per grant, ms from Greenhouse's rotation (its counter) to the hub's commit (the row). */
    private static List<Long> window(ExecutorService pool) throws Exception {
        Map<String, Long> rotated = sandboxRefreshes();
        Map<String, Long> committed = hubRefreshes();
        Map<String, Long> rotatedAt = new HashMap<>();
        Map<String, Long> committedAt = new HashMap<>();
        sandbox.advanceClock(Duration.ofSeconds(61));
        for (String t : TENANTS) {
            pool.submit(() -> HttpCalls.get(home.apiUrl() + "/api/tenants/" + t + "/check"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (committedAt.size() < TENANTS.size() && System.nanoTime() < deadline) {
            Map<String, Long> g = sandboxRefreshes();
            Map<String, Long> h = hubRefreshes();
            long now = System.nanoTime();
            for (String t : TENANTS) {
                if (g.get(t) > rotated.get(t)) {
                    rotatedAt.putIfAbsent(t, now);
                }
                if (h.get(t) > committed.get(t)) {
                    committedAt.putIfAbsent(t, now);
                }
            }
        }
        List<Long> out = new ArrayList<>();
        for (String t : TENANTS) {
            assertTrue(rotatedAt.containsKey(t) && committedAt.containsKey(t), t + " rotated by Greenhouse: "
                    + rotatedAt.containsKey(t) + ", committed by the hub: " + committedAt.containsKey(t));
            out.add((committedAt.get(t) - rotatedAt.get(t)) / 1_000_000);
        }
        return out;
    }

    /** Rotations Greenhouse made, per tenant (its current grant). */
    private static Map<String, Long> sandboxRefreshes() {
        Map<String, Long> out = new HashMap<>();
        GRANTS.forEach((t, id) -> out.put(t, sandbox.partnerGrant(id).refreshes()));
        return out;
    }

    private static long rotations(Map<String, Long> before) {
        return sandboxRefreshes().entrySet().stream().mapToLong(e -> e.getValue() - before.get(e.getKey())).sum();
    }

    /** Refreshes the hub committed, per tenant ({@code partner_grant.refreshes}). */
    private static Map<String, Long> hubRefreshes() throws Exception {
        Map<String, Long> out = new HashMap<>();
        if (poll == null) {
            poll = pg.getPostgresDatabase().getConnection(); // one connection: the window is read to the millisecond
        }
        try (PreparedStatement ps = poll.prepareStatement("select tenant, refreshes from partner_grant");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }
}
