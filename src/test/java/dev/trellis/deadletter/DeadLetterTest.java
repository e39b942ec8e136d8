package dev.trellis.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error channel end to end: a YAML route calling a failing HTTP system, the store, REST replay and discard. */
class DeadLetterTest {
    private static final String TENANT_SECRET = "cs-tenant-0f1e2d3c4b";

    @TempDir
    static Path dir;
    static TestHome home;
    static Hub hub;
    static HttpServer sink;
    static final AtomicInteger sinkStatus = new AtomicInteger(503);
    static final List<String> delivered = new CopyOnWriteArrayList<>();
    static ProducerTemplate producer;

    @BeforeAll
    static void start() throws Exception {
        sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/sink", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = sinkStatus.get();
            if (status == 200) {
                delivered.add(body + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        sink.start();
        System.setProperty("DLT_ACME_SECRET", TENANT_SECRET);
        home = new TestHome(dir)
                .property("trellis.errors.maximum-redeliveries", "2")
                .tenant("acme", """
                        harvest.client-id = acme-client
                        harvest.client-secret = env:DLT_ACME_SECRET
                        harvest.user-id = 101
                        """)
                .route("deliver.camel.yaml", """
                        - route:
                            id: deliver
                            from:
                              uri: direct:deliver
                              steps:
                                - setHeader:
                                    name: Authorization
                                    constant: "Bearer route-added-credential"
                                - setHeader:
                                    name: CamelHttpMethod
                                    constant: POST
                                - to: "http://127.0.0.1:%d/sink"
                        """.formatted(sink.getAddress().getPort()));
        hub = home.start();
        producer = hub.context().createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sink.stop(0);
    }

    private static long fail(String note) throws Exception {
        int before = openCount();
        producer.sendBodyAndHeaders("direct:deliver",
                "{\"note\":\"" + note + "\",\"api_key\":\"ak-0011223344\",\"text\":\"key is " + TENANT_SECRET + "\"}",
                Map.of("TrellisTenant", "acme", "X-Partner-Secret", "shh-998877", "X-Request", "r-1"));
        assertEquals(before + 1, openCount(), "the failure was filed");
        return newest().get("id").asLong();
    }

    private static int openCount() {
        try {
            return api("/api/dead-letters?status=open&route=deliver").json().get("items").size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode newest() throws Exception {
        return api("/api/dead-letters?route=deliver&limit=1").json().get("items").get(0);
    }

    private static HttpCalls.Answer api(String path) throws Exception {
        return HttpCalls.get(home.apiUrl() + path);
    }

    @Test
    void migrationsApply() throws Exception {
        DataSource ds = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select version, success from flyway_schema_history where version = '1'")) {
            assertTrue(rs.next(), "migration 1 recorded");
            assertTrue(rs.getBoolean(2));
        }
    }

    @Test
    void failedMessageIsFiledWithSecretsMaskedThenReplayedWhenFixed() throws Exception {
        sinkStatus.set(503);
        long id = fail("Héllo <b>world</b>");

        JsonNode letter = api("/api/dead-letters/" + id).json();
        assertEquals("open", letter.get("status").asText());
        assertEquals("acme", letter.get("tenant").asText());
        assertEquals("deliver", letter.get("route").asText());
        assertEquals(3, letter.get("attempts").asInt(), "1 attempt + 2 redeliveries");
        assertTrue(letter.get("endpoint").asText().contains("/sink"), letter.toString());
        assertEquals("org.apache.camel.http.base.HttpOperationFailedException", letter.get("exception").asText());
        assertTrue(letter.get("message").asText().contains("503"), letter.toString());
        assertEquals("****", letter.get("headers").get("X-Partner-Secret").asText());
        assertEquals("r-1", letter.get("headers").get("X-Request").asText());
        String body = letter.get("body").asText();
        assertTrue(body.contains("Héllo <b>world</b>"), body);
        assertTrue(body.contains("\"api_key\":\"****\""), body);
        assertFalse(body.contains(TENANT_SECRET), body);
        assertSecretsNowhereInTheTable();

        // the system is still down: the replay fails and the same dead letter records it
        HttpCalls.Answer again = HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + id + "/replay");
        assertEquals(200, again.status(), again.body());
        assertFalse(again.json().get("replayed").asBoolean());
        assertEquals("open", again.json().get("deadLetter").get("status").asText());
        assertEquals(6, again.json().get("deadLetter").get("attempts").asInt());
        assertEquals(1, again.json().get("deadLetter").get("replays").asInt());

        // fixed: the replay delivers it, through the route (which adds its own credential), and closes the letter
        sinkStatus.set(200);
        HttpCalls.Answer replay = HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + id + "/replay");
        assertEquals(200, replay.status(), replay.body());
        assertTrue(replay.json().get("replayed").asBoolean(), replay.body());
        assertEquals("replayed", api("/api/dead-letters/" + id).json().get("status").asText());
        assertTrue(delivered.stream().anyMatch(d -> d.contains("Héllo <b>world</b>")
                && d.endsWith("auth=Bearer route-added-credential")), delivered.toString());

        // replaying twice is refused: it was delivered once
        assertEquals(409, HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + id + "/replay").status());
    }

