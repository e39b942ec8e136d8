package dev.trellis.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * greenhouse:changes in the hub's own CamelContext, on real PostgreSQL: the filters, the durable offset across a
 * restart, a failing event through the error channel and back by replay, and two hubs sharing one consumer name.
 * The events are written here as the change feed writes them; mock endpoints stand for the systems routes feed.
 */
class ChangeConsumerTest {
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static EmbeddedPostgres postgres;
    static TestHome home;
    static Hub hub;
    static CamelContext context;
    static DataSource db;
    static ChangeEvents events;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        System.setProperty("CCT_SECRET", "cct-secret-5a6b7c");
        home = shared(new TestHome(dirA))
                .property("trellis.errors.maximum-redeliveries", "1")
                .route("changes.camel.yaml", """
                        - route:
                            id: hires
                            from:
                              uri: greenhouse:changes?stream=applications&tenant=acme&ops=update&fields=status&pollDelay=50
                              steps:
                                - to: mock:hires
                        - route:
                            id: all-applications
                            from:
                              uri: greenhouse:changes?stream=applications&pollDelay=50
                              steps:
                                - to: mock:all
                        - route:
                            id: with-backfill
                            from:
                              uri: greenhouse:changes?stream=applications,jobs&includeBackfill=true&ops=create,delete&batchSize=2&pollDelay=50
                              steps:
                                - to: mock:backfill
                        """);
        hub = home.start();
        context = hub.context();
        db = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        events = new ChangeEvents(db);
    }

    static TestHome shared(TestHome home) {
        return home.property("trellis.db.url", postgres.getJdbcUrl("postgres", "postgres"))
                .property("trellis.db.user", "postgres")
                .tenant("acme", "harvest.client-id = c\nharvest.client-secret = env:CCT_SECRET\nharvest.user-id = 1\n")
                .tenant("globex", "harvest.client-id = c\nharvest.client-secret = env:CCT_SECRET\nharvest.user-id = 1\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void filtersByTenantStreamOpFieldsAndBackfill() throws Exception {
        MockEndpoint hires = MockEndpoint.resolve(context, "mock:hires");
        MockEndpoint all = MockEndpoint.resolve(context, "mock:all");
        MockEndpoint backfill = MockEndpoint.resolve(context, "mock:backfill");
        hires.expectedHeaderValuesReceivedInAnyOrder(GreenhouseHeaders.RECORD_ID, 2L, 6L);
        hires.expectedMessageCount(2);
        all.expectedHeaderValuesReceivedInAnyOrder(GreenhouseHeaders.RECORD_ID, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        all.expectedMessageCount(7);
        backfill.expectedHeaderValuesReceivedInAnyOrder(GreenhouseHeaders.RECORD_ID, 1L, 4L, 7L, 9L);
        backfill.expectedMessageCount(4);

        events.add("acme", "applications", 1, "create", null, "{\"id\": 1}", true);       // backfill
        events.update("acme", "applications", 2, "status,updated_at");                      // hires, all
        events.update("acme", "applications", 3, "updated_at");                              // all (not status)
        events.add("acme", "applications", 4, "delete", null, "{\"id\": 4}", false);       // all, backfill route
        events.update("globex", "applications", 5, "status");                                // all (other tenant)
        events.update("acme", "applications", 6, "status");                                  // hires, all
        events.add("acme", "applications", 7, "create", null, "{\"id\": 7}", false);       // all (a create)
        events.update("acme", "applications", 8, "stage");                                    // all
        events.update("acme", "candidates", 10, "status");                                   // nobody: other stream
        events.add("acme", "jobs", 9, "create", null, "{\"id\": 9}", true);                 // backfill route

        MockEndpoint.assertIsSatisfied(context, 20, TimeUnit.SECONDS);
        Map<?, ?> body = hires.getReceivedExchanges().get(0).getIn().getBody(Map.class);
        assertEquals("acme", body.get("tenant"));
        assertEquals("applications", body.get("stream"));
        assertEquals(2L, ((Number) body.get("id")).longValue());
        assertEquals("update", body.get("op"));
        assertEquals(List.of("status", "updated_at"), body.get("fields"));
        assertEquals(Map.of("id", 2, "status", "hired"), body.get("after"));
        assertEquals(Map.of("status", "active"), body.get("before"));
        assertEquals("poll", body.get("source"));
        var headers = hires.getReceivedExchanges().get(0).getIn().getHeaders();
        assertEquals("acme", headers.get("TrellisTenant"));
        assertEquals("applications", headers.get("TrellisStream"));
        assertEquals("update", headers.get("TrellisOp"));
        assertEquals(body.get("seq"), headers.get("TrellisSeq"));
        assertEquals("hires", headers.get("TrellisConsumer"), "the consumer name defaults to the route id");
        // in order: the per-(tenant, stream) order of the feed
        List<Long> ids = all.getReceivedExchanges().stream()
                .map(e -> e.getIn().getHeader(GreenhouseHeaders.RECORD_ID, Long.class)).toList();
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L), ids);
    }

    @Test
    void offsetResumesAfterARestartWithNothingLostSkippedOrRepeated() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("greenhouse:changes?stream=resume-test&consumer=resume-offset&batchSize=7&pollDelay=20")
                        .routeId("resume").process(e -> seen.add(e.getIn().getHeader(GreenhouseHeaders.RECORD_ID, Long.class)));
            }
        });
        NotifyBuilder forty = new NotifyBuilder(context).fromRoute("resume").whenDone(40).create();
        events.updates("acme", "resume-test", 1, 40);
        assertTrue(forty.matches(20, TimeUnit.SECONDS), "40 events: " + seen.size());
        context.getRouteController().stopRoute("resume");
        events.updates("acme", "resume-test", 41, 30);
        Thread.sleep(300);
        assertEquals(40, seen.size(), "a stopped consumer reads nothing");
        context.getRouteController().startRoute("resume");
        Await.until(() -> seen.size() >= 70 ? true : null);
        Thread.sleep(300);
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= 70; i++) {
            expected.add(i);
        }
        assertEquals(expected, seen, "every event once, in order, across the restart");
        assertEquals(Rows.count(db, "select max(seq) from change_event where stream = 'resume-test'"),
                Rows.count(db, "select last_seq from change_consumer where name = 'resume-offset'"));
        context.getRouteController().stopRoute("resume");
    }

    @Test
    void aFailingEventIsDeadLetteredThenReplayedIntoItsRoute() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        List<Object> delivered = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("greenhouse:changes?stream=offers&pollDelay=20").routeId("offer-sync")
                        .process(e -> {
                            Map<?, ?> event = e.getIn().getBody(Map.class);
                            if (broken.get() && ((Number) event.get("id")).longValue() == 13) {
                                throw new IllegalStateException("the HRIS refused offer 13 (seq " + event.get("seq") + ")");
                            }
                            delivered.add(((Number) event.get("id")).longValue());
                        });
            }
        });
        events.update("acme", "offers", 12, "status");
        events.update("acme", "offers", 13, "status");
        events.update("acme", "offers", 14, "status");
        Await.until(() -> delivered.size() == 2 ? true : null);
        assertEquals(List.of(12L, 14L), delivered, "the failing event does not hold the ones after it");

        JsonNode letters = HttpCalls.get(home.apiUrl() + "/api/dead-letters?route=offer-sync").json().get("items");
        assertEquals(1, letters.size(), letters.toString());
        JsonNode letter = HttpCalls.get(home.apiUrl() + "/api/dead-letters/" + letters.get(0).get("id").asLong()).json();
        assertEquals("acme", letter.get("tenant").asText());
        assertEquals("java.lang.IllegalStateException", letter.get("exception").asText());
        assertTrue(letter.get("body").asText().contains("\"id\":13"), letter.toString());
        assertEquals("offers", letter.get("headers").get("TrellisStream").asText());

        broken.set(false);
        HttpCalls.Answer replay = HttpCalls.post(home.apiUrl() + "/api/dead-letters/" + letter.get("id").asLong()
                + "/replay");
        assertEquals(200, replay.status(), replay.body());
        assertTrue(replay.json().get("replayed").asBoolean(), replay.body());
        assertEquals(List.of(12L, 14L, 13L), delivered, "the replay reached the route");
    }

    @Test
    void twoHubsOnOneDatabaseDeliverEachEventOnceToAConsumerAndTheSurvivorTakesOver() throws Exception {
        String route = """
                - route:
                    id: shared-consumer
                    from:
                      uri: greenhouse:changes?stream=two-hubs&consumer=one-group&pollDelay=50
                      steps:
                        - to: mock:shared
                """;
        home.route("shared.camel.yaml", route);
        Hub second = shared(new TestHome(dirB)).route("shared.camel.yaml", route).start();
        try {
            CamelContext other = second.context();
            Await.until(() -> context.getRoute("shared-consumer") != null ? true : null);
            MockEndpoint a = MockEndpoint.resolve(context, "mock:shared");
            MockEndpoint b = MockEndpoint.resolve(other, "mock:shared");
            events.updates("acme", "two-hubs", 1, 100);
            Await.until(() -> a.getReceivedCounter() + b.getReceivedCounter() >= 100 ? true : null);
            // whichever holds the consumer stops: the other takes over and gets the rest
            boolean firstHeld = a.getReceivedCounter() > 0;
            Hub holder = firstHeld ? hub : second;
            (firstHeld ? context : other).getRouteController().stopRoute("shared-consumer");
            events.updates("acme", "two-hubs", 101, 50);
            MockEndpoint survivor = firstHeld ? b : a;
            Await.until(() -> survivor.getReceivedCounter() >= 50 ? true : null);
            Thread.sleep(500);
            List<Long> ids = new ArrayList<>();
            for (MockEndpoint m : firstHeld ? List.of(a, b) : List.of(b, a)) {
                m.getReceivedExchanges().forEach(e -> ids.add(e.getIn().getHeader(GreenhouseHeaders.RECORD_ID, Long.class)));
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= 150; i++) {
                expected.add(i);
            }
            assertEquals(expected, ids, "each event once across both hubs (held by " + holder + ")");
        } finally {
            second.stop();
        }
    }

    @Test
    void anEventCommittedAfterAHigherSeqIsNotSkipped() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("greenhouse:changes?stream=late-commit&pollDelay=20").routeId("late-commit")
                        .process(e -> seen.add(e.getIn().getHeader(GreenhouseHeaders.RECORD_ID, Long.class)));
            }
        });
        try (java.sql.Connection early = db.getConnection(); java.sql.Connection late = db.getConnection()) {
            early.setAutoCommit(false);
            late.setAutoCommit(false);
            try (var s = early.createStatement()) {
                // the early transaction takes its xid first, as a sync page does with its row upserts
                s.execute("select pg_current_xact_id()");
            }
            try (var s = late.createStatement()) {
                s.execute("select pg_current_xact_id()");
                s.execute("insert into change_event (tenant, stream, record_id, op, source) "
                        + "values ('acme', 'late-commit', 1, 'create', 'poll')");
            }
            try (var s = early.createStatement()) {
                // a higher seq, committed first
                s.execute("insert into change_event (tenant, stream, record_id, op, source) "
                        + "values ('acme', 'late-commit', 2, 'create', 'poll')");
            }
            early.commit();
            // the higher seq waits below the read bound while the lower one may still commit
            Thread.sleep(500);
            assertEquals(List.of(), seen, "nothing is given past an open transaction's seq");
            late.commit();
        }
        Await.until(() -> seen.size() == 2 ? true : null);
        assertEquals(List.of(1L, 2L), seen, "both, in seq order: the lower seq of the later commit is not skipped");
    }

    @Test
    void whenTheHoldersDatabaseSessionDiesTheConsumerContinuesWithNothingSkipped() throws Exception {
        String route = """
                - route:
                    id: session-loss
                    from:
                      uri: greenhouse:changes?stream=session-loss&pollDelay=50&batchSize=10
                      steps:
                        - to: mock:session-loss
                """;
        home.route("session-loss.camel.yaml", route);
        Hub second = shared(new TestHome(dirB)).route("session-loss.camel.yaml", route).start();
        try {
            Await.until(() -> context.getRoute("session-loss") != null ? true : null);
            MockEndpoint a = MockEndpoint.resolve(context, "mock:session-loss");
            MockEndpoint b = MockEndpoint.resolve(second.context(), "mock:session-loss");
            events.updates("acme", "session-loss", 1, 100);
            Await.until(() -> a.getReceivedCounter() + b.getReceivedCounter() >= 100 ? true : null);
            // as if the holding instance died: PostgreSQL ends its session and drops its lock
            long ended = Rows.count(db, """
                    select count(pg_terminate_backend(pid)) from pg_locks
                    where locktype = 'advisory' and classid = x'0C4A6E'::int::oid and objsubid = 2
                      and objid = ((hashtext('session-loss')::bigint & 4294967295)::text)::oid""");
            assertEquals(1, ended, "one session held the consumer");
            events.updates("acme", "session-loss", 101, 50);
            Await.until(() -> ids(a, b).stream().distinct().count() >= 150 ? true : null);
            List<Long> firsts = ids(a, b).stream().distinct().sorted().toList();
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= 150; i++) {
                expected.add(i);
            }
            assertEquals(expected, firsts, "nothing lost");
            assertTrue(ids(a, b).size() - 150 <= 10, "at most one batch again: " + ids(a, b).size());
        } finally {
            second.stop();
        }
    }

    private static List<Long> ids(MockEndpoint... mocks) {
        List<Long> ids = new ArrayList<>();
        for (MockEndpoint m : mocks) {
            m.getReceivedExchanges().forEach(e -> ids.add(e.getIn().getHeader(GreenhouseHeaders.RECORD_ID, Long.class)));
        }
        return ids;
    }
}
