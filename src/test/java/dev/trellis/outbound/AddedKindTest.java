package dev.trellis.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kind added as one class ({@link TestNoteKind}) is taken by the REST API and SQL and delivered to the sandbox. */
class AddedKindTest {
    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static long candidate;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(50).rateLimit(0).build());
        home = new TestHome(dir).sandboxTenant("demo", sandbox).property("trellis.outbox.poll-ms", "200");
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        candidate = sandbox.record(Resource.CANDIDATES, 10_000_001L).get("id").asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    @Test
    void itsRestPathQueuesAnItemThatIsDeliveredAndSynced() throws Exception {
        String text = "hello " + UUID.randomUUID();
        HttpCalls.Answer a = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/demo/test-notes",
                "{\"candidate_id\": %d, \"text\": \"%s\"}".formatted(candidate, text));
        assertEquals(202, a.status(), a.body());
        JsonNode item = waitFor(a.json().get("id").asLong(), "delivered");
        long note = item.get("greenhouse_id").asLong();
        JsonNode written = sandbox.record(Resource.NOTES, note);
        assertEquals("[test] " + text, written.get("body").asText(), written.toString());
        assertEquals(candidate, written.get("candidate_id").asLong());
        assertEquals(1, count("select count(*) from gh_notes where tenant = 'demo' and id = " + note));
    }

    @Test
    void itsFieldsAreCheckedByTheRestApiAndForRowsInsertedBySql() throws Exception {
        HttpCalls.Answer a = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/demo/test-notes",
                "{\"candidate_id\": %d, \"text\": \"x\", \"body\": \"y\"}".formatted(candidate));
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().get("error").asText().contains("'body'"), a.body());
        JsonNode dead = waitFor(insert("test_note", "{\"candidate_id\": %d}".formatted(candidate)), "dead");
        assertTrue(dead.get("last_error").asText().contains("text"), dead.toString());
    }

    @Test
    void aRowOfAKindNoClassDefinesIsADeadLetterNamingTheKind() throws Exception {
        JsonNode dead = waitFor(insert("no_such_kind", "{}"), "dead");
        assertTrue(dead.get("last_error").asText().contains("'no_such_kind' is not an outbox kind"), dead.toString());
    }

    static JsonNode waitFor(long id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode item = null;
        while (System.nanoTime() < deadline) {
            item = HttpCalls.json("GET", home.apiUrl() + "/api/outbox/" + id, null).json();
            if (status.equals(item.get("status").asText())) {
                return item;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("outbox item " + id + " not " + status + ": " + item);
    }

    static long insert(String kind, String payload) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "insert into outbox (tenant, kind, payload) values ('demo', ?, ?::jsonb) returning id")) {
            ps.setString(1, kind);
            ps.setString(2, payload);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