    @Test
    void discardClosesAnOpenDeadLetterOnce() throws Exception {
        sinkStatus.set(500);
        long id = fail("to be discarded");
        HttpCalls.Answer discard = HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + id + "/discard");
        assertEquals(200, discard.status(), discard.body());
        assertEquals("discarded", discard.json().get("status").asText());
        assertEquals(409, HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + id + "/discard").status());
        assertEquals(409, HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + id + "/replay").status());
        JsonNode discarded = api("/api/dead-letters?status=discarded").json().get("items");
        assertTrue(discarded.findValuesAsText("id").contains(String.valueOf(id)), discarded.toString());
    }

    @Test
    void javaRoutesUseTheSameErrorChannel() throws Exception {
        RouteBuilder.addRoutes(hub.context(), rb -> rb.from("direct:java-flaky").routeId("java-flaky")
                .throwException(new IllegalStateException("downstream said no")));
        producer.sendBody("direct:java-flaky", "payload-1");
        JsonNode items = api("/api/dead-letters?route=java-flaky").json().get("items");
        assertEquals(1, items.size());
        assertEquals("downstream said no", items.get(0).get("message").asText());
        assertEquals(3, items.get(0).get("attempts").asInt(), "1 attempt + 2 redeliveries, as configured");
    }

    @Test
    void openDeadLettersAreAGaugeByRoute() throws Exception {
        sinkStatus.set(503);
        fail("counted");
        int open = openCount();
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.contains("trellis_dead_letters_open{route=\"deliver\"} " + open + ".0"), metrics);
    }

    @Test
    void badRequestsNameTheParameter() throws Exception {
        HttpCalls.Answer status = api("/api/dead-letters?status=bogus");
        assertEquals(400, status.status());
        assertTrue(status.json().get("error").asText().contains("'status'"), status.body());
        HttpCalls.Answer limit = api("/api/dead-letters?limit=100000");
        assertEquals(400, limit.status());
        assertTrue(limit.json().get("error").asText().contains("'limit'"), limit.body());
        HttpCalls.Answer id = api("/api/dead-letters/abc");
        assertEquals(400, id.status());
        assertTrue(id.json().get("error").asText().contains("'id'"), id.body());
        assertEquals(404, api("/api/dead-letters/987654321").status());
    }

    @Test
    void listPagesByDescendingId() throws Exception {
        sinkStatus.set(503);
        fail("page-a");
        fail("page-b");
        fail("page-c");
        JsonNode first = api("/api/dead-letters?status=all&limit=2").json();
        assertEquals(2, first.get("items").size());
        long a = first.get("items").get(0).get("id").asLong();
        long b = first.get("items").get(1).get("id").asLong();
        assertTrue(a > b);
        JsonNode second = api(first.get("next").asText()).json();
        assertTrue(second.get("items").get(0).get("id").asLong() < b);
    }

    private static void assertSecretsNowhereInTheTable() throws Exception {
        DataSource ds = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from dead_letter where concat_ws('|', body, headers::text, "
                        + "endpoint, exception_message) ~ '(ak-0011223344|shh-998877|" + TENANT_SECRET + ")'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }
}
