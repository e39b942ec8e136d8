import dev.trellis.hub.Hub;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.camel.builder.RouteBuilder;

/**
 * greenhouse:changes drain rate and restart safety, in one JVM with the hub's embedded PostgreSQL:
 * 1. N events are inserted directly into change_event (4 tenants x 5 streams, updates of status);
 * 2. a no-op consumer route drains them all: events/s from route start to the last event;
 * 3. a second consumer records every event's seq; it is stopped mid-stream twice (its route, then the whole hub,
 *    restarted on the same home and database) and must end with every event exactly once, in feed order.
 *
 * java -cp target/trellis.jar bench/ChangeConsumerBench.java [events=200000] [batchSize=100] [--drain-only]
 */
public class ChangeConsumerBench {
    public static void main(String[] args) {
        try {
            run(args);
            // the hub's Quartz threads are not daemons
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(2);
        }
    }

    static void run(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path home = Files.createTempDirectory("change-bench");
        Hub hub = start(home);
        DataSource db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        long t0 = System.nanoTime();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    insert into change_event (tenant, stream, record_id, op, fields, after, before, source)
                    select 'tenant-' || (g %% 4), (array['applications','candidates','jobs','offers','interviews'])[1 + g %% 5],
                           g, 'update', '{status}', jsonb_build_object('id', g, 'status', 'hired'),
                           jsonb_build_object('status', 'active'), 'poll'
                    from generate_series(1, %d) g order by g""".formatted(n));
        }
        System.out.printf("inserted %,d events in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        if (List.of(args).contains("--explain")) {
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                    var rs = s.executeQuery("""
                            explain (analyze, buffers) select seq, tenant, stream, record_id, op,
                                   fields, after::text, before::text,
                                   to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                   to_char(seen_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), source, backfill
                            from change_event
                            where seq > 0 and seq <= change_event_bound()
                            order by seq limit %d""".formatted(batch))) {
                while (rs.next()) {
                    System.out.println(rs.getString(1));
                }
            }
        }

        // 1. drain with a no-op route
        AtomicLong drained = new AtomicLong();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        double loadStart = os.getSystemLoadAverage();
        long start = System.nanoTime();
        hub.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("greenhouse:changes?consumer=bench-noop&pollDelay=50&batchSize=" + batch).routeId("bench-noop")
                        .process(e -> drained.incrementAndGet());
            }
        });
        while (drained.get() < n) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        System.out.printf("no-op consumer (batchSize %d): %,d events in %.2f s = %,.0f events/s; hub JVM CPU %.1f s "
                + "(%,.0f events per CPU-second); load average %.1f -> %.1f on %d cores%n", batch, n, seconds, n / seconds,
                cpu, n / cpu, loadStart, os.getSystemLoadAverage(), os.getAvailableProcessors());
        if (args.length > 2 && List.of(args).contains("--drain-only")) {
            hub.stop();
            return;
        }
        hub.context().getRouteController().stopRoute("bench-noop");

        // 2. restart mid-stream: the route, then the hub
        List<Long> seen = new CopyOnWriteArrayList<>();
        addRecorder(hub, seen, batch);
        waitFor(seen, n / 3);
        hub.context().getRouteController().stopRoute("bench-restart");
        System.out.printf("route stopped after %,d events%n", seen.size());
        hub.context().getRouteController().startRoute("bench-restart");
        waitFor(seen, 2 * n / 3);
        hub.stop();
        System.out.printf("hub stopped after %,d events%n", seen.size());
        hub = start(home);
        addRecorder(hub, seen, batch);
        waitFor(seen, n);
        Thread.sleep(1000);
        hub.stop();

        Map<Long, Integer> times = new HashMap<>();
        seen.forEach(seq -> times.merge(seq, 1, Integer::sum));
        long repeated = times.values().stream().filter(t -> t > 1).count();
        boolean ordered = true;
        for (int i = 1; i < seen.size(); i++) {
            ordered &= seen.get(i) > seen.get(i - 1);
        }
        System.out.printf("restarted consumer: %,d deliveries, %,d distinct events of %,d, %d repeated, in order: %s%n",
                seen.size(), times.size(), n, repeated, ordered);
        if (times.size() != n || !ordered) {
            System.exit(1);
        }
    }

    static Hub start(Path home) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("trellis.demo.enabled", "false");
        props.put("trellis.check.on-startup", "false");
        return new Hub(new Hub.Options(home, freePort(), freePort(), props)).start();
    }

    static void addRecorder(Hub hub, List<Long> seen, int batch) throws Exception {
        hub.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("greenhouse:changes?consumer=bench-restart&pollDelay=50&batchSize=" + batch)
                        .routeId("bench-restart")
                        .process(e -> seen.add(e.getIn().getHeader("TrellisSeq", Long.class)));
            }
        });
    }

    static void waitFor(List<Long> seen, int count) throws InterruptedException {
        while (seen.size() < count) {
            Thread.sleep(5);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
