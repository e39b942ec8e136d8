package dev.trellis.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.SyncTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/changes over HTTP on real PostgreSQL: the read horizon, retention and 410, bad parameters. */
class ChangeApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(3).candidates(10).rateLimit(0).build());
        // a tenant without streams (no route files): the events here are the tests' own
        home = new TestHome(dir).sandboxTenant("acme", sandbox);
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    /** Appends one event of (acme, stream) on {@code c}, in its transaction; returns its seq. */
    static long append(Connection c, String stream, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into change_event (tenant, stream, record_id, op, after, "
                + "source) values ('acme', ?, ?, 'create', jsonb_build_object('id', ?::bigint), 'poll') returning seq")) {
            ps.setString(1, stream);
            ps.setLong(2, id);
            ps.setLong(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static List<Long> ids(String query) throws Exception {
        HttpCalls.Answer a = HttpCalls.get(home.apiUrl() + "/api/changes?" + query);
        assertEquals(200, a.status(), a.body());
        List<Long> ids = new ArrayList<>();
        a.json().get("events").forEach(e -> ids.add(e.get("id").asLong()));
        return ids;
    }

    @Test
    void aLowerSeqCommittedLaterIsNotSkipped() throws Exception {
        try (Connection first = db.getConnection(); Connection second = db.getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            long low = append(first, "horizon", 1);
            long high = append(second, "horizon", 2);
            assertTrue(low < high);
            second.commit();
            assertEquals(List.of(), ids("tenant=acme&stream=horizon"), "event 2 waits for the open transaction");
            first.commit();
            assertEquals(List.of(1L, 2L), ids("tenant=acme&stream=horizon"), "both, in seq order");
        }
    }

    @Test
    void aTransactionThatWroteFirstButDrawsALaterSeqWaitsForTheLowerOne() throws Exception {
        try (Connection older = db.getConnection(); Connection younger = db.getConnection()) {
            older.setAutoCommit(false);
            younger.setAutoCommit(false);
            // the older transaction takes its id first (as an outbox delivery writes its item before the synced row)
            try (Statement s = older.createStatement()) {
                s.execute("select pg_current_xact_id()");
            }
            long low = append(younger, "horizon_order", 1);
            long high = append(older, "horizon_order", 2);
            assertTrue(low < high);
            older.commit();
            assertEquals(List.of(), ids("tenant=acme&stream=horizon_order"),
                    "event 2 is not given while event 1 may still commit");
            younger.commit();
            assertEquals(List.of(1L, 2L), ids("tenant=acme&stream=horizon_order"));
        }
    }

    @Test
    void aRecordAnotherTransactionInsertedMeanwhileIsAnUpdateNotASecondCreate() throws Exception {
        SyncTable tables = new SyncTable(db);
        StreamDefinition def = StreamDefinition.from(Map.of("stream", "race"));
        tables.ensure(def);
        JsonNode one = JSON.readTree("[{\"id\": 7, \"name\": \"one\", \"updated_at\": \"2026-01-01T00:00:00Z\"}]");
        JsonNode two = JSON.readTree("[{\"id\": 7, \"name\": \"two\", \"updated_at\": \"2026-01-02T00:00:00Z\"}]");
        try (Connection webhook = db.getConnection(); Connection poll = db.getConnection()) {
            webhook.setAutoCommit(false);
            tables.upsert(webhook, def, "acme", one, one.toString(), false, ChangeSource.WEBHOOK, false);
            // the poll's upsert of the same id waits for the webhook's insert, then updates what it committed
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> {
                try {
                    return tables.upsert(poll, def, "acme", two, two.toString(), false, ChangeSource.POLL, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until(() -> count("select count(*) from pg_stat_activity where wait_event_type = 'Lock'") > 0 ? true : null);
            webhook.commit();
            assertEquals(1, polled.get(10, TimeUnit.SECONDS));
        }
        HttpCalls.Answer a = HttpCalls.get(home.apiUrl() + "/api/changes?tenant=acme&stream=race");
        List<String> ops = new ArrayList<>();
        a.json().get("events").forEach(e -> ops.add(e.get("op").asText() + " " + e.get("source").asText()));
        assertEquals(List.of("create webhook", "update poll"), ops, a.body());
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aTailGivesTheLatestEventsAndACursorThatGoesOnFromNow() throws Exception {
        try (Connection c = db.getConnection()) {
            for (long id = 1; id <= 5; id++) {
                append(c, "tail", id);
            }
        }
        HttpCalls.Answer tail = HttpCalls.get(home.apiUrl() + "/api/changes?tenant=acme&stream=tail&tail=true&limit=2");
        assertEquals(200, tail.status(), tail.body());
        List<Long> latest = new ArrayList<>();
        tail.json().get("events").forEach(e -> latest.add(e.get("id").asLong()));
        assertEquals(List.of(4L, 5L), latest, "the latest two, ascending");
        long next = tail.json().get("next").asLong();
        try (Connection c = db.getConnection()) {
            append(c, "tail", 6);
        }
        assertEquals(List.of(6L), ids("tenant=acme&stream=tail&after=" + next), "after the tail: only what is new");
        refused("tail=true&after=1", "tail");
        refused("tail=yes", "tail");
    }

    @Test
    void retentionTrimsInBatchesAndAnOlderCursorIsGone() throws Exception {
        long last;
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // more than a batch of old events, then two young ones
            s.executeUpdate("insert into change_event (tenant, stream, record_id, op, source, seen_at) "
                    + "select 'acme', 'trimmed', i, 'create', 'poll', now() - interval '8 days' "
                    + "from generate_series(1, " + (ChangeTrim.BATCH + 50) + ") i");
            s.executeUpdate("update change_event set seen_at = now() - interval '8 days'"); // the other tests' too
            append(c, "trimmed", 1_000_001);
            append(c, "trimmed", 1_000_002);
            try (ResultSet rs = s.executeQuery("select max(seq) - 2 from change_event")) {
                rs.next();
                last = rs.getLong(1);
            }
        }
        ChangeTrim trim = hub.context().getRegistry().lookupByNameAndType(Changes.TRIM_BEAN, ChangeTrim.class);
        assertTrue(trim.trim() >= ChangeTrim.BATCH + 50);
        try (Connection c = db.getConnection()) {
            assertEquals(last, ChangeTrim.trimmedThrough(c), "the highest seq trimmed is kept");
        }
        HttpCalls.Answer gone = HttpCalls.get(home.apiUrl() + "/api/changes?tenant=acme&stream=trimmed&after=5");
        assertEquals(410, gone.status(), gone.body());
        String message = gone.json().get("error").asText();
        assertTrue(message.contains("'after'") && message.contains("retention") && message.contains("without 'after'"),
                message);
        assertEquals(List.of(1_000_001L, 1_000_002L), ids("tenant=acme&stream=trimmed"), "from the oldest kept");
        assertEquals(List.of(1_000_001L, 1_000_002L), ids("tenant=acme&stream=trimmed&after=" + last));
        assertEquals(0, trim.trim(), "nothing left to trim");
    }

    @Test
    void badParametersAreRefusedNamingThem() throws Exception {
        refused("limit=0", "limit");
        refused("limit=1001", "limit");
        refused("limit=ten", "limit");
        refused("after=-1", "after");
        refused("after=1.5", "after");
        refused("include_backfill=yes", "include_backfill");
        refused("stream=Robert%27)%3B", "stream");
        refused("afer=10", "afer");
        HttpCalls.Answer unknown = HttpCalls.get(home.apiUrl() + "/api/changes?tenant=nobody");
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(unknown.json().get("error").asText().contains("nobody"));
        HttpCalls.Answer fine = HttpCalls.get(home.apiUrl() + "/api/changes?tenant=acme&limit=1000&include_backfill=true");
        assertEquals(200, fine.status(), fine.body());
    }

    private static void refused(String query, String parameter) throws Exception {
        HttpCalls.Answer a = HttpCalls.get(home.apiUrl() + "/api/changes?" + query);
        assertEquals(400, a.status(), query + ": " + a.body());
        JsonNode error = a.json().get("error");
        assertTrue(error.asText().contains("'" + parameter + "'"), query + ": " + a.body());
    }
}
