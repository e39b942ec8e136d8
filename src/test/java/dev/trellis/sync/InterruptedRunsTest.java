package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A run whose instance died (its row still "running", its lock gone with its database session, its next link saved)
 * resumes as soon as a hub starts, although the stream's cron is daily; status says interrupted, then resumed.
 * The tests share the database and the sandbox; each starts from no hub and an empty sync state.
 */
class InterruptedRunsTest {
    private static final int CANDIDATES = 900;
    private static final int PER_PAGE = 50;
    private static final String DEAD = "gone-host/4242";

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    /** The hubs' database, outside them, so that it outlives each hub. */
    static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        sandbox = Sandbox.start(SandboxSettings.builder().seed(31).candidates(CANDIDATES).rateLimit(0).build());
        home = new TestHome(dir).sandboxTenant("acme", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.db.url", postgres.getJdbcUrl("postgres", "postgres"))
                .property("trellis.db.user", "postgres")
                .route("streams.camel.yaml", """
                        - templatedRoute:
                            routeTemplateRef: harvest-stream
                            routeId: stream-candidates
                            parameters:
                              - {name: stream, value: "candidates"}
                              - {name: schedule, value: "0 0 3 * * ?"}
                              - {name: perPage, value: "%d"}
                        """.formatted(PER_PAGE));
    }

