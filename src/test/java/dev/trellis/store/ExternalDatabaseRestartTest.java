package dev.trellis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external PostgreSQL restarted while a sync and a delivery run: the hub reconnects by itself, both complete, the
 * tables equal the sandbox's truth and every note is written once.
 */
class ExternalDatabaseRestartTest {
    private static final String STREAMS = """
            - templatedRoute:
                routeTemplateRef: harvest-stream
                routeId: stream-candidates
                parameters:
                  - {name: stream, value: "candidates"}
                  - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                  - {name: perPage, value: "100"}
            - templatedRoute:
                routeTemplateRef: harvest-stream
                routeId: stream-applications
                parameters:
                  - {name: stream, value: "applications"}
                  - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                  - {name: perPage, value: "100"}
                  - {name: joinColumns, value: "candidate_id,job_id"}
            """;
    private static final long CANDIDATE = 10_000_003L;

    @TempDir
    Path dir;
    int port;

    @Test
    void aSyncAndADeliveryCompleteAcrossARestartOfTheDatabase() throws Exception {
        port = TestHome.freePort();
        EmbeddedPostgres pg = postgres();
        try (Sandbox sandbox = Sandbox.start(SandboxSettings.builder().seed(21).candidates(2_000).rateLimit(0).build())) {
            TestHome home = new TestHome(dir.resolve("home")).sandboxTenant("acme", sandbox)
                    .route("streams.camel.yaml", STREAMS)
                    .property("trellis.db.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres")
                    .property("trellis.db.user", "postgres")
                    // the shipped redelivery (1 s doubling to 4 s) outlasts a restart; tests otherwise shorten it
                    .property("trellis.errors.redelivery-delay-ms", "1000")
                    .property("trellis.errors.maximum-redelivery-delay-ms", "60000")
                    .property("trellis.outbox.poll-ms", "500")
                    .property("trellis.outbox.backoff-ms", "100")
                    .property("trellis.outbox.max-backoff-ms", "500")
                    .property("trellis.greenhouse.rate-budget", "100000");
            Hub hub = home.start();
            try {
                sandbox.faults().latency(Duration.ofMillis(40));
                long notesBefore = sandbox.state().count(Resource.NOTES);
                CompletableFuture<Exchange> candidates = sync(hub, "stream-candidates");
                List<Long> items = insertNotes(150);
                CompletableFuture<Exchange> applications = sync(hub, "stream-applications");
                waitUntil(Duration.ofSeconds(30), () -> count("select count(*) from gh_candidates") >= 300
                        && count("select count(*) from outbox where status = 'delivered'") >= 10);
                long candidatesBefore = count("select count(*) from gh_candidates");

                pg.close();
                Thread.sleep(500);
                pg = postgres();

                assertFalse(candidates.get(120, TimeUnit.SECONDS).isFailed(), "the candidates sync completed");
                assertFalse(applications.get(120, TimeUnit.SECONDS).isFailed(), "the applications sync completed");
                waitUntil(Duration.ofSeconds(60), () -> count("select count(*) from outbox where status = 'delivered'")
                        == items.size(), this::outboxStates);
                assertTrue(candidatesBefore < sandbox.state().count(Resource.CANDIDATES),
                        "the restart came in the middle of the sync: " + candidatesBefore);
                assertEquals(sandbox.state().count(Resource.CANDIDATES),
                        count("select count(*) from gh_candidates where deleted_at is null"));
                assertEquals(sandbox.state().count(Resource.APPLICATIONS),
                        count("select count(*) from gh_applications where deleted_at is null"));
                assertEquals(notesBefore + items.size(), sandbox.state().count(Resource.NOTES), "one note per item");
                Set<Long> notes = new HashSet<>();
                try (Connection c = connect(); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select greenhouse_id, payload->>'body' from outbox")) {
                    while (rs.next()) {
                        assertTrue(notes.add(rs.getLong(1)), "two items claim note " + rs.getLong(1));
                        assertEquals(rs.getString(2), sandbox.record(Resource.NOTES, rs.getLong(1)).get("body").asText());
                    }
                }
                assertEquals(0, count("select count(*) from dead_letter"));
            } finally {
                sandbox.faults().clear();
                hub.stop();
            }
        } finally {
            pg.close();
        }
    }

    /** The "external" server: same data directory and port every time. */
    private EmbeddedPostgres postgres() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    private static CompletableFuture<Exchange> sync(Hub hub, String routeId) {
        return CompletableFuture.supplyAsync(() -> RouteInvoker.invoke(hub.context(), routeId,
                ex -> ex.getIn().setHeader(HubHeaders.TENANT, "acme")));
    }

    private List<Long> insertNotes(int n) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("""
                        insert into outbox (tenant, kind, payload)
                        select 'acme', 'note', jsonb_build_object('candidate_id', ?::bigint, 'body', 'restart #' || i)
                        from generate_series(1, ?) i returning id""")) {
            ps.setLong(1, CANDIDATE);
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** What the outbox holds, by status and claim, for a failure message. */
    private String outboxStates() throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select status, ambiguous, claimed_by, count(*), min(id) from outbox "
                        + "group by 1, 2, 3 order by 1, 2, 3")) {
            while (rs.next()) {
                out.append(String.format("%s ambiguous=%s claimed_by=%s: %d (first id %d)%n", rs.getString(1),
                        rs.getBoolean(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        return out.toString();
    }

    private static void waitUntil(Duration limit, Check check) throws Exception {
        waitUntil(limit, check, () -> "");
    }

    interface State {
        String describe() throws Exception;
    }

    private static void waitUntil(Duration limit, Check check, State state) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (SQLException notYet) {
                // the sync creates its tables with its first page; the server may be restarting
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Not within " + limit + "\n" + state.describe());
    }
}
