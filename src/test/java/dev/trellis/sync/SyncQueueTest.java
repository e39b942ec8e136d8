package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run queue with real hubs: a firing queues every covered tenant; a slow tenant does not hold the others up; a
 * tenant's concurrency limit; sync now and runAll through the queue; claims of a dead instance; two hubs sharing the
 * work. Small tenants read the fast sandbox, the slow tenant a sandbox whose every answer is delayed. The tests share
 * one database and start from no hub and empty sync state.
 */
class SyncQueueTest {
    private static final int SMALL = 60;
    private static final int BIG = 2_000;
    private static final String DAILY = "0 0 3 * * ?";

    @TempDir
    Path dir;
    static EmbeddedPostgres postgres;
    static Sandbox fast;
    static Sandbox slow;
    final List<Hub> hubs = new ArrayList<>();
    /** The API of the hub started last. */
    String apiUrl;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        fast = Sandbox.start(SandboxSettings.builder().seed(41).candidates(SMALL).rateLimit(0).build());
        slow = Sandbox.start(SandboxSettings.builder().seed(42).candidates(BIG).rateLimit(0).build());
    }

    @AfterAll
    static void stop() throws Exception {
        fast.close();
        slow.close();
        postgres.close();
    }

    @BeforeEach
    void emptyState() throws Exception {
        slow.faults().clear().latency(Duration.ofMillis(40));
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute("""
                    do $$ declare t text; begin
                        if to_regclass('sync_queue') is not null then
                            truncate sync_queue, sync_run, sync_stream, sync_sweep_id, dead_letter;
                            truncate qrtz_fired_triggers, qrtz_cron_triggers, qrtz_simple_triggers, qrtz_triggers,
                                qrtz_job_details cascade;
                        end if;
                        for t in select tablename from pg_tables where tablename like 'gh\\_%' loop
                            execute 'drop table ' || t;
                        end loop;
                    end $$""");
        }
    }

    @AfterEach
    void stopHubs() throws Exception {
        for (Hub hub : hubs) {
            hub.stop();
        }
    }

    /**
     * Tenants small-1..n on the fast sandbox, big on the slow one; streams reading /v3/candidates into gh_<name>, with
     * windows up to now (the sandboxes' newest records are as old as the test class).
     */
    private TestHome home(String name, int smalls, String cron, int perPage, String... streams) {
        TestHome home = new TestHome(dir.resolve(name)).sandboxTenant("big", slow)
                .property("trellis.greenhouse.rate-budget", "1000000000")
                .property("trellis.db.url", postgres.getJdbcUrl("postgres", "postgres"))
                .property("trellis.db.user", "postgres")
                .property("trellis.sync.poll-ms", "200")
                .property("trellis.sync.resume-check-seconds", "1")
                .property("trellis.errors.maximum-redeliveries", "0");
        for (int i = 1; i <= smalls; i++) {
            home.sandboxTenant("small-" + i, fast);
        }
        StringBuilder yaml = new StringBuilder();
        for (String stream : streams) {
            yaml.append("""
                    - templatedRoute:
                        routeTemplateRef: harvest-stream
                        routeId: stream-%s
                        parameters:
                          - {name: stream, value: "%s"}
                          - {name: resource, value: "candidates"}
                          - {name: schedule, value: "%s"}
                          - {name: perPage, value: "%d"}
                          - {name: sweepHours, value: "0"}
                          - {name: lagSeconds, value: "0"}
                    """.formatted(stream, stream, cron, perPage));
        }
        return home.route("streams.camel.yaml", yaml.toString());
    }

    private Hub start(TestHome home) throws Exception {
        apiUrl = home.apiUrl();
        Hub hub = home.start();
        hubs.add(hub);
        return hub;
    }

    @Test
    void aFiringQueuesTheStreamForEveryCoveredTenantAndTheWorkersSyncThemAll() throws Exception {
        TestHome home = home("firing", 3, "0/2 * * * * ?", 50, "cands");
        // big has no Harvest credentials: a tenant the stream does not cover is not queued
        home.tenant("big", "job-board.token = x\n");
        Hub hub = start(home);
        waitFor(Duration.ofSeconds(20), () -> count("select count(distinct tenant) from sync_run where status = 'done'") == 3);
        assertEquals(Set.of("small-1", "small-2", "small-3"), strings("select distinct tenant from sync_run"));
        for (int i = 1; i <= 3; i++) {
            assertEquals(SMALL, count("select count(*) from gh_cands where tenant = 'small-" + i + "'"));
        }
        assertEquals(0, count("select count(*) from dead_letter"));

        // the route without a tenant header (what Quartz sends) only queues: three runs of over a second each
        // would take seconds on the firing's thread
        fast.faults().latency(Duration.ofMillis(500));
        try {
            long t0 = System.nanoTime();
            Exchange fired = RouteInvoker.invoke(hub.context(), "stream-cands", ex -> { });
            assertFalse(fired.isFailed(), String.valueOf(fired.getException()));
            assertTrue((System.nanoTime() - t0) / 1e9 < 1, "queued, not run, on the firing's thread");
            assertTrue(fired.getIn().getBody() instanceof Integer, "how many it queued: " + fired.getIn().getBody());
        } finally {
            fast.faults().clear();
        }
    }

    @Test
    void aSlowTenantsLongRunYieldsItsOnlyWorkerSoTheOtherTenantsAreSyncedMeanwhile() throws Exception {
        TestHome home = home("fair", 4, DAILY, 20, "cands").property("trellis.sync.threads", "1")
                .property("trellis.sync.slice-seconds", "1");
        Hub hub = start(home);
        StreamApi api = hub.context().getRegistry().lookupByNameAndType("streamApi", StreamApi.class);
        // the backfill is first in line, then the four small tenants' runs
        assertEquals(1, api.runAll("big"));
        waitFor(Duration.ofSeconds(10), () -> count("select count(*) from gh_cands where tenant = 'big'") > 0);
        for (int i = 1; i <= 4; i++) {
            assertEquals(1, api.runAll("small-" + i));
        }
        waitFor(Duration.ofSeconds(20), () -> count("select count(*) from sync_run where tenant like 'small-%' "
                + "and status = 'done'") == 4);
        long bigStored = count("select count(*) from gh_cands where tenant = 'big'");
        assertTrue(bigStored < BIG, "the small tenants were synced while the backfill was under way: " + bigStored);
        assertEquals(4 * SMALL, count("select count(*) from gh_cands where tenant like 'small-%'"));

        waitFor(Duration.ofSeconds(60), () -> count("select count(*) from sync_run where tenant = 'big' and status = 'done'") == 1);
        assertEquals(BIG, count("select count(*) from gh_cands where tenant = 'big'"));
        try (Connection c = direct(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select count(*), sum(fetched), count(interrupted_at), count(error) from sync_run where tenant = 'big'")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "one run, continued slice after slice");
            assertEquals(BIG, rs.getLong(2), "every page read once");
            assertEquals(0, rs.getLong(3), "a slice's end is not an interruption");
            assertEquals(0, rs.getLong(4), "nor a failure");
        }
        assertEquals(0, count("select count(*) from dead_letter"));
    }

    @Test
    void aTenantNeverRunsMoreThanItsConcurrencyWhileOtherTenantsTakeTheFreeWorkers() throws Exception {
        slow.faults().latency(Duration.ofMillis(60));
        TestHome home = home("limit", 2, DAILY, 100, "s1", "s2", "s3").property("trellis.sync.threads", "4")
                .property("trellis.sync.tenant-concurrency", "2");
        Hub hub = start(home);
        StreamApi api = hub.context().getRegistry().lookupByNameAndType("streamApi", StreamApi.class);
        assertEquals(3, api.runAll("big"));
        assertEquals(3, api.runAll("small-1"));
        assertEquals(3, api.runAll("small-2"));
        waitFor(Duration.ofSeconds(60), () -> count("select count(*) from sync_run where status = 'done'") == 9);
        // the most runs of big under way at one moment: at each start, the runs started and not yet ended
        assertEquals(2, count("select max(n) from (select (select count(*) from sync_run o where o.tenant = 'big' "
                + "and o.started_at <= r.started_at and o.ended_at > r.started_at) as n from sync_run r "
                + "where r.tenant = 'big') x"), "two of big's three streams at once, never three");
        assertTrue(count("select count(*) from sync_run s, sync_run b where s.tenant like 'small-%' and b.tenant = 'big' "
                + "and s.ended_at < b.ended_at") >= 1, "the small tenants' runs did not wait for big's");
        for (String stream : List.of("s1", "s2", "s3")) {
            assertEquals(BIG, count("select count(*) from gh_" + stream + " where tenant = 'big'"));
        }
    }

    @Test
    void syncNowAndRunAllGoThroughTheQueueAndStartWithinASecondOrTwo() throws Exception {
        slow.faults().latency(Duration.ofMillis(200));
        TestHome home = home("now", 1, DAILY, 20, "cands", "other").property("trellis.sync.threads", "1")
                .property("trellis.sync.poll-ms", "60000");
        Hub hub = start(home);
        StreamApi api = hub.context().getRegistry().lookupByNameAndType("streamApi", StreamApi.class);

        long t0 = System.nanoTime();
        HttpCalls.Answer now = HttpCalls.post(home.apiUrl() + "/api/streams/small-1/cands/sync");
        assertEquals(202, now.status(), now.body());
        assertTrue(now.json().get("queued").asBoolean(), now.body());
        // the poll is a minute: only the wake-up on a local enqueue can start it this soon
        waitFor(Duration.ofSeconds(2), () -> count("select count(*) from sync_run where tenant = 'small-1'") > 0);
        waitFor(Duration.ofSeconds(5), () -> count("select count(*) from gh_cands where tenant = 'small-1'") > 0);
        System.out.printf("SyncQueueTest: sync now's first page stored %.2f s after the call%n", (System.nanoTime() - t0) / 1e9);

        t0 = System.nanoTime();
        assertEquals(2, api.runAll("big"));
        waitFor(Duration.ofSeconds(2), () -> count("select count(*) from sync_run where tenant = 'big'") > 0);
        waitFor(Duration.ofSeconds(5), () -> count("select count(*) from gh_cands where tenant = 'big'") > 0);
        System.out.printf("SyncQueueTest: runAll's first page stored %.2f s after the call%n", (System.nanoTime() - t0) / 1e9);

        // the one worker runs big's first stream: its other stream waits in the queue, and says so
        JsonNode other = stream("big", "other");
        assertEquals("queued", other.get("state").asText(), other.toString());
        assertFalse(other.get("running").asBoolean());
        assertEquals("run-all", other.get("queued").get("reason").asText(), other.toString());
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertEquals(1.0, metric(metrics, "trellis_sync_queue_depth"), "one run waits: big's other stream");
        assertTrue(metric(metrics, "trellis_sync_queue_oldest_seconds") > 0, metrics);
        assertEquals(0, api.runAll("big"), "a pair already queued or running is not queued twice");
        HttpCalls.Answer again = HttpCalls.post(home.apiUrl() + "/api/streams/big/other/sync");
        assertEquals(202, again.status());
        assertFalse(again.json().get("queued").asBoolean(), again.body());
        assertEquals(1, count("select count(*) from sync_queue where tenant = 'big' and stream = 'other'"));
        slow.faults().clear();
        waitFor(Duration.ofSeconds(30), () -> stream("big", "other").get("state").asText().equals("idle"));
        assertTrue(stream("big", "other").get("queued").isNull());
    }

    @Test
    void theClaimsOfADeadInstanceAreClaimedAgain() throws Exception {
        // what a kill -9 leaves: a claim it stopped renewing, and a fresh claim whose run died mid-way (no lock)
        TestHome home = home("dead", 2, DAILY, 20, "cands").property("trellis.sync.claim-lease-seconds", "60");
        Hub first = start(home);
        first.stop();
        hubs.clear();
        Instant to = Instant.now().minusSeconds(60);
        StreamDefinition def = StreamDefinition.from(Map.of("stream", "cands", "resource", "candidates", "perPage", "20"));
        try (Connection c = direct()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into sync_queue (tenant, stream, reason, claimed_by, claim_id, claimed_at, "
                        + "renewed_at) values ('small-1', 'cands', 'schedule', 'gone-host/1/dead', 1, "
                        + "now() - interval '1 hour', now() - interval '1 hour'), "
                        + "('small-2', 'cands', 'schedule', 'gone-host/1/dead', 2, now(), now())");
            }
            long runId;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("insert into sync_run (tenant, stream, "
                    + "kind, owner) values ('small-2', 'cands', 'incremental', 'gone-host/1') returning id")) {
                rs.next();
                runId = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("insert into sync_stream (tenant, stream, window_end, "
                    + "next_url, run_id) values ('small-2', 'cands', ?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(to));
                ps.setString(2, StreamSync.firstUrl(def, null, to));
                ps.setLong(3, runId);
                ps.executeUpdate();
            }
            c.commit();
        }
        long t0 = System.nanoTime();
        start(home);
        waitFor(Duration.ofSeconds(20), () -> count("select count(*) from sync_run where status = 'done'") == 2);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 20, "the fresh claim of a dead run did not wait out its 60 s lease: " + seconds);
        assertEquals(2 * SMALL, count("select count(*) from gh_cands"));
        assertEquals(1, count("select count(*) from sync_run where tenant = 'small-2' and resumed_at is not null"),
                "the dead run was continued");
        waitFor(Duration.ofSeconds(5), () -> count("select count(*) from sync_queue") == 0);
    }

    @Test
    void twoHubsOnOneDatabaseBothTakeQueuedRuns() throws Exception {
        fast.faults().latency(Duration.ofMillis(150));
        try {
            TestHome a = home("hub-a", 6, DAILY, 20, "cands").property("trellis.sync.threads", "1")
                    .property("trellis.sync.tenant-concurrency", "1");
            TestHome b = home("hub-b", 6, DAILY, 20, "cands").property("trellis.sync.threads", "1")
                    .property("trellis.sync.tenant-concurrency", "1");
            Hub hubA = start(a);
            start(b);
            StreamApi api = hubA.context().getRegistry().lookupByNameAndType("streamApi", StreamApi.class);
            for (int i = 1; i <= 6; i++) {
                api.runAll("small-" + i);
            }
            Set<String> claimers = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count("select count(*) from sync_run where status = 'done'") < 6 && System.nanoTime() < deadline) {
                claimers.addAll(strings("select claimed_by from sync_queue where claimed_by is not null"));
                Thread.sleep(50);
            }
            assertEquals(6, count("select count(distinct tenant) from sync_run where status = 'done'"));
            assertEquals(2, claimers.size(), "both hubs claimed runs: " + claimers);
            Thread.sleep(1500); // a check for interrupted runs after the last run ended must not start any again
            assertEquals(6, count("select count(*) from sync_run"), "each tenant's run once, on one hub or the other");
            assertEquals(6 * SMALL, count("select count(*) from gh_cands"));
        } finally {
            fast.faults().clear();
        }
    }

    @Test
    void aNewStreamsTableIsCreatedOnceWhenSeveralTenantsFirstRunItTogether() throws Exception {
        // the queue starts a stream's tenants at once: each instance (here each SyncTable) creates the table
        for (int round = 0; round < 5; round++) {
            StreamDefinition def = StreamDefinition.from(Map.of("stream", "race_" + round, "resource", "candidates",
                    "joinColumns", "job_id"));
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(6);
            List<java.util.concurrent.CompletableFuture<Void>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        together.await();
                        new SyncTable(postgres.getPostgresDatabase()).ensure(def);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, java.util.concurrent.Executors.newSingleThreadExecutor()));
            }
            for (var run : runs) {
                run.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(0, count("select count(*) from gh_race_" + round));
        }
    }

    private JsonNode stream(String tenant, String stream) throws Exception {
        String url = apiUrl + "/api/streams?tenant=" + tenant + "&stream=" + stream;
        HttpCalls.Answer answer = HttpCalls.get(url);
        assertEquals(200, answer.status(), answer.body());
        return answer.json().get("streams").get(0);
    }

    /** A Prometheus sample's value, whatever its labels. */
    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no " + name + " in the metrics"));
    }

    private static Connection direct() throws Exception {
        return postgres.getPostgresDatabase().getConnection();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = direct(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return -1; // the table is created by the first run
            }
            throw e;
        }
    }

    private static Set<String> strings(String sql) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = direct(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
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
            Thread.sleep(50);
        }
        throw new AssertionError("Not within " + limit);
    }
}
