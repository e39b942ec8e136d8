import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * Full sync of a sandbox organisation by the packaged hub (its own JVM) into an external PostgreSQL, timed end to end,
 * with the hub's heap sampled from /observe/metrics, the requests counted by the sandbox, and (with --copy) the rate
 * of PostgreSQL COPY of the same rows into the same kind of table.
 *
 * java -cp target/trellis.jar bench/SyncBench.java <candidates> <sandbox rate limit, 0 = off> <hub budget> <streams> [--copy] [--xmx 512m] [--durable] [--jar PATH]
 *
 * --jar runs another build of the hub (default target/trellis.jar), e.g. the commit before a change, for an A/B run.
 */
public class SyncBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        long candidates = Long.parseLong(args[0]);
        int limit = Integer.parseInt(args[1]);
        String budget = args[2];
        List<String> streams = List.of(args[3].split(","));
        boolean copy = List.of(args).contains("--copy");
        String xmx = List.of(args).contains("--xmx") ? args[List.of(args).indexOf("--xmx") + 1] : "1g";
        String jar = List.of(args).contains("--jar") ? args[List.of(args).indexOf("--jar") + 1] : "target/trellis.jar";
        Path home = Files.createTempDirectory("sync-bench");
        Files.createDirectories(home.resolve("config/tenants"));
        Files.createDirectories(home.resolve("routes"));
        // --durable: PostgreSQL's defaults, as a production server and Trellis's embedded one run; without it the test
        // library's fsync off and asynchronous commit (the figures recorded before issue 10)
        EmbeddedPostgres.Builder server = EmbeddedPostgres.builder();
        if (List.of(args).contains("--durable")) {
            server.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        try (EmbeddedPostgres pg = server.start();
                Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(7).candidates(candidates).rateLimit(limit).build())) {
            SandboxCredentials c = sb.credentials();
            Files.writeString(home.resolve("config/tenants/acme.properties"), """
                    harvest.base-url = %s
                    harvest.token-url = %s
                    harvest.client-id = %s
                    harvest.client-secret = env:BENCH_SECRET
                    harvest.user-id = %d
                    """.formatted(c.baseUrl(), c.tokenUrl(), c.clientId(), c.siteAdminUserId()));
            StringBuilder yaml = new StringBuilder();
            for (String s : streams) {
                yaml.append("""
                        - templatedRoute:
                            routeTemplateRef: harvest-stream
                            routeId: stream-%s
                            parameters:
                              - {name: stream, value: "%s"}
                              - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                              - {name: sweepHours, value: "0"}
                        """.formatted(s, s));
            }
            Files.writeString(home.resolve("routes/streams.camel.yaml"), yaml);
            int port = free();
            int mgmt = free();
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx" + xmx, "-jar", jar, "run", "--home",
                    home.toString(), "--port", "" + port, "--management-port", "" + mgmt,
                    "-P", "trellis.db.url=" + pg.getJdbcUrl("postgres", "postgres"), "-P", "trellis.db.user=postgres",
                    "-P", "trellis.greenhouse.rate-budget=" + budget, "-P", "trellis.demo.enabled=false",
                    "-P", "trellis.check.on-startup=false")
                    .redirectErrorStream(true).redirectOutput(home.resolve("hub.log").toFile());
            pb.environment().put("BENCH_SECRET", c.clientSecret());
            Process hub = pb.start();
            try {
                String api = "http://127.0.0.1:" + port;
                String metrics = "http://127.0.0.1:" + mgmt + "/observe/metrics";
                while (get(api + "/api/streams") == null) {
                    if (!hub.isAlive()) {
                        throw new IllegalStateException("the hub exited: see " + home.resolve("hub.log"));
                    }
                    Thread.sleep(200);
                }
                sb.resetRequestCounts();
                long t0 = System.nanoTime();
                for (String s : streams) {
                    post(api + "/api/streams/acme/" + s + "/sync");
                }
                double peakHeap = 0;
                double peakLive = 0;
                while (true) {
                    String status = get(api + "/api/streams");
                    String scraped = get(metrics);
                    peakHeap = Math.max(peakHeap, heap(scraped));
                    peakLive = Math.max(peakLive, gauge(scraped, "jvm_gc_live_data_size_bytes "));
                    Matcher m = Pattern.compile("\"watermark\" : \"").matcher(status);
                    int done = 0;
                    while (m.find()) {
                        done++;
                    }
                    if (done == streams.size()) {
                        break;
                    }
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long records = 0;
                Map<String, Long> perStream = new LinkedHashMap<>();
                try (Connection db = pg.getPostgresDatabase().getConnection(); Statement st = db.createStatement()) {
                    for (String s : streams) {
                        try (ResultSet rs = st.executeQuery("select count(*) from gh_" + s)) {
                            rs.next();
                            perStream.put(s, rs.getLong(1));
                            records += rs.getLong(1);
                        }
                    }
                }
                long events = 0;
                try (Connection db = pg.getPostgresDatabase().getConnection(); Statement st = db.createStatement();
                        ResultSet rs = st.executeQuery("select count(*) from change_event")) {
                    rs.next();
                    events = rs.getLong(1);
                }
                long requests = sb.state().requestCounts().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("GET /v3/")).mapToLong(Map.Entry::getValue).sum();
                sb.state().requestCounts().forEach((k, v) -> {
                    if (!k.endsWith(" 200")) {
                        System.out.println("  not 200: " + k + " x" + v);
                    }
                });
                long minimum = perStream.values().stream().mapToLong(n -> Math.max(1, (n + 499) / 500)).sum();
                System.out.printf("candidates=%d rateLimit=%d budget=%s streams=%s%n", candidates, limit, budget, perStream);
                System.out.printf("sync: %d records in %.1f s = %.0f records/s; heap used (sampled every 100 ms) peak %.0f MB, "
                        + "live data after GC peak %.0f MB (-Xmx%s)%n", records, seconds, records / seconds, peakHeap / 1e6,
                        peakLive / 1e6, xmx);
                System.out.printf("change events: %d (%s)%n", events, jar);
                System.out.printf("requests: %d list requests, minimum %d (%.1f %% over)%n", requests, minimum,
                        100.0 * (requests - minimum) / minimum);
                if (limit > 0) {
                    double floor = (double) requests / limit * 30;
                    System.out.printf("duration vs floor: %.1f s vs %.1f s (%.1f %% over)%n", seconds, floor,
                            100.0 * (seconds - floor) / floor);
                }
                if (copy) {
                    copy(pg, streams.get(0));
                }
            } finally {
                hub.destroy();
                hub.waitFor();
            }
        }
    }

    /** COPY the synced rows out and back into an empty table of the same shape: PostgreSQL's own bulk-load rate. */
    static void copy(EmbeddedPostgres pg, String stream) throws Exception {
        try (Connection db = pg.getPostgresDatabase().getConnection(); Statement st = db.createStatement()) {
            st.execute("create table copy_target (like gh_" + stream + " including all)");
            var copy = db.unwrap(PGConnection.class).getCopyAPI();
            StringWriter out = new StringWriter();
            copy.copyOut("copy (select tenant, id, created_at, updated_at, raw, last_seen_at, deleted_at from gh_"
                    + stream + ") to stdout", out);
            String rows = out.toString();
            long n = rows.lines().count();
            long t0 = System.nanoTime();
            copy.copyIn("copy copy_target (tenant, id, created_at, updated_at, raw, last_seen_at, deleted_at) from stdin",
                    new StringReader(rows));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("COPY of the same %d %s rows into the same kind of table: %.2f s = %.0f records/s%n", n,
                    stream, seconds, n / seconds);
        }
    }

    static double heap(String metrics) {
        double sum = 0;
        if (metrics == null) {
            return 0;
        }
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static double gauge(String metrics, String name) {
        if (metrics == null) {
            return 0;
        }
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static int free() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return null;
        }
    }

    static void post(String url) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
