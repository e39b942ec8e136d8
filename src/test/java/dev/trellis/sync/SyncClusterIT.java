package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.TestHome;
import dev.trellis.hub.TrellisJar;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar against one external PostgreSQL: kill -9 in the middle of a backfill, and two instances at once.
 * The crash tests schedule the stream daily, so only the resumption of the interrupted run can finish it.
 */
class SyncClusterIT {
    private static final String DAILY = "0 0 3 * * ?";

    static EmbeddedPostgres postgres;
    @TempDir
    Path dir;
    Sandbox sandbox;
    final List<Process> jars = new ArrayList<>();

    @BeforeAll
    static void database() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : jars) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        sandbox.close();
    }

    private String newDatabase(String name) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    private long query(String url, String sql) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (java.sql.SQLException e) {
            return -1; // the schema is not there yet
        }
    }

    private TestHome home(String name, int perPage, String cron) {
        SandboxCredentials c = sandbox.credentials();
        return new TestHome(dir.resolve(name))
                .sandboxTenant("acme", sandbox, c.clientId(), c.clientSecret(), "CLUSTER_IT_SECRET")
                .route("streams.camel.yaml", """
                        - templatedRoute:
                            routeTemplateRef: harvest-stream
                            routeId: stream-candidates
                            parameters:
                              - {name: stream, value: "candidates"}
                              - {name: schedule, value: "%s"}
                              - {name: perPage, value: "%d"}
                        """.formatted(cron, perPage));
    }

    private Process jar(TestHome home, String dbUrl, String budget, Path log) throws IOException {
        return jar(home, dbUrl, budget, log, TestHome.freePort());
    }

    private Process jar(TestHome home, String dbUrl, String budget, Path log, int port) throws IOException {
        List<String> args = TrellisJar.runArgs(home, port, TestHome.freePort(), List.of("trellis.db.url=" + dbUrl,
                "trellis.db.user=postgres", "trellis.greenhouse.rate-budget=" + budget, "trellis.demo.enabled=false"));
        // no working directory of its own: the jar runs where the build runs
        Process p = TrellisJar.start(null, log, Map.of("CLUSTER_IT_SECRET", sandbox.credentials().clientSecret()), args);
        jars.add(p);
        return p;
    }

    @Test
    void killMinus9InTheMiddleOfABackfillThenOneRestartResumesTheRunAtOnce() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(21).candidates(3_000).rateLimit(0).build());
        // slow answers, so the backfill is surely under way when it is killed
        sandbox.faults().latency(Duration.ofMillis(60));
        String db = newDatabase("crash");
        TestHome home = home("crash", 50, DAILY);
        Path log1 = dir.resolve("first.log");
        int port = TestHome.freePort();
        Process first = jar(home, db, "100000", log1, port);
        TrellisJar.waitFor(first, Duration.ofSeconds(60), () -> HttpCalls.post("http://127.0.0.1:" + port
                + "/api/streams/acme/candidates/sync").status() == 202, log1);
        TrellisJar.waitFor(first, Duration.ofSeconds(60), () -> query(db, "select count(*) from gh_candidates") > 500, log1);
        assertTrue(query(db, "select count(*) from sync_stream where next_url is not null") == 1, "mid-run");
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        long before = query(db, "select count(*) from gh_candidates");
        assertTrue(before < 3_000, "killed before the end: " + before);
        assertEquals(1, query(db, "select count(*) from sync_run where status = 'running'"), "left running by the dead");

        sandbox.faults().clear();
        Path log2 = dir.resolve("second.log");
        long t0 = System.nanoTime();
        Process second = jar(home, db, "100000", log2);
        TrellisJar.waitFor(second, Duration.ofSeconds(60), () -> query(db, "select count(*) from sync_stream where watermark is not null") == 1, log2);
        System.out.printf("SyncClusterIT: interrupted run finished %.1f s after the restart%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(sandbox.state().count(Resource.CANDIDATES), query(db, "select count(*) from gh_candidates"));
        assertEquals(3_000, query(db, "select sum(fetched) from sync_run"), "every record read once: no page twice");
        assertEquals(1, query(db, "select count(*) from sync_run where status = 'done' and resumed_at is not null "
                + "and interrupted_at <= resumed_at"), "the one run was interrupted, then resumed");
        assertTrue(Files.readString(log2).contains("resuming its interrupted run now"), "resumed, not scheduled");
    }

    @Test
    void whenTheInstanceRunningABackfillDiesItsPeerFinishesTheRunWithinAMinute() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(23).candidates(3_000).rateLimit(0).build());
        sandbox.faults().latency(Duration.ofMillis(60));
        String db = newDatabase("failover");
        TestHome home = home("failover", 50, DAILY);
        Path logA = dir.resolve("a.log");
        Path logB = dir.resolve("b.log");
        int portA = TestHome.freePort();
        Process a = jar(home, db, "100000", logA, portA);
        Process b = jar(home, db, "100000", logB);
        TrellisJar.waitFor(b, Duration.ofSeconds(60), () -> Files.readString(logB).contains("Trellis started: "), logB);
        TrellisJar.waitFor(a, Duration.ofSeconds(60), () -> HttpCalls.post("http://127.0.0.1:" + portA
                + "/api/streams/acme/candidates/sync").status() == 202, logA);
        TrellisJar.waitFor(a, Duration.ofSeconds(60), () -> query(db, "select count(*) from gh_candidates") > 500, logA);
        a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long killed = System.nanoTime();
        assertTrue(query(db, "select count(*) from gh_candidates") < 3_000, "killed mid-run");
        sandbox.faults().clear();

        TrellisJar.waitFor(b, Duration.ofSeconds(60), () -> query(db, "select count(*) from sync_run where status = 'done'") == 1, logB);
        System.out.printf("SyncClusterIT: the peer finished the run %.1f s after kill -9%n", (System.nanoTime() - killed) / 1e9);
        assertEquals(sandbox.state().count(Resource.CANDIDATES), query(db, "select count(*) from gh_candidates"));
        assertEquals(1, query(db, "select count(*) from sync_run"), "the same run, continued");
        assertEquals(3_000, query(db, "select sum(fetched) from sync_run"), "no page read twice");
        assertEquals(1, query(db, "select count(*) from sync_run where owner like '%/" + b.pid() + "' "
                + "and resumed_at is not null"), "the peer resumed it");
    }

    @Test
    void twoInstancesNeverRunAStreamTogetherAndShareTheBudget() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(22).candidates(500).rateLimit(12).build());
        String db = newDatabase("pair");
        TestHome home = home("pair", 100, "0/3 * * * * ?");
        Path logA = dir.resolve("a.log");
        Path logB = dir.resolve("b.log");
        Process a = jar(home, db, "10", logA);
        jar(home, db, "10", logB);
        // both fire every 3 s; each run needs 5 pages (+ a token); the shared budget is 10 per 30 s
        TrellisJar.waitFor(a, Duration.ofSeconds(75), () -> query(db, "select count(*) from sync_run where status = 'done'") >= 3, logA);
        assertEquals(0, query(db, "select count(*) from sync_run a join sync_run b on a.id < b.id "
                + "and a.stream = b.stream and a.tenant = b.tenant "
                + "and tstzrange(a.started_at, coalesce(a.ended_at, now())) && tstzrange(b.started_at, coalesce(b.ended_at, now()))"),
                "no two runs of the stream overlap");
        var requests = sandbox.state().requestCounts();
        assertEquals(0, requests.entrySet().stream().filter(e -> e.getKey().endsWith(" 429")).count(), requests.toString());
        assertTrue(Files.readString(logA).contains("Trellis started: ") && Files.readString(logB).contains("Trellis started: "), "both instances ran");
    }
}
