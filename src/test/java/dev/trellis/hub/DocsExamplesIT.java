package dev.trellis.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```sh} block of README.md and docs/*.md that calls curl, run as written with bash against the packaged
 * jar's zero-setup demo (tenant "demo") and a stand-alone sandbox, and every {@code ```sql} block run on the hub's
 * database. The only change made to a block is the port: the docs say 8080, 9876 and 8089, the test takes free ones.
 * Every curl must answer 2xx, and every outbox item the examples queued must reach Greenhouse.
 */
class DocsExamplesIT {
    private static final Pattern BLOCK = Pattern.compile("(?m)^ *```(sh|sql)\\n(.*?)^ *```", Pattern.DOTALL);

    @TempDir
    static Path dir;
    static TestHome home;
    static int sandboxPort;
    static final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        home = new TestHome(dir);
        Files.copy(Path.of("config/application.properties"), dir.resolve("config/application.properties"));
        Process hub = java(TrellisJar.runArgs(home, home.port(), home.managementPort(),
                List.of("trellis.demo.candidates=2000")), dir.resolve("hub.log"));
        sandboxPort = TestHome.freePort();
        java(List.of("sandbox", "--port", String.valueOf(sandboxPort), "--candidates", "2000"), dir.resolve("sandbox.log"));
        TrellisJar.waitFor(hub, Duration.ofSeconds(90),
                () -> HttpCalls.get(home.managementUrl() + "/observe/health").status() == 200, dir.resolve("hub.log"));
        TrellisJar.waitFor(hub, Duration.ofSeconds(90),
                () -> HttpCalls.get("http://127.0.0.1:" + sandboxPort + "/_sandbox/counts").status() == 200,
                dir.resolve("hub.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        TrellisJar.stopAll(processes, Duration.ofSeconds(60));
    }

    @Test
    void everyCurlExampleAnswers2xxAsWritten() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        int shell = 0;
        int sql = 0;
        for (Path file : files) {
            Matcher m = BLOCK.matcher(Files.readString(file));
            while (m.find()) {
                String block = m.group(2);
                if (m.group(1).equals("sql")) {
                    sql++;
                    runSql(file, block);
                } else if (block.contains("curl ")) {
                    shell++;
                    run(file, block);
                }
            }
        }
        assertTrue(shell >= 5 && sql >= 2, "the docs' examples were found: " + shell + " curl, " + sql + " SQL blocks");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count("select count(*) from outbox where status in ('queued', 'sending')") > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, count("select count(*) from outbox where status <> 'delivered'"),
                "every item the examples queued was delivered: " + rows("select kind || ' ' || status || ' ' "
                        + "|| coalesce(last_error, '') from outbox where status <> 'delivered'"));
        assertTrue(count("select count(*) from outbox") >= 5, "the examples queued items");
        assertEquals(200, HttpCalls.get(home.managementUrl() + "/observe/health").status(), "the hub is still healthy");
    }

    /** The hub's embedded database, found as a user finds it: the port in data/pg/postmaster.pid. */
    private static Connection database() throws Exception {
        List<String> pid = Files.readAllLines(dir.resolve("data/pg/postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).trim() + "/postgres",
                "postgres", "postgres");
    }

    private static void runSql(Path file, String block) throws Exception {
        System.out.printf("DocsExamplesIT: %s%n%s%n", file, block);
        try (Connection c = database(); Statement s = c.createStatement()) {
            s.execute(block);
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = database(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = database(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void run(Path file, String block) throws Exception {
        String script = """
                set -euo pipefail
                # as written, but failing on a 4xx/5xx answer
                curl() { command curl --fail-with-body --show-error --max-time 30 "$@"; echo; }
                """ + block.replace("localhost:8080", "localhost:" + home.port())
                .replace("localhost:9876", "localhost:" + home.managementPort())
                .replace("localhost:8089", "localhost:" + sandboxPort);
        Path out = Files.createTempFile(dir, "example", ".out");
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "example in " + file + " finished");
        String output = Files.readString(out, StandardCharsets.UTF_8);
        System.out.printf("DocsExamplesIT: %s%n%s%n-> %s%n", file, block, output);
        assertEquals(0, p.exitValue(), "example in " + file + " failed:\n" + block + "\n" + output);
        assertFalse(output.contains("\"error\""), "example in " + file + " answered an error:\n" + block + "\n" + output);
    }

    private static Process java(List<String> args, Path output) throws IOException {
        Process p = TrellisJar.start(dir, output, Collections.singletonMap("TRELLIS_API_TOKEN", null), args);
        processes.add(p);
        return p;
    }
}
