package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.ClientCredentials;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one database: a connection made on one runs on the other within 5 s; a secret rotated on one while
 * the other syncs is swapped there without a failed run; a removal with purge while a sync runs stops it everywhere,
 * files no dead letter, and leaves no row.
 */
class TwoInstancesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static EmbeddedPostgres postgres;
    static Sandbox sandbox;
    static TestHome homeA;
    static TestHome homeB;
    static Hub hubA;
    static Hub hubB;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty(KeyRing.CURRENT, KeyRing.newKey());
        postgres = EmbeddedPostgres.builder().start();
        sandbox = Sandbox.start(SandboxSettings.builder().seed(31).candidates(2_000).rateLimit(0).build());
        homeA = home("a");
        homeB = home("b");
        hubA = homeA.start();
        hubB = homeB.start();
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
                .property("trellis.tenants.refresh-seconds", "1");
    }

    @Test
    void aConnectionMadeOnOneInstanceRunsOnTheOtherAndARemovalStopsItThereWithinFiveSeconds() throws Exception {
        assertEquals(201, post(homeA, tenant("shared", sandbox.createClient(Scopes.all()))).status());
        long made = System.nanoTime();
        eventually(() -> streams(homeB, "shared") > 0 ? true : null);
        assertTrue(System.nanoTime() - made < Duration.ofSeconds(5).toNanos(), "seen by the other instance within 5 s");
        assertEquals(202, HttpCalls.post(homeB.apiUrl() + "/api/streams/shared/candidates/sync").status());

        assertEquals(200, HttpCalls.json("DELETE", homeA.apiUrl() + "/api/tenants/shared", null).status());
        long removed = System.nanoTime();
        eventually(() -> streams(homeB, "shared") == 0 ? true : null);
        assertTrue(System.nanoTime() - removed < Duration.ofSeconds(5).toNanos(), "removed there within 5 s");
        assertEquals(404, HttpCalls.get(homeB.apiUrl() + "/api/tenants/shared").status());
    }

    @Test
    void aSecretRotatedWhileTheOtherInstanceSyncsIsSwappedThereWithoutAFailedRun() throws Exception {
        ClientCredentials old = sandbox.createClient(Scopes.all());
        assertEquals(201, post(homeA, tenant("rotating", old)).status());
        eventually(() -> streams(homeB, "rotating") > 0 ? true : null);
        sandbox.faults().latency(Duration.ofMillis(40));
        try {
            HttpCalls.post(homeB.apiUrl() + "/api/streams/rotating/applications/reset");
            assertEquals(202, HttpCalls.post(homeB.apiUrl() + "/api/streams/rotating/applications/sync").status());
            ClientCredentials fresh = sandbox.createClient(Scopes.all());
            HttpCalls.Answer patched = HttpCalls.json("PATCH", homeA.apiUrl() + "/api/tenants/rotating",
                    "{\"harvest\": {\"client_id\": \"" + fresh.clientId() + "\", \"client_secret\": \""
                            + fresh.clientSecret() + "\"}}");
            assertEquals(200, patched.status(), patched.body());
            Thread.sleep(1_500); // both instances have the new credential now
            sandbox.revokeClient(old.clientId());
            eventually(() -> count("select count(*) from sync_run where tenant = 'rotating' and stream = 'applications' "
                    + "and status = 'done' and ended_at > now() - interval '1 minute'") > 0 ? true : null);
        } finally {
            sandbox.faults().clear();
        }
        assertEquals(0, count("select count(*) from sync_run where tenant = 'rotating' and status = 'failed'"));
        assertEquals(0, count("select count(*) from dead_letter where tenant = 'rotating'"));
        assertEquals("active", HttpCalls.get(homeB.apiUrl() + "/api/tenants/rotating").json().get("status").asText());
    }

    @Test
    void removalWithPurgeWhileASyncRunsStopsItEverywhereWithoutDeadLettersAndLeavesNoRow() throws Exception {
        assertEquals(201, post(homeA, tenant("doomed", sandbox.createClient(Scopes.all()))).status());
        eventually(() -> streams(homeB, "doomed") > 0 ? true : null);
        sandbox.faults().latency(Duration.ofMillis(400));
        try {
            HttpCalls.post(homeB.apiUrl() + "/api/streams/doomed/applications/reset");
            assertEquals(202, HttpCalls.post(homeB.apiUrl() + "/api/streams/doomed/applications/sync").status());
            eventually(() -> count("select count(*) from sync_run where tenant = 'doomed' and stream = 'applications' "
                    + "and ended_at is null") > 0 ? true : null);
            HttpCalls.Answer purged = HttpCalls.json("DELETE", homeA.apiUrl() + "/api/tenants/doomed?purge=true", null);
            assertEquals(200, purged.status(), purged.body());
            Thread.sleep(3_000); // anything still running for it would write now
        } finally {
            sandbox.faults().clear();
        }
        for (String table : new String[] {"gh_applications", "gh_candidates", "sync_stream", "sync_run", "outbox",
                "dead_letter", "tenant", "tenant_secret"}) {
            String column = table.equals("tenant") ? "id" : "tenant";
            assertEquals(0, count("select count(*) from " + table + " where " + column + " = 'doomed'"), table);
        }
    }

    static HttpCalls.Answer post(TestHome home, String body) throws Exception {
        return HttpCalls.json("POST", home.apiUrl() + "/api/tenants", body);
    }

    static int streams(TestHome home, String tenant) throws Exception {
        return HttpCalls.get(home.apiUrl() + "/api/streams?tenant=" + tenant).json().get("streams").size();
    }

    static String tenant(String id, ClientCredentials client) {
        SandboxCredentials c = sandbox.credentials();
        ObjectNode body = JSON.createObjectNode().put("id", id);
        body.putObject("harvest").put("client_id", client.clientId()).put("client_secret", client.clientSecret())
                .put("user_id", c.siteAdminUserId()).put("base_url", c.baseUrl()).put("token_url", c.tokenUrl());
        return body.toString();
    }

    static long count(String sql) throws Exception {
        return Rows.count(postgres.getPostgresDatabase(), sql);
    }

    static <T> T eventually(Callable<T> probe) throws Exception {
        return Await.until(probe);
    }
}
