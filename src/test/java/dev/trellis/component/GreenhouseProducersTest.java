package dev.trellis.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.BadField;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * greenhouse:note, email, interview and get from YAML routes of a hub, against the sandbox over HTTP: items go
 * through the outbox's intake and are delivered; reads go through the gateway. Plus every option's checks.
 */
class GreenhouseProducersTest {
    static final long RECRUITER = 100002;
    static final long INTERVIEWER = 100007;
    static final long APPLICATION = 200_000_007L;

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static CamelContext context;
    static ProducerTemplate producer;
    static long candidate;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(300).rateLimit(0).build());
        home = new TestHome(dir).sandboxTenant("acme", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.outbox.backoff-ms", "50")
                .property("trellis.outbox.poll-ms", "2000")
                .route("writes.camel.yaml", """
                        - route:
                            id: write-note
                            from:
                              uri: direct:note
                              steps:
                                - to: greenhouse:note
                        - route:
                            id: write-email
                            from:
                              uri: direct:email
                              steps:
                                - to: greenhouse:email
                        - route:
                            id: write-interview
                            from:
                              uri: direct:interview
                              steps:
                                - to: greenhouse:interview
                        - route:
                            id: move-interview
                            from:
                              uri: direct:move-interview
                              steps:
                                - to: greenhouse:interview?action=update
                        - route:
                            id: read-application
                            from:
                              uri: direct:read-application
                              steps:
                                - to:
                                    uri: greenhouse:get
                                    parameters:
                                      path: "RAW(/v3/applications?ids=200000007)"
                                      tenant: acme
                                      resultHeader: application
                        - route:
                            id: read-by-header
                            from:
                              uri: direct:read
                              steps:
                                - to: greenhouse:get
                        """);
        hub = home.start();
        context = hub.context();
        producer = context.createProducerTemplate();
        candidate = sandbox.record(Resource.APPLICATIONS, APPLICATION).get("candidate_id").asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    static Exchange send(String uri, Object body, Map<String, Object> headers) {
        return producer.send(uri, e -> {
            e.getIn().setBody(body);
            e.getIn().setHeaders(new java.util.HashMap<>(headers));
        });
    }

    /** The field named by the failure the error channel caught (the exchange went to the dead-letter queue). */
    static String field(Exchange failed) {
        Exception e = failed.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertTrue(e instanceof BadField, String.valueOf(e));
        return ((BadField) e).field();
    }

    static JsonNode delivered(long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode item = null;
        while (System.nanoTime() < deadline) {
            item = HttpCalls.get(home.apiUrl() + "/api/outbox/" + id).json();
            if ("delivered".equals(item.get("status").asText())) {
                return item;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not delivered: " + item);
    }

    @Test
    void noteFromARouteIsQueuedOnceByItsIdempotencyKeyAndDelivered() throws Exception {
        Map<String, Object> note = Map.of("candidate_id", candidate, "body", "Offer accepted", "visibility", "private",
                "user_id", RECRUITER);
        Exchange first = send("direct:note", note, Map.of("TrellisTenant", "acme", "Idempotency-Key", "hire-7"));
        assertNull(first.getException());
        long id = first.getMessage().getHeader(GreenhouseHeaders.OUTBOX_ID, Long.class);
        Exchange again = send("direct:note", note, Map.of("TrellisTenant", "acme", "Idempotency-Key", "hire-7"));
        assertEquals(id, again.getMessage().getHeader(GreenhouseHeaders.OUTBOX_ID, Long.class), "one item per key");

        JsonNode written = sandbox.record(Resource.NOTES, delivered(id).get("greenhouse_id").asLong());
        assertEquals("Offer accepted", written.get("body").asText());
        assertEquals(RECRUITER, written.get("user_id").asLong());
        assertEquals("privately_visible", written.get("visibility").asText());
    }

    @Test
    void emailAndInterviewCreateUpdateDeleteGoThroughTheOutbox() throws Exception {
        Exchange email = send("direct:email", """
                {"candidate_id": %d, "subject": "Welcome", "body": "See you Monday", "from": "hr@example.com",
                 "to": ["mara@example.org"]}""".formatted(candidate), Map.of("TrellisTenant", "acme"));
        assertNull(email.getException());
        JsonNode mail = sandbox.record(Resource.NOTES, delivered(email.getMessage().getHeader(
                GreenhouseHeaders.OUTBOX_ID, Long.class)).get("greenhouse_id").asLong());
        assertEquals("EMAIL", mail.get("type").asText());

        Exchange created = send("direct:interview", Map.of("application_id", APPLICATION,
                "external_event_id", "evt-" + UUID.randomUUID(), "starts_at", "2026-12-01T14:00:00Z",
                "ends_at", "2026-12-01T15:00:00Z", "interviewers", List.of(Map.of("user_id", INTERVIEWER)),
                "user_id", RECRUITER), Map.of("TrellisTenant", "acme"));
        assertNull(created.getException());
        long item = created.getMessage().getHeader(GreenhouseHeaders.OUTBOX_ID, Long.class);
        long interview = delivered(item).get("greenhouse_id").asLong();

        Exchange moved = send("direct:move-interview", Map.of("interview", "outbox-" + item, "location", "Room 9"),
                Map.of("TrellisTenant", "acme"));
        assertNull(moved.getException());
        delivered(moved.getMessage().getHeader(GreenhouseHeaders.OUTBOX_ID, Long.class));
        assertEquals("Room 9", sandbox.record(Resource.INTERVIEWS, interview).get("location").asText(),
                "action=update");

        // the TrellisAction header overrides the endpoint's action (create)
        Exchange deleted = send("direct:interview", Map.of("interview", String.valueOf(interview)),
                Map.of("TrellisTenant", "acme", "TrellisAction", "delete"));
        assertNull(deleted.getException());
        delivered(deleted.getMessage().getHeader(GreenhouseHeaders.OUTBOX_ID, Long.class));
        assertNull(sandbox.record(Resource.INTERVIEWS, interview), "deleted in Greenhouse");
    }

    @Test
    void badItemsFailNamingTheFieldAndGoToTheDeadLetterQueue() throws Exception {
        Exchange missing = send("direct:note", Map.of("candidate_id", candidate), Map.of("TrellisTenant", "acme"));
        assertEquals("body", field(missing));
        Exchange wrongKind = send("direct:note", Map.of("kind", "email", "candidate_id", candidate, "body", "x"),
                Map.of("TrellisTenant", "acme"));
        assertEquals("kind", field(wrongKind));
        Exchange badAction = send("direct:interview", Map.of("interview", "1"),
                Map.of("TrellisTenant", "acme", "TrellisAction", "cancel"));
        assertEquals("TrellisAction", field(badAction));
        JsonNode letters = HttpCalls.get(home.apiUrl() + "/api/dead-letters?route=write-note").json().get("items");
        assertEquals(2, letters.size(), letters.toString());
        assertEquals(1, letters.get(0).get("attempts").asInt(), "an invalid item fails the same way every time");
    }

    @Test
    void getReadsHarvestThroughTheGatewayIntoTheBodyOrAHeader() throws Exception {
        Exchange read = send("direct:read-application", "keep me", Map.of());
        assertNull(read.getException());
        assertEquals("keep me", read.getMessage().getBody(), "resultHeader leaves the body alone");
        List<?> apps = read.getMessage().getHeader("application", List.class);
        assertEquals(APPLICATION, ((Number) ((Map<?, ?>) apps.get(0)).get("id")).longValue());

        Exchange byHeader = send("direct:read", null, Map.of("TrellisTenant", "acme",
                "TrellisGreenhousePath", "/v3/candidates?ids=" + candidate));
        assertNull(byHeader.getException());
        List<?> candidates = byHeader.getMessage().getBody(List.class);
        assertEquals(candidate, ((Number) ((Map<?, ?>) candidates.get(0)).get("id")).longValue());

        Exchange noPath = send("direct:read", null, Map.of("TrellisTenant", "acme"));
        assertEquals("path", field(noPath));
        Exchange noTenant = send("direct:read", null, Map.of("TrellisGreenhousePath", "/v3/jobs"));
        assertEquals("tenant", field(noTenant));
    }

    @Test
    void endpointOptionsAreCheckedNamingTheOption() {
        Map<String, String> refused = Map.of(
                "greenhouse:changes?batchSize=0", "batchSize",
                "greenhouse:changes?batchSize=10001", "batchSize",
                "greenhouse:changes?pollDelay=5", "pollDelay",
                "greenhouse:changes?ops=upsert", "ops",
                "greenhouse:changes?consumer=%20", "consumer",
                "greenhouse:interview?action=cancel", "action",
                "greenhouse:get?path=/v1/candidates", "path",
                "greenhouse:changes?batchSise=5", "batchSise",
                "greenhouse:candidates", "changes, note, email, interview or get");
        refused.forEach((uri, named) -> {
            ResolveEndpointFailedException e = assertThrows(ResolveEndpointFailedException.class,
                    () -> context.getEndpoint(uri), uri);
            String message = e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage());
            assertTrue(message.contains(named), uri + ": " + message);
        });
        // a consumer kind as producer and the other way round
        assertThrows(Exception.class, () -> context.getEndpoint("greenhouse:changes").createProducer());
        Exception asConsumer = assertThrows(Exception.class, () -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("greenhouse:note").routeId("note-as-consumer").log("never");
            }
        }));
        assertTrue(String.valueOf(asConsumer.getMessage() + asConsumer.getCause()).contains("producer"),
                String.valueOf(asConsumer));
        GreenhouseEndpoint defaults = context.getEndpoint("greenhouse:changes", GreenhouseEndpoint.class);
        assertEquals(100, defaults.getBatchSize());
        assertEquals(500, defaults.getPollDelay());
        assertEquals("create", defaults.getAction());
        assertTrue(!defaults.isIncludeBackfill());
    }

}
