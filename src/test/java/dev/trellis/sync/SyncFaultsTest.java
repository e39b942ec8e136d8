package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync under a misbehaving Greenhouse: it completes and equals the truth, or says precisely what is missing. */
class SyncFaultsTest {
    private static final String STREAMS = """
            - templatedRoute:
                routeTemplateRef: harvest-stream
                routeId: stream-candidates
                parameters:
                  - {name: stream, value: "candidates"}
                  - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                  - {name: perPage, value: "%d"}
            - templatedRoute:
                routeTemplateRef: harvest-stream
                routeId: stream-applications
                parameters:
                  - {name: stream, value: "applications"}
                  - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                  - {name: perPage, value: "%d"}
                  - {name: joinColumns, value: "candidate_id,job_id"}
            """;

    @TempDir
    Path dir;
    Sandbox sandbox;
    Hub hub;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        sandbox.close();
    }

    private void start(SandboxSettings settings, int perPage, String clientId, String secret, Map<String, String> props)
            throws Exception {
        TestHome home = new TestHome(dir).sandboxTenant("acme", sandbox, clientId, secret, "FAULTS_TEST_SECRET")
                .route("streams.camel.yaml", STREAMS.formatted(perPage, perPage))
                .property("trellis.greenhouse.backoff-ms", "20")
                .property("trellis.greenhouse.max-backoff-ms", "200")
                .property("trellis.greenhouse.max-attempts", "10");
        props.forEach(home::property);
        hub = home.start();
    }

    private void run(String routeId) {
        Exchange done = RouteInvoker.invoke(hub.context(), routeId, ex -> ex.getIn().setHeader(HubHeaders.TENANT, "acme"));
        assertFalse(done.isFailed(), String.valueOf(done.getException()));
    }

    private long count(String sql) throws Exception {
        DataSource db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void assertEqualsTruth() throws Exception {
        assertEquals(sandbox.state().count(Resource.CANDIDATES), count("select count(*) from gh_candidates where deleted_at is null"));
        assertEquals(sandbox.state().count(Resource.APPLICATIONS), count("select count(*) from gh_applications where deleted_at is null"));
        assertEquals(0, count("select count(*) from dead_letter"));
    }

    @Test
    void completesThrough429Storms5xxTruncatedBodiesAndExpiringTokens() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(3).candidates(1_500).rateLimit(0).build());
        start(null, 100, sandbox.credentials().clientId(), sandbox.credentials().clientSecret(), Map.of());
        sandbox.faults().rateLimitStorm(4, 1).serverErrors(0.2).truncateBodies(3).tokenMaxAge(Duration.ofMillis(300));
        run("stream-candidates");
        run("stream-applications");
        assertEqualsTruth();
        var requests = sandbox.state().requestCounts();
        assertTrue(requests.getOrDefault("GET /v3/candidates 429", 0L) > 0, requests.toString());
        assertTrue(requests.keySet().stream().anyMatch(k -> k.startsWith("GET /v3/applications 5")), requests.toString());
        assertTrue(requests.getOrDefault("GET /v3/candidates 401", 0L) + requests.getOrDefault("GET /v3/applications 401", 0L) > 0,
                "tokens expired mid-run and were re-minted: " + requests);
    }

    @Test
    void aMissingScopeIsADeadLetterNamingItWhileOtherStreamsGoOn() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(4).candidates(300).rateLimit(0).build());
        var limited = sandbox.createClient(Scopes.allExcept("harvest:applications:list"));
        start(null, 500, limited.clientId(), limited.clientSecret(), Map.of());
        run("stream-applications");
        run("stream-candidates");
        assertEquals(sandbox.state().count(Resource.CANDIDATES), count("select count(*) from gh_candidates"));
        assertEquals(1, count("select count(*) from dead_letter where route_id = 'stream-applications' and tenant = 'acme' "
                + "and exception_message like '%harvest:applications:list%' and attempts = 1"));
    }

    @Test
    void aBudgetLearnedFromTheHeadersMakesNo429() throws Exception {
        // Greenhouse allows 6 per 30 s; Trellis is configured for 50 and must learn the lower limit from the headers
        sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(400).rateLimit(6).build());
        start(null, 50, sandbox.credentials().clientId(), sandbox.credentials().clientSecret(),
                Map.of("trellis.greenhouse.rate-budget", "50"));
        long t0 = System.nanoTime();
        run("stream-candidates");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertEquals(400, count("select count(*) from gh_candidates"));
        var requests = sandbox.state().requestCounts();
        assertEquals(0, requests.entrySet().stream().filter(e -> e.getKey().endsWith(" 429")).count(), requests.toString());
        assertEquals(8, requests.getOrDefault("GET /v3/candidates 200", 0L), requests.toString());
        assertTrue(seconds >= 1, "it waited for the next window: " + seconds);
    }
}
