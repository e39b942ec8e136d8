import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * kill -9 of the packaged hub while a greenhouse:changes route posts every event to a local receiver; a new hub on
 * the same database must bring every event, in feed order, with at most one batch delivered twice.
 *
 * java -cp target/trellis.jar bench/ChangeConsumerKillBench.java [events=20000] [batchSize=100]
 */
public class ChangeConsumerKillBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        List<Long> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/recv", x -> {
            received.add(Long.parseLong(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim()));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
        int code = 1;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Path home = Files.createTempDirectory("change-kill");
            Files.createDirectories(home.resolve("routes"));
            Files.writeString(home.resolve("routes/forward.camel.yaml"), """
                    - route:
                        id: forward
                        from:
                          uri: greenhouse:changes?consumer=kill-bench&pollDelay=50&batchSize=%d
                          steps:
                            - setBody:
                                simple: "${header.TrellisSeq}"
                            - convertBodyTo:
                                type: java.lang.String
                            - removeHeaders:
                                pattern: "*"
                            - to: "http://127.0.0.1:%d/recv?httpMethod=POST"
                    """.formatted(batch, receiver.getAddress().getPort()));
            String url = pg.getJdbcUrl("postgres", "postgres");
            Process first = hub(home, url);
            Runtime.getRuntime().addShutdownHook(new Thread(first::destroyForcibly));
            // the hub's migrations create change_event; then the events go in at once
            waitForTable(pg);
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("""
                        insert into change_event (tenant, stream, record_id, op, fields, after, source)
                        select 'acme', 'applications', g, 'update', '{status}', jsonb_build_object('id', g), 'poll'
                        from generate_series(1, %d) g order by g""".formatted(n));
            }
            // mid-batch, so the batch in flight is not saved yet
            while (received.size() < n / 2 + batch / 3) {
                Thread.sleep(5);
            }
            first.destroyForcibly().waitFor();
            int atKill = received.size();
            System.out.printf("hub killed (SIGKILL) after %,d deliveries%n", atKill);
            Process second = hub(home, url);
            Runtime.getRuntime().addShutdownHook(new Thread(second::destroyForcibly));
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (new HashSet<>(received).size() < n && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            second.destroy();
            second.waitFor();
            Set<Long> distinct = new HashSet<>();
            List<Long> firstTimes = new ArrayList<>();
            for (Long seq : received) {
                if (distinct.add(seq)) {
                    firstTimes.add(seq);
                }
            }
            boolean ordered = true;
            for (int i = 1; i < firstTimes.size(); i++) {
                ordered &= firstTimes.get(i) > firstTimes.get(i - 1);
            }
            int repeated = received.size() - distinct.size();
            System.out.printf("after restart: %,d deliveries, %,d distinct of %,d, %d delivered twice (batch %d), "
                    + "first deliveries in order: %s%n", received.size(), distinct.size(), n, repeated, batch, ordered);
            code = distinct.size() == n && ordered && repeated <= batch ? 0 : 1;
        } finally {
            receiver.stop(0);
        }
        System.exit(code);
    }

    static Process hub(Path home, String url) throws Exception {
        return new ProcessBuilder("java", "-jar", "target/trellis.jar", "run", "--home", home.toString(),
                "--port", String.valueOf(freePort()), "--management-port", String.valueOf(freePort()),
                "-P", "trellis.db.url=" + url, "-P", "trellis.db.user=postgres", "-P", "trellis.demo.enabled=false",
                "-P", "trellis.check.on-startup=false")
                .redirectErrorStream(true).redirectOutput(home.resolve("hub.log").toFile()).start();
    }

    static void waitForTable(EmbeddedPostgres pg) throws Exception {
        while (true) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.executeQuery("select 1 from change_consumer limit 1").close();
                return;
            } catch (java.sql.SQLException notYet) {
                Thread.sleep(200);
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
