import dev.trellis.hub.Hub;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The outbox against two in-process sandboxes (rate limit off, and 75 requests per 30 s), with one Trellis hub on
 * its embedded PostgreSQL and the default dispatcher (4 threads):
 *   1. burst:   N notes queued at once (one INSERT), rate limit off: time until all are delivered.
 *   2. latency: notes accepted one by one over REST at a steady rate the budget allows: p50 / p99 from acceptance
 *               (created_at) to delivery (delivered_at).
 *   3. limited: M notes queued at once against the 75 / 30 s sandbox: delivery time versus the floor M / 75 * 30 s.
 * Run: java -cp target/trellis.jar bench/OutboxBench.java N M RATE_PER_SECOND SECONDS
 */
public class OutboxBench {
    public static void main(String[] args) throws Exception {
        int burst = Integer.parseInt(args[0]);
        int limited = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        Path home = Files.createTempDirectory("outbox-bench");
        Files.createDirectories(home.resolve("config/tenants"));
        try (Sandbox fast = Sandbox.start(SandboxSettings.builder().seed(1).candidates(1000).rateLimit(0).build());
                Sandbox slow = Sandbox.start(SandboxSettings.builder().seed(2).candidates(1000).rateLimit(75).build())) {
            System.setProperty("BENCH_FAST_SECRET", fast.credentials().clientSecret());
            System.setProperty("BENCH_SLOW_SECRET", slow.credentials().clientSecret());
            tenant(home, "fast", fast, "BENCH_FAST_SECRET");
            tenant(home, "slow", slow, "BENCH_SLOW_SECRET");
            int port = freePort();
            Hub hub = new Hub(new Hub.Options(home, port, freePort(), Map.of(
                    // the budget is whatever Greenhouse announces (75 for "slow"); "fast" announces none
                    "trellis.greenhouse.rate-budget", "100000"))).start();
            DataSource db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
            try {
                // 1. burst, rate limit off
                long t0 = System.nanoTime();
                List<Long> ids = insert(db, "fast", burst, "burst");
                await(db, ids, Duration.ofMinutes(30));
                double burstSeconds = (System.nanoTime() - t0) / 1e9;
                double[] burstSpan = span(db, ids);
                report("burst: %d notes queued at once, rate limit off: all delivered in %.1f s (%.0f notes/s); "
                        + "acceptance-to-delivery p50 %.2f s, p99 %.2f s (queueing)", burst, burstSeconds,
                        burst / burstSeconds, burstSpan[0], burstSpan[1]);

                // 2. latency at a steady rate, budget not the limit
                HttpClient http = HttpClient.newHttpClient();
                List<Long> trickle = new ArrayList<>();
                long start = System.nanoTime();
                int n = rate * seconds;
                for (int i = 0; i < n; i++) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/tenants/fast/notes")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"candidate_id\": 10000001, \"body\": \"trickle "
                                    + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 202) {
                        throw new IllegalStateException("POST answered " + r.statusCode() + ": " + r.body());
                    }
                    trickle.add(Long.parseLong(r.body().replaceAll("(?s).*\"id\"\\s*:\\s*(\\d+).*", "$1")));
                }
                await(db, trickle, Duration.ofMinutes(5));
                double[] lat = span(db, trickle);
                report("latency: %d notes over REST at %d/s, rate limit off: acceptance-to-delivery p50 %.3f s, "
                        + "p99 %.3f s, max %.3f s", n, rate, lat[0], lat[1], lat[2]);

                // 3. rate limit 75 / 30 s
                if (limited > 0) {
                    // the sandbox's windows are aligned on the epoch: the first one is partial, and the last
                    // window's requests go out as soon as it opens, so the floor is the rest of the first window
                    // plus (windows needed - 2) whole ones
                    long startMs = System.currentTimeMillis();
                    t0 = System.nanoTime();
                    List<Long> slowIds = insert(db, "slow", limited, "limited");
                    await(db, slowIds, Duration.ofHours(3));
                    double took = (System.nanoTime() - t0) / 1e9;
                    double naive = limited / 75.0 * 30;
                    double firstWindowLeft = (30_000 - startMs % 30_000) / 1000.0;
                    long windows = (limited + 74) / 75;
                    double floor = windows <= 1 ? 0 : firstWindowLeft + (windows - 2) * 30.0;
                    long requests = slow.state().requests("POST /v3/notes 201");
                    long refused = slow.state().requests("POST /v3/notes 429");
                    report("limited: %d notes queued at once, sandbox limit 75 / 30 s: all delivered in %.1f s; "
                            + "floor %.1f s (%d windows, the first with %.1f s left); %.1f %% over the floor "
                            + "(naive %d / 75 x 30 s = %.0f s); %d POST 201, %d POST 429", limited, took, floor,
                            windows, firstWindowLeft, (took / floor - 1) * 100, limited, naive, requests, refused);
                }
                long duplicates = count(db, "select count(*) from (select greenhouse_id from outbox "
                        + "group by tenant, greenhouse_id having count(*) > 1) d");
                long notDelivered = count(db, "select count(*) from outbox where status <> 'delivered'");
                report("check: %d items not delivered, %d Greenhouse notes claimed twice; sandbox notes created: "
                        + "fast %d, slow %d", notDelivered, duplicates, fast.state().requests("POST /v3/notes 201"),
                        slow.state().requests("POST /v3/notes 201"));
            } finally {
                hub.stop();
            }
        }
    }

    private static void report(String format, Object... args) {
        System.out.println("outbox-bench " + String.format(format, args));
    }

    private static void tenant(Path home, String id, Sandbox sb, String secretVar) throws Exception {
        Files.writeString(home.resolve("config/tenants/" + id + ".properties"), """
                harvest.base-url = %s
                harvest.token-url = %s
                harvest.client-id = %s
                harvest.client-secret = env:%s
                harvest.user-id = %d
                """.formatted(sb.credentials().baseUrl(), sb.credentials().tokenUrl(), sb.credentials().clientId(),
                secretVar, sb.credentials().siteAdminUserId()));
    }

    private static List<Long> insert(DataSource db, String tenant, int n, String prefix) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into outbox (tenant, kind, payload)
                select ?, 'note', jsonb_build_object('candidate_id', 10000000 + (i % 1000) + 1, 'body', ? || ' #' || i)
                from generate_series(1, ?) i returning id""")) {
            ps.setString(1, tenant);
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

    private static void await(DataSource db, List<Long> ids, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        long lo = ids.get(0);
        long hi = ids.get(ids.size() - 1);
        while (count(db, "select count(*) from outbox where status = 'delivered' and id between " + lo + " and " + hi)
                < ids.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not delivered within " + limit);
            }
            Thread.sleep(50);
        }
    }

    /** p50, p99 and max of delivered_at - created_at, in seconds. */
    private static double[] span(DataSource db, List<Long> ids) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                select percentile_cont(0.5) within group (order by d), percentile_cont(0.99) within group (order by d),
                       max(d)
                from (select extract(epoch from delivered_at - created_at) d from outbox
                      where id between %d and %d) x""".formatted(ids.get(0), ids.get(ids.size() - 1)))) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)};
        }
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
