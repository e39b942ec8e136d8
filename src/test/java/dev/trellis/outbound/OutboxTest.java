package dev.trellis.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox against the sandbox over HTTP, on embedded PostgreSQL: intake, delivery, faults, dead letters, order. */
class OutboxTest {
    static final long ADMIN = 100001;
    static final long RECRUITER = 100002;
    static final long INTERVIEWER = 100007;

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static GreenhouseGateway gateway;
    static Tenant demo;
    static long application;
    static long candidate;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(300).rateLimit(0).build());
        home = new TestHome(dir).sandboxTenant("demo", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.greenhouse.backoff-ms", "10")
                .property("trellis.greenhouse.max-backoff-ms", "50")
                .property("trellis.outbox.backoff-ms", "50")
                .property("trellis.outbox.max-backoff-ms", "200")
                .property("trellis.outbox.poll-ms", "2000");
        Files.copy(Path.of("routes/outbox-example.camel.yaml"), dir.resolve("routes/outbox-example.camel.yaml"));
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        gateway = hub.context().getRegistry().lookupByNameAndType("greenhouse", GreenhouseGateway.class);
        demo = hub.context().getRegistry().lookupByNameAndType("tenants", Tenants.class).find("demo").orElseThrow();
        application = 200_000_007L; // generated application 7 (docs/sandbox.md, Data)
        candidate = sandbox.record(Resource.APPLICATIONS, application).get("candidate_id").asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    // ------------------------------------------------------------------ each kind

    @Test
    void eachKindIsDeliveredAsTheActingUserAndVisibleAtOnce() throws Exception {
        long note = accepted(post("notes", """
                {"candidate_id": %d, "application_id": %d, "body": "Phone screen went well", "visibility": "public",
                 "user_id": %d}""".formatted(candidate, application, RECRUITER)));
        long email = accepted(post("emails", """
                {"candidate_id": %d, "subject": "Interview invitation", "body": "Could you do Wednesday?",
                 "from": "ivo.brandt@example.com", "to": ["mara.olsen@example.org"], "cc": []}""".formatted(candidate)));
        long create = accepted(post("interviews", """
                {"application_id": %d, "external_event_id": "evt-%s", "starts_at": "2026-12-01T14:00:00+01:00",
                 "ends_at": "2026-12-01T15:00:00+01:00", "location": "Room 4B", "interviewers": [{"user_id": %d}],
                 "user_id": %d}""".formatted(application, UUID.randomUUID(), INTERVIEWER, RECRUITER)));

        JsonNode n = delivered(note);
        JsonNode gn = sandbox.record(Resource.NOTES, n.get("greenhouse_id").asLong());
        assertEquals(RECRUITER, gn.get("user_id").asLong(), "written as the item's user");
        assertEquals("NOTE", gn.get("type").asText());
        assertEquals("publicly_visible", gn.get("visibility").asText());
        assertEquals("Phone screen went well", gn.get("body").asText());
        assertEquals(application, gn.get("application_id").asLong());
        assertEquals(1, n.get("attempts").asInt());
        assertEquals(1, count("select count(*) from gh_notes where tenant = 'demo' and id = " + gn.get("id")),
                "readers of gh_notes see it at once");

        JsonNode ge = sandbox.record(Resource.NOTES, delivered(email).get("greenhouse_id").asLong());
        assertEquals(ADMIN, ge.get("user_id").asLong(), "no user_id: the tenant's default user");
        assertEquals("EMAIL", ge.get("type").asText());
        assertEquals("Interview invitation", ge.get("subject").asText());
        assertEquals("mara.olsen@example.org", ge.get("email_to").asText());
        assertEquals("admin_only_visible", ge.get("visibility").asText(), "Greenhouse's default visibility");

        long interviewId = delivered(create).get("greenhouse_id").asLong();
        JsonNode gi = sandbox.record(Resource.INTERVIEWS, interviewId);
        assertEquals(RECRUITER, gi.get("organizer_id").asLong());
        assertEquals("2026-12-01T13:00:00.000Z", gi.get("starts_at").asText());
        assertEquals(1, count("select count(*) from gh_interviews where tenant = 'demo' and id = " + interviewId));

        long update = accepted(send("PATCH", "/api/tenants/demo/interviews/outbox-" + create, """
                {"location": "Room 5", "ends_at": "2026-12-01T14:30:00Z"}"""));
        assertEquals(interviewId, delivered(update).get("greenhouse_id").asLong(), "outbox-<id> names the created interview");
        assertEquals("Room 5", sandbox.record(Resource.INTERVIEWS, interviewId).get("location").asText());
        assertEquals("Room 5", text("select raw->>'location' from gh_interviews where tenant = 'demo' and id = " + interviewId));

        long delete = accepted(send("DELETE", "/api/tenants/demo/interviews/" + interviewId, null));
        delivered(delete);
        assertNull(sandbox.record(Resource.INTERVIEWS, interviewId), "gone from Greenhouse");
        assertEquals(1, count("select count(*) from gh_interviews where tenant = 'demo' and id = " + interviewId
                + " and deleted_at is not null"));

        JsonNode shown = HttpCalls.json("GET", home.apiUrl() + "/api/outbox/" + note, null).json();
        assertEquals("delivered", shown.get("status").asText());
        assertEquals(gn.get("id").asLong(), shown.get("greenhouse_id").asLong());
        assertTrue(shown.get("last_error").isNull());
        assertEquals(404, HttpCalls.json("GET", home.apiUrl() + "/api/outbox/999999", null).status());
    }

    // ------------------------------------------------------------------ intake

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        refused("notes", "{}", "candidate_id");
        refused("notes", "{\"candidate_id\": %d, \"body\": \"\"}".formatted(candidate), "body");
        refused("notes", "{\"candidate_id\": %d, \"body\": \"x\", \"visibility\": \"everyone\"}".formatted(candidate),
                "visibility");
        refused("notes", "{\"candidate_id\": %d, \"body\": \"x\", \"colour\": \"red\"}".formatted(candidate), "colour");
        refused("notes", "{\"candidate_id\": -4, \"body\": \"x\"}", "candidate_id");
        refused("notes", "{\"candidate_id\": %d, \"body\": \"x\", \"user_id\": \"me\"}".formatted(candidate), "user_id");
        refused("notes", "not json", "body");
        refused("emails", """
                {"candidate_id": %d, "subject": "s", "body": "b", "from": "ivo@example.com", "to": ["not-an-address"]}"""
                .formatted(candidate), "to");
        refused("emails", """
                {"candidate_id": %d, "subject": "s", "body": "b", "to": ["a@example.com"]}""".formatted(candidate), "from");
        refused("interviews", """
                {"application_id": %d, "external_event_id": "e", "starts_at": "2026-12-01T15:00:00Z",
                 "ends_at": "2026-12-01T14:00:00Z"}""".formatted(application), "ends_at");
        refused("interviews", """
                {"application_id": %d, "starts_at": "2026-12-01T15:00:00Z", "ends_at": "2026-12-01T16:00:00Z"}"""
                .formatted(application), "external_event_id");
        refused("interviews", """
                {"application_id": %d, "external_event_id": "e", "starts_at": "tomorrow", "ends_at": "2026-12-01T16:00:00Z"}"""
                .formatted(application), "starts_at");
        JsonNode wrongTenant = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/nobody/notes",
                "{\"candidate_id\": 1, \"body\": \"x\"}").json();
        assertTrue(wrongTenant.get("error").asText().contains("'tenant'"), wrongTenant.toString());
        assertEquals(400, send("PATCH", "/api/tenants/demo/interviews/abc", "{\"location\": \"x\"}").status());
        assertEquals(400, send("PATCH", "/api/tenants/demo/interviews/outbox-999999", "{\"location\": \"x\"}").status());
        assertEquals(400, send("PATCH", "/api/tenants/demo/interviews/700000001", "{}").status());
        assertEquals(0, count("select count(*) from outbox where payload->>'body' = 'x' or tenant = 'nobody'"));
    }

    @Test
    void anIdempotentRepeatGivesTheFirstItem() throws Exception {
        String key = "booking-" + UUID.randomUUID();
        String body = "{\"candidate_id\": %d, \"body\": \"Booked %s\"}".formatted(candidate, key);
        HttpCalls.Answer first = send("POST", "/api/tenants/demo/notes", body, "Idempotency-Key", key);
        HttpCalls.Answer again = send("POST", "/api/tenants/demo/notes", body, "Idempotency-Key", key);
        assertEquals(202, first.status(), first.body());
        assertEquals(202, again.status(), again.body());
        assertEquals(first.json().get("id"), again.json().get("id"));
        assertTrue(again.json().get("repeated").asBoolean());
        assertEquals("/api/outbox/" + first.json().get("id").asLong(), first.json().get("status_url").asText());
        delivered(first.json().get("id").asLong());
        assertEquals(1, count("select count(*) from outbox where idempotency_key = '" + key + "'"));
        assertEquals(1, notesWithBody("Booked " + key), "one note in Greenhouse");
    }

    // ------------------------------------------------------------------ faults

    @Test
    void droppedAnswersAndServerErrorsLeaveExactlyOneNotePerItem() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        sandbox.faults().dropResponsesAfterWrite(4, Duration.ZERO);
        List<Long> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"drop %s #%d\"}".formatted(candidate, run, i))));
        }
        for (long id : items) {
            delivered(id);
        }
        assertTrue(sandbox.state().requests("POST /v3/notes dropped") >= 4, "the sandbox applied and dropped 4 writes");
        assertTrue(count("select count(*) from outbox where ambiguous and id = any(array" + items + ")") >= 4);
        for (int i = 0; i < 6; i++) {
            assertEquals(1, notesWithBody("drop %s #%d".formatted(run, i)), "exactly one note for item " + i);
        }

        sandbox.faults().clear().serverErrors(0.4);
        items.clear();
        for (int i = 0; i < 20; i++) {
            items.add(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"5xx %s #%d\"}".formatted(candidate, run, i))));
        }
        try {
            for (long id : items) {
                delivered(id);
            }
        } finally {
            sandbox.faults().clear();
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(1, notesWithBody("5xx %s #%d".formatted(run, i)), "exactly one note for item " + i);
        }
    }

    // ------------------------------------------------------------------ Greenhouse ids already held

    @Test
    void aNoteAnsweredWithAnIdAnOlderItemHoldsIsDeliveredFlaggedAndNotSentAgain() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long last = delivered(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"probe %s\"}"
                .formatted(candidate, run)))).get("greenhouse_id").asLong();
        // older items (of a Greenhouse whose ids started again) hold the ten ids the sandbox hands out next (no more:
        // later tests would get held ids)
        update("""
                insert into outbox (tenant, kind, payload, status, greenhouse_id, delivered_at)
                select 'demo', 'note', jsonb_build_object('candidate_id', %d, 'body', 'older %s #' || i), 'delivered',
                       %d + i, now()
                from generate_series(1, 10) i""".formatted(candidate, run, last));
        sandbox.faults().dropResponsesAfterWrite(3, Duration.ZERO);
        List<Long> items = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                items.add(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"reused %s #%d\"}"
                        .formatted(candidate, run, i))));
            }
            for (long id : items) {
                delivered(id);
            }
        } finally {
            sandbox.faults().clear();
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(1, notesWithBody("reused %s #%d".formatted(run, i)), "exactly one note for item " + i);
        }
        assertEquals(10, count("""
                select count(*) from outbox o join outbox h on h.id = o.record_held_by
                where o.id = any(array%s) and o.status = 'delivered'
                  and h.greenhouse_id = o.greenhouse_id and h.payload->>'body' like 'older %s #%%'"""
                .formatted(items, run)), "each item delivered once, flagged with the item that held its id");
        assertTrue(count("select count(*) from outbox where ambiguous and id = any(array" + items + ")") >= 3,
                "the dropped answers were reconciled onto notes whose ids an older item held");
        String metrics = HttpCalls.json("GET", home.managementUrl() + "/observe/metrics", null).body();
        assertTrue(metrics.contains("trellis_outbox_id_conflicts_total{kind=\"note\"} 10.0"), metrics);
    }

    @Test
    void aWriteGreenhouseAnsweredIsRecordedLaterWhenRecordingFailsAndNeverSentAgain() throws Exception {
        String body = "recorded late " + UUID.randomUUID();
        delivered(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"probe %s\"}".formatted(candidate, body))));
        // after Greenhouse's 2xx: marking it delivered fails twice (the database is away), the gh_notes upsert always
        update("create sequence t10_recording_failures");
        update("""
                create function t10_fail_recording() returns trigger language plpgsql as $$
                begin
                    if tg_table_name = 'gh_notes' or nextval('t10_recording_failures') <= 2 then
                        raise exception 'simulated failure after the write';
                    end if;
                    return new;
                end $$""");
        update("create trigger t10_outbox before update on outbox for each row when (new.status = 'delivered' "
                + "and new.payload->>'body' = '" + body + "') execute function t10_fail_recording()");
        update("create trigger t10_gh_notes before insert or update on gh_notes for each row when (new.raw->>'body' = '"
                + body + "') execute function t10_fail_recording()");
        try {
            JsonNode item = delivered(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"%s\"}"
                    .formatted(candidate, body))));
            assertEquals(1, item.get("attempts").asInt(), "sent once");
            assertEquals(1, notesWithBody(body));
            assertEquals(0, count("select count(*) from gh_notes where id = " + item.get("greenhouse_id")),
                    "the synced table waits for the next sync");
        } finally {
            update("drop trigger t10_outbox on outbox");
            update("drop trigger t10_gh_notes on gh_notes");
            update("drop function t10_fail_recording()");
            update("drop sequence t10_recording_failures");
        }
    }

    @Test
    void aNoteWhoseOnlyMatchAnIdenticalItemHoldsIsParkedNotSentAgain() throws Exception {
        String body = "twin " + UUID.randomUUID();
        long first = accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"%s\"}".formatted(candidate, body)));
        long note = delivered(first).get("greenhouse_id").asLong();
        // an identical item whose attempt may have been applied: the only matching note is the first item's
        long twin = count("""
                insert into outbox (tenant, kind, payload, ambiguous)
                values ('demo', 'note', jsonb_build_object('candidate_id', %d, 'body', '%s'), true) returning id"""
                .formatted(candidate, body));
        JsonNode item = waitFor(twin, "dead");
        assertTrue(item.get("last_error").asText().contains("note " + note)
                && item.get("last_error").asText().contains("item " + first), item.toString());
        assertEquals(1, notesWithBody(body), "not sent again");
        assertEquals(1, count("select count(*) from dead_letter where route_id = 'outbox-item' and body like "
                + "'%\"outbox_id\":" + twin + ",%'"));
    }

    // ------------------------------------------------------------------ dead letters

    @Test
    void aRejectedItemIsADeadLetterWithTheReasonAndReplaysOnce() throws Exception {
        String event = "evt-dead-" + UUID.randomUUID();
        long id = accepted(post("interviews", """
                {"application_id": %d, "external_event_id": "%s", "starts_at": "2026-12-02T10:00:00Z",
                 "ends_at": "2026-12-02T11:00:00Z", "interviewers": [{"user_id": 999}]}""".formatted(application, event)));
        JsonNode item = waitFor(id, "dead");
        assertTrue(item.get("last_error").asText().contains("user_id 999 does not exist"), item.toString());
        long letterId = count("select id from dead_letter where route_id = 'outbox-item' and body like '%\"outbox_id\":"
                + id + ",%'");
        JsonNode letter = HttpCalls.json("GET", home.apiUrl() + "/api/dead-letters/" + letterId, null).json();
        assertEquals("demo", letter.get("tenant").asText());
        assertEquals("open", letter.get("status").asText());
        assertTrue(letter.get("message").asText().contains("(422)")
                && letter.get("message").asText().contains("user_id 999 does not exist"), letter.toString());
        long interviewsBefore = sandbox.state().count(Resource.INTERVIEWS);

        // the cause is fixed (the interviewer exists under another id), then the letter is replayed
        update("update outbox set payload = jsonb_set(payload, '{interviewers}', '[{\"user_id\": %d}]') where id = %d"
                .formatted(INTERVIEWER, id));
        HttpCalls.Answer replay = HttpCalls.json("POST", home.apiUrl() + "/api/dead-letters/" + letterId + "/replay", null);
        assertEquals(200, replay.status(), replay.body());
        assertTrue(replay.json().get("replayed").asBoolean(), replay.body());
        JsonNode done = waitFor(id, "delivered");
        assertEquals(interviewsBefore + 1, sandbox.state().count(Resource.INTERVIEWS), "one interview");
        assertEquals(event, sandbox.record(Resource.INTERVIEWS, done.get("greenhouse_id").asLong())
                .get("external_event_id").asText());
        HttpCalls.Answer again = HttpCalls.json("POST", home.apiUrl() + "/api/dead-letters/" + letterId + "/replay", null);
        assertNotEquals(200, again.status(), "a replayed letter is not sent again");
        assertEquals(interviewsBefore + 1, sandbox.state().count(Resource.INTERVIEWS));
    }

    @Test
    void aBadRowInsertedBySqlIsADeadLetterNamingTheField() throws Exception {
        long id = insert("note", "{\"candidate_id\": %d}".formatted(candidate));
        JsonNode item = waitFor(id, "dead");
        assertTrue(item.get("last_error").asText().startsWith("body is required"), item.toString());
        assertEquals(1, count("select count(*) from dead_letter where route_id = 'outbox-item' and body like '%\"outbox_id\":"
                + id + "%'"));
    }

    // ------------------------------------------------------------------ order

    @Test
    void createUpdateDeleteOfOneInterviewArriveInOrder() throws Exception {
        List<long[]> chains = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long create = accepted(post("interviews", """
                    {"application_id": %d, "external_event_id": "evt-chain-%s", "starts_at": "2026-12-03T10:00:00Z",
                     "ends_at": "2026-12-03T11:00:00Z"}""".formatted(application + i, UUID.randomUUID())));
            long update = accepted(send("PATCH", "/api/tenants/demo/interviews/outbox-" + create,
                    "{\"location\": \"Room " + i + "\"}"));
            long delete = accepted(send("DELETE", "/api/tenants/demo/interviews/outbox-" + create, null));
            chains.add(new long[] {create, update, delete});
        }
        for (long[] chain : chains) {
            JsonNode c = delivered(chain[0]);
            JsonNode u = delivered(chain[1]);
            JsonNode d = delivered(chain[2]);
            long interview = c.get("greenhouse_id").asLong();
            assertEquals(interview, u.get("greenhouse_id").asLong(), "the update used the id the create got");
            assertEquals(interview, d.get("greenhouse_id").asLong());
            assertTrue(Instant.parse(c.get("delivered_at").asText()).isBefore(Instant.parse(u.get("delivered_at").asText())));
            assertTrue(Instant.parse(u.get("delivered_at").asText()).isBefore(Instant.parse(d.get("delivered_at").asText())));
            assertEquals(1, u.get("attempts").asInt(), "the update waited without failing");
            assertNull(sandbox.record(Resource.INTERVIEWS, interview), "deleted last");
        }
    }

    // ------------------------------------------------------------------ SQL, routes, latency, metrics

    @Test
    void aRowInsertedBySqlIsDeliveredWithinASecond() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(insert("note", "{\"candidate_id\": %d, \"body\": \"from SQL %d\", \"visibility\": \"private\"}"
                    .formatted(candidate, i)));
            Thread.sleep(100);
        }
        List<Double> latencies = new ArrayList<>();
        for (long id : ids) {
            JsonNode item = delivered(id);
            latencies.add(Duration.between(Instant.parse(item.get("created_at").asText()),
                    Instant.parse(item.get("delivered_at").asText())).toMillis() / 1000.0);
        }
        latencies.sort(Double::compare);
        System.out.println("OutboxTest: SQL insert to delivery (s): " + latencies);
        assertTrue(latencies.get(2) < 1.0, "median under a second (woken by NOTIFY, not a poll): " + latencies);
    }

    @Test
    void theExampleRoutePostsANoteThroughDirectOutbox() throws Exception {
        hub.context().getRouteController().startRoute("outbox-example-interview-booked");
        String booking = "b-" + UUID.randomUUID();
        String body = "{\"tenant\": \"demo\", \"booking_id\": \"%s\", \"candidate_id\": %d, \"starts_at\": \"2026-12-01T14:00:00Z\"}"
                .formatted(booking, candidate);
        HttpCalls.Answer a = HttpCalls.json("POST", home.apiUrl() + "/api/examples/interview-booked", body);
        HttpCalls.Answer b = HttpCalls.json("POST", home.apiUrl() + "/api/examples/interview-booked", body);
        assertEquals(200, a.status(), a.body());
        long id = a.json().get("outbox_id").asLong();
        assertEquals(id, b.json().get("outbox_id").asLong(), "the booking id is the idempotency key");
        JsonNode item = delivered(id);
        assertEquals("booked-" + booking, item.get("idempotency_key").asText());
        assertEquals(1, notesWithBody("Interview booked for 2026-12-01T14:00:00Z (booking " + booking + ")"));

        // an item direct:outbox refuses goes to the dead-letter queue at once, naming the field
        HttpCalls.json("POST", home.apiUrl() + "/api/examples/interview-booked",
                "{\"tenant\": \"demo\", \"booking_id\": \"x\", \"candidate_id\": -1, \"starts_at\": \"soon\"}");
        assertEquals(1, count("select count(*) from dead_letter where route_id = 'outbox-intake' and attempts = 1 "
                + "and exception_message like 'candidate_id must be an id: a JSON integer%'"));
    }

    @Test
    void metricsShowDepthDeliveriesAndLatency() throws Exception {
        delivered(accepted(post("notes", "{\"candidate_id\": %d, \"body\": \"metrics\"}".formatted(candidate))));
        String metrics = HttpCalls.json("GET", home.managementUrl() + "/observe/metrics", null).body();
        assertTrue(metrics.contains("trellis_outbox_depth{kind=\"note\"}"), metrics);
        assertTrue(metrics.contains("trellis_outbox_oldest_age_seconds{kind=\"email\"}"), metrics);
        assertTrue(metrics.contains("trellis_outbox_deliveries_total{kind=\"note\",outcome=\"delivered\"}"), metrics);
        assertTrue(metrics.contains("trellis_outbox_delivery_latency_seconds_count{kind=\"note\"}"), metrics);
    }

    // ------------------------------------------------------------------ helpers

    static HttpCalls.Answer post(String what, String body) throws Exception {
        return send("POST", "/api/tenants/demo/" + what, body);
    }

    static HttpCalls.Answer send(String method, String path, String body, String... headers) throws Exception {
        return HttpCalls.json(method, home.apiUrl() + path, body, headers);
    }

    static long accepted(HttpCalls.Answer a) {
        assertEquals(202, a.status(), a.body());
        assertEquals("queued", a.json().get("status").asText());
        return a.json().get("id").asLong();
    }

    static void refused(String what, String body, String field) throws Exception {
        HttpCalls.Answer a = post(what, body);
        assertEquals(400, a.status(), a.body());
        assertTrue(a.json().get("error").asText().contains("'" + field + "'"), field + ": " + a.body());
    }

    static JsonNode delivered(long id) throws Exception {
        return waitFor(id, "delivered");
    }

    static JsonNode waitFor(long id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode item = null;
        while (System.nanoTime() < deadline) {
            item = HttpCalls.json("GET", home.apiUrl() + "/api/outbox/" + id, null).json();
            if (status.equals(item.get("status").asText())) {
                return item;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("outbox item " + id + " not " + status + ": " + item);
    }

    /** Notes in Greenhouse with exactly this body, on the test's candidate. */
    static long notesWithBody(String body) throws Exception {
        long n = 0;
        for (String url = "/v3/notes?candidate_ids=" + candidate + "&per_page=500"; url != null; ) {
            GreenhouseGateway.Answer page = gateway.get(demo, ADMIN, url);
            for (JsonNode note : page.body()) {
                if (note.get("body").asText().equals(body)) {
                    n++;
                }
            }
            url = page.next().orElse(null);
        }
        return n;
    }

    static long insert(String kind, String payload) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "insert into outbox (tenant, kind, payload) values ('demo', ?, ?::jsonb) returning id")) {
            ps.setString(1, kind);
            ps.setString(2, payload);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String text(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void update(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
