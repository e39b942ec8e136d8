package dev.trellis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.TestHome;
import dev.trellis.hub.TrellisJar;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar with its embedded PostgreSQL, killed with SIGKILL: a second jar on the same home is refused while the
 * first lives; after the JVM alone is killed (its PostgreSQL survives it) the first restart works; after the JVM and
 * its PostgreSQL are both killed right after 500 notes were accepted, all 500 are delivered once.
 */
class EmbeddedRestartIT {
    private static final long CANDIDATE = 10_000_003L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static final List<Process> hubs = new ArrayList<>();
    static Process first;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(11).candidates(100).rateLimit(0).build());
        SandboxCredentials c = sandbox.credentials();
        home = new TestHome(Files.createDirectories(dir.resolve("home")))
                .sandboxTenant("demo", sandbox, c.clientId(), c.clientSecret(), "RESTART_IT_SECRET");
        Files.copy(Path.of("config/application.properties"), home.dir().resolve("config/application.properties"));
    }

    /** Stops every jar still running on the home, so that a test can start its own. */
    private static void stopAll() throws Exception {
        assertTrue(TrellisJar.stopAll(hubs, Duration.ofSeconds(30)));
        hubs.clear();
    }

    @AfterAll
    static void stop() throws Exception {
        TrellisJar.stopAll(hubs, Duration.ofSeconds(30));
        sandbox.close();
    }

    @Test
    void aSecondJarOnTheSameHomeIsRefusedNamingTheFirst() throws Exception {
        stopAll();
        first = start("first", "trellis.outbox.threads=4");
        Process second = launch("second", TestHome.freePort(), TestHome.freePort());
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second jar gave up:\n" + log("second"));
        assertNotEquals(0, second.exitValue());
        assertTrue(log("second").contains("is in use by Trellis pid " + first.pid()), log("second"));
        assertTrue(first.isAlive());
        assertEquals(200, HttpCalls.get(home.managementUrl() + "/observe/health").status(), "the first still runs");
    }

    @Test
    void theFirstRestartAfterTheJvmWasKilledWorks() throws Exception {
        // the jar the refusal test left running, or one of its own
        if (first == null || !first.isAlive()) {
            stopAll();
            first = start("first", "trellis.outbox.threads=4");
        }
        long postmaster = postmasterPid();
        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertTrue(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
                "the embedded PostgreSQL survives the killed JVM (as it does after kill -9)");

        long t0 = System.nanoTime();
        start("restart", "trellis.outbox.threads=4");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("EmbeddedRestartIT: healthy %.1f s after the restart following kill -9%n", seconds);
        assertTrue(Files.readString(home.dir().resolve("restart.log"))
                .contains("Stopped the embedded PostgreSQL (pid " + postmaster + ")"), log("restart"));
        assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false), "the orphan is gone");
        assertNotEquals(postmaster, postmasterPid());
        assertEquals(1, count("select 1"));
    }

    /**
     * Not a real power loss: SIGKILL of PostgreSQL keeps what it wrote in the OS page cache, so this checks the commit
     * path (the 202 is answered after the commit reached the WAL, with no help from the WAL writer), not the fsync
     * itself; {@link DurableSettingsTest} checks that the server does fsync.
     */
    @Test
    void fiveHundredAcceptedNotesSurviveKillingTheJvmAndPostgresTogether() throws Exception {
        stopAll();
        // delivery held back: this instance accepts items and leaves them to others
        Process accepting = start("accepting", "trellis.outbox.threads=0");
        long notesBefore = sandbox.state().count(Resource.NOTES);
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid()).orElseThrow();
        // with the WAL writer frozen, only commits that their own session flushed are in the WAL: an asynchronous
        // commit waits in shared memory for the WAL writer and dies with it
        ProcessHandle walWriter = postmaster.children().filter(p -> title(p).contains("walwriter")).findFirst()
                .orElseThrow();
        assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(walWriter.pid())).start().waitFor());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + "/api/tenants/demo/notes"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"candidate_id\": " + CANDIDATE
                            + ", \"body\": \"power " + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            ids.add(JSON.readTree(r.body()).get("id").asLong());
        }
        List<ProcessHandle> postgres = new ArrayList<>(postmaster.descendants().toList());
        postgres.add(0, postmaster);
        accepting.destroyForcibly();
        postgres.forEach(ProcessHandle::destroyForcibly);
        assertTrue(accepting.waitFor(30, TimeUnit.SECONDS));
        for (ProcessHandle p : postgres) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
        assertEquals(notesBefore, sandbox.state().count(Resource.NOTES), "nothing was delivered before the crash");

        start("delivering", "trellis.outbox.threads=4");
        assertEquals(500, count("select count(*) from outbox where id = any(array" + ids + ")"),
                "every item answered 202 survived");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count("select count(*) from outbox where status = 'delivered' and id = any(array" + ids + ")") < 500) {
            assertTrue(System.nanoTime() < deadline, "not all delivered within 60 s:\n" + log("delivering"));
            Thread.sleep(200);
        }
        assertEquals(notesBefore + 500, sandbox.state().count(Resource.NOTES), "one note per accepted item");
        Set<Long> notes = new HashSet<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select greenhouse_id, payload->>'body' from outbox where id = any(array"
                        + ids + ")")) {
            while (rs.next()) {
                assertTrue(notes.add(rs.getLong(1)), "two items claim note " + rs.getLong(1));
                assertEquals(rs.getString(2), sandbox.record(Resource.NOTES, rs.getLong(1)).get("body").asText());
            }
        }
        assertEquals(500, notes.size());
    }

    /** A PostgreSQL process's title, e.g. "postgres: walwriter". */
    private static String title(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static long postmasterPid() throws IOException {
        return Long.parseLong(postmasterLine(0));
    }

    /** postmaster.pid: pid, data directory, start time, port, ... */
    private static String postmasterLine(int line) throws IOException {
        return Files.readAllLines(home.dir().resolve("data/pg/postmaster.pid")).get(line).trim();
    }

    /** The embedded server picks a free port (the default), as in the reported failure; its lock file names it. */
    private static Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postmasterLine(3) + "/postgres?user=postgres");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Starts the jar on the shared home and waits until it is healthy. */
    private static Process start(String name, String... properties) throws Exception {
        Process p = launch(name, home.port(), home.managementPort(), properties);
        TrellisJar.waitFor(p, Duration.ofSeconds(90),
                () -> HttpCalls.get(home.managementUrl() + "/observe/health").status() == 200, home.dir().resolve(name + ".log"));
        return p;
    }

    private static Process launch(String name, int port, int managementPort, String... properties) throws IOException {
        List<String> all = new ArrayList<>(List.of("trellis.check.on-startup=false", "trellis.outbox.poll-ms=1000", "trellis.greenhouse.rate-budget=100000"));
        all.addAll(List.of(properties));
        Map<String, String> env = new HashMap<>();
        env.put("RESTART_IT_SECRET", sandbox.credentials().clientSecret());
        env.put("TRELLIS_API_TOKEN", null); // removed: the hub runs without a token
        Process p = TrellisJar.start(home.dir(), home.dir().resolve(name + ".log"), env,
                TrellisJar.runArgs(home, port, managementPort, all));
        hubs.add(p);
        return p;
    }

    private static String log(String name) throws IOException {
        return TrellisJar.tail(home.dir().resolve(name + ".log"));
    }
}
