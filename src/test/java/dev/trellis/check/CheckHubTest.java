package dev.trellis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.ClientCredentials;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import dev.trellis.sync.StatusCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The check inside the hub: at start-up it pauses the stream whose scope is missing (visible in /api/streams and
 * {@code trellis status}), reports it by health check, metric, REST and the registry the outbox reads; the paused
 * stream makes no request; once the credential is fixed the next check resumes it.
 */
class CheckHubTest {
    /** Never fires during a test: streams run only when the test invokes them. */
    private static final String NEVER = "0 0 3 1 1 ? 2099";

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static SandboxCredentials c;
    static TestHome home;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(3).candidates(200).rateLimit(0).build());
        c = sandbox.credentials();
        ClientCredentials partial = sandbox.createClient(Scopes.allExcept("harvest:offers:list", Scopes.NOTES_CREATE));
        System.setProperty("CHECK_HUB_SECRET", partial.clientSecret());
        home = new TestHome(dir).tenant("demo", tenant(partial.clientId()))
                .property("trellis.check.on-startup", "true")
                .property("trellis.check.startup-delay-ms", "100")
                .route("streams.camel.yaml", stream("offers") + stream("candidates"));
        hub = home.start();
    }

    static String tenant(String clientId) {
        return """
                harvest.base-url = %s
                harvest.token-url = %s
                harvest.client-id = %s
                harvest.client-secret = env:CHECK_HUB_SECRET
                harvest.user-id = %d
                """.formatted(c.baseUrl(), c.tokenUrl(), clientId, c.siteAdminUserId());
    }

    static String stream(String name) {
        return """
                - templatedRoute:
                    routeTemplateRef: harvest-stream
                    routeId: stream-%s
                    parameters:
                      - {name: stream, value: "%s"}
                      - {name: schedule, value: "%s"}
                """.formatted(name, name, NEVER);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        sandbox.close();
    }

    static PermissionRegistry registry() {
        return hub.context().getRegistry().lookupByNameAndType(PermissionRegistry.BEAN, PermissionRegistry.class);
    }

    /** Waits for the start-up check of the running hub. */
    static CheckResult startupCheck() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            var r = registry().latest("demo");
            if (r.isPresent()) {
                return r.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no start-up check within 30 s");
    }

    static JsonNode stream(String tenant, String name) throws Exception {
        HttpCalls.Answer a = HttpCalls.get(home.apiUrl() + "/api/streams?tenant=" + tenant + "&stream=" + name);
        assertEquals(200, a.status(), a.body());
        return a.json().get("streams").get(0);
    }

    static void run(String stream) {
        Exchange done = RouteInvoker.invoke(hub.context(), "stream-" + stream,
                ex -> ex.getIn().setHeader(HubHeaders.TENANT, "demo"));
        assertFalse(done.isFailed(), String.valueOf(done.getException()));
    }

    static long writes() {
        return sandbox.state().requestCounts().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("GET ") && !e.getKey().startsWith("POST /token ")
                        && e.getKey().matches(".* 2\\d\\d.*"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Test
    void missingScopePausesItsStreamAndAFixedCredentialResumesIt() throws Exception {
        CheckResult first = startupCheck();
        assertFalse(first.usable());
        assertEquals(0, writes(), "the check wrote nothing: " + sandbox.state().requestCounts());

        // paused with the reason, visible in /api/streams and in trellis status
        String reason = stream("demo", "offers").get("paused").asText();
        assertTrue(reason.startsWith("[check] harvest:offers:list (GET: List Offers) missing"), reason);
        assertTrue(stream("demo", "candidates").get("paused").isNull());
        StringWriter out = new StringWriter();
        CommandLine status = new CommandLine(new StatusCommand());
        status.setOut(new PrintWriter(out));
        assertEquals(0, status.execute("--url", home.apiUrl()));
        assertTrue(out.toString().contains("paused: [check] harvest:offers:list"), out.toString());

        // the paused stream costs nothing; the others run
        sandbox.resetRequestCounts();
        run("offers");
        run("candidates");
        assertEquals(0, sandbox.state().requests("GET /v3/offers 200") + sandbox.state().requests("GET /v3/offers 403"),
                sandbox.state().requestCounts().toString());
        assertTrue(sandbox.state().requests("GET /v3/candidates 200") > 0, sandbox.state().requestCounts().toString());

        // the same result by REST
        HttpCalls.Answer api = HttpCalls.get(home.apiUrl() + "/api/tenants/demo/check");
        assertEquals(200, api.status(), api.body());
        assertFalse(api.json().get("usable").asBoolean());
        assertTrue(api.json().get("fix").get(0).asText().contains("harvest:notes:create"), api.body());
        assertEquals(404, HttpCalls.get(home.apiUrl() + "/api/tenants/nope/check").status());

        // health names the tenant and what it lacks
        HttpCalls.Answer health = HttpCalls.get(home.managementUrl() + "/observe/health");
        assertEquals(503, health.status(), health.body());
        assertTrue(health.body().contains("tenants lacking permissions: demo (sync:offers: harvest:offers:list, "
                + "notes: harvest:notes:create, emails: harvest:notes:create)"), health.body());

        // one metric per tenant and permission
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metric(metrics, "harvest:offers:list").endsWith(" 0.0"), metric(metrics, "harvest:offers:list"));
        assertTrue(metric(metrics, "harvest:candidates:list").endsWith(" 1.0"), metrics);
        assertTrue(metric(metrics, "client-credentials").endsWith(" 1.0"), metrics);

        // what the outbox asks
        PermissionRegistry permissions = registry();
        assertTrue(permissions.pausedReason("demo", Feature.NOTES).orElseThrow().contains("harvest:notes:create"));
        assertTrue(permissions.pausedReason("demo", Feature.INTERVIEWS).isEmpty());
        assertTrue(permissions.pausedReason("demo", Scopes.INTERVIEWS_DESTROY).isEmpty());
        assertTrue(permissions.pausedReason("demo", Scopes.NOTES_CREATE).isPresent());
        assertEquals(1, permissions.missing("demo", Feature.EMAILS).size());
        assertEquals(Boolean.FALSE, permissions.granted("demo", "harvest:offers:list").orElseThrow());
        assertEquals(0, writes(), "no check wrote anything: " + sandbox.state().requestCounts());

        // the customer fixes the credential (here: a credential with every scope), the next check resumes
        hub.stop();
        System.setProperty("CHECK_HUB_SECRET", c.clientSecret());
        home.tenant("demo", tenant(c.clientId()));
        hub = home.start();
        CheckResult fixed = startupCheck();
        assertTrue(fixed.usable(), fixed.problems().toString());
        assertNull(stream("demo", "offers").get("paused").textValue());
        sandbox.resetRequestCounts();
        run("offers");
        assertTrue(sandbox.state().requests("GET /v3/offers 200") > 0, sandbox.state().requestCounts().toString());
        assertEquals(200, HttpCalls.get(home.managementUrl() + "/observe/health").status());
        assertTrue(metric(HttpCalls.get(home.managementUrl() + "/observe/metrics").body(), "harvest:offers:list")
                .endsWith(" 1.0"));
    }

    static String metric(String metrics, String permission) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("trellis_check_permission{") && line.contains("permission=\"" + permission + "\"")
                    && line.contains("tenant=\"demo\"")) {
                return line;
            }
        }
        throw new AssertionError("no trellis_check_permission for " + permission + ":\n" + metrics);
    }
}
