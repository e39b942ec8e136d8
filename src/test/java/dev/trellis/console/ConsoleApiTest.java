package dev.trellis.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.LogCapture;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console stands on, over real HTTP against a hub with an API token: the sign-in and its cookie, the files
 * under /console, and the API the console added (health, stream freshness and run history, the outbox list, bulk
 * replay of dead letters).
 */
class ConsoleApiTest {
    private static final String TOKEN = "console-api-token-73c1d9e2f4";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        log = LogCapture.start();
        sandbox = Sandbox.start(SandboxSettings.builder().seed(7).candidates(30).rateLimit(0).build());
        System.setProperty("TRELLIS_API_TOKEN", TOKEN);
        home = new TestHome(dir).shippedStreamsUnscheduled().sandboxTenant("acme", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0")
                .route("flaky.camel.yaml", """
                        - route:
                            id: flaky
                            from:
                              uri: direct:flaky
                              steps:
                                - choice:
                                    when:
                                      - simple: "${sys.console-api-flaky} == 'fail'"
                                        steps:
                                          - throwException:
                                              exceptionType: java.lang.IllegalStateException
                                              message: "refused for now"
                        """);
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("TRELLIS_API_TOKEN");
        System.clearProperty("console-api-flaky");
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        log.close();
    }

    @Test
    void theTokenIsAskedOnceAndTheCookieAdmitsOnlyTheConsolesOwnCalls() throws Exception {
        HttpResponse<String> wrong = login("{\"token\": \"guess-1234\"}");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("not this hub's API token"), wrong.body());
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty(), "no cookie for a wrong token");
        assertEquals(400, login("{}").statusCode());
        assertEquals(400, login("token=" + TOKEN).statusCode(), "JSON only");
        assertEquals(413, login("{\"token\": \"" + "x".repeat(5000) + "\"}").statusCode());
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + "/console/login"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[100_000])))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), "a long body without a length is cut off, not buffered");

        HttpResponse<String> right = login("{\"token\": \"" + TOKEN + "\"}");
        assertEquals(200, right.statusCode(), right.body());
        String setCookie = right.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("trellis_console="), setCookie);
        for (String attribute : List.of("httponly", "samesite=strict", "path=/", "max-age=43200")) {
            assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains(attribute), attribute + " in " + setCookie);
        }
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertFalse(cookie.contains(TOKEN), "the cookie does not carry the token");

        assertEquals(200, HttpCalls.get(home.apiUrl() + "/api/tenants", "Cookie", cookie, "X-Trellis-Console", "1").status());
        assertEquals(401, HttpCalls.get(home.apiUrl() + "/api/tenants", "Cookie", cookie).status(),
                "without the console's header (what another site's form sends) the cookie is not enough");
        String value = cookie.substring(cookie.indexOf('=') + 1);
        long expires = Long.parseLong(value.substring(0, value.indexOf('.')));
        String later = "trellis_console=" + (expires + 86400) + value.substring(value.indexOf('.'));
        assertEquals(401, HttpCalls.get(home.apiUrl() + "/api/tenants", "Cookie", later, "X-Trellis-Console", "1").status(),
                "an expiry moved by hand breaks the signature");
        assertEquals(401, HttpCalls.get(home.apiUrl() + "/api/tenants", "Cookie", "trellis_console=1.x",
                "X-Trellis-Console", "1").status());

        JsonNode session = HttpCalls.get(home.apiUrl() + "/console/session", "Cookie", cookie).json();
        assertTrue(session.get("tokenRequired").asBoolean());
        assertTrue(session.get("signedIn").asBoolean());
        assertFalse(HttpCalls.get(home.apiUrl() + "/console/session").json().get("signedIn").asBoolean());

        HttpResponse<String> out = HTTP.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + "/console/logout"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertFalse(log.text().contains(TOKEN), "the token never reaches the log");
    }

    @Test
    void theConsoleIsServedFromTheJarWithAStrictPolicy() throws Exception {
        HttpResponse<String> bare = get("/console");
        assertEquals(302, bare.statusCode());
        assertEquals("/console/", bare.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> index = get("/console/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("<script type=\"module\" src=\"app.js\">"), index.body());
        String policy = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), policy);
        HttpResponse<String> script = get("/console/app.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
        String etag = script.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + "/console/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
        for (String path : List.of("/console/nope.js", "/console/..%2Fapplication.properties", "/console/db/migration",
                "/console/logback.xml")) {
            assertEquals(404, get(path).statusCode(), path);
        }
    }

    @Test
    void healthFreshnessAndRunHistoryOfATenantsStreams() throws Exception {
        JsonNode health = api("GET", "/api/health", null).json();
        assertEquals("UP", health.get("status").asText(), health.toString());
        List<String> ids = new ArrayList<>();
        health.get("checks").forEach(c -> ids.add(c.get("id").asText()));
        assertTrue(ids.containsAll(List.of("database", "connections", "sync-lag", "routes-running")), ids.toString());

        assertEquals(202, api("POST", "/api/streams/acme/candidates/sync", null).status());
        awaitCount("select count(*) from sync_run where tenant = 'acme' and stream = 'candidates' and status = 'done'", 1);
        JsonNode fresh = api("GET", "/api/streams/freshness?tenant=acme,nobody", null).json().get("tenants");
        assertEquals(1, fresh.size(), fresh.toString());
        JsonNode acme = fresh.get("acme");
        assertTrue(acme.get("streams").asInt() >= 20, acme.toString());
        assertTrue(acme.get("backfilling").asInt() < acme.get("streams").asInt(), "candidates has a watermark: " + acme);
        assertTrue(acme.get("maxLagSeconds").asLong() >= 0, acme.toString());
        assertEquals(400, api("GET", "/api/streams/freshness", null).status());

        JsonNode runs = api("GET", "/api/streams/acme/candidates/runs?limit=5", null).json();
        JsonNode run = runs.get("runs").get(0);
        assertEquals("done", run.get("status").asText(), runs.toString());
        assertEquals(30, run.get("fetched").asInt(), run.toString());
        assertTrue(run.get("durationSeconds").asDouble() >= 0, run.toString());
        assertTrue(runs.get("next").isNull(), "one run: no next page");
        HttpCalls.Answer tooMany = api("GET", "/api/streams/acme/candidates/runs?limit=201", null);
        assertEquals(400, tooMany.status());
        assertTrue(tooMany.error().contains("'limit'"), tooMany.error());
        assertEquals(404, api("GET", "/api/streams/acme/nothing/runs", null).status());
    }

    @Test
    void theOutboxListsItemsWithDepthByKindAndRefusesBadFilters() throws Exception {
        HttpCalls.Answer note = api("POST", "/api/tenants/acme/notes", "{\"candidate_id\": 1, \"body\": \"hello\"}");
        assertEquals(202, note.status(), note.body());
        long id = note.json().get("id").asLong();
        JsonNode list = api("GET", "/api/outbox?tenant=acme&limit=10", null).json();
        JsonNode first = list.get("items").get(0);
        assertEquals(id, first.get("id").asLong(), list.toString());
        assertEquals("note", first.get("kind").asText());
        assertNull(first.get("payload"), "the list leaves the payloads out");
        assertTrue(list.get("depth").isArray());
        assertTrue(list.get("next").isNull());
        assertEquals(0, api("GET", "/api/outbox?tenant=nobody", null).json().get("items").size());
        assertEquals(0, api("GET", "/api/outbox?tenant=acme&kind=email", null).json().get("items").size());
        for (String bad : List.of("status=lost", "kind=fax", "limit=0", "limit=501", "before=x")) {
            HttpCalls.Answer refused = api("GET", "/api/outbox?" + bad, null);
            assertEquals(400, refused.status(), bad);
            assertTrue(refused.error().contains("'" + bad.substring(0, bad.indexOf('=')) + "'"), refused.error());
        }
    }

    @Test
    void aFilteredSetOfDeadLettersIsReplayedInOneCall() throws Exception {
        System.setProperty("console-api-flaky", "fail");
        ProducerTemplate producer = hub.context().createProducerTemplate();
        for (int i = 0; i < 3; i++) {
            try {
                producer.sendBodyAndHeaders("direct:flaky", "{\"n\": " + i + "}", Map.of("TrellisTenant", i < 2 ? "acme" : "other"));
            } catch (RuntimeException filed) {
                // the error channel filed it as a dead letter
            }
        }
        awaitCount("select count(*) from dead_letter where route_id = 'flaky' and status = 'open'", 3);
        HttpCalls.Answer stillFailing = api("POST", "/api/dead-letters/replay?route=flaky&tenant=acme", null);
        assertEquals(200, stillFailing.status(), stillFailing.body());
        assertEquals(2, stillFailing.json().get("selected").asInt());
        assertEquals(2, stillFailing.json().get("failed").asInt());
        assertTrue(stillFailing.json().get("outcomes").get(0).get("message").asText().contains("refused for now"));

        System.setProperty("console-api-flaky", "ok");
        JsonNode replayed = api("POST", "/api/dead-letters/replay?route=flaky&tenant=acme&limit=10", null).json();
        assertEquals(2, replayed.get("replayed").asInt(), replayed.toString());
        assertEquals(0, replayed.get("failed").asInt());
        assertEquals(2, Rows.count(db, "select count(*) from dead_letter where route_id = 'flaky' and status = 'replayed'"));
        assertEquals(1, Rows.count(db, "select count(*) from dead_letter where route_id = 'flaky' and status = 'open' "
                + "and tenant = 'other'"), "the other tenant's letter was not in the filter");
        assertEquals(400, api("POST", "/api/dead-letters/replay?limit=100000", null).status());
    }

    private static HttpCalls.Answer api(String method, String path, String body) throws Exception {
        return HttpCalls.json(method, home.apiUrl() + path, body, "Authorization", "Bearer " + TOKEN);
    }

    private static HttpResponse<String> login(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + "/console/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitCount(String sql, long atLeast) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Rows.count(db, sql) < atLeast) {
            assertTrue(System.nanoTime() < deadline, sql + " < " + atLeast + " after 20 s");
            Thread.sleep(50);
        }
    }
}