    /** No hub, no sync state, no faults, the settings the tests change back to the shipped ones. */
    @BeforeEach
    void freshState() throws Exception {
        if (hub != null) {
            hub.stop();
            hub = null;
        }
        sandbox.faults().clear();
        home.property("trellis.sync.resume-check-seconds", "1").property("trellis.errors.maximum-redeliveries", "0")
                .property("camel.main.shutdown-timeout", "15");
        try (Connection c = directConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    do $$ begin
                        if to_regclass('sync_run') is not null then truncate sync_run, sync_stream, sync_sweep_id; end if;
                        if to_regclass('gh_candidates') is not null then truncate gh_candidates; end if;
                    end $$""");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        sandbox.close();
        postgres.close();
    }

    @Test
    void aDeadInstancesRunResumesAtStartUpWhereItStoppedAndCompletes() throws Exception {
        // a first hub that never checks again after start-up, whose run loses its database session mid-way
        home.property("trellis.sync.resume-check-seconds", "3600");
        hub = home.start();
        sandbox.faults().latency(Duration.ofMillis(40));
        Thread run = new Thread(() -> RouteInvoker.invoke(hub.context(), "stream-candidates",
                ex -> ex.getIn().setHeader(HubHeaders.TENANT, "acme")));
        run.start();
        waitFor(Duration.ofSeconds(30), () -> count("select coalesce(max(pages), 0) from sync_run") >= 3);
        assertEquals(1, count("select pg_terminate_backend(l.pid)::int from pg_locks l, (select hashtext("
                + "'sync/acme/candidates')::bigint k) key where l.locktype = 'advisory' and l.objsubid = 1 "
                + "and l.classid::bigint = (key.k >> 32) & 4294967295 and l.objid::bigint = key.k & 4294967295"),
                "the run's session, holding the stream's lock");
        run.join(30_000);
        hub.stop();
        hub = null;
        sandbox.faults().clear();
        // what a kill -9 leaves: the row says running, by an instance that is gone, and the next link is saved
        try (Connection c = directConnection(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("update sync_run set owner = '" + DEAD + "' where status = 'running'"));
        }
        long stored = countDirect("select count(*) from gh_candidates");
        assertTrue(stored > 0 && stored < CANDIDATES, "stopped mid-way: " + stored);
        assertEquals(1, countDirect("select count(*) from sync_stream where next_url like '%cursor=%'"), "a next link saved");
        // saved under an origin that is gone (as a restarted demo sandbox's port): followed on the tenant's base URL
        String origin = URI.create(sandbox.credentials().baseUrl()).getRawAuthority();
        try (Connection c = directConnection(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("update sync_stream set next_url = replace(next_url, '" + origin
                    + "', '127.0.0.1:9') where next_url is not null"));
        }

        sandbox.resetRequestCounts();
        home.property("trellis.sync.resume-check-seconds", "1");
        long t0 = System.nanoTime();
        hub = home.start();
        waitFor(Duration.ofSeconds(30), () -> count("select count(*) from sync_run where status = 'done'") == 1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 20, "resumed at start-up, not at the daily cron: " + seconds + " s");

        assertEquals(sandbox.state().count(Resource.CANDIDATES), count("select count(*) from gh_candidates"));
        assertEquals(1, count("select count(*) from sync_run"), "the run went on; no second run");
        try (Connection c = db().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pages, fetched, owner, interrupted_at, resumed_at, ended_at "
                        + "from sync_run")) {
            assertTrue(rs.next());
            assertEquals((CANDIDATES + PER_PAGE - 1) / PER_PAGE, rs.getInt(1), "every page counted once");
            assertEquals(CANDIDATES, rs.getLong(2));
            assertNotEquals(DEAD, rs.getString(3), "this hub took the run over");
            Timestamp interrupted = rs.getTimestamp(4);
            Timestamp resumed = rs.getTimestamp(5);
            assertTrue(interrupted != null && resumed != null && !resumed.before(interrupted),
                    "interrupted " + interrupted + ", then resumed " + resumed);
            assertTrue(!rs.getTimestamp(6).before(resumed));
        }
        long pagesRead = sandbox.state().requestCounts().getOrDefault("GET /v3/candidates 200", 0L);
        assertTrue(pagesRead < (CANDIDATES + PER_PAGE - 1) / PER_PAGE - 2, "resumed from its next link: " + pagesRead);

        JsonNode s = stream();
        assertEquals("idle", s.get("state").asText(), s.toString());
        assertFalse(s.get("running").asBoolean());
        assertEquals("done", s.get("lastRun").get("status").asText());
        assertFalse(s.get("lastRun").get("resumedAt").isNull(), s.toString());
        assertTrue(status().contains("resumed at "), status());
    }

    @Test
    void statusShowsADeadRunAsInterruptedThenResumedNeverRunning() throws Exception {
        hub = home.start();
        // a dead run on a paused stream: nothing may resume it until the pause ends
        long runId;
        try (Connection c = db().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("insert into sync_run (tenant, stream, "
                    + "kind, owner) values ('acme', 'candidates', 'incremental', '" + DEAD + "') returning id")) {
                rs.next();
                runId = rs.getLong(1);
            }
            Instant to = Instant.now().minusSeconds(60);
            StreamDefinition def = StreamDefinition.from(Map.of("stream", "candidates", "perPage", "" + PER_PAGE));
            try (PreparedStatement ps = c.prepareStatement("insert into sync_stream (tenant, stream, paused_reason, "
                    + "window_end, next_url, run_id) values ('acme', 'candidates', 'test pause', ?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(to));
                ps.setString(2, StreamSync.firstUrl(def, null, to));
                ps.setLong(3, runId);
                ps.executeUpdate();
            }
            c.commit();
        }
        JsonNode s = stream();
        assertEquals("interrupted", s.get("state").asText(), s.toString());
        assertFalse(s.get("running").asBoolean(), "a dead run is never shown as running");
        assertEquals("interrupted", s.get("lastRun").get("status").asText());
        assertEquals(DEAD, s.get("lastRun").get("owner").asText());
        String line = status().lines().filter(l -> l.startsWith("acme")).findFirst().orElseThrow();
        assertTrue(line.contains(" interrupted ") && line.contains("paused: test pause"), line);
        waitFor(Duration.ofSeconds(5), () -> count("select count(*) from sync_run where id = " + runId
                + " and status = 'interrupted' and interrupted_at is not null") == 1);

        // slow pages, so the resumed run is seen while it runs
        sandbox.faults().latency(Duration.ofMillis(300));
        try (Connection c = db().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("update sync_stream set paused_reason = null");
        }
        waitFor(Duration.ofSeconds(10), () -> stream().get("state").asText().equals("resumed"));
        assertTrue(stream().get("running").asBoolean() || stream().get("state").asText().equals("idle"));
        waitFor(Duration.ofSeconds(30), () -> stream().get("state").asText().equals("idle"));
        sandbox.faults().clear();
        JsonNode done = stream().get("lastRun");
        assertEquals(runId, done.get("id").asLong());
        assertEquals("done", done.get("status").asText(), done.toString());
        assertFalse(done.get("resumedAt").isNull());
        assertEquals(sandbox.state().count(Resource.CANDIDATES), count("select count(*) from gh_candidates"));
    }

    @Test
    void aHubStoppedMidRunLeavesItInterruptedAndTheNextStartResumesIt() throws Exception {
        // a shutdown that does not wait for the run, as when a long backfill outlasts the shutdown timeout
        home.property("camel.main.shutdown-timeout", "1");
        hub = home.start();
        sandbox.faults().latency(Duration.ofMillis(300));
        assertEquals(202, HttpCalls.post(home.apiUrl() + "/api/streams/acme/candidates/sync").status());
        waitFor(Duration.ofSeconds(30), () -> count("select count(*) from sync_run where status = 'running' and pages >= 2") == 1);
        hub.stop();
        hub = null;
        try (Connection c = directConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select status, ended_at is null from sync_run order by id desc limit 1")) {
            assertTrue(rs.next());
            // interrupted, or still "running" when the pool closed under it; never failed, which waits for the cron
            assertTrue(SyncRuns.isUnfinished(rs.getString(1)), "stopped mid-run, not failed: " + rs.getString(1));
            assertTrue(rs.getBoolean(2));
        }
        sandbox.faults().clear();
        hub = home.start();
        waitFor(Duration.ofSeconds(30), () -> stream().get("state").asText().equals("idle"));
        JsonNode last = stream().get("lastRun");
        assertEquals("done", last.get("status").asText(), last.toString());
        assertFalse(last.get("resumedAt").isNull());
        assertEquals(CANDIDATES, last.get("fetched").asLong(), "every record read once");
    }

    private static JsonNode stream() throws Exception {
        HttpCalls.Answer answer = HttpCalls.get(home.apiUrl() + "/api/streams?tenant=acme&stream=candidates");
        assertEquals(200, answer.status(), answer.body());
        return answer.json().get("streams").get(0);
    }

    /** {@code trellis status} against the running hub. */
    private static String status() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new StatusCommand()).setOut(new PrintWriter(out))
                .execute("--url", home.apiUrl());
        assertEquals(0, code, out.toString());
        return out.toString();
    }

    private static DataSource db() {
        return hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The database while no hub runs. */
    private static Connection directConnection() throws Exception {
        return postgres.getPostgresDatabase().getConnection();
    }

    private static long countDirect(String sql) throws Exception {
        try (Connection c = directConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Not within " + limit);
    }
}
