package dev.trellis.sync;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped stream, synced from the sandbox over HTTP into embedded PostgreSQL, compared with its truth. The
 * tests share one hub and sandbox; each syncs first, so they run in any order (a full sync when it comes first, one
 * request per stream otherwise: the only test that changes the sandbox leaves the store equal to it).
 */
class SyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(11).candidates(2_000).rateLimit(0).build());
        home = new TestHome(dir).sandboxTenant("demo", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000");
        home.shippedStreamsUnscheduled();
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    /** Runs every stream route once for the tenant, as a trigger would; fails on any error. */
    static void syncAll() throws Exception {
        for (Route route : streamRoutes()) {
            Exchange done = RouteInvoker.invoke(hub.context(), route.getRouteId(),
                    ex -> ex.getIn().setHeader(HubHeaders.TENANT, "demo"));
            assertFalse(done.isFailed(), route.getRouteId() + ": " + done.getException());
        }
        assertEquals(0, count("select count(*) from dead_letter"), "no run went to the dead-letter queue");
    }

    static List<Route> streamRoutes() {
        List<Route> routes = new ArrayList<>();
        for (StreamCatalog.Entry s : StreamCatalog.of(hub.context())) {
            routes.add(hub.context().getRoute(s.routeId()));
        }
        return routes;
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String table(Resource r) {
        return "gh_" + r.path();
    }

    @Test
    void fullSyncEqualsTheSandboxTruth() throws Exception {
        // every resource, job_posts_deleted, and degrees, disciplines, schools
        assertEquals(Resource.values().length + 4, streamRoutes().size(), "all shipped streams loaded");
        syncAll();
        var truth = sandbox.state();
        for (Resource r : Resource.values()) {
            long stored = count("select count(*) from " + table(r) + " where tenant = 'demo' and deleted_at is null");
            assertEquals(truth.count(r), stored, r.path() + " rows");
            assertTrue(stored > 0, r.path() + " has rows");
        }
        // the education streams are custom field options filtered by the field's key
        for (String[] stream : new String[][] {{"degrees", "degree"}, {"disciplines", "discipline"},
                {"schools", "school_name"}}) {
            assertEquals(sandbox.listedIds(Resource.CUSTOM_FIELD_OPTIONS, Map.of("custom_field_key", stream[1])),
                    ids("select id from gh_" + stream[0] + " where tenant = 'demo' and deleted_at is null order by id desc"),
                    stream[0]);
        }
        // content: every candidate of a sample equals the sandbox's record
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select raw::text from gh_candidates where tenant = 'demo' and id = ?")) {
            for (long id : sampleIds("gh_candidates", 25)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    JsonNode expected = sandbox.record(Resource.CANDIDATES, id);
                    JsonNode stored = JSON.readTree(rs.getString(1));
                    assertTrue(expected.equals(SyncTest::sameValue, stored), "candidate " + id + "\n" + expected + "\n" + stored);
                }
            }
        }
        // join columns are real columns
        assertEquals(count("select count(*) from gh_applications where tenant = 'demo'"),
                count("select count(*) from gh_applications a join gh_candidates c on c.tenant = a.tenant "
                        + "and c.id = a.candidate_id where a.tenant = 'demo'"));
    }

    @Test
    void anUnchangedOrganisationCostsOneRequestPerStreamAndWritesNothing() throws Exception {
        syncAll();
        sandbox.resetRequestCounts();
        long runsBefore = count("select coalesce(max(id), 0) from sync_run");
        syncAll();
        long requests = sandbox.state().requestCounts().entrySet().stream()
                .filter(e -> e.getKey().startsWith("GET /v3/")).mapToLong(Map.Entry::getValue).sum();
        assertEquals(streamRoutes().size(), requests, "one list request per stream: " + sandbox.state().requestCounts());
        assertEquals(0, count("select coalesce(sum(written), 0) from sync_run where id > " + runsBefore));
    }

    @Test
    void churnIsPickedUpIncludingDeletions() throws Exception {
        syncAll();
        // a window ends a minute before now (lag), so let the changes happen two minutes ago
        sandbox.advanceClock(java.time.Duration.ofMinutes(-2));
        List<String> changes = sandbox.churn(60);
        sandbox.advanceClock(java.time.Duration.ofMinutes(2));
        assertFalse(changes.isEmpty());
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // make the daily deletion sweep due now
            s.executeUpdate("update sync_stream set last_sweep_at = null");
        }
        syncAll();
        var truth = sandbox.state();
        for (Resource r : Resource.values()) {
            long stored = count("select count(*) from " + table(r) + " where tenant = 'demo' and deleted_at is null");
            assertEquals(truth.count(r), stored, r.path() + " rows after churn: " + changes);
            for (long id : truth.deleted(r)) {
                if (r != Resource.JOB_POSTS) {
                    assertEquals(1, count("select count(*) from " + table(r) + " where tenant = 'demo' and id = " + id
                            + " and deleted_at is not null"), r.path() + " " + id + " marked deleted");
                }
            }
        }
    }

    @Test
    void aRecordRemovedFromAFullRefreshStreamsResourceIsMarkedDeletedOnTheNextRun() throws Exception {
        syncAll();
        List<StreamCatalog.Entry> full = StreamCatalog.of(hub.context()).stream()
                .filter(e -> e.definition().fullRefresh()).toList();
        assertEquals(List.of("demographic_questions", "demographic_answer_options"),
                full.stream().map(StreamCatalog.Entry::stream).toList());
        for (StreamCatalog.Entry stream : full) {
            StreamDefinition def = stream.definition();
            Resource r = Resource.fromPath(def.resource());
            // one the sandbox still has (an earlier removal may have taken its children along)
            long id = ids("select id from " + def.table() + " where tenant = 'demo' and deleted_at is null order by id desc")
                    .stream().filter(i -> sandbox.record(r, i) != null).findFirst().orElseThrow();
            long deletedBefore = count("select count(*) from " + def.table() + " where tenant = 'demo' and deleted_at is not null");
            assertEquals(List.of(id), sandbox.delete(r, id).get(r), "removed in the sandbox");
            Exchange done = RouteInvoker.invoke(hub.context(), stream.routeId(),
                    ex -> ex.getIn().setHeader(HubHeaders.TENANT, "demo"));
            assertFalse(done.isFailed(), stream.stream() + ": " + done.getException());
            assertEquals(1, count("select count(*) from " + def.table() + " where tenant = 'demo' and id = " + id
                    + " and deleted_at is not null"), stream.stream() + " " + id + " marked deleted");
            // exactly what the sandbox removed is marked (for answer options, also those removed with their question)
            List<Long> marked = ids("select id from " + def.table() + " where tenant = 'demo' and deleted_at is not null "
                    + "order by id");
            assertEquals(sandbox.state().deleted(r), marked, stream.stream() + ": marked deleted");
            assertEquals(marked.size() - deletedBefore, ((StreamSync.Result) done.getIn().getBody()).deleted(),
                    stream.stream() + " run counts them");
        }
        // the cascade (a question's answer options) reaches the store too, leaving it equal to the sandbox
        syncAll();
        for (StreamCatalog.Entry stream : full) {
            Resource r = Resource.fromPath(stream.definition().resource());
            assertEquals(sandbox.state().count(r), count("select count(*) from " + stream.definition().table()
                    + " where tenant = 'demo' and deleted_at is null"), stream.stream());
        }
    }

    @Test
    void streamsApiShowsWatermarksAndRuns() throws Exception {
        syncAll();
        HttpCalls.Answer answer = HttpCalls.get(home.apiUrl() + "/api/streams?tenant=demo&stream=candidates");
        assertEquals(200, answer.status(), answer.body());
        JsonNode s = answer.json().get("streams").get(0);
        assertEquals("candidates", s.get("stream").asText());
        assertFalse(s.get("watermark").isNull());
        assertEquals("done", s.get("lastRun").get("status").asText());
        assertTrue(s.get("nextRun").asText().startsWith("20"), s.toString());
        String health = HttpCalls.get(home.managementUrl() + "/observe/health").body();
        assertTrue(health.contains("\"name\":\"sync-lag\",\"status\":\"UP\""), health);
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.contains("trellis_sync_lag_seconds{stream=\"candidates\",tenant=\"demo\"}"), metrics);
        // a stream far behind its (daily) schedule turns the health check DOWN, naming it
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("update sync_stream set watermark = watermark - interval '3 days' where stream = 'candidates'");
        }
        HttpCalls.Answer late = HttpCalls.get(home.managementUrl() + "/observe/health");
        assertEquals(503, late.status());
        assertTrue(late.body().contains("candidates (") && late.body().contains("min behind"), late.body());
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("update sync_stream set watermark = watermark + interval '3 days' where stream = 'candidates'");
        }
        HttpCalls.Answer unknown = HttpCalls.post(home.apiUrl() + "/api/streams/demo/nope/sync");
        assertEquals(404, unknown.status());
    }

    /** jsonb keeps numbers by value, not by Java type. */
    private static int sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    private static List<Long> ids(String sql) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static List<Long> sampleIds(String table, int n) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id from " + table + " where tenant = 'demo' order by id limit " + n)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
