package dev.trellis.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sync.StreamCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed against the sandbox over HTTP and real PostgreSQL: a backfill, then churn, each compared with the
 * sandbox's truth read through GET /api/changes; the sweep's deletions and un-deletions; a write-back.
 */
class ChangeFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    /** Per resource, right after the first backfill: rows stored, and backfill creates logged. */
    static final Map<Resource, long[]> afterBackfill = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(23).candidates(300).rateLimit(0).build());
        home = new TestHome(dir).sandboxTenant("demo", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.outbox.backoff-ms", "50")
                .property("trellis.outbox.poll-ms", "2000");
        home.shippedStreamsUnscheduled();
        Files.copy(Path.of("routes/outbox-example.camel.yaml"), dir.resolve("routes/outbox-example.camel.yaml"));
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        syncAll();
        for (Resource r : Resource.values()) {
            afterBackfill.put(r, new long[] {count("select count(*) from gh_" + r.path() + " where tenant = 'demo'"),
                    count("select count(*) from change_event where tenant = 'demo' and stream = '" + r.path()
                            + "' and op = 'create' and backfill")});
        }
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    static void syncAll() throws Exception {
        for (StreamCatalog.Entry s : StreamCatalog.of(hub.context())) {
            Exchange done = RouteInvoker.invoke(hub.context(), s.routeId(),
                    ex -> ex.getIn().setHeader(HubHeaders.TENANT, "demo"));
            assertFalse(done.isFailed(), s.routeId() + ": " + done.getException());
        }
    }

    @Test
    void theBackfillIsOneCreatePerRecordMarkedBackfillAndHiddenUnlessAskedFor() throws Exception {
        for (Resource r : Resource.values()) {
            long[] rowsAndCreates = afterBackfill.get(r);
            assertTrue(rowsAndCreates[0] > 0, r.path());
            if (r == Resource.JOB_POSTS) {
                // the posts job_posts_deleted saw first (already deleted) have no event: nobody had them
                assertTrue(rowsAndCreates[1] <= rowsAndCreates[0], r.path());
            } else {
                assertEquals(rowsAndCreates[0], rowsAndCreates[1], r.path() + ": one backfill create per row");
            }
        }
        assertEquals(0, count("select count(*) from change_event where backfill and op <> 'create'"));
        assertEquals(0, count("select count(*) from change_event where source <> 'poll' and backfill"));
        JsonNode hidden = read("tenant=demo&stream=candidates&limit=1000");
        for (JsonNode e : hidden.get("events")) {
            assertFalse(e.get("backfill").asBoolean(), e.toString());
        }
        JsonNode shown = read("tenant=demo&stream=candidates&include_backfill=true&limit=5");
        assertEquals(5, shown.get("events").size());
        JsonNode first = shown.get("events").get(0);
        assertEquals("create", first.get("op").asText());
        assertTrue(first.get("backfill").asBoolean());
        assertEquals("poll", first.get("source").asText());
        assertEquals(first.get("id").asLong(), first.get("after").get("id").asLong());
        assertTrue(first.get("fields").isNull() && first.get("before").isNull(), first.toString());
        assertTrue(shown.get("more").asBoolean());
        assertEquals(shown.get("events").get(4).get("seq").asLong(), shown.get("next").asLong());
    }

    @Test
    void churnGivesExactlyTheSandboxsCreatesUpdatesAndDeletes() throws Exception {
        // pages read again without a change (a reset stream reads its whole window) log nothing
        long mark = count("select coalesce(max(seq), 0) from change_event");
        for (Resource r : List.of(Resource.CANDIDATES, Resource.APPLICATIONS, Resource.JOBS)) {
            assertEquals(200, HttpCalls.post(home.apiUrl() + "/api/streams/demo/" + r.path() + "/reset").status());
        }
        syncAll();
        assertEquals(mark, count("select coalesce(max(seq), 0) from change_event"), "no event for unchanged records");

        Map<Resource, Map<Long, JsonNode>> before = truth();
        // a window ends a minute before now (lag), so let the changes happen two minutes ago
        sandbox.advanceClock(Duration.ofMinutes(-2));
        List<String> changes = sandbox.churn(40);
        sandbox.advanceClock(Duration.ofMinutes(2));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("update sync_stream set last_sweep_at = null"); // the deletion sweep is due now
        }
        syncAll();
        Map<Resource, Map<Long, JsonNode>> after = truth();

        // what the feed says, net per record (a record may change twice: created, then a child moved it)
        Map<String, String> expected = new TreeMap<>();
        for (Resource r : Resource.values()) {
            TreeSet<Long> ids = new TreeSet<>(before.get(r).keySet());
            ids.addAll(after.get(r).keySet());
            for (long id : ids) {
                JsonNode b = before.get(r).get(id);
                JsonNode a = after.get(r).get(id);
                String op = b == null ? "create" : a == null ? "delete" : same(a, b) ? null : "update " + changed(b, a);
                if (op != null) {
                    expected.put(r.path() + "/" + id, op);
                }
            }
        }
        Map<String, List<JsonNode>> byRecord = new TreeMap<>();
        for (JsonNode e : readAll("tenant=demo", mark)) {
            byRecord.computeIfAbsent(e.get("stream").asText() + "/" + e.get("id").asLong(), k -> new ArrayList<>()).add(e);
            assertFalse(e.get("backfill").asBoolean(), e.toString());
            String op = e.get("op").asText();
            // deletions are found by the sweep, except job posts', which Greenhouse lists (active=false)
            assertEquals(op.equals("delete") && !e.get("stream").asText().equals("job_posts") ? "sweep" : "poll",
                    e.get("source").asText(), e.toString());
            if (op.equals("update")) {
                for (JsonNode f : e.get("fields")) {
                    JsonNode was = e.get("before").get(f.asText());
                    JsonNode now = e.get("after").get(f.asText());
                    assertTrue(was != null && (now == null || !now.equals(ChangeFeedTest::sameValue, was)), e.toString());
                }
            } else {
                assertTrue(e.get("fields").isNull() && e.get("before").isNull(), e.toString());
            }
        }
        // net per record: a record may change twice in one pass (created, then updated by a child's change)
        Map<String, String> actual = new TreeMap<>();
        byRecord.forEach((key, events) -> {
            String first = events.get(0).get("op").asText();
            String last = events.get(events.size() - 1).get("op").asText();
            TreeSet<String> fields = new TreeSet<>();
            events.forEach(e -> e.get("fields").forEach(f -> fields.add(f.asText())));
            String net = first.equals("create") ? (last.equals("delete") ? null : "create")
                    : last.equals("delete") ? "delete" : "update " + fields;
            if (net != null) {
                actual.put(key, net);
            }
        });
        assertEquals(expected, actual, "churn: " + changes);
        assertTrue(actual.containsValue("delete") && actual.containsValue("create"), actual.toString());
    }

    @Test
    void theSweepLogsItsDeletionsAndUndeletions() throws Exception {
        long mark = count("select coalesce(max(seq), 0) from change_event");
        long gone = count("select min(id) from gh_candidates where tenant = 'demo' and deleted_at is null");
        // a record marked deleted by mistake comes back when the sweep lists it (one not changed lately, which the
        // window's look-back would read, and so un-delete, first)
        long back = count("select id from gh_candidates where tenant = 'demo' and deleted_at is null and id <> " + gone
                + " order by updated_at limit 1");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("update gh_candidates set deleted_at = now() where tenant = 'demo' and id = " + back);
            s.executeUpdate("update sync_stream set last_sweep_at = null where stream = 'candidates'");
        }
        sandbox.delete(Resource.CANDIDATES, gone);
        Exchange done = RouteInvoker.invoke(hub.context(), "stream-candidates",
                ex -> ex.getIn().setHeader(HubHeaders.TENANT, "demo"));
        assertFalse(done.isFailed(), String.valueOf(done.getException()));
        List<String> seen = new ArrayList<>();
        for (JsonNode e : readAll("tenant=demo&stream=candidates", mark)) {
            seen.add(e.get("op").asText() + " " + e.get("id").asLong() + " " + e.get("source").asText());
            assertEquals(e.get("id").asLong(), e.get("after").get("id").asLong(), "after is the stored record");
        }
        assertTrue(seen.contains("delete " + gone + " sweep"), seen.toString());
        assertTrue(seen.contains("create " + back + " sweep"), seen.toString());
        assertEquals(2, seen.size(), seen.toString());
    }

    @Test
    void aWriteBackNoteIsOneCreateFromTheWriteBack() throws Exception {
        long mark = count("select coalesce(max(seq), 0) from change_event");
        long candidate = count("select min(id) from gh_candidates where tenant = 'demo' and deleted_at is null");
        HttpCalls.Answer a = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/demo/notes",
                "{\"candidate_id\": %d, \"body\": \"Feed me\"}".formatted(candidate));
        assertEquals(202, a.status(), a.body());
        long item = a.json().get("id").asLong();
        long note = dev.trellis.hub.Await.until(() -> {
            JsonNode i = HttpCalls.json("GET", home.apiUrl() + "/api/outbox/" + item, null).json();
            return i.get("status").asText().equals("delivered") ? i.get("greenhouse_id").asLong() : null;
        });
        List<JsonNode> events = readAll("tenant=demo&stream=notes", mark);
        assertEquals(1, events.size(), events.toString());
        JsonNode e = events.get(0);
        assertEquals("create", e.get("op").asText());
        assertEquals("write-back", e.get("source").asText());
        assertEquals(note, e.get("id").asLong());
        assertEquals("Feed me", e.get("after").get("body").asText());
    }

    /** Every record of every resource in the sandbox now, by id: the stored ids and those created since. */
    private static Map<Resource, Map<Long, JsonNode>> truth() throws Exception {
        Map<Resource, Map<Long, JsonNode>> out = new TreeMap<>();
        for (Resource r : Resource.values()) {
            Map<Long, JsonNode> records = new TreeMap<>();
            List<Long> ids = new ArrayList<>();
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select id from gh_" + r.path() + " where tenant = 'demo'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            sandbox.created(r).forEach(n -> ids.add(n.get("id").asLong()));
            for (long id : ids) {
                JsonNode rec = sandbox.record(r, id);
                if (rec != null && !(r == Resource.JOB_POSTS && !rec.path("active").asBoolean(true))) {
                    records.put(id, rec);
                }
            }
            out.put(r, records);
        }
        return out;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a.equals(ChangeFeedTest::sameValue, b);
    }

    private static TreeSet<String> changed(JsonNode b, JsonNode a) {
        TreeSet<String> keys = new TreeSet<>();
        a.fieldNames().forEachRemaining(keys::add);
        b.fieldNames().forEachRemaining(keys::add);
        keys.removeIf(k -> a.has(k) && b.has(k) && a.get(k).equals(ChangeFeedTest::sameValue, b.get(k)));
        return keys;
    }

    /** jsonb keeps numbers by value, not by Java type. */
    private static int sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    static JsonNode read(String query) throws Exception {
        HttpCalls.Answer a = HttpCalls.get(home.apiUrl() + "/api/changes?" + query);
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    /** Every event after {@code after}, following the cursor. */
    static List<JsonNode> readAll(String query, long after) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long cursor = after;
        while (true) {
            JsonNode page = read(query + "&after=" + cursor + "&limit=1000");
            for (Iterator<JsonNode> it = page.get("events").elements(); it.hasNext(); ) {
                JsonNode e = it.next();
                assertTrue(e.get("seq").asLong() > cursor, "ascending");
                cursor = e.get("seq").asLong();
                out.add(e);
            }
            assertEquals(cursor, page.get("next").asLong());
            if (!page.get("more").asBoolean()) {
                return out;
            }
        }
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
