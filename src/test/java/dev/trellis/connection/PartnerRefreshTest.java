package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on one database serving the same partner grants, with access tokens that live a minute on the sandbox's
 * clock, which the test advances: both hubs use every grant in every token lifetime, and the row lock lets exactly
 * one of them refresh it (zero invalid_grant). Then the keep-alive over a day without traffic, and a day and more
 * with the hubs stopped. The hubs' own clocks cannot be advanced, so the grants' rows are aged by as much as the
 * sandbox's clock moves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartnerRefreshTest {
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();
    static final List<String> TENANTS = List.of("p1", "p2", "p3");

    @TempDir
    static Path dir;
    static EmbeddedPostgres postgres;
    static Sandbox sandbox;
    static PartnerApp app;
    static TestHome homeA;
    static TestHome homeB;
    static Hub hubA;
    static Hub hubB;
    static final Map<String, String> GRANTS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(KeyRing.CURRENT, KeyRing.newKey());
        postgres = EmbeddedPostgres.builder().start();
        sandbox = Sandbox.start(SandboxSettings.builder().seed(35).candidates(40).rateLimit(0)
                .partnerTokenTtl(Duration.ofMinutes(1)).build());
        homeA = home("a");
        app = sandbox.createPartnerApp(homeA.apiUrl() + "/connect/greenhouse/callback", Scopes.partnerAll());
        System.setProperty("PARTNER_REFRESH_SECRET", app.clientSecret());
        homeA = partner(homeA);
        homeB = partner(home("b"));
        hubA = homeA.start();
        hubB = homeB.start();
        for (String t : TENANTS) {
            HttpResponse<String> started = get(homeA.apiUrl() + "/connect/greenhouse?tenant=" + t + "&return_to="
                    + URLEncoder.encode("https://vendor.example.com/", StandardCharsets.UTF_8));
            String callback = sandbox.approvePartner(started.headers().firstValue("Location").orElseThrow(), 0,
                    sandbox.credentials().siteAdminUserId());
            HttpResponse<String> done = get(callback);
            assertEquals("https://vendor.example.com/?tenant=" + t + "&status=active",
                    done.headers().firstValue("Location").orElse(done.body()));
            GRANTS.put(t, sandbox.partnerGrants().stream().filter(g -> g.status().equals("active")
                    && !GRANTS.containsValue(g.grantId())).findFirst().orElseThrow().grantId());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(KeyRing.CURRENT);
        for (Hub hub : new Hub[] {hubA, hubB}) {
            if (hub != null) {
                hub.stop();
            }
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static TestHome home(String name) {
        return new TestHome(dir.resolve(name)).shippedStreamsUnscheduled()
                .property("trellis.db.url", postgres.getJdbcUrl("postgres", "postgres"))
                .property("trellis.db.user", "postgres")
                .property("trellis.greenhouse.rate-budget", "1000000000")
                .property("trellis.greenhouse.backoff-ms", "10")
                .property("trellis.greenhouse.max-backoff-ms", "50")
                .property("trellis.tenants.refresh-seconds", "1")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0");
    }

    static TestHome partner(TestHome home) {
        return home.property("trellis.partner.client-id", app.clientId())
                .property("trellis.partner.client-secret", "env:PARTNER_REFRESH_SECRET")
                .property("trellis.partner.redirect-uri", homeA.apiUrl() + "/connect/greenhouse/callback")
                .property("trellis.partner.authorize-url", sandbox.baseUrl() + "/authorize")
                .property("trellis.partner.token-url", sandbox.baseUrl() + "/token")
                .property("trellis.partner.harvest-url", sandbox.baseUrl())
                .property("trellis.partner.return-to", "https://vendor.example.com")
                .property("trellis.partner.keepalive-check-seconds", "1");
    }

    @Test
    @Order(1)
    void twoHubsUsingEveryGrantRefreshItOncePerTokenLifetimeWithoutInvalidGrant() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 1; round <= 4; round++) {
                sandbox.advanceClock(Duration.ofSeconds(61)); // every access token has expired on Greenhouse's clock
                List<Future<HttpCalls.Answer>> calls = new ArrayList<>();
                for (String t : TENANTS) {
                    for (TestHome h : List.of(homeA, homeB)) {
                        calls.add(pool.submit(() -> HttpCalls.get(h.apiUrl() + "/api/tenants/" + t + "/check")));
                    }
                }
                for (Future<HttpCalls.Answer> call : calls) {
                    assertEquals(200, call.get().status(), call.get().body());
                }
                for (String t : TENANTS) {
                    PartnerGrant g = sandbox.partnerGrant(GRANTS.get(t));
                    assertEquals(round, g.refreshes(), "one refresh per token lifetime: " + g);
                    assertEquals("active", status(homeB, t), t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, sandbox.partnerInvalidGrants());
        // and the streams sync with the grant's tokens on either hub
        for (String t : TENANTS) {
            assertEquals(202, HttpCalls.post(homeB.apiUrl() + "/api/streams/" + t + "/users/sync").status());
        }
        eventually(() -> count("select count(distinct tenant) from gh_users") == TENANTS.size() ? true : null);
        assertEquals(0, sandbox.partnerInvalidGrants());
    }

    @Test
    @Order(2)
    void aDayWithoutTrafficIsBridgedByTheKeepAlive() throws Exception {
        Map<String, Long> before = new HashMap<>();
        for (String t : TENANTS) {
            before.put(t, sandbox.partnerGrant(GRANTS.get(t)).refreshes());
        }
        sandbox.advanceClock(Duration.ofHours(23));
        update("update partner_grant set refresh_issued_at = refresh_issued_at - interval '23 hours', "
                + "access_expires_at = access_expires_at - interval '23 hours'");
        for (String t : TENANTS) {
            eventually(() -> sandbox.partnerGrant(GRANTS.get(t)).refreshes() > before.get(t) ? true : null);
        }
        Thread.sleep(2_500); // both hubs' keep-alive ran again meanwhile
        for (String t : TENANTS) {
            PartnerGrant g = sandbox.partnerGrant(GRANTS.get(t));
            // the keep-alive's one refresh; a sync that ran meanwhile may have refreshed once more on its own 401
            long refreshed = g.refreshes() - before.get(t);
            assertTrue(refreshed >= 1 && refreshed <= 2, "one keep-alive refresh per grant (two with a sync): " + g);
            assertEquals("active", g.status());
        }
        assertEquals(0, sandbox.partnerInvalidGrants());
    }

    @Test
    @Order(3)
    void moreThanADayWithTheHubsStoppedEndsInReauthorize() throws Exception {
        hubB.stop();
        hubB = null;
        hubA.stop();
        sandbox.advanceClock(Duration.ofHours(25));
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                PreparedStatement ps = c.prepareStatement("update partner_grant set refresh_issued_at = "
                        + "refresh_issued_at - interval '25 hours', access_expires_at = access_expires_at - "
                        + "interval '25 hours'")) {
            ps.executeUpdate();
        }
        hubA = homeA.start();
        for (String t : TENANTS) {
            JsonNode tenant = eventually(() -> {
                JsonNode j = HttpCalls.get(homeA.apiUrl() + "/api/tenants/" + t).json();
                return j.get("status").asText().equals("disconnected") ? j : null;
            });
            assertTrue(tenant.get("reasons").toString().contains("re-authorize: GET /connect/greenhouse?tenant=" + t),
                    tenant.toString());
        }
        assertEquals(TENANTS.size(), sandbox.partnerInvalidGrants(), "one refusal per grant, then no more asking");
        assertEquals(200, HttpCalls.get(homeA.apiUrl() + "/api/tenants").status(), "the hub goes on serving");
        assertTrue(HttpCalls.get(homeA.managementUrl() + "/observe/health").body().contains("p1"),
                "the health check names the disconnected connections");
    }

    // ---------------------------------------------------------------------------------------- helpers

    static String status(TestHome h, String tenant) throws Exception {
        return HttpCalls.get(h.apiUrl() + "/api/tenants/" + tenant).json().get("status").asText();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static <T> T eventually(Callable<T> probe) throws Exception {
        return Await.until(probe);
    }

    static void update(String sql) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    static long count(String sql) throws Exception {
        return Rows.count(postgres.getPostgresDatabase(), sql);
    }
}
