import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast the console's pages answer with many tenants (issue 15): the packaged hub (embedded PostgreSQL, an API
 * token) and a sandbox process with one organisation per tenant; N tenants connected through POST /api/tenants and
 * backfilled (every stream run once), plus dead letters and delivered outbox items written by SQL (a busy history);
 * then each console page is loaded R times the way the console loads it (the same API calls, in parallel where the
 * console makes them in parallel) and its wall time is recorded. Exit 3 when a page's p95 is over 300 ms.
 *
 * <pre>
 * java -cp target/trellis.jar bench/ConsoleBench.java [tenants=1000] [--rounds 30] [--dead-letters 5000]
 *     [--outbox 20000] [--candidates 20]
 * </pre>
 */
public class ConsoleBench {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of("target/trellis.jar").toAbsolutePath();
    static final String TOKEN = "console-bench-token-" + Long.toHexString(System.nanoTime());
    static final List<Process> PROCESSES = Collections.synchronizedList(new ArrayList<>());
    static final ExecutorService PARALLEL = Executors.newFixedThreadPool(6);
    static Path work;
    static String api;
    static final List<Long> HEALTH_FRESH = Collections.synchronizedList(new ArrayList<>());
    static final List<Long> HEALTH_RUNS = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int n = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 1000;
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "30"));
        work = Files.createTempDirectory("console-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(ConsoleBench::stopAll));
        try {
            System.exit(run(n, rounds, opts));
        } catch (Exception e) {
            System.err.println("console-bench: FAILED: " + e);
            System.exit(1);
        }
    }

    static int run(int n, int rounds, Map<String, String> opts) throws Exception {
        String sandbox = startSandbox(n, Integer.parseInt(opts.getOrDefault("candidates", "20")));
        JsonNode orgs = getJson(sandbox + "/_sandbox/orgs", false);
        int pg = free();
        startHub(pg);
        long start = System.nanoTime();
        ExecutorService posts = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int org = i;
            done.add(posts.submit(() -> {
                HttpResponse<String> r = call("POST", api + "/api/tenants", body(id(org), orgs.get(org)).toString());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("POST /api/tenants " + id(org) + " -> " + r.statusCode() + " " + r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        posts.shutdown();
        System.out.printf("console-bench: %d tenants connected in %.1f s%n", n, (System.nanoTime() - start) / 1e9);

        String db = "jdbc:postgresql://127.0.0.1:" + pg + "/postgres";
        try (Connection c = DriverManager.getConnection(db, "postgres", "")) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(40);
            while (true) {
                long waiting = scalar(c, "select count(*) from sync_queue");
                long streams = scalar(c, "select count(*) from sync_stream where watermark is not null");
                if (waiting == 0 && streams > 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("backfill not done after 40 min: " + waiting + " runs queued");
                }
                Thread.sleep(5000);
            }
            System.out.printf("console-bench: backfilled in %.1f s: %d streams with a watermark, %d runs%n",
                    (System.nanoTime() - start) / 1e9, scalar(c, "select count(*) from sync_stream where watermark is not null"),
                    scalar(c, "select count(*) from sync_run"));
            int letters = Integer.parseInt(opts.getOrDefault("dead-letters", "5000"));
            int items = Integer.parseInt(opts.getOrDefault("outbox", "20000"));
            try (Statement s = c.createStatement()) {
                s.execute("insert into dead_letter (tenant, route_id, endpoint, body, headers, exception_class, "
                        + "exception_message, attempts, status) select 't-' || lpad((g % " + n + ")::text, 4, '0'), "
                        + "'stream-' || (array['candidates','applications','notes','jobs'])[1 + g % 4], 'direct://x', "
                        + "'{\"n\": ' || g || '}', '{\"TrellisTenant\": \"x\"}', 'java.lang.IllegalStateException', "
                        + "'failed ' || g, 4, (array['open','open','replayed','discarded'])[1 + g % 4] "
                        + "from generate_series(1, " + letters + ") g");
                s.execute("insert into outbox (tenant, kind, payload, status, attempts, greenhouse_id, delivered_at) "
                        + "select 't-' || lpad((g % " + n + ")::text, 4, '0'), (array['note','email'])[1 + g % 2], "
                        + "'{\"candidate_id\": 1, \"body\": \"x\"}', 'delivered', 1, 900000000 + g, now() "
                        + "from generate_series(1, " + items + ") g");
                s.execute("analyze");
            }
            System.out.printf("console-bench: %d dead letters and %d delivered outbox items added%n", letters, items);
        }

        String mid = id(n / 2);
        Map<String, Page> pages = new LinkedHashMap<>();
        pages.put("Connections (first 50 and their freshness)", () -> connections("/api/tenants?limit=50"));
        pages.put("Connections, search 't-07'", () -> connections("/api/tenants?limit=50&search=t-07"));
        pages.put("Connections, page after " + mid, () -> connections("/api/tenants?limit=50&after=" + mid));
        pages.put("Connections, status needs_attention", () -> connections("/api/tenants?limit=50&status=needs_attention"));
        pages.put("Tenant " + mid + " (connection, streams, outbox, links, candidates)", () -> {
            ok(get("/api/tenants/" + mid));
            all(List.of("/api/streams?tenant=" + mid, "/api/outbox?tenant=" + mid + "&limit=20",
                    "/api/tenants/" + mid + "/job-links", "/api/tenants/" + mid + "/ingestion/candidates?limit=50"));
        });
        pages.put("Run history of one stream", () -> ok(get("/api/streams/" + mid + "/candidates/runs?limit=20")));
        pages.put("Dead letters (open, 50)", () -> ok(get("/api/dead-letters?status=open&limit=50")));
        pages.put("Dead letters of one tenant", () -> ok(get("/api/dead-letters?status=all&tenant=" + mid + "&limit=50")));
        pages.put("Outbox (depth by kind, 50 items)", () -> ok(get("/api/outbox?limit=50")));
        pages.put("Outbox of one tenant", () -> ok(get("/api/outbox?tenant=" + mid + "&limit=50")));
        // the health pill of every page, asked every 4 s beside the page: the last run's answer at once, a stale one
        // starting the next run in the background; the run's own time is in the answer (tookMs)
        pages.put("Health pill, /api/health (answer older than 5 s: starts a run)", () -> {
            Thread.sleep(5100);
            long s = System.nanoTime();
            HttpResponse<String> r = ok(get("/api/health"));
            HEALTH_FRESH.add((System.nanoTime() - s) / 1_000_000);
            HEALTH_RUNS.add(JSON.readTree(r.body()).path("tookMs").asLong());
        });
        pages.put("Health pill, /api/health (any other time)", () -> ok(get("/api/health")));

        System.out.printf("console-bench: %d rounds per page, one client, against %d tenants; load %s%n", rounds, n,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("| Page (the console's API calls) | p50 ms | p95 ms | max ms |");
        System.out.println("|---|---|---|---|");
        boolean over = false;
        for (Map.Entry<String, Page> p : pages.entrySet()) {
            p.getValue().load(); // warm-up
            List<Long> ms = new ArrayList<>();
            HEALTH_FRESH.clear();
            for (int r = 0; r < rounds; r++) {
                long s = System.nanoTime();
                p.getValue().load();
                ms.add((System.nanoTime() - s) / 1_000_000);
            }
            if (!HEALTH_FRESH.isEmpty()) {
                ms = new ArrayList<>(HEALTH_FRESH); // the wait before each call is not the call
            }
            Collections.sort(ms);
            long p95 = ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.95) - 1));
            over |= p95 > 300;
            System.out.printf("| %s | %d | %d | %d |%n", p.getKey(), ms.get(ms.size() / 2), p95, ms.get(ms.size() - 1));
        }
        List<Long> runs = new ArrayList<>(HEALTH_RUNS);
        Collections.sort(runs);
        if (!runs.isEmpty()) {
            System.out.printf("console-bench: one run of the health checks in the background: p50 %d ms, max %d ms%n",
                    runs.get(runs.size() / 2), runs.get(runs.size() - 1));
        }
        System.out.printf("console-bench: load %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        return over ? 3 : 0;
    }

    interface Page {
        void load() throws Exception;
    }

    /** The Connections page: a page of tenants, then their freshness. */
    static void connections(String list) throws Exception {
        JsonNode page = JSON.readTree(ok(get(list)).body());
        List<String> ids = new ArrayList<>();
        page.get("tenants").forEach(t -> ids.add(t.get("id").asText()));
        if (!ids.isEmpty()) {
            ok(get("/api/streams/freshness?tenant=" + String.join(",", ids)));
        }
    }

    static void all(List<String> paths) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> f = new ArrayList<>();
        for (String p : paths) {
            f.add(CompletableFuture.supplyAsync(() -> get(p), PARALLEL));
        }
        for (CompletableFuture<HttpResponse<String>> x : f) {
            HttpResponse<String> r = x.get();
            // a tenant without Candidate Ingestion answers its ingestion calls with 4xx, as the console shows it
            if (r.statusCode() >= 500) {
                throw new IllegalStateException(r.uri() + " -> " + r.statusCode() + " " + r.body());
            }
        }
    }

    static HttpResponse<String> ok(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.uri() + " -> " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    static HttpResponse<String> get(String path) {
        try {
            return call("GET", api + path, null);
        } catch (Exception e) {
            throw new IllegalStateException(path + ": " + e, e);
        }
    }

    static HttpResponse<String> call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode getJson(String url, boolean auth) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static String startSandbox(int orgs, int candidates) throws Exception {
        int port = free();
        Path log = work.resolve("sandbox.log");
        Process p = new ProcessBuilder("java", "-Xmx512m", "-jar", JAR.toString(), "sandbox", "--orgs", "" + orgs,
                "--candidates", "" + candidates, "--seed", "42", "--rate-limit", "0", "--token-rate-limit", "0",
                "--port", "" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PROCESSES.add(p);
        String url = "http://127.0.0.1:" + port;
        await(p, log, () -> status(url + "/_sandbox/info", false) == 200);
        return url;
    }

    static void startHub(int pg) throws Exception {
        Path home = work.resolve("hub");
        Files.createDirectories(home.resolve("routes"));
        Files.createDirectories(home.resolve("config/tenants"));
        // every schedule 12 hours away: the pages are measured on a hub whose backfill is over, not mid-run
        String yaml = Files.readString(Path.of("routes/streams.camel.yaml"));
        int hour = (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 12) % 24;
        Matcher m = Pattern.compile("\\{name: schedule, value: \"[^\"]*\"}").matcher(yaml);
        Files.writeString(home.resolve("routes/streams.camel.yaml"),
                m.replaceAll(Matcher.quoteReplacement("{name: schedule, value: \"0 0 " + hour + " * * ?\"}")));
        int port = free();
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar", JAR.toString(), "run", "--home",
                home.toString(), "--port", "" + port, "--management-port", "" + free(), "-P", "trellis.demo.enabled=false",
                "-P", "trellis.check.on-startup=false", "-P", "trellis.db.embedded-port=" + pg,
                "-P", "trellis.metrics.tenant-label=false")
                .redirectErrorStream(true).redirectOutput(work.resolve("hub.log").toFile());
        pb.environment().put("TRELLIS_API_TOKEN", TOKEN);
        Process p = pb.start();
        PROCESSES.add(p);
        api = "http://127.0.0.1:" + port;
        await(p, work.resolve("hub.log"), () -> status(api + "/api/tenants", true) == 200);
        System.out.println("console-bench: hub up (log " + work.resolve("hub.log") + ")");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Process p, Path log, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!check.ok()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("not up: see " + log);
            }
            Thread.sleep(250);
        }
    }

    static int status(String url, boolean auth) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (auth) {
                b.header("Authorization", "Bearer " + TOKEN);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static long scalar(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String id(int org) {
        return String.format("t-%04d", org);
    }

    /** A connection of organisation {@code org}: Harvest, Candidate Ingestion and its job board (as TenantsBench). */
    static ObjectNode body(String id, JsonNode org) {
        ObjectNode b = JSON.createObjectNode().put("id", id).put("name", "Bench " + id);
        b.putObject("harvest").put("client_id", org.get("client_id").asText())
                .put("client_secret", org.get("client_secret").asText())
                .put("user_id", org.get("site_admin_user_id").asLong())
                .put("base_url", org.get("base_url").asText()).put("token_url", org.get("token_url").asText());
        b.putObject("ingestion").put("api_key", org.get("partner_api_key").asText())
                .put("user_email", org.get("partner_user_email").asText()).put("base_url", org.get("base_url").asText());
        b.putObject("job_board").put("token", org.get("job_board_token").asText())
                .put("base_url", org.get("base_url").asText());
        return b;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                out.put(args[i].substring(2), args[++i]);
            }
        }
        return out;
    }

    static int free() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void stopAll() {
        PARALLEL.shutdownNow();
        synchronized (PROCESSES) {
            for (Process p : PROCESSES) {
                p.destroy();
            }
            for (Process p : PROCESSES) {
                try {
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
