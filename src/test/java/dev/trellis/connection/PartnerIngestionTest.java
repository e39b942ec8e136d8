package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Candidate Ingestion's OAuth option (its own partner app, authorize and token URLs, docs/greenhouse.md#partner-oauth)
 * against the sandbox over HTTP and real PostgreSQL: a sourcing vendor's customer authorizes, candidates are pushed
 * with the grant's Bearer tokens (no key, no On-Behalf-Of), tokens rotate, a revoked grant disconnects the tenant with
 * the ingestion re-authorize link, and a new authorization brings it back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartnerIngestionTest {
    static final String VENDOR = "https://vendor.example.com/connected";

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static PartnerApp app;

    @BeforeAll
    static void start() throws Exception {
        // access tokens live 3 s, so the pushes below outlive one and the hub must refresh
        sandbox = Sandbox.start(SandboxSettings.builder().seed(34).candidates(20).rateLimit(0)
                .partnerTokenTtl(Duration.ofSeconds(3)).build());
        home = new TestHome(dir).shippedStreamsUnscheduled();
        String callback = home.apiUrl() + "/connect/greenhouse/callback";
        app = sandbox.createPartnerApp(callback, Scopes.ingestion());
        PartnerHome.ingestion(home, sandbox, app, "PARTNER_INGESTION_TEST_SECRET", "https://vendor.example.com");
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    void harvestIsNotOfferedWhenOnlyTheIngestionAppIsConfigured() throws Exception {
        HttpResponse<String> r = PartnerConnectTest.get(home.apiUrl() + "/connect/greenhouse?tenant=x&return_to="
                + PartnerConnectTest.enc(VENDOR));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("trellis.partner.client-id"), r.body());
        HttpResponse<String> bad = PartnerConnectTest.get(home.apiUrl() + "/connect/greenhouse?tenant=x&api=v1"
                + "&return_to=" + PartnerConnectTest.enc(VENDOR));
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("'api'"), bad.body());
    }

    @Test
    @Order(2)
    void aCustomerAuthorizesAndCandidatesArePushedWithTheGrant() throws Exception {
        assertEquals(VENDOR + "?tenant=sourcer&status=active", authorize("sourcer"));

        JsonNode tenant = api("GET", "/api/tenants/sourcer").json();
        assertEquals("active", tenant.get("status").asText(), tenant.toString());
        assertEquals("authorization_code", tenant.get("ingestion").get("grant").asText(), tenant.toString());
        assertFalse(tenant.get("ingestion").has("api_key"), tenant.toString());
        assertFalse(tenant.has("harvest"), tenant.toString());
        assertEquals(1, count("select count(*) from partner_grant where tenant = 'sourcer' and api = 'ingestion'"));
        assertEquals(2, count("select count(*) from tenant_secret where tenant = 'sourcer' "
                + "and name like 'oauth.ingestion.%'"));
        JsonNode check = api("GET", "/api/tenants/sourcer/check").json();
        assertTrue(check.toString().contains("partner authorization accepted"), check.toString());

        // two pushes more than a token lifetime apart: the second needs a refreshed token
        push("sourcer", "ext-1");
        Thread.sleep(3_500);
        push("sourcer", "ext-2");
        PartnerGrant grant = sandbox.partnerGrant(token("sourcer",
                GrantApi.INGESTION.refreshName));
        assertEquals("ingestion", grant.api());
        assertTrue(grant.refreshes() >= 1, "refreshed: " + grant.refreshes());
        assertEquals(0, sandbox.partnerInvalidGrants());
        assertTrue(metrics().contains("trellis_partner_refreshes_total{api=\"ingestion\",outcome=\"ok\"}"));
    }

    @Test
    @Order(3)
    void aRevokedGrantDisconnectsWithTheIngestionLinkAndANewAuthorizationResumes() throws Exception {
        assertTrue(sandbox.revokePartnerGrant(token("sourcer", GrantApi.INGESTION.refreshName)));
        Thread.sleep(3_500); // the access token expires, so the next request refreshes and meets invalid_grant
        api("GET", "/api/tenants/sourcer/check");
        JsonNode tenant = Await.until(() -> {
            JsonNode t = api("GET", "/api/tenants/sourcer").json();
            return t.get("status").asText().equals("disconnected") ? t : null;
        });
        assertTrue(tenant.toString().contains("/connect/greenhouse?tenant=sourcer&api=ingestion"), tenant.toString());

        assertEquals(VENDOR + "?tenant=sourcer&status=active", authorize("sourcer"));
        push("sourcer", "ext-3");
    }

    // ---------------------------------------------------------------------------------------- helpers

    /** The round trip a browser makes: start, consent as the Site Admin, callback; returns where it ends. */
    static String authorize(String tenant) throws Exception {
        HttpResponse<String> started = PartnerConnectTest.get(home.apiUrl() + "/connect/greenhouse?tenant=" + tenant
                + "&api=ingestion&return_to=" + PartnerConnectTest.enc(VENDOR));
        assertEquals(302, started.statusCode(), started.body());
        String authorizeUrl = PartnerConnectTest.location(started);
        assertTrue(authorizeUrl.startsWith(sandbox.baseUrl() + "/oauth/authorize?client_id=" + app.clientId()),
                authorizeUrl);
        String callback = sandbox.approvePartner(authorizeUrl, 0, sandbox.credentials().siteAdminUserId());
        HttpResponse<String> done = PartnerConnectTest.get(callback);
        assertEquals(302, done.statusCode(), done.body());
        return PartnerConnectTest.location(done);
    }

    /** Pushes one prospect and waits until Greenhouse (the sandbox) answered it with a candidate id. */
    static void push(String tenant, String externalId) throws Exception {
        HttpCalls.Answer accepted = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/" + tenant
                + "/ingestion/candidates", "{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"external_id\":\""
                + externalId + "\"}");
        assertEquals(202, accepted.status(), accepted.body());
        JsonNode pushed = Await.until(() -> {
            JsonNode p = api("GET", "/api/tenants/" + tenant + "/ingestion/candidates/" + externalId).json();
            return p.path("candidate_id").isNumber() ? p : null;
        });
        assertTrue(pushed.get("candidate_id").asLong() > 0, pushed.toString());
    }

    /** The tenant's stored token, opened with the hub's key (the sandbox finds a grant by its refresh token). */
    static String token(String tenant, String name) throws Exception {
        return StoredSecret.open(db, dir, tenant, name);
    }

    static HttpCalls.Answer api(String method, String path) throws Exception {
        return HttpCalls.json(method, home.apiUrl() + path, null);
    }

    static String metrics() throws Exception {
        return HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
    }

    static long count(String sql) throws Exception {
        return Rows.count(db, sql);
    }
}
