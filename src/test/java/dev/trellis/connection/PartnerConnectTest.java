package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.LogCapture;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.PartnerApp;
import dev.trellis.sandbox.PartnerGrant;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Connect with Greenhouse" against the sandbox's partner OAuth over HTTP and real PostgreSQL, without a browser:
 * the hub's 302 to the authorize URL, the sandbox's consent (approved or denied), the callback on the hub, and what
 * is stored; refusals (reused, expired or unknown state, a return_to not allowed); a revoked grant, a new
 * authorization, a lost refresh answer; and, last, the partner's secrets searched for in the logs and the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartnerConnectTest {
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    static final String VENDOR = "https://vendor.example.com/connected";

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static PartnerApp app;
    static LogCapture LOG;

    @BeforeAll
    static void start() throws Exception {
        LOG = LogCapture.start();

        sandbox = Sandbox.start(SandboxSettings.builder().seed(33).candidates(60).rateLimit(0).build());
        home = new TestHome(dir).shippedStreamsUnscheduled();
        app = sandbox.createPartnerApp(home.apiUrl() + "/connect/greenhouse/callback", Scopes.partnerAll());
        PartnerHome.harvest(home, sandbox, app, "PARTNER_TEST_SECRET", "https://vendor.example.com");
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        LOG.close();
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    void aCustomerConnectsThroughConsentAndTheTenantSyncs() throws Exception {
        HttpResponse<String> started = get(home.apiUrl() + "/connect/greenhouse?tenant=acme&return_to="
                + enc(VENDOR + "?from=settings"));
        assertEquals(302, started.statusCode(), started.body());
        String authorize = location(started);
        assertTrue(authorize.startsWith(sandbox.baseUrl() + "/authorize?client_id=" + app.clientId()), authorize);
        assertTrue(authorize.contains("response_type=code") && authorize.contains("state="), authorize);

        String callback = sandbox.approvePartner(authorize, 0, sandbox.credentials().siteAdminUserId());
        HttpResponse<String> done = get(callback);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals(VENDOR + "?from=settings&tenant=acme&status=active", location(done));

        JsonNode tenant = api("GET", "/api/tenants/acme").json();
        assertEquals("active", tenant.get("status").asText(), tenant.toString());
        assertEquals("api", tenant.get("source").asText());
        assertEquals("authorization_code", tenant.get("harvest").get("grant").asText(), tenant.toString());
        assertFalse(tenant.get("harvest").has("client_secret"), tenant.toString());
        JsonNode listed = api("GET", "/api/tenants?search=acme").json().get("tenants").get(0);
        assertEquals("authorization_code", listed.get("harvest").get("grant").asText(), listed.toString());
        assertEquals("api", listed.get("source").asText());
        assertEquals(1, count("select count(*) from partner_grant where tenant = 'acme'"));
        assertEquals(2, count("select count(*) from tenant_secret where tenant = 'acme' and name like 'oauth.%'"));
        // its streams were queued at once: rows arrive with the grant's tokens
        eventually(() -> count("select count(*) from gh_candidates where tenant = 'acme'") > 0 ? true : null);
        assertEquals(0, sandbox.partnerInvalidGrants());
    }

    @Test
    @Order(2)
    void theCallbackReplayedIsRefusedAndStoresNothing() throws Exception {
        HttpResponse<String> started = get(home.apiUrl() + "/connect/greenhouse?tenant=twice&return_to=" + enc(VENDOR));
        String callback = sandbox.approvePartner(location(started), 0, sandbox.credentials().siteAdminUserId());
        assertEquals(302, get(callback).statusCode());
        long grants = count("select count(*) from partner_grant");
        String revision = String.valueOf(count("select revision from tenant where id = 'twice'"));

        HttpResponse<String> again = get(callback);
        assertEquals(400, again.statusCode(), again.body());
        assertTrue(again.body().contains("used up"), again.body());
        assertEquals(grants, count("select count(*) from partner_grant"));
        assertEquals(revision, String.valueOf(count("select revision from tenant where id = 'twice'")));
        // the code never reached Greenhouse twice: the grant it made still works
        for (PartnerGrant g : sandbox.partnerGrants()) {
            assertEquals("active", g.status(), g.toString());
        }
    }

    @Test
    @Order(3)
    void aDeniedConsentGoesBackWithTheErrorAndStoresNothing() throws Exception {
        HttpResponse<String> started = get(home.apiUrl() + "/connect/greenhouse?tenant=denied&return_to=" + enc(VENDOR));
        URI authorize = URI.create(location(started));
        HttpResponse<String> denied = NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                + "/authorize")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(authorize.getRawQuery() + "&decision=deny")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, denied.statusCode(), denied.body());
        HttpResponse<String> back = get(location(denied));
        assertEquals(302, back.statusCode(), back.body());
        assertEquals(VENDOR + "?tenant=denied&error=access_denied", location(back));
        assertEquals(0, count("select count(*) from tenant where id = 'denied'"));
    }

    @Test
    @Order(4)
    void anExpiredOrUnknownStateIsAClearPageAndStoresNothing() throws Exception {
        HttpResponse<String> started = get(home.apiUrl() + "/connect/greenhouse?tenant=late&return_to=" + enc(VENDOR));
        String callback = sandbox.approvePartner(location(started), 0, sandbox.credentials().siteAdminUserId());
        update("update oauth_state set expires_at = now() - interval '1 second' where tenant = 'late'");
        HttpResponse<String> late = get(callback);
        assertEquals(400, late.statusCode(), late.body());
        assertTrue(late.body().contains("expired"), late.body());
        assertEquals(0, count("select count(*) from tenant where id = 'late'"));

        HttpResponse<String> forged = get(home.apiUrl() + "/connect/greenhouse/callback?code=abc&state=forged");
        assertEquals(400, forged.statusCode());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }

    @Test
    @Order(5)
    void aReturnToOutsideTheAllowedOriginsOrABadTenantIs400() throws Exception {
        HttpResponse<String> evil = get(home.apiUrl() + "/connect/greenhouse?tenant=x&return_to="
                + enc("https://evil.example.net/steal"));
        assertEquals(400, evil.statusCode());
        assertTrue(evil.body().contains("return_to"), evil.body());
        HttpResponse<String> sneaky = get(home.apiUrl() + "/connect/greenhouse?tenant=x&return_to="
                + enc("https://vendor.example.com@evil.example.net/"));
        assertEquals(400, sneaky.statusCode());
        HttpResponse<String> bad = get(home.apiUrl() + "/connect/greenhouse?tenant=Not_An_Id&return_to=" + enc(VENDOR));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("tenant"), bad.body());
        assertEquals(0, count("select count(*) from oauth_state where tenant = 'x'"));
    }

    @Test
    @Order(6)
    void aRevokedGrantDisconnectsWithReauthorizeAndANewAuthorizationResumesIt() throws Exception {
        // the customer removes the app in Greenhouse
        assertTrue(sandbox.revokePartnerGrant(token("acme", GrantApi.HARVEST.refreshName)));
        // the next Harvest call gets 401, refreshes once, and Greenhouse answers invalid_grant
        api("GET", "/api/tenants/acme/check");
        JsonNode tenant = eventually(() -> {
            JsonNode t = api("GET", "/api/tenants/acme").json();
            return t.get("status").asText().equals("disconnected") ? t : null;
        });
        assertTrue(tenant.get("reasons").toString().contains("re-authorize: GET /connect/greenhouse?tenant=acme"),
                tenant.toString());
        long invalid = sandbox.partnerInvalidGrants();
        assertEquals(1, invalid, "one refresh attempt, then no more requests against the dead grant");
        api("GET", "/api/tenants/acme/check");
        assertEquals(invalid, sandbox.partnerInvalidGrants(), "a dead grant is not asked again");
        assertTrue(metrics().contains("trellis_partner_refreshes_total{api=\"harvest\",outcome=\"invalid_grant\"} 1.0"),
                metrics());

        long rows = count("select count(*) from gh_candidates where tenant = 'acme'");
        HttpResponse<String> started = get(home.apiUrl() + "/connect/greenhouse?tenant=acme&return_to=" + enc(VENDOR));
        HttpResponse<String> done = get(sandbox.approvePartner(location(started), 0,
                sandbox.credentials().siteAdminUserId()));
        assertEquals(VENDOR + "?tenant=acme&status=active", location(done));
        assertEquals("active", api("GET", "/api/tenants/acme").json().get("status").asText());
        assertTrue(count("select count(*) from gh_candidates where tenant = 'acme'") >= rows, "its rows stay");
        assertEquals(0, count("select count(*) from partner_grant where tenant = 'acme' and invalid_at is not null"));
    }

    @Test
    @Order(7)
    void aLostRefreshAnswerIsRecordedThenDisconnects() throws Exception {
        // The protocol's limit: Greenhouse rotated the refresh token and its answer (with the new one) was lost, so
        // no client can refresh again; Trellis records the ambiguity, retries once as the answer allows, and only the
        // invalid_grant that follows makes it disconnected.
        sandbox.faults().loseRefreshAnswers(1);
        sandbox.advanceClock(Duration.ofMinutes(61));
        api("GET", "/api/tenants/acme/check");
        // whichever partner tenant refreshes first (acme's check, or another tenant's running sync) loses the answer
        JsonNode tenant = eventually(() -> {
            for (JsonNode t : api("GET", "/api/tenants?status=disconnected").json().get("tenants")) {
                if (t.get("reasons").toString().contains("the refresh answer was lost")) {
                    return t;
                }
            }
            return null;
        });
        assertTrue(tenant.get("reasons").toString().contains("re-authorize"), tenant.toString());
        assertTrue(metrics().contains("trellis_partner_refreshes_total{api=\"harvest\",outcome=\"lost\"} 1.0"), metrics());
    }

    @Test
    @Order(99)
    void thePartnerSecretAndTokensAreNeverInTheClear() throws Exception {
        String logs = LOG.text();
        assertFalse(logs.contains(app.clientSecret()), "client secret in the logs");
        assertFalse(metrics().contains(app.clientSecret()));
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select tenant, name, key_id, nonce, sealed from tenant_secret where name like 'oauth.%'");
                ResultSet rs = ps.executeQuery()) {
            SecretBox box = new SecretBox(KeyRing.load(dir.resolve("data")));
            int seen = 0;
            while (rs.next()) {
                String token = box.open(rs.getString(1), new SecretBox.Sealed(rs.getString(3), rs.getBytes(4),
                        rs.getBytes(5)));
                assertFalse(logs.contains(token), rs.getString(2) + " in the logs");
                assertFalse(new String(rs.getBytes(5), StandardCharsets.ISO_8859_1).contains(token));
                assertEquals(0, count("select count(*) from tenant where spec::text like '%" + token + "%' or "
                        + "reasons::text like '%" + token + "%' or last_check::text like '%" + token + "%'"));
                seen++;
            }
            assertTrue(seen >= 2, "tokens stored");
        }
        assertEquals(0, count("select count(*) from tenant where spec::text like '%" + app.clientSecret() + "%' "
                + "or last_check::text like '%" + app.clientSecret() + "%'"), "client secret in the database");
        for (String t : List.of("acme", "twice")) {
            assertFalse(api("GET", "/api/tenants/" + t).body().contains(app.clientSecret()));
        }
    }

    // ---------------------------------------------------------------------------------------- helpers

    /** The tenant's stored token, opened with the hub's key (the sandbox finds a grant by its refresh token). */
    static String token(String tenant, String name) throws Exception {
        return StoredSecret.open(db, dir, tenant, name);
    }

    static HttpResponse<String> get(String url) throws Exception {
        return NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location: " + r.body()));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static HttpCalls.Answer api(String method, String path) throws Exception {
        return HttpCalls.json(method, home.apiUrl() + path, null);
    }

    static String metrics() throws Exception {
        return HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
    }

    static <T> T eventually(Callable<T> probe) throws Exception {
        return Await.until(probe);
    }

    static void update(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    static long count(String sql) throws Exception {
        return Rows.count(db, sql);
    }
}
