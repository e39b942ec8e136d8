package dev.trellis.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The built jar on an external PostgreSQL, against the sandbox over HTTP: killed with SIGKILL in the middle of a
 * batch (with writes applied but unanswered), then restarted; two jars sharing one outbox; and the jar on its
 * embedded PostgreSQL killed with SIGKILL mid-delivery of several hundred notes, then restarted once.
 */
class OutboxJarIT {
    private static final long CANDIDATE = 10_000_003L;

    @TempDir
    static Path dir;
    static EmbeddedPostgres pg;
    static DataSource db;
    static Sandbox sandbox;
    static TestHome homeA;
    static TestHome homeB;
    static TestHome homeC;
    static final List<Process> hubs = new ArrayList<>();
    /** The jar on home A left running by the kill test, which the two-jar test reuses rather than start another. */
    static Process runningA;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        db = pg.getPostgresDatabase();
        sandbox = Sandbox.start(SandboxSettings.builder().seed(9).candidates(200).rateLimit(0).build());
        homeA = home("a");
        homeB = home("b");
        homeC = home("c");
    }

    /** Stops every jar still running, so that a test can start on a home another test used. */
    private static void stopAll() throws Exception {
        assertTrue(TrellisJar.stopAll(hubs, Duration.ofSeconds(30)));
        hubs.clear();
    }

    @AfterAll
    static void stop() throws Exception {
        TrellisJar.stopAll(hubs, Duration.ofSeconds(30));
        sandbox.close();
        pg.close();
    }

    @Test
    void killedDuringABatchThenRestartedDeliversEveryItemOnce() throws Exception {
        stopAll();
        Process a = start(homeA, "a1");
        sandbox.faults().latency(Duration.ofMillis(60));
        long notesBefore = sandbox.state().count(Resource.NOTES);
        List<Long> items = insertNotes("kill", 80);
        waitUntil(Duration.ofSeconds(60), () -> delivered(items) >= 12, a, "a1");
        // the next four writes are applied and never answered; the four dispatcher threads hang on them
        sandbox.faults().dropResponsesAfterWrite(4, Duration.ofSeconds(20));
        waitUntil(Duration.ofSeconds(30), () -> sandbox.state().requests("POST /v3/notes dropped") >= 4, a, "a1");
        a.destroyForcibly();
        assertTrue(a.waitFor(30, TimeUnit.SECONDS));
        long sending = count("select count(*) from outbox where status = 'sending'");
        System.out.printf("OutboxJarIT: killed with %d delivered, %d sending%n", delivered(items), sending);
        assertTrue(sending >= 4, "items were in flight when killed: " + sending);

        sandbox.faults().clear().latency(Duration.ofMillis(5));
        Process again = start(homeA, "a2");
        runningA = again;
        waitUntil(Duration.ofSeconds(60), () -> delivered(items) == items.size(), again, "a2");
        assertExactlyOnce(items, "kill", notesBefore);
        assertTrue(count("select count(*) from outbox where ambiguous and status = 'delivered'") >= 4,
                "the orphaned items were reconciled");
        assertEquals(0, count("select count(*) from dead_letter"));
    }

    @Test
    void twoJarsOnOneDatabaseDeliverEveryItemOnce() throws Exception {
        if (runningA == null || !runningA.isAlive()) {
            stopAll();
            runningA = start(homeA, "a");
        }
        start(homeB, "b");
        sandbox.faults().clear().latency(Duration.ofMillis(10));
        long notesBefore = sandbox.state().count(Resource.NOTES);
        List<Long> items = insertNotes("pair", 200);
        waitUntil(Duration.ofSeconds(60), () -> delivered(items) == items.size(), hubs.get(hubs.size() - 1), "b");
        sandbox.faults().clear();
        assertExactlyOnce(items, "pair", notesBefore);
        long dispatchers = count("select count(distinct claimed_by) from outbox where id = any(array" + items + ")");
        System.out.printf("OutboxJarIT: 200 items shared by %d dispatchers%n", dispatchers);
        assertEquals(2, dispatchers, "both instances took part");
    }

    @Test
    void embeddedDatabaseKilledMidDeliveryThenRestartedOnceDeliversEveryNoteOnce() throws Exception {
        int port = TestHome.freePort();
        String[] embedded = {"trellis.db.embedded-port=" + port};
        Process c = start(homeC, "c1", embedded);
        DataSource own = embeddedDb(port);
        sandbox.faults().clear().latency(Duration.ofMillis(40));
        long notesBefore = sandbox.state().count(Resource.NOTES);
        List<Long> items = insertNotes(own, "crash", 300);
        waitUntil(Duration.ofSeconds(60), () -> delivered(own, items) >= 40, c, "c1");
        // the next four writes are applied and never answered: in flight when the hub dies
        sandbox.faults().dropResponsesAfterWrite(4, Duration.ofSeconds(20));
        waitUntil(Duration.ofSeconds(30), () -> sandbox.state().requests("POST /v3/notes dropped") >= 4, c, "c1");
        long before = delivered(own, items);
        long inFlight = count(own, "select count(*) from outbox where status = 'sending'");
        c.destroyForcibly();
        assertTrue(c.waitFor(30, TimeUnit.SECONDS));
        // the embedded PostgreSQL outlives a killed JVM and would block the restart (issue 10, finding 3, fixed in
        // store/ separately): a power loss takes it too, so kill it here, by the pid it recorded
        killEmbeddedPostgres(homeC.dir().resolve("data/pg"));
        System.out.printf("OutboxJarIT: embedded, killed with %d of %d delivered, %d sending%n", before, items.size(),
                inFlight);
        assertTrue(before < items.size() - 100, "killed mid-delivery: " + before);
        assertTrue(inFlight >= 4, "items were in flight when killed: " + inFlight);

        sandbox.faults().clear().latency(Duration.ofMillis(2));
        long restart = System.nanoTime();
        Process again = start(homeC, "c2", embedded);
        System.out.printf("OutboxJarIT: embedded, healthy again %d ms after the restart began%n",
                (System.nanoTime() - restart) / 1_000_000);
        DataSource reopened = embeddedDb(port);
        waitUntil(Duration.ofSeconds(60), () -> delivered(reopened, items) == items.size(), again, "c2");
        assertExactlyOnce(reopened, items, "crash", notesBefore);
        Map<String, Long> perBody = sandbox.created(Resource.NOTES).stream()
                .filter(n -> n.get("candidate_id").asLong() == CANDIDATE && n.get("body").asText().startsWith("crash #"))
                .collect(Collectors.groupingBy(n -> n.get("body").asText(), Collectors.counting()));
        for (int i = 1; i <= items.size(); i++) {
            assertEquals(1L, perBody.getOrDefault("crash #" + i, 0L), "notes with body crash #" + i);
        }
        assertEquals(items.size(), perBody.size());
        assertEquals(0, count(reopened, "select count(*) from outbox where status <> 'delivered'"), "no item lost");
        again.destroy();
        assertTrue(again.waitFor(30, TimeUnit.SECONDS));
    }

    /** Kills a leftover embedded PostgreSQL (its backends first, then the postmaster) by the pid in postmaster.pid. */
    private static void killEmbeddedPostgres(Path dataDir) throws Exception {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        if (postmaster.isEmpty()) {
            return;
        }
        postmaster.get().descendants().forEach(ProcessHandle::destroyForcibly);
        postmaster.get().destroyForcibly();
        postmaster.get().onExit().get(30, TimeUnit.SECONDS);
    }

    private static DataSource embeddedDb(int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        ds.setUser("postgres");
        return ds;
    }

    /** N new notes in Greenhouse, one per item, each with its item's body. */
    private static void assertExactlyOnce(List<Long> items, String prefix, long notesBefore) throws Exception {
        assertExactlyOnce(db, items, prefix, notesBefore);
    }

    private static void assertExactlyOnce(DataSource db, List<Long> items, String prefix, long notesBefore)
            throws Exception {
        assertEquals(notesBefore + items.size(), sandbox.state().count(Resource.NOTES), "one note per item, no more");
        Set<Long> ids = new HashSet<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select greenhouse_id, payload->>'body' from outbox where id = any(array"
                        + items + ")")) {
            while (rs.next()) {
                JsonNode note = sandbox.record(Resource.NOTES, rs.getLong(1));
                assertEquals(rs.getString(2), note.get("body").asText());
                assertTrue(ids.add(rs.getLong(1)), "two items claim note " + rs.getLong(1));
            }
        }
        assertEquals(items.size(), ids.size());
        assertTrue(ids.stream().allMatch(id -> sandbox.record(Resource.NOTES, id).get("body").asText().startsWith(prefix)));
    }

    private static List<Long> insertNotes(String prefix, int n) throws Exception {
        return insertNotes(db, prefix, n);
    }

    private static List<Long> insertNotes(DataSource db, String prefix, int n) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        insert into outbox (tenant, kind, payload)
                        select 'demo', 'note', jsonb_build_object('candidate_id', ?::bigint, 'body', ? || ' #' || i)
                        from generate_series(1, ?) i returning id""")) {
            ps.setLong(1, CANDIDATE);
            ps.setString(2, prefix);
            ps.setInt(3, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static long delivered(List<Long> items) throws Exception {
        return delivered(db, items);
    }

    private static long delivered(DataSource db, List<Long> items) throws Exception {
        return count(db, "select count(*) from outbox where status = 'delivered' and id = any(array" + items + ")");
    }

    private static long count(String sql) throws Exception {
        return count(db, sql);
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static TestHome home(String name) throws IOException {
        SandboxCredentials c = sandbox.credentials();
        TestHome home = new TestHome(Files.createDirectories(dir.resolve(name)))
                .sandboxTenant("demo", sandbox, c.clientId(), c.clientSecret(), "OUTBOX_IT_SECRET");
        Files.copy(Path.of("config/application.properties"), home.dir().resolve("config/application.properties"));
        return home;
    }

    private static Process start(TestHome home, String name) throws Exception {
        return start(home, name, "trellis.db.url=" + pg.getJdbcUrl("postgres", "postgres"), "trellis.db.user=postgres");
    }

    /** The jar on {@code home}, with these properties on top of the test's (no trellis.db.url: embedded database). */
    private static Process start(TestHome home, String name, String... database) throws Exception {
        List<String> properties = new ArrayList<>(List.of(database));
        properties.addAll(List.of("trellis.greenhouse.rate-budget=100000", "trellis.outbox.backoff-ms=100",
                "trellis.outbox.max-backoff-ms=500", "trellis.outbox.poll-ms=1000", "trellis.greenhouse.timeout-ms=60000"));
        Map<String, String> env = new HashMap<>();
        env.put("OUTBOX_IT_SECRET", sandbox.credentials().clientSecret());
        env.put("TRELLIS_API_TOKEN", null); // removed: the hub runs without a token
        Process p = TrellisJar.start(home.dir(), log(name), env,
                TrellisJar.runArgs(home, home.port(), home.managementPort(), properties));
        hubs.add(p);
        waitUntil(Duration.ofSeconds(90), () -> HttpCalls.get(home.managementUrl() + "/observe/health").status() == 200,
                p, name);
        return p;
    }

    private static void waitUntil(Duration limit, TrellisJar.Check check, Process hub, String name) throws Exception {
        TrellisJar.waitFor(hub, limit, check, log(name));
    }

    private static Path log(String name) {
        return (name.startsWith("a") ? homeA : name.startsWith("b") ? homeB : homeC).dir().resolve(name + ".log");
    }
}
