package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HarvestPagingTest {
    static Sandbox sb;
    static SandboxHttp http;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(7).candidates(700).rateLimit(0).build());
        http = new SandboxHttp(sb);
        token = http.adminToken();
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    /** The parameters under which a listing shows every record the control API counts. */
    static String everything(Resource r) {
        return switch (r) {
            case USERS -> "&show_service_accounts=true";
            case REJECTION_REASONS -> "&include_defaults=true";
            default -> "";
        };
    }

    @Test
    void pagingEveryResourceToTheEndGivesTheCountInDescendingIdOrder() {
        SandboxState state = sb.state();
        for (Resource r : Resource.values()) {
            List<Long> ids = http.ids(http.all(token, "/v3/" + r.path() + "?per_page=97" + everything(r)));
            assertEquals(state.count(r), ids.size(), r.path());
            for (int k = 1; k < ids.size(); k++) {
                assertTrue(ids.get(k) < ids.get(k - 1), r.path() + " not descending at " + k);
            }
        }
    }

    @Test
    void defaultPageSizeIs100AndTheLastPageHasNoLink() {
        SandboxHttp.Answer first = http.get(token, "/v3/candidates");
        assertEquals(200, first.status());
        assertEquals(100, first.json().size());
        assertNotNull(first.next());
        assertTrue(first.next().matches(".*/v3/candidates\\?cursor=[A-Za-z0-9_-]+"), first.next());
        SandboxHttp.Answer last = http.get(token, "/v3/candidates?ids=" + (Resource.CANDIDATES.idBase() + 5));
        assertEquals(1, last.json().size());
        assertNull(last.header("Link"));
        SandboxHttp.Answer exact = http.get(token, "/v3/offices?per_page=6");
        assertEquals(6, exact.json().size());
        assertNull(exact.header("Link"), "a full last page has no next link either");
    }

    @Test
    void perPageOutsideOneTo500Is422() {
        for (String bad : List.of("0", "501", "-3", "abc", "")) {
            SandboxHttp.Answer a = http.get(token, "/v3/jobs?per_page=" + bad);
            assertEquals(422, a.status(), bad);
            assertTrue(a.body().contains("per_page"), a.body());
        }
        assertEquals(200, http.get(token, "/v3/jobs?per_page=1").status());
        assertEquals(200, http.get(token, "/v3/jobs?per_page=500").status());
    }

    @Test
    void cursorWithAnyOtherParameterIs422WithTheDocumentedMessage() {
        String next = http.get(token, "/v3/candidates?per_page=10").next();
        SandboxHttp.Answer a = http.get(token, next + "&per_page=50");
        assertEquals(422, a.status());
        assertEquals("When passing a cursor, do not include other query params.", a.json().get("errors").get(0).asText());
    }

    @Test
    void cursorKeepsFiltersAndPageSize() {
        String path = "/v3/applications?per_page=7&status=rejected";
        SandboxHttp.Answer first = http.get(token, path);
        SandboxHttp.Answer second = http.get(token, first.next());
        assertEquals(7, second.json().size());
        for (JsonNode app : second.json()) {
            assertEquals("rejected", app.get("status").asText());
        }
        assertTrue(second.json().get(0).get("id").asLong() < first.json().get(6).get("id").asLong());
    }

    @Test
    void tamperedForeignOrGarbageCursorsAre422() {
        String next = http.get(token, "/v3/candidates?per_page=10").next();
        String cursor = next.substring(next.indexOf("cursor=") + 7);
        byte[] raw = Base64.getUrlDecoder().decode(cursor);
        raw[raw.length - 5] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertEquals(422, http.get(token, "/v3/candidates?cursor=" + tampered).status());
        assertEquals(422, http.get(token, "/v3/candidates?cursor=not*base64").status());
        assertEquals(422, http.get(token, "/v3/candidates?cursor=AAAA").status());
        // a cursor of one resource does not page another
        assertEquals(422, http.get(token, "/v3/applications?cursor=" + cursor).status());
        assertEquals(200, http.get(token, next).status());
    }

    @Test
    void expiredCursorIs422() throws Exception {
        try (Sandbox shortCursors = Sandbox.start(SandboxSettings.builder().candidates(50).rateLimit(0)
                .cursorTtl(Duration.ofMinutes(2)).build())) {
            SandboxHttp h = new SandboxHttp(shortCursors);
            String t = h.adminToken();
            String next = h.get(t, "/v3/candidates?per_page=10").next();
            shortCursors.advanceClock(Duration.ofMinutes(3));
            SandboxHttp.Answer a = h.get(t, next);
            assertEquals(422, a.status());
            assertTrue(a.body().contains("expired"), a.body());
        }
    }

    @Test
    void singleRecordsAreReadWithIdsNotWithAPathId() {
        long id = Resource.JOBS.idBase() + 3;
        SandboxHttp.Answer a = http.get(token, "/v3/jobs?ids=" + id);
        assertEquals(1, a.json().size());
        assertEquals(id, a.json().get(0).get("id").asLong());
        SandboxHttp.Answer path = http.get(token, "/v3/jobs/" + id);
        assertEquals(404, path.status());
        assertEquals("Resource not found", path.json().get("message").asText());
    }

    @Test
    void recordsCarryTheFieldsOfTheReference() {
        Map<Resource, List<String>> expected = Map.of(
                Resource.APPLICATIONS, List.of("candidate_id", "job_id", "job_post_id", "prospect",
                        "prospective_job_ids", "status", "stage_id", "stage_name", "job_interview_stage_id",
                        "recruiter_id", "coordinator_id", "referrer_id", "source_id", "rejection_reason_id",
                        "rejected_at", "last_activity_at", "location_address", "needs_decision", "answers",
                        "agency_note_id", "custom_fields", "created_at", "updated_at"),
                Resource.CANDIDATES, List.of("first_name", "last_name", "preferred_name", "company", "title",
                        "private", "can_email", "tags", "time_zone", "last_activity_at", "linked_user_ids",
                        "phone_numbers", "addresses", "email_addresses", "website_addresses",
                        "social_media_addresses", "custom_fields"),
                Resource.INTERVIEWS, List.of("application_id", "job_id", "job_interview_id", "starts_at", "ends_at",
                        "all_day_start_on", "all_day_end_on", "location", "video_conferencing_url",
                        "external_event_id", "organizer_id", "status", "scheduled_at", "availability_received_at"),
                Resource.NOTES, List.of("candidate_id", "application_id", "user_id", "type", "body",
                        "body_with_tags", "subject", "email_from", "email_to", "email_cc",
                        "email_attachment_file_names", "visibility", "import_hash"),
                Resource.USERS, List.of("first_name", "last_name", "name", "job_title", "primary_email", "emails",
                        "deactivated", "site_admin", "employee_id", "agency_id", "office_ids", "department_ids",
                        "linked_candidate_ids", "interviewer_tags", "custom_fields"));
        expected.forEach((r, fields) -> {
            JsonNode rec = http.get(token, "/v3/" + r.path() + "?per_page=1").json().get(0);
            for (String f : fields) {
                assertTrue(rec.has(f), r.path() + " lacks " + f);
            }
            assertTrue(rec.has("id") && rec.has("created_at") && rec.has("updated_at"));
        });
    }
}
