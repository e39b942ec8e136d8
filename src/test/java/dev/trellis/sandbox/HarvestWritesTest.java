package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HarvestWritesTest {
    static Sandbox sb;
    static SandboxHttp http;
    static String token;
    static long recruiter;
    static long candidate;
    static long application;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(5).candidates(300).rateLimit(0).build());
        http = new SandboxHttp(sb);
        recruiter = sb.credentials().nonAdminUserId();
        // writes act as the token's sub: any active user, no Site Admin needed
        token = http.token(http.mainClient(), recruiter);
        JsonNode app = http.get(http.adminToken(), "/v3/applications?per_page=1").json().get(0);
        application = app.get("id").asLong();
        candidate = app.get("candidate_id").asLong();
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    static String note(String type, String visibility, String extra) {
        return "{\"candidate_id\":" + candidate + ",\"application_id\":" + application + ",\"note_type\":\"" + type
                + "\",\"visibility\":\"" + visibility + "\",\"body\":\"<p>Phone screen with Zoë went well</p>\"" + extra + "}";
    }

    @Test
    void noteIsWrittenAsTheSubAndReadBackWithAFreshUpdatedAt() {
        long before = sb.clock().millis();
        SandboxHttp.Answer a = http.json("POST", token, "/v3/notes", note("NOTE", "private", ",\"user_id\":1"));
        assertEquals(201, a.status(), a.body());
        JsonNode n = a.json();
        assertEquals(recruiter, n.get("user_id").asLong());
        assertEquals("NOTE", n.get("type").asText());
        assertEquals("privately_visible", n.get("visibility").asText());
        assertEquals("<p>Phone screen with Zoë went well</p>", n.get("body").asText());
        long id = n.get("id").asLong();
        String since = Instant.ofEpochMilli(before - 1000).toString();
        List<JsonNode> changed = http.all(http.adminToken(), "/v3/notes?updated_at=gte%7C" + since
                + "&candidate_ids=" + candidate);
        assertTrue(http.ids(changed).contains(id));
        assertTrue(Instant.parse(changed.get(0).get("updated_at").asText()).toEpochMilli() >= before - 1000);
        assertEquals("admin_only_visible", http.json("POST", token, "/v3/notes", note("NOTE", "admin_only", ""))
                .json().get("visibility").asText());
        assertEquals("publicly_visible", http.json("POST", token, "/v3/notes", note("ACTIVITY", "public", ""))
                .json().get("visibility").asText());
    }

    @Test
    void noteValidationNamesTheField() {
        record Case(String body, String field) {
        }
        for (Case c : List.of(
                new Case(note("note", "public", ""), "note_type"),
                new Case(note("COMMENT", "public", ""), "note_type"),
                new Case("{\"candidate_id\":" + candidate + ",\"visibility\":\"public\",\"body\":\"x\"}", "note_type"),
                new Case(note("NOTE", "everyone", ""), "visibility"),
                new Case("{\"candidate_id\":" + candidate + ",\"note_type\":\"NOTE\",\"body\":\"x\"}", "visibility"),
                new Case("{\"note_type\":\"NOTE\",\"visibility\":\"public\",\"body\":\"x\"}", "candidate_id"),
                new Case("{\"candidate_id\":" + candidate + ",\"note_type\":\"NOTE\",\"visibility\":\"public\"}", "body"),
                new Case(note("EMAIL", "public", ",\"email_from\":[\"a@x.org\"],\"email_to\":[\"b@x.org\"],\"email_cc\":[]"),
                        "subject"),
                new Case(note("EMAIL", "public", ",\"subject\":\"Hi\",\"email_from\":[\"a@x.org\"],\"email_to\":[\"b@x.org\"]"),
                        "email_cc"),
                new Case(note("EMAIL", "public", ",\"subject\":\"Hi\",\"email_from\":\"a@x.org\",\"email_to\":[\"b@x.org\"],"
                        + "\"email_cc\":[]"), "email_from"))) {
            SandboxHttp.Answer a = http.json("POST", token, "/v3/notes", c.body());
            assertEquals(422, a.status(), c.body());
            assertTrue(a.json().get("errors").get(0).asText().startsWith(c.field()), a.body());
        }
        assertEquals(400, http.json("POST", token, "/v3/notes", "{not json").status());
    }

    @Test
    void emailNoteStoresTheAddresses() {
        SandboxHttp.Answer a = http.json("POST", token, "/v3/notes", note("EMAIL", "public",
                ",\"subject\":\"Interview invitation\",\"email_from\":[\"ivo@example.com\"],"
                        + "\"email_to\":[\"mara@example.org\"],\"email_cc\":[\"lena@example.com\"]"));
        assertEquals(201, a.status(), a.body());
        assertEquals("EMAIL", a.json().get("type").asText());
        assertEquals("ivo@example.com", a.json().get("email_from").asText());
        assertEquals("mara@example.org", a.json().get("email_to").asText());
        assertEquals("lena@example.com", a.json().get("email_cc").get(0).asText());
        assertEquals("Interview invitation", a.json().get("subject").asText());
    }

    static String interview(String extra) {
        return "{\"application_id\":" + application + ",\"starts_at\":\"2026-12-01T10:00:00Z\","
                + "\"ends_at\":\"2026-12-01T11:00:00Z\",\"location\":\"Room 4B\",\"interviewers\":[{\"user_id\":"
                + sb.credentials().siteAdminUserId() + "},{\"email\":\"external@partner.example.net\"}]" + extra + "}";
    }

    @Test
    void interviewNeedsExternalEventIdAndValidTimes() {
        SandboxHttp.Answer missing = http.json("POST", token, "/v3/interviews", interview(""));
        assertEquals(422, missing.status());
        assertTrue(missing.body().contains("external_event_id"));
        SandboxHttp.Answer backwards = http.json("POST", token, "/v3/interviews",
                interview(",\"external_event_id\":\"e1\"").replace("11:00", "09:00"));
        assertEquals(422, backwards.status());
        assertTrue(backwards.body().contains("ends_at"));
        SandboxHttp.Answer noApp = http.json("POST", token, "/v3/interviews",
                interview(",\"external_event_id\":\"e1\"").replace("\"application_id\":" + application,
                        "\"application_id\":42"));
        assertEquals(404, noApp.status(), "a missing record, not a validation error");
        assertTrue(noApp.body().contains("application_id"));
    }

    @Test
    void interviewCreateUpdateDelete() {
        SandboxHttp.Answer created = http.json("POST", token, "/v3/interviews",
                interview(",\"external_event_id\":\"hub-evt-1\""));
        assertEquals(201, created.status(), created.body());
        JsonNode i = created.json();
        long id = i.get("id").asLong();
        assertEquals("scheduled", i.get("status").asText());
        assertEquals(recruiter, i.get("organizer_id").asLong());
        assertEquals("2026-12-01T10:00:00.000Z", i.get("starts_at").asText());
        String admin = http.adminToken();
        assertEquals(List.of(id), http.ids(http.all(admin, "/v3/interviews?external_event_id=hub-evt-1")));
        List<JsonNode> panel = http.all(admin, "/v3/interviewers?interview_ids=" + id);
        assertEquals(2, panel.size());

        SandboxHttp.Answer patched = http.json("PATCH", token, "/v3/interviews/" + id,
                "{\"location\":\"Room 9\",\"interviewers\":[{\"user_id\":" + recruiter + "}]}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("Room 9", patched.json().get("location").asText());
        List<JsonNode> newPanel = http.all(admin, "/v3/interviewers?interview_ids=" + id);
        assertEquals(1, newPanel.size(), "interviewers replace the whole panel");
        assertEquals(recruiter, newPanel.get(0).get("user_id").asLong());

        SandboxHttp.Answer deleted = http.json("DELETE", token, "/v3/interviews/" + id, null);
        assertEquals(204, deleted.status());
        assertTrue(http.all(admin, "/v3/interviews?ids=" + id).isEmpty());
        assertTrue(sb.state().deleted(Resource.INTERVIEWS).contains(id));
        assertEquals(404, http.json("DELETE", token, "/v3/interviews/" + id, null).status());
        assertEquals(404, http.json("PATCH", token, "/v3/interviews/" + id, "{}").status());
    }

    @Test
    void onlyScheduledOrAwaitingFeedbackInterviewsCanBeDeleted() {
        JsonNode complete = http.get(http.adminToken(), "/v3/interviews?status=complete&per_page=1").json().get(0);
        SandboxHttp.Answer a = http.json("DELETE", token, "/v3/interviews/" + complete.get("id").asLong(), null);
        assertEquals(422, a.status());
        assertTrue(a.body().contains("status"));
        JsonNode awaiting = http.get(http.adminToken(), "/v3/interviews?status=awaiting_feedback&per_page=1")
                .json().get(0);
        assertEquals(204, http.json("DELETE", token, "/v3/interviews/" + awaiting.get("id").asLong(), null).status());
    }

    @Test
    void writesWithoutSubActAsTheIntegrationServiceUser() {
        String isu = http.token(http.mainClient(), null);
        SandboxHttp.Answer a = http.json("POST", isu, "/v3/notes", note("NOTE", "public", ""));
        assertEquals(201, a.status());
        assertEquals(sb.credentials().serviceAccountUserId(), a.json().get("user_id").asLong());
        ClientCredentials noDestroy = sb.createClient(Scopes.allExcept(Scopes.INTERVIEWS_DESTROY));
        SandboxHttp.Answer forbidden = http.json("DELETE", http.token(noDestroy, recruiter), "/v3/interviews/1", null);
        assertEquals(403, forbidden.status());
        assertTrue(forbidden.body().contains(Scopes.INTERVIEWS_DESTROY));
    }

    @Test
    void missingParentsAnswerAsTheReferenceSays() {
        // an interview for an application that does not exist: Greenhouse's 404 naming the record
        // (docs/greenhouse.md#errors)
        long none = 199_999_999L;
        SandboxHttp.Answer interview = http.json("POST", token, "/v3/interviews", "{\"application_id\":" + none
                + ",\"external_event_id\":\"ev-missing\",\"starts_at\":\"2026-12-01T10:00:00Z\","
                + "\"ends_at\":\"2026-12-01T11:00:00Z\"}");
        assertEquals(404, interview.status(), interview.body());
        assertEquals("Resource not found", interview.json().get("message").asText());
        assertTrue(interview.json().get("errors").get(0).asText().contains("Application " + none), interview.body());
        // a note or e-mail for a candidate that does not exist is taken: Greenhouse does not check it
        // (docs/greenhouse.md#notes-do-not-check-the-candidate)
        SandboxHttp.Answer note = http.json("POST", token, "/v3/notes", "{\"candidate_id\":" + none
                + ",\"note_type\":\"NOTE\",\"visibility\":\"private\",\"body\":\"x\"}");
        assertEquals(201, note.status(), note.body());
    }
}
