package dev.trellis.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped routes/examples, copied unchanged into a hub's routes/, against local receivers: an HTTP server for
 * the HRIS, the sandbox for notes, the hub's own database for the report table. Events are written as the change
 * feed writes them.
 */
class ExampleRoutesTest {
    static final long APPLICATION = 200_000_007L;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static HttpServer hris;
    static final List<String> posted = new CopyOnWriteArrayList<>();
    static final List<String> readmePosted = new CopyOnWriteArrayList<>();
    static final AtomicInteger hrisStatus = new AtomicInteger(200);
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static ChangeEvents events;
    static long candidate;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(300).rateLimit(0).build());
        hris = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hris.createContext("/hires", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = hrisStatus.get();
            if (status == 200) {
                posted.add(exchange.getRequestHeaders().getFirst("Idempotency-Key") + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        hris.createContext("/readme", exchange -> {
            readmePosted.add(exchange.getRequestMethod() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hris.start();
        home = new TestHome(dir).sandboxTenant("acme", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.errors.maximum-redeliveries", "2")
                .property("examples.hris-url", "http://127.0.0.1:" + hris.getAddress().getPort() + "/hires");
        for (String example : List.of("hired-to-hris", "interview-log", "status-report")) {
            home.route(example + ".camel.yaml", Files.readString(Path.of("routes/examples/" + example + ".camel.yaml")));
        }
        // README.md "Route a change in ten lines", as printed, with the HRIS URL pointed here
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Route a change in ten lines"));
        String yaml = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", section.indexOf("```yaml") + 7));
        assertEquals(10, yaml.lines().count(), yaml);
        home.route("readme.camel.yaml", yaml.replace("id: hired-to-hris", "id: readme-hired")
                .replace("https://hris.example.com/api/hires", "http://127.0.0.1:" + hris.getAddress().getPort() + "/readme"));
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        events = new ChangeEvents(db);
        candidate = sandbox.record(Resource.APPLICATIONS, APPLICATION).get("candidate_id").asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        hris.stop(0);
        sandbox.close();
    }

    static long application(long id, String status, String fields) throws Exception {
        return events.add("acme", "applications", id, "update", fields, """
                {"id": %d, "candidate_id": 7001, "job_id": 4001, "status": "%s"}""".formatted(id, status), false);
    }

    @Test
    void hiredToHrisPostsTheSummaryAndAFailedPostIsDeadLetteredThenReplayed() throws Exception {
        application(501, "rejected", "status");                // not hired: no POST
        application(502, "hired", "status");
        application(503, "hired", "stage_name");               // status unchanged: no POST
        Await.until(() -> posted.size() == 1 ? true : null);
        String[] post = posted.get(0).split(" ", 3);
        assertEquals("hired-acme-502", post[0]);
        assertEquals("application/json", post[1]);
        JsonNode summary = JSON.readTree(post[2]);
        assertEquals(502, summary.get("application_id").asLong());
        assertEquals(7001, summary.get("candidate_id").asLong());
        assertEquals(4001, summary.get("job_id").asLong());
        assertEquals("hired", summary.get("status").asText());

        hrisStatus.set(503);
        application(504, "hired", "status");
        // the failed POST is retried, then filed as a dead letter holding the event
        JsonNode letter = Await.until(() -> {
            JsonNode items = HttpCalls.get(home.apiUrl() + "/api/dead-letters?route=hired-to-hris").json().get("items");
            return items.size() == 1 ? items.get(0) : null;
        });
        assertEquals(3, letter.get("attempts").asInt(), "1 attempt + 2 redeliveries");
        assertEquals(1, posted.size());

        hrisStatus.set(200);
        HttpCalls.Answer replay = HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + letter.get("id").asLong()
                + "/replay");
        assertTrue(replay.json().get("replayed").asBoolean(), replay.body());
        assertEquals(2, posted.size());
        assertTrue(posted.get(1).startsWith("hired-acme-504 "), posted.get(1));
        // the route's exchanges are counted by the route policy (the exchange event notifier is off)
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("camel_exchanges_total{")
                && l.contains("routeId=\"hired-to-hris\"")), metrics);
    }

    @Test
    void theReadmeRoutePostsTheHire() throws Exception {
        application(801, "hired", "status");
        Await.until(() -> readmePosted.stream().anyMatch(p -> p.contains("801")) ? true : null);
        String post = readmePosted.stream().filter(p -> p.contains("801")).findFirst().orElseThrow();
        assertEquals("POST {\"application_id\": 801, \"candidate_id\": 7001}", post);
    }

    @Test
    void interviewLogWritesANoteOnTheCandidateWhenScheduledAndWhenCancelled() throws Exception {
        long scheduled = events.add("acme", "interviews", 77001, "create", null, """
                {"id": 77001, "application_id": %d, "starts_at": "2026-12-09T10:00:00Z"}""".formatted(APPLICATION), false);
        long cancelled = events.add("acme", "interviews", 77001, "delete", null, """
                {"id": 77001, "application_id": %d, "starts_at": "2026-12-09T10:00:00Z"}""".formatted(APPLICATION), false);
        events.update("acme", "interviews", 77002, "location");   // neither: no note
        JsonNode first = sandbox.record(Resource.NOTES, deliveredNote("interview-log-" + scheduled));
        assertEquals(candidate, first.get("candidate_id").asLong());
        assertEquals("Interview 77001 scheduled for 2026-12-09T10:00:00Z", first.get("body").asText());
        JsonNode second = sandbox.record(Resource.NOTES, deliveredNote("interview-log-" + cancelled));
        assertEquals("Interview 77001 (2026-12-09T10:00:00Z) was cancelled", second.get("body").asText());
        assertEquals(2, Rows.count(db, "select count(*) from outbox where idempotency_key like 'interview-log-%'"));
    }

    @Test
    void statusReportWritesARowPerStatusChange() throws Exception {
        long seq = events.add("acme", "applications", 601, "update", "status,updated_at", """
                {"id": 601, "candidate_id": 7002, "job_id": 4001, "status": "rejected"}""", false);
        Await.until(() -> Rows.count(db, "select count(*) from application_status_report where seq = " + seq) == 1
                ? true : null);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select tenant, application_id, status_before, status_after from application_status_report where seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("acme", rs.getString(1));
                assertEquals(601, rs.getLong(2));
                assertEquals("active", rs.getString(3));
                assertEquals("rejected", rs.getString(4));
            }
        }
    }

    /** The Greenhouse id of the note written for the outbox item with this idempotency key. */
    static long deliveredNote(String key) throws Exception {
        return Await.until(() -> {
            long id = Rows.count(db, "select coalesce(greenhouse_id, 0) from outbox where status = 'delivered' "
                    + "and idempotency_key = '" + key + "'");
            return id == 0 ? null : id;
        });
    }
}
