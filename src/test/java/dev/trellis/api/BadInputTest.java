package dev.trellis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.HttpCalls.Answer;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 10, findings 1, 7 and 8: ids that do not fit (REST, direct:outbox, SQL rows), bodies sent as curl sends them,
 * NUL and lone surrogates, and a reused Idempotency-Key. Nothing here may ever reach Greenhouse: the sandbox must
 * see no write at all.
 */
class BadInputTest {
    /** Numbers Jackson would coerce into some other id, and values that are no id at all. */
    private static final List<String> NOT_IDS = List.of("99999999999999999999999", "9223372036854775808",
            "200376420520689663000", "1e30", "1E2", "1.5", "5.0", "-1", "0", "true", "\"123\"", "\"\"", "{}", "[7]");

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(3).candidates(50).rateLimit(0).build());
        SandboxCredentials c = sandbox.credentials();
        System.setProperty("BAD_INPUT_SECRET", c.clientSecret());
        int closed = TestHome.freePort();
        home = new TestHome(dir)
                .sandboxPartnerTenant("acme", sandbox)
                // accepted items of this tenant can never be delivered: idempotency tests write nothing anywhere
                .tenant("nowhere", """
                        harvest.base-url = http://127.0.0.1:%d/v3
                        harvest.token-url = http://127.0.0.1:%d/token
                        harvest.client-id = nobody
                        harvest.client-secret = env:BAD_INPUT_SECRET
                        harvest.user-id = 1
                        """.formatted(closed, closed))
                .property("trellis.outbox.backoff-ms", "60000")
                .property("trellis.outbox.poll-ms", "200")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0");
        LOG.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        hub.stop();
        sandbox.close();
    }

    static Answer send(String method, String path, String body, String... headers) throws Exception {
        return HttpCalls.send(method, home.apiUrl() + path, body, headers);
    }

    static Answer json(String method, String path, String body, String... headers) throws Exception {
        return HttpCalls.json(method, home.apiUrl() + path, body, headers);
    }

    /** Every write the sandbox saw (Harvest and Candidate Ingestion). */
    static long writes() {
        return sandbox.state().requestCounts().entrySet().stream()
                .filter(e -> e.getKey().matches("(POST|PATCH|PUT|DELETE) /v.*")).mapToLong(Map.Entry::getValue).sum();
    }

    /** What direct:outbox refused (its error channel files the message as a dead letter and keeps the exception). */
    static Throwable refusedByRoute(Object body) {
        ProducerTemplate producer = hub.context().createProducerTemplate();
        Exchange done = producer.request("direct:outbox", ex -> ex.getIn().setBody(body));
        Throwable refused = done.getException() != null ? done.getException()
                : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        assertNotNull(refused, "direct:outbox refused " + body);
        return refused;
    }

    static long outboxRows() throws SQLException {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery("select count(*) from outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------ finding 1: ids that do not fit

    @Test
    void restRefusesEveryIdThatIsNotAJsonIntegerInRangeNamingTheField() throws Exception {
        long rows = outboxRows();
        String interval = "\"starts_at\": \"2026-12-01T14:00:00Z\", \"ends_at\": \"2026-12-01T15:00:00Z\"";
        // path, field as named in the answer, body with the bad value at %s
        List<String[]> cases = List.of(
                new String[] {"POST /api/tenants/acme/notes", "candidate_id", "{\"candidate_id\": %s, \"body\": \"x\"}"},
                new String[] {"POST /api/tenants/acme/notes", "application_id",
                        "{\"candidate_id\": 5, \"application_id\": %s, \"body\": \"x\"}"},
                new String[] {"POST /api/tenants/acme/notes", "user_id", "{\"candidate_id\": 5, \"body\": \"x\", \"user_id\": %s}"},
                new String[] {"POST /api/tenants/acme/emails", "candidate_id", "{\"candidate_id\": %s, \"subject\": \"s\", "
                        + "\"body\": \"x\", \"from\": \"a@example.org\", \"to\": \"b@example.org\"}"},
                new String[] {"POST /api/tenants/acme/interviews", "application_id",
                        "{\"application_id\": %s, \"external_event_id\": \"e1\", " + interval + "}"},
                new String[] {"POST /api/tenants/acme/interviews", "job_interview_id",
                        "{\"application_id\": 5, \"job_interview_id\": %s, \"external_event_id\": \"e1\", " + interval + "}"},
                new String[] {"POST /api/tenants/acme/interviews", "interviewers[0].user_id",
                        "{\"application_id\": 5, \"external_event_id\": \"e1\", " + interval + ", \"interviewers\": [{\"user_id\": %s}]}"},
                new String[] {"PATCH /api/tenants/acme/interviews/5", "user_id", "{\"location\": \"x\", \"user_id\": %s}"},
                new String[] {"PUT /api/tenants/acme/job-links/r1", "job_id", "{\"job_id\": %s}"},
                new String[] {"POST /api/tenants/acme/ingestion/candidates", "job_id",
                        "{\"external_id\": \"c1\", \"first_name\": \"A\", \"last_name\": \"B\", \"prospect\": false, \"job_id\": %s}"},
                new String[] {"POST /api/tenants/acme/ingestion/candidates", "prospect_pool_id",
                        "{\"external_id\": \"c1\", \"first_name\": \"A\", \"last_name\": \"B\", \"prospect_pool_id\": %s}"});
        for (String[] c : cases) {
            String[] request = c[0].split(" ");
            for (String value : NOT_IDS) {
                Answer a = send(request[0], request[1], c[2].formatted(value));
                String what = c[0] + " " + c[1] + "=" + value + ": " + a.body();
                assertEquals(400, a.status(), what);
                assertTrue(a.error().contains("'" + c[1] + "'"), what);
            }
        }
        for (String ref : List.of("99999999999999999999", "9223372036854775808", "outbox-9223372036854775808", "0", "-5")) {
            Answer a = json("PATCH", "/api/tenants/acme/interviews/" + ref, "{\"location\": \"x\"}");
            assertEquals(400, a.status(), ref + ": " + a.body());
            assertTrue(a.error().contains("'interview'"), a.body());
        }
        // the largest id is an id: it is read exactly and then looked up
        Answer max = json("PUT", "/api/tenants/acme/job-links/r1", "{\"job_id\": 9223372036854775807}");
        assertEquals(400, max.status());
        assertTrue(max.error().contains("Greenhouse job 9223372036854775807 is not among the open jobs"), max.body());
        assertEquals(rows, outboxRows(), "nothing was queued");
        assertEquals(0, writes(), "nothing reached the sandbox");
    }

    @Test
    void directOutboxRefusesIdsThatDoNotFitNamingTheField() throws Exception {
        long rows = outboxRows();
        for (String value : NOT_IDS) {
            Throwable e = refusedByRoute("{\"kind\": \"note\", \"tenant\": \"acme\", \"candidate_id\": " + value
                    + ", \"body\": \"x\"}");
            assertTrue(String.valueOf(e.getMessage()).startsWith("candidate_id "), value + ": " + e);
        }
        // a Map body from a Java route: BigInteger and double are not ids either
        for (Object value : List.of(new BigInteger("99999999999999999999999"), 1e30, 7.0, "7")) {
            Map<String, Object> item = new LinkedHashMap<>(Map.of("kind", "note", "tenant", "acme", "body", "x"));
            item.put("candidate_id", 5);
            item.put("user_id", value);
            Throwable e = refusedByRoute(item);
            assertTrue(String.valueOf(e.getMessage()).startsWith("user_id "), value + ": " + e);
        }
        assertEquals(rows, outboxRows(), "nothing was queued");
        assertEquals(0, writes());
    }

    @Test
    void sqlRowsWithIdsThatDoNotFitGoToTheDeadLetterQueueNamingTheFieldAndAreNeverSent() throws Exception {
        // as another system would insert them; jsonb keeps big numbers exactly (1e30 becomes 1000...0)
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("note", "{\"candidate_id\": 99999999999999999999999, \"body\": \"sql-1\"}");
        rows.put("email", "{\"candidate_id\": 1e30, \"subject\": \"s\", \"body\": \"sql-2\", \"from\": \"a@example.org\", "
                + "\"to\": \"b@example.org\"}");
        rows.put("interview_create", "{\"application_id\": 7.5, \"external_event_id\": \"sql-3\", "
                + "\"starts_at\": \"2026-12-01T14:00:00Z\", \"ends_at\": \"2026-12-01T15:00:00Z\"}");
        rows.put("interview_update", "{\"interview\": 7, \"interviewers\": [{\"user_id\": 99999999999999999999}]}");
        Map<String, String> fields = Map.of("note", "candidate_id", "email", "candidate_id",
                "interview_create", "application_id", "interview_update", "interviewers[0].user_id");
        Map<String, Long> ids = new LinkedHashMap<>();
        try (Connection c = db.getConnection()) {
            for (Map.Entry<String, String> r : rows.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into outbox (tenant, kind, payload) values ('acme', ?, ?::jsonb) returning id")) {
                    ps.setString(1, r.getKey());
                    ps.setString(2, r.getValue());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        ids.put(r.getKey(), rs.getLong(1));
                    }
                }
            }
            // an acting user is an id too: the table refuses 0 and negatives
            SQLException refused = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate(
                    "insert into outbox (tenant, kind, payload, acting_user) values ('acme', 'note', "
                            + "'{\"candidate_id\": 5, \"body\": \"x\"}', 0)"));
            assertTrue(refused.getMessage().contains("outbox_acting_user_is_an_id"), refused.getMessage());
        }
        for (Map.Entry<String, Long> item : ids.entrySet()) {
            JsonNode dead = waitForStatus(item.getValue(), "dead");
            String field = fields.get(item.getKey());
            assertTrue(dead.get("last_error").asText().contains(field), item.getKey() + ": " + dead);
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "select exception_message from dead_letter where body like ?")) {
                ps.setString(1, "%\"outbox_id\":" + item.getValue() + ",%");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "a dead letter for " + item);
                    assertTrue(rs.getString(1).contains(field), rs.getString(1));
                }
            }
        }
        assertEquals(0, writes(), "no row was sent to the sandbox");
    }

    static JsonNode waitForStatus(long id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Answer a = send("GET", "/api/outbox/" + id, null);
            if (a.status() == 200 && status.equals(a.json().get("status").asText())) {
                return a.json();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("item " + id + " not " + status + ": " + a.body());
            }
            Thread.sleep(50);
        }
    }

    // ------------------------------------------------------------------ finding 7: ordinary input, no 500

    @Test
    void aBodySentAsCurlSendsItIsTakenAsJsonAndNeverLogged() throws Exception {
        String marker = "curl-body-7f3a & a=b+c%20d";
        String body = "{\"candidate_id\": 5, \"body\": \"" + marker + "\"}";
        for (String[] headers : List.of(new String[] {"Content-Type", "application/x-www-form-urlencoded"},
                new String[] {}, new String[] {"Content-Type", "text/plain; charset=utf-8"})) {
            Answer a = send("POST", "/api/tenants/nowhere/notes", body, headers);
            assertEquals(202, a.status(), List.of(headers) + ": " + a.body());
            Answer item = send("GET", "/api/outbox/" + a.json().get("id").asLong(), null);
            assertEquals(marker, item.json().get("payload").get("body").asText(), "the body as sent, not form-decoded");
        }
        Answer xml = send("POST", "/api/tenants/nowhere/notes", "<note/>", "Content-Type", "application/xml");
        assertEquals(415, xml.status());
        assertTrue(xml.error().contains("Content-Type"), xml.body());
        Answer bad = send("POST", "/api/tenants/nowhere/notes", "{\"candidate_id\": 5, \"body\": \"" + marker, new String[0]);
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.error().contains("'body'"), bad.body());
        List<String> logged = LOG.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("7f3a"))
                .toList();
        assertEquals(List.of(), logged, "request bodies never reach the log");
    }

    @Test
    void nulAndLoneSurrogatesAreRefusedNamingTheFieldOrParameter() throws Exception {
        long rows = outboxRows();
        Map<String, String> bodies = Map.of(
                "{\"candidate_id\": 5, \"body\": \"a\\u0000b\"}", "'body'",
                "{\"candidate_id\": 5, \"body\": \"a\\ud800b\"}", "'body'",
                "{\"candidate_id\": 5, \"body\": \"a\\udc00\"}", "'body'",
                "{\"candidate_id\": 5, \"body\": \"x\", \"visibility\": \"pri\\u0000vate\"}", "'visibility'",
                "{\"candidate_id\": 5, \"body\": \"x\", \"a\\u0000\": 1}", "'body'");
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            Answer a = json("POST", "/api/tenants/acme/notes", b.getKey());
            assertEquals(400, a.status(), b.getKey() + ": " + a.body());
            assertTrue(a.error().contains(b.getValue()), a.body());
        }
        Answer push = json("POST", "/api/tenants/acme/ingestion/candidates",
                "[{\"external_id\": \"c\\u0000\", \"first_name\": \"A\", \"last_name\": \"B\"}]");
        assertEquals(400, push.status(), push.body());
        assertTrue(push.error().contains("[0].external_id"), push.body());
        Answer link = json("PUT", "/api/tenants/acme/job-links/r%00x", "{\"name\": \"x\"}");
        assertEquals(400, link.status(), link.body());
        assertTrue(link.error().contains("'partnerJobRef'"), link.body());
        Answer candidate = send("GET", "/api/tenants/acme/ingestion/candidates/c%00");
        assertEquals(400, candidate.status(), candidate.body());
        assertTrue(candidate.error().contains("'externalId'"), candidate.body());
        Answer query = send("GET", "/api/dead-letters?route=a%00b", null);
        assertEquals(400, query.status(), query.body());
        assertTrue(query.error().contains("'route'"), query.body());
        assertEquals(rows, outboxRows(), "nothing was queued");
    }

    @Test
    void aFailureInsideTrellisAnswersAGenericErrorWhoseIdTheLogCarriesMasked() throws Exception {
        String secret = sandbox.credentials().clientSecret();
        JsonResponse response = new JsonResponse(hub.context().getRegistry()
                .lookupByNameAndType("secretMasker", dev.trellis.config.SecretMasker.class));
        hub.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // a handler that fails as a database would, quoting a secret
                rest("/api/test-failures").get("/handler").routeId("test-failing-handler").to("direct:test-failing");
                from("direct:test-failing").process(ex -> response.answer(ex, 200, e -> {
                    throw new SQLException("ERROR: relation \"x\" does not exist, token " + secret);
                }));
                // a route that breaks the HTTP answer itself (a header Vert.x refuses), outside any handler
                from("platform-http:/api/test-failures/answer").routeId("test-failing-answer")
                        .setHeader("X-Broken", constant("a\u0000b")).setBody(constant("{}"));
            }
        });
        for (String path : List.of("/api/test-failures/handler", "/api/test-failures/answer")) {
            Answer a = send("GET", path, null);
            assertEquals(500, a.status(), path + ": " + a.body());
            assertEquals("internal error", a.json().get("error").asText(), a.body());
            String id = a.json().get("error_id").asText();
            assertEquals(2, a.json().size(), "nothing but the error and its id: " + a.body());
            List<ILoggingEvent> lines = LOG.list.stream().filter(l -> l.getFormattedMessage().contains(id)).toList();
            assertEquals(1, lines.size(), "one log line carries " + id);
            assertNotNull(lines.get(0).getThrowableProxy(), "with the stack trace");
        }
        assertTrue(LOG.list.stream().anyMatch(l -> l.getFormattedMessage().contains("ERROR: relation")),
                "the log has the reason");
        assertTrue(LOG.list.stream().noneMatch(l -> l.getFormattedMessage().contains(secret)
                        || (l.getThrowableProxy() != null && String.valueOf(l.getThrowableProxy().getMessage()).contains(secret))),
                "secrets are masked in the log");
    }

    static Answer send(String method, String path) throws Exception {
        return send(method, path, null);
    }

    // ------------------------------------------------------------------ finding 8: a reused Idempotency-Key

    @Test
    void aReusedIdempotencyKeyReturnsTheFirstItemOnlyForTheSameRequest() throws Exception {
        String key = "k-" + System.nanoTime();
        Answer first = json("POST", "/api/tenants/nowhere/interviews", """
                {"application_id": 5, "external_event_id": "e-1", "starts_at": "2026-12-01T14:00:00+01:00",
                 "ends_at": "2026-12-01T15:00:00Z", "interviewers": [{"user_id": 3}], "user_id": 4}""",
                "Idempotency-Key", key);
        assertEquals(202, first.status(), first.body());
        // the same request written differently: other key order, the same instants in another offset
        Answer same = send("POST", "/api/tenants/nowhere/interviews", """
                {"user_id": 4, "interviewers": [{"user_id": 3}], "ends_at": "2026-12-01T16:00:00+01:00",
                 "starts_at": "2026-12-01T13:00:00Z", "external_event_id": "e-1", "application_id": 5}""",
                "Idempotency-Key", key);
        assertEquals(202, same.status(), same.body());
        assertEquals(first.json().get("id").asLong(), same.json().get("id").asLong());
        assertTrue(same.json().get("repeated").asBoolean());

        List<String[]> others = List.of(
                new String[] {"/api/tenants/nowhere/interviews", """
                        {"application_id": 6, "external_event_id": "e-1", "starts_at": "2026-12-01T14:00:00+01:00",
                         "ends_at": "2026-12-01T15:00:00Z", "interviewers": [{"user_id": 3}], "user_id": 4}"""},
                new String[] {"/api/tenants/nowhere/interviews", """
                        {"application_id": 5, "external_event_id": "e-1", "starts_at": "2026-12-01T14:00:00+01:00",
                         "ends_at": "2026-12-01T15:00:00Z", "interviewers": [{"user_id": 3}]}"""},
                new String[] {"/api/tenants/nowhere/notes", "{\"candidate_id\": 5, \"body\": \"x\", \"user_id\": 4}"});
        for (String[] other : others) {
            Answer a = json("POST", other[0], other[1], "Idempotency-Key", key);
            assertEquals(422, a.status(), other[1] + ": " + a.body());
            assertTrue(a.error().contains("Idempotency-Key") && a.error().contains(key), a.body());
            assertFalse(a.body().contains("\"id\""), "no item is returned");
        }
        // a route gets the same refusal, and its message goes to the dead-letter queue
        Throwable e = refusedByRoute("{\"kind\": \"note\", \"tenant\": \"nowhere\", \"idempotency_key\": \"" + key
                + "\", \"candidate_id\": 5, \"body\": \"x\"}");
        assertTrue(String.valueOf(e.getMessage()).startsWith("Idempotency-Key "), String.valueOf(e));
        assertEquals(0, writes());
    }
}
