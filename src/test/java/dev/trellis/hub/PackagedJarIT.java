package dev.trellis.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar, as ops run it: from a working directory of its own, with a token, YAML routes edited live. One jar
 * for the class; each test uses its own route file, so they run in any order.
 */
class PackagedJarIT {
    private static final String TOKEN = "it-token-5a4b3c2d1e";

    @TempDir
    static Path dir;
    static TestHome home;
    static Process hub;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        home = new TestHome(dir);
        Files.copy(Path.of("config/application.properties"), dir.resolve("config/application.properties"));
        home.route("failing.camel.yaml", """
                - route:
                    id: it-failing
                    from:
                      uri: timer:it-failing
                      parameters:
                        repeatCount: 1
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: "the partner system is down"
                """);
        log = dir.resolve("trellis.log");
        long t0 = System.nanoTime();
        hub = java(TrellisJar.runArgs(home, home.port(), home.managementPort(),
                List.of("trellis.errors.maximum-redeliveries=1")), log);
        waitFor(Duration.ofSeconds(90), () -> health().status() == 200);
        System.out.printf("PackagedJarIT: health UP %.1f s after exec%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.destroy();
            assertTrue(hub.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
            String out = Files.readString(log);
            assertTrue(out.contains("Database closed"), "clean shutdown closes the database:\n" + tail(out));
        }
    }

    @Test
    void startsAndSaysWhereItAnswers() throws Exception {
        String out = Files.readString(log);
        assertTrue(out.contains("Trellis started: "), tail(out));
        assertTrue(out.contains("REST API   http://localhost:" + home.port() + "/api (bearer token required)"), tail(out));
        assertTrue(out.contains("Health     http://localhost:" + home.managementPort() + "/observe/health"), tail(out));
        JsonNode health = health().json();
        assertEquals("UP", health.get("status").asText());
        List<String> checks = health.get("checks").findValuesAsText("name");
        assertTrue(checks.contains("database") && checks.contains("routes-running"), checks.toString());
    }

    @Test
    void metricsHaveCamelRouteMetrics() throws Exception {
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.contains("camel_exchanges_total{"), metrics);
        assertTrue(metrics.contains("routeId=\"dead-letter-gauge\""), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
        assertTrue(metrics.contains("trellis_dead_letters_open{route="), metrics);
    }

    @Test
    void restApiAsksForTheToken() throws Exception {
        assertEquals(401, HttpCalls.get(home.apiUrl() + "/api/dead-letters").status());
        assertEquals(401, HttpCalls.get(home.apiUrl() + "/api/dead-letters", "Authorization", "Bearer wrong").status());
        assertEquals(200, HttpCalls.get(home.apiUrl() + "/api/dead-letters", "Authorization", "Bearer " + TOKEN).status());
    }

    @Test
    void aRouteDroppedIntoRoutesRunsWithinTenSeconds() throws Exception {
        long t0 = System.nanoTime();
        home.route("dropped.camel.yaml", heartbeat("it-dropped", "first"));
        waitFor(Duration.ofSeconds(10), () -> Files.readString(log).contains("heartbeat first"));
        System.out.printf("PackagedJarIT: dropped route running after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void aBrokenEditIsRefusedAndRoutesKeepRunning() throws Exception {
        home.route("edited.camel.yaml", heartbeat("it-edited", "edited"));
        waitFor(Duration.ofSeconds(10), () -> Files.readString(log).contains("heartbeat edited"));
        home.route("edited.camel.yaml", """
                - route:
                    id: it-edited
                    from:
                      uri: timer:it-edited
                      steps:
                        - noSuchStep: "oops"
                """);
        waitFor(Duration.ofSeconds(15), () -> Files.readString(log).contains("Unknown node id: noSuchStep"));
        String out = Files.readString(log);
        assertTrue(out.matches("(?s).*edited\\.camel\\.yaml.*line 6.*"), "names file and line:\n" + tail(out));
        int before = count(Files.readString(log), "heartbeat edited");
        Thread.sleep(2500);
        assertTrue(count(Files.readString(log), "heartbeat edited") > before, "the previous version keeps running");
        JsonNode health = health().json();
        assertEquals("UP", health.get("status").asText(), health.toString());
        // mended, as the other tests need: until then Camel re-reads the broken file with every later edit, and fails
        home.route("edited.camel.yaml", heartbeat("it-edited", "mended"));
        waitFor(Duration.ofSeconds(10), () -> Files.readString(log).contains("heartbeat mended"));
    }

    @Test
    void deadLettersFromTheCommandLine() throws Exception {
        Path out = dir.resolve("cli.txt");
        waitFor(Duration.ofSeconds(10), () -> cli(out, "dead-letters", "list") == 0
                && Files.readString(out).contains("it-failing"));
        String list = Files.readString(out);
        assertTrue(list.contains("the partner system is down"), list);
        String id = list.lines().filter(l -> l.contains("it-failing")).findFirst().orElseThrow().split("\\s+")[0];

        assertEquals(0, cli(out, "dead-letters", "show", id));
        String shown = Files.readString(out);
        assertTrue(shown.contains("\"route\" : \"it-failing\"") && shown.contains("java.lang.IllegalStateException"), shown);
        assertEquals(0, cli(out, "dead-letters", "discard", id));
        assertTrue(Files.readString(out).contains("discarded"));
        assertEquals(2, cli(out, "dead-letters", "replay", id), "a discarded letter cannot be replayed");
        assertEquals(0, cli(out, "dead-letters", "--help"));
        assertTrue(Files.readString(out).contains("replay"));
    }

    private static String heartbeat(String id, String word) {
        return """
                - route:
                    id: %s
                    from:
                      uri: timer:%s
                      parameters:
                        period: 500
                      steps:
                        - log: "heartbeat %s"
                """.formatted(id, id, word);
    }

    private static int cli(Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        command.add("--url");
        command.add(home.apiUrl());
        if (args[args.length - 1].equals("--help")) {
            command = List.of(args);
        }
        Process p = java(command, out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private static Process java(List<String> args, Path output) throws IOException {
        return TrellisJar.start(dir, output, Map.of("TRELLIS_API_TOKEN", TOKEN), args);
    }

    private static HttpCalls.Answer health() {
        try {
            return HttpCalls.get(home.managementUrl() + "/observe/health");
        } catch (Exception e) {
            return new HttpCalls.Answer(-1, e.toString(), null);
        }
    }

    private static void waitFor(Duration limit, TrellisJar.Check check) throws Exception {
        TrellisJar.waitFor(hub, limit, check, log);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static String tail(String out) {
        return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
    }
}
