import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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

/**
 * Every shipped stream (routes/streams.camel.yaml as shipped, schedules moved to 2099 and sweeps off) run by the
 * packaged hub against an in-process sandbox: the list requests of a full sync against the minimum, ceil(n/500) per
 * stream (at least one), then of a second run of every stream on the unchanged organisation (the idle cost: one per
 * incremental stream, ceil(n/500) per full-refresh stream).
 *
 * java -cp target/trellis.jar bench/AllStreamsBench.java <candidates>
 */
public class AllStreamsBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    record Stream(String name, String table, boolean full) {
    }

    public static void main(String[] args) throws Exception {
        long candidates = Long.parseLong(args[0]);
        Path home = Files.createTempDirectory("all-streams-bench");
        Files.createDirectories(home.resolve("config/tenants"));
        Files.createDirectories(home.resolve("routes"));
        String shipped = Files.readString(Path.of("routes/streams.camel.yaml"));
        String yaml = shipped.replaceAll("\\{name: schedule, value: \"[^\"]*\"\\}",
                "{name: schedule, value: \"0 0 0 1 1 ? 2099\"}\n      - {name: sweepHours, value: \"0\"}");
        Files.writeString(home.resolve("routes/streams.camel.yaml"), yaml);
        List<Stream> streams = streams(shipped);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(7).candidates(candidates).rateLimit(0).build())) {
            SandboxCredentials c = sb.credentials();
            Files.writeString(home.resolve("config/tenants/acme.properties"), """
                    harvest.base-url = %s
                    harvest.token-url = %s
                    harvest.client-id = %s
                    harvest.client-secret = env:BENCH_SECRET
                    harvest.user-id = %d
                    """.formatted(c.baseUrl(), c.tokenUrl(), c.clientId(), c.siteAdminUserId()));
            int port = free();
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx1g", "-jar", "target/trellis.jar", "run", "--home",
                    home.toString(), "--port", "" + port, "--management-port", "" + free(),
                    "-P", "trellis.db.url=" + pg.getJdbcUrl("postgres", "postgres"), "-P", "trellis.db.user=postgres",
                    "-P", "trellis.greenhouse.rate-budget=1000000000", "-P", "trellis.demo.enabled=false",
                    "-P", "trellis.check.on-startup=false")
                    .redirectErrorStream(true).redirectOutput(home.resolve("hub.log").toFile());
            pb.environment().put("BENCH_SECRET", c.clientSecret());
            Process hub = pb.start();
            try {
                String api = "http://127.0.0.1:" + port;
                while (get(api + "/api/streams") == null) {
                    if (!hub.isAlive()) {
                        throw new IllegalStateException("the hub exited: see " + home.resolve("hub.log"));
                    }
                    Thread.sleep(200);
                }
                sb.resetRequestCounts();
                long t0 = System.nanoTime();
                for (Stream s : streams) {
                    post(api + "/api/streams/acme/" + s.name() + "/sync");
                }
                runAll(pg, api, streams, 0);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Long> rows = rows(pg, streams);
                long full = requests(sb);
                long minimum = 0;
                long idleMinimum = 0;
                for (Stream s : streams) {
                    long pages = Math.max(1, (rows.get(s.name()) + 499) / 500);
                    minimum += pages;
                    idleMinimum += s.full() ? pages : 1;
                }
                System.out.printf("candidates=%d, %d streams (%d full-refresh), %d records in %.1f s%n", candidates,
                        streams.size(), streams.stream().filter(Stream::full).count(),
                        rows.values().stream().mapToLong(Long::longValue).sum(), seconds);
                System.out.printf("full sync: %d list requests, minimum %d (%.1f %% over)%n", full, minimum,
                        100.0 * (full - minimum) / minimum);
                notOk(sb);
                sb.resetRequestCounts();
                long mark = maxRun(pg);
                for (Stream s : streams) {
                    post(api + "/api/streams/acme/" + s.name() + "/sync");
                }
                runAll(pg, api, streams, mark);
                long idle = requests(sb);
                System.out.printf("idle run of every stream: %d list requests, expected %d (one per incremental stream, "
                        + "ceil(n/500) per full-refresh stream)%n", idle, idleMinimum);
                for (Stream s : streams) {
                    if (s.full()) {
                        System.out.printf("  full-refresh %s: %d rows, %d request(s) per run%n", s.name(),
                                rows.get(s.name()), Math.max(1, (rows.get(s.name()) + 499) / 500));
                    }
                }
                notOk(sb);
            } finally {
                hub.destroy();
                hub.waitFor();
            }
        }
    }

    /** The streams of the shipped file: name, table, and whether it is a full-refresh stream (cursor none). */
    static List<Stream> streams(String yaml) {
        List<Stream> out = new ArrayList<>();
        for (String entry : yaml.split("- templatedRoute:")) {
            Matcher name = Pattern.compile("\\{name: stream, value: \"([a-z_0-9]+)\"}").matcher(entry);
            if (!name.find()) {
                continue;
            }
            Matcher table = Pattern.compile("\\{name: table, value: \"([a-z_0-9]+)\"}").matcher(entry);
            out.add(new Stream(name.group(1), table.find() ? table.group(1) : "gh_" + name.group(1),
                    entry.contains("{name: cursor, value: \"none\"}")));
        }
        return out;
    }

    /** Waits until every stream has a finished run after run id {@code after}. */
    static void runAll(EmbeddedPostgres pg, String api, List<Stream> streams, long after) throws Exception {
        while (true) {
            try (Connection db = pg.getPostgresDatabase().getConnection(); Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery("select count(distinct stream) from sync_run where kind = 'incremental' "
                            + "and status = 'done' and id > " + after)) {
                rs.next();
                if (rs.getLong(1) == streams.size()) {
                    return;
                }
            } catch (Exception e) {
                // the hub creates its tables at start
            }
            Thread.sleep(200);
        }
    }

    static long maxRun(EmbeddedPostgres pg) throws Exception {
        try (Connection db = pg.getPostgresDatabase().getConnection(); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("select coalesce(max(id), 0) from sync_run")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows per stream; job_posts_deleted shares gh_job_posts: its rows are the deleted posts (none here). */
    static Map<String, Long> rows(EmbeddedPostgres pg, List<Stream> streams) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection db = pg.getPostgresDatabase().getConnection(); Statement st = db.createStatement()) {
            for (Stream s : streams) {
                String where = s.name().equals("job_posts_deleted") ? " where deleted_at is not null" : "";
                try (ResultSet rs = st.executeQuery("select count(*) from " + s.table() + where)) {
                    rs.next();
                    out.put(s.name(), rs.getLong(1));
                }
            }
        }
        return out;
    }

    static long requests(Sandbox sb) {
        return sb.state().requestCounts().entrySet().stream().filter(e -> e.getKey().startsWith("GET /v3/"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    static void notOk(Sandbox sb) {
        sb.state().requestCounts().forEach((k, v) -> {
            if (k.startsWith("GET /v3/") && !k.endsWith(" 200")) {
                System.out.println("  not 200: " + k + " x" + v);
            }
        });
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

    /** Queues a stream now; retried until the hub knows the tenant (its file is read after the API answers). */
    static void post(String url) throws Exception {
        for (int attempt = 0; ; attempt++) {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains("\"accepted\" : true") || attempt == 100) {
                return;
            }
            Thread.sleep(200);
        }
    }
}
