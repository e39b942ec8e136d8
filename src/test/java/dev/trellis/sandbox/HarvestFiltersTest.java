package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HarvestFiltersTest {
    static Sandbox sb;
    static SandboxHttp http;
    static String token;
    static List<JsonNode> candidates;
    static List<JsonNode> applications;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(11).candidates(800).rateLimit(0).build());
        http = new SandboxHttp(sb);
        token = http.adminToken();
        candidates = http.all(token, "/v3/candidates?per_page=500");
        applications = http.all(token, "/v3/applications?per_page=500");
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    static List<Long> expected(List<JsonNode> all, Predicate<JsonNode> p) {
        return all.stream().filter(p).map(r -> r.get("id").asLong()).toList();
    }

    static long millis(JsonNode rec, String field) {
        return Instant.parse(rec.get(field).asText()).toEpochMilli();
    }

    @Test
    void idsFilterAnswersThoseIdsAndRejectsMoreThan50() {
        long base = Resource.CANDIDATES.idBase();
        String ids = base + 3 + "," + (base + 700) + "," + (base + 41) + "," + (base + 999_999);
        assertEquals(List.of(base + 700, base + 41, base + 3),
                http.ids(http.all(token, "/v3/candidates?ids=" + ids)));
        String fifty = LongStream.rangeClosed(1, 50).mapToObj(i -> Long.toString(base + i))
                .collect(Collectors.joining(","));
        assertEquals(50, http.all(token, "/v3/candidates?ids=" + fifty).size());
        SandboxHttp.Answer tooMany = http.get(token, "/v3/candidates?ids=" + fifty + "," + (base + 51));
        assertEquals(422, tooMany.status());
        assertTrue(tooMany.body().contains("ids"), tooMany.body());
        assertEquals(422, http.get(token, "/v3/candidates?ids=12,abc").status());
    }

    @Test
    void parentIdFiltersMatchTheFullListing() {
        long c1 = candidates.get(10).get("id").asLong();
        long c2 = candidates.get(500).get("id").asLong();
        assertEquals(expected(applications, a -> Set.of(c1, c2).contains(a.get("candidate_id").asLong())),
                http.ids(http.all(token, "/v3/applications?candidate_ids=" + c1 + "," + c2)));
        long job = applications.get(3).get("job_id").asLong();
        List<Long> onJob = expected(applications, a -> a.get("job_id").asLong() == job);
        assertFalse(onJob.isEmpty());
        assertEquals(onJob, http.ids(http.all(token, "/v3/applications?job_ids=" + job + "&per_page=5")));
        String tooMany = LongStream.rangeClosed(1, 51).mapToObj(Long::toString).collect(Collectors.joining(","));
        SandboxHttp.Answer a = http.get(token, "/v3/applications?candidate_ids=" + tooMany);
        assertEquals(422, a.status());
        assertTrue(a.body().contains("candidate_ids"), a.body());
    }

    @Test
    void relationsHold() {
        Set<Long> candidateIds = candidates.stream().map(c -> c.get("id").asLong()).collect(Collectors.toSet());
        Set<Long> jobIds = http.all(token, "/v3/jobs?per_page=500").stream().map(j -> j.get("id").asLong())
                .collect(Collectors.toSet());
        Set<Long> appIds = applications.stream().map(a -> a.get("id").asLong()).collect(Collectors.toSet());
        for (JsonNode a : applications) {
            assertTrue(candidateIds.contains(a.get("candidate_id").asLong()));
            assertTrue(jobIds.contains(a.get("job_id").asLong()));
        }
        for (JsonNode i : http.all(token, "/v3/interviews?per_page=500")) {
            assertTrue(appIds.contains(i.get("application_id").asLong()));
        }
        for (JsonNode n : http.all(token, "/v3/notes?per_page=500")) {
            assertTrue(candidateIds.contains(n.get("candidate_id").asLong()));
            if (!n.get("application_id").isNull()) {
                assertTrue(appIds.contains(n.get("application_id").asLong()));
            }
        }
        // every application's stage is one of its job's stages
        JsonNode app = applications.get(0);
        List<Long> stages = http.ids(http.all(token, "/v3/job_interview_stages?job_ids=" + app.get("job_id").asLong()));
        assertEquals(6, stages.size());
        assertTrue(stages.contains(app.get("job_interview_stage_id").asLong()));
    }

    @Test
    void dateWindowsWithEveryOperatorMatchTheFullListing() {
        JsonNode pivotRec = candidates.get(candidates.size() / 2);
        String pivot = pivotRec.get("updated_at").asText();
        long t = millis(pivotRec, "updated_at");
        String later = candidates.get(candidates.size() / 4).get("created_at").asText();
        long tLater = Instant.parse(later).toEpochMilli();
        record Case(String filter, Predicate<JsonNode> p) {
        }
        List<Case> cases = new ArrayList<>(List.of(
                new Case("updated_at=gte|" + pivot, c -> millis(c, "updated_at") >= t),
                new Case("updated_at=gt|" + pivot, c -> millis(c, "updated_at") > t),
                new Case("updated_at=lte|" + pivot, c -> millis(c, "updated_at") <= t),
                new Case("updated_at=lt|" + pivot, c -> millis(c, "updated_at") < t),
                new Case("created_at=gte|" + pivot + "|lte|" + later,
                        c -> millis(c, "created_at") >= t && millis(c, "created_at") <= tLater),
                new Case("last_activity_at=gt|" + pivot, c -> millis(c, "last_activity_at") > t)));
        for (Case c : cases) {
            List<Long> want = expected(candidates, c.p());
            assertFalse(want.isEmpty(), c.filter());
            String q = c.filter().replace("|", "%7C").replace("+", "%2B");
            assertEquals(want, http.ids(http.all(token, "/v3/candidates?per_page=50&" + q)), c.filter());
        }
    }

    @Test
    void badDatesAndLegacyNamesAre422() {
        for (String q : List.of("updated_at=2024-01-01", "updated_at=after%7C2024-01-01T00:00:00Z",
                "updated_at=gte%7Cyesterday", "updated_after=2024-01-01T00:00:00Z", "created_before=x")) {
            SandboxHttp.Answer a = http.get(token, "/v3/candidates?" + q);
            assertEquals(422, a.status(), q);
            assertTrue(a.body().contains(q.substring(0, q.indexOf('='))), a.body());
        }
    }

    @Test
    void unknownParameterIs422NamingIt() {
        SandboxHttp.Answer a = http.get(token, "/v3/candidates?page=2&per_page=10");
        assertEquals(422, a.status());
        assertEquals("Invalid query params: page", a.json().get("errors").get(0).asText());
    }

    @Test
    void statusActiveInTheQueryMeansInProcessInTheData() {
        List<JsonNode> active = http.all(token, "/v3/applications?status=active&per_page=500");
        assertEquals(expected(applications, a -> a.get("status").asText().equals("in_process")), http.ids(active));
        assertFalse(active.isEmpty());
        assertEquals(expected(applications, a -> a.get("status").asText().equals("hired")),
                http.ids(http.all(token, "/v3/applications?status=hired&per_page=500")));
        SandboxHttp.Answer bad = http.get(token, "/v3/applications?status=in_process");
        assertEquals(422, bad.status());
        assertTrue(bad.body().contains("status"));
    }

    @Test
    void deletedJobPostsAreListedOnlyWithActiveFalse() {
        List<Long> before = http.ids(http.all(token, "/v3/job_posts?per_page=500"));
        long victim = before.get(2);
        sb.delete(Resource.JOB_POSTS, victim);
        List<Long> after = http.ids(http.all(token, "/v3/job_posts?per_page=500"));
        assertFalse(after.contains(victim));
        assertEquals(before.size() - 1, after.size());
        List<JsonNode> inactive = http.all(token, "/v3/job_posts?active=false");
        assertTrue(http.ids(inactive).contains(victim));
        inactive.forEach(p -> assertFalse(p.get("active").asBoolean()));
        assertEquals(after, http.ids(http.all(token, "/v3/job_posts?active=true&per_page=500")));
        assertTrue(sb.state().deleted(Resource.JOB_POSTS).contains(victim));
    }

    @Test
    void serviceAccountsOnlyWithShowServiceAccounts() {
        long isu = sb.credentials().serviceAccountUserId();
        assertFalse(http.ids(http.all(token, "/v3/users?per_page=500")).contains(isu));
        assertTrue(http.ids(http.all(token, "/v3/users?per_page=500&show_service_accounts=true")).contains(isu));
    }

    @Test
    void defaultRejectionReasonsOnlyWithIncludeDefaults() {
        int without = http.all(token, "/v3/rejection_reasons").size();
        int with = http.all(token, "/v3/rejection_reasons?include_defaults=true").size();
        assertEquals(sb.state().count(Resource.REJECTION_REASONS), with);
        assertTrue(without < with);
    }

    @Test
    void fieldsGivesSparseRecords() {
        SandboxHttp.Answer a = http.get(token, "/v3/applications?fields=id&per_page=3");
        for (JsonNode rec : a.json()) {
            assertEquals(List.of("id"), iterable(rec));
        }
        JsonNode two = http.get(token, "/v3/applications?fields=candidate_id,status&per_page=1").json().get(0);
        assertEquals(List.of("id", "candidate_id", "status"), iterable(two));
        SandboxHttp.Answer bad = http.get(token, "/v3/applications?fields=id,nope");
        assertEquals(422, bad.status());
        assertTrue(bad.body().contains("nope"));
    }

    @Test
    void otherResourceFilters() {
        List<JsonNode> jobs = http.all(token, "/v3/jobs?per_page=500");
        assertEquals(expected(jobs, j -> j.get("status").asText().equals("open")),
                http.ids(http.all(token, "/v3/jobs?status=open")));
        long dept = jobs.get(0).get("department_id").asLong();
        assertEquals(expected(jobs, j -> j.get("department_id").asLong() == dept),
                http.ids(http.all(token, "/v3/jobs?department_id=" + dept)));
        String email = candidates.get(5).get("email_addresses").get(0).get("value").asText().toUpperCase();
        assertEquals(List.of(candidates.get(5).get("id").asLong()),
                http.ids(http.all(token, "/v3/candidates?email=" + SandboxHttp.enc(email))));
        List<JsonNode> interviews = http.all(token, "/v3/interviews?per_page=500");
        assertEquals(expected(interviews, i -> i.get("status").asText().equals("scheduled")),
                http.ids(http.all(token, "/v3/interviews?status=scheduled&per_page=500")));
        long interview = interviews.get(0).get("id").asLong();
        List<JsonNode> panel = http.all(token, "/v3/interviewers?interview_ids=" + interview);
        assertEquals(2, panel.size());
        panel.forEach(p -> assertEquals(interview, p.get("interview_id").asLong()));
    }

    private static List<String> iterable(JsonNode rec) {
        List<String> names = new ArrayList<>();
        rec.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
