import dev.trellis.hub.Hub;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;

/**
 * Webhook received → its rows committed: a sandbox organisation churns at a steady rate with its webhooks pointed at
 * a hub (in this JVM, embedded PostgreSQL with durable commits, the default rate budget of 50 requests per 30 s),
 * and the delay of every delivery is read from webhook_delivery: received_at (taken when the request arrives) to
 * processed_at (set by the last statement of the transaction that wrote the rows, just before its commit).
 *
 * java -cp target/trellis.jar bench/WebhookBench.java <candidates> <changes per minute> <minutes>
 */
public class WebhookBench {
    static final List<String> STREAMS = List.of("candidates", "applications", "jobs", "job_posts", "interviews",
            "application_stages");

    public static void main(String[] args) throws Exception {
        long candidates = Long.parseLong(args[0]);
        int perMinute = Integer.parseInt(args[1]);
        double minutes = Double.parseDouble(args[2]);
        Path home = Files.createTempDirectory("webhook-bench");
        Files.createDirectories(home.resolve("config/tenants"));
        Files.createDirectories(home.resolve("routes"));
        int port = freePort();
        int management = freePort();
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(7).candidates(candidates)
                .webhookUrl("http://127.0.0.1:" + port + "/webhooks/greenhouse/acme").build())) {
            SandboxCredentials c = sb.credentials();
            System.setProperty("BENCH_SECRET", c.clientSecret());
            System.setProperty("BENCH_WEBHOOK_SECRET", c.webhookSecret());
            Files.writeString(home.resolve("config/tenants/acme.properties"), """
                    harvest.base-url = %s
                    harvest.token-url = %s
                    harvest.client-id = %s
                    harvest.client-secret = env:BENCH_SECRET
                    harvest.user-id = %d
                    webhooks.secret = env:BENCH_WEBHOOK_SECRET
                    """.formatted(c.baseUrl(), c.tokenUrl(), c.clientId(), c.siteAdminUserId()));
            StringBuilder yaml = new StringBuilder();
            for (String s : STREAMS) {
                // synced once below, then only webhooks change the tables
                yaml.append("""
                        - templatedRoute:
                            routeTemplateRef: harvest-stream
                            routeId: stream-%s
                            parameters:
                              - {name: stream, value: "%s"}
                              - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                        """.formatted(s, s));
            }
            Files.writeString(home.resolve("routes/streams.camel.yaml"), yaml);
            Hub hub = new Hub(new Hub.Options(home, port, management, Map.of("trellis.demo.enabled", "false",
                    "trellis.check.on-startup", "false"))).start();
            try {
                for (String s : STREAMS) {
                    Exchange done = RouteInvoker.invoke(hub.context(), "stream-" + s,
                            ex -> ex.getIn().setHeader(HubHeaders.TENANT, "acme"));
                    if (done.isFailed()) {
                        throw new IllegalStateException("initial sync of " + s + " failed", done.getException());
                    }
                }
                DataSource db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
                sb.churn(20); // warm-up, not counted
                awaitIdle(sb, db);
                // the initial sync used the rate budget up: start with a fresh 30-second window ("with budget room")
                Thread.sleep(31_000);
                long after = single(db, "select coalesce(max(id), 0) from webhook_delivery");
                long total = Math.round(perMinute * minutes);
                long pause = 60_000L / perMinute;
                long start = System.nanoTime();
                for (long i = 0; i < total; i++) {
                    sb.churn(1);
                    long due = start + (i + 1) * pause * 1_000_000L;
                    long wait = (due - System.nanoTime()) / 1_000_000L;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                awaitIdle(sb, db);
                System.out.printf("%d candidates, %d changes per minute for %.1f min (%d changes); hub budget 50 "
                        + "requests / 30 s%n", candidates, perMinute, minutes, total);
                report(db, after);
            } finally {
                hub.stop();
            }
        }
    }

    static void report(DataSource db, long after) throws Exception {
        System.out.println("| deliveries | count | p50 | p99 | max | not done |");
        System.out.println("|---|---|---|---|---|---|");
        for (String kind : List.of("all", "delete", "read")) {
            String sql = "select count(*), "
                    + "percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)), "
                    + "percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at)), "
                    + "max(extract(epoch from processed_at - received_at)), count(*) filter (where state <> 'done') "
                    + "from webhook_delivery where id > " + after + " and kind "
                    + (kind.equals("all") ? "<> 'none'" : "= '" + kind + "'");
            try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                System.out.printf("| %s | %d | %.0f ms | %.0f ms | %.0f ms | %d |%n", kind, rs.getLong(1),
                        rs.getDouble(2) * 1000, rs.getDouble(3) * 1000, rs.getDouble(4) * 1000, rs.getLong(5));
            }
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select action, count(*) from webhook_delivery where id > " + after + " group by 1 order by 2 desc")) {
            StringBuilder mix = new StringBuilder("actions:");
            while (rs.next()) {
                mix.append(' ').append(rs.getString(1)).append('=').append(rs.getLong(2));
            }
            System.out.println(mix);
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select action, extract(epoch from received_at - (select min(received_at) from webhook_delivery "
                        + "where id > " + after + ")), extract(epoch from processed_at - received_at) from "
                        + "webhook_delivery where id > " + after + " order by 3 desc limit 5")) {
            StringBuilder slowest = new StringBuilder("slowest (action, received at s, delay ms):");
            while (rs.next()) {
                slowest.append(String.format(" %s@%.1f=%.0f", rs.getString(1), rs.getDouble(2), rs.getDouble(3) * 1000));
            }
            System.out.println(slowest);
        }
    }

    /** Every sandbox delivery answered and every stored delivery processed. */
    static void awaitIdle(Sandbox sb, DataSource db) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            boolean sent = sb.webhooks().deliveries().stream().noneMatch(d -> d.state().equals("pending"));
            if (sent && single(db, "select count(*) from webhook_delivery where state = 'pending'") == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("deliveries still pending after 10 minutes");
    }

    static long single(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
