package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IngestionAndJobBoardTest {
    static Sandbox sb;
    static SandboxHttp http;
    static SandboxCredentials c;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(9).candidates(400).rateLimit(0).build());
        http = new SandboxHttp(sb);
        c = sb.credentials();
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    static SandboxHttp.Answer partner(String method, String path, String onBehalfOf, String body) {
        HttpRequest.Builder b = http.request("/v1/partner/" + path)
                .header("Authorization", SandboxHttp.basic(c.partnerApiKey(), ""))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (onBehalfOf != null) {
            b.header("On-Behalf-Of", onBehalfOf);
        }
        return http.send(b);
    }

    static long openJob() {
        return partner("GET", "jobs", c.partnerUserEmail(), null).json().get(0).get("id").asLong();
    }

    @Test
    void ingestionAuthRules() {
        SandboxHttp.Answer noAuth = http.send(http.request("/v1/partner/current_user")
                .header("On-Behalf-Of", c.partnerUserEmail()).GET());
        assertEquals(401, noAuth.status());
        SandboxHttp.Answer wrongKey = http.send(http.request("/v1/partner/current_user")
                .header("Authorization", SandboxHttp.basic("wrong", "")).header("On-Behalf-Of", c.partnerUserEmail()).GET());
        assertEquals(401, wrongKey.status());
        SandboxHttp.Answer noHeader = partner("GET", "current_user", null, null);
        assertEquals(401, noHeader.status());
        assertEquals("On-Behalf-Of", noHeader.json().get("errors").get(0).get("field").asText());
        assertEquals(401, partner("GET", "current_user", "nobody@example.com", null).status());
        assertEquals(403, partner("GET", "current_user", c.deactivatedUserEmail(), null).status());
        assertEquals(403, partner("GET", "candidates?candidate_ids=1", c.basicUserEmail(), null).status());
        assertEquals(403, partner("POST", "tracking_link", c.basicUserEmail(), "{\"job_id\":" + openJob() + "}").status());
        SandboxHttp.Answer me = partner("GET", "current_user", c.partnerUserEmail().toUpperCase(), null);
        assertEquals(200, me.status());
        assertEquals(c.partnerUserEmail(), me.json().get("email").asText());
        assertEquals("Partner Integration", me.json().get("full_name").asText());
    }

    @Test
    void createdCandidatesAppearInHarvestAndTheirStatusFollowsTheOrganisation() {
        long job = openJob();
        String body = "[{\"first_name\":\"Søren\",\"last_name\":\"Kierkegård\",\"external_id\":\"ext-1\","
                + "\"prospect\":false,\"job_id\":" + job + ",\"emails\":[{\"email\":\"soren@example.org\",\"type\":\"personal\"}],"
                + "\"notes\":\"Met at the meetup\"},"
                + "{\"first_name\":\"Ana\",\"last_name\":\"Lima\",\"external_id\":\"ext-2\"}]";
        SandboxHttp.Answer created = partner("POST", "candidates", c.partnerUserEmail(), body);
        assertEquals(200, created.status(), created.body());
        assertEquals(2, created.json().size());
        long soren = created.json().get(0).get("id").asLong();
        long appId = created.json().get(0).get("application_id").asLong();
        long ana = created.json().get(1).get("id").asLong();
        assertEquals("ext-1", created.json().get(0).get("external_id").asText());

        String admin = http.adminToken();
        JsonNode cand = http.get(admin, "/v3/candidates?ids=" + soren).json().get(0);
        assertEquals("Søren", cand.get("first_name").asText());
        assertEquals("soren@example.org", cand.get("email_addresses").get(0).get("value").asText());
        JsonNode app = http.get(admin, "/v3/applications?ids=" + appId).json().get(0);
        assertEquals(soren, app.get("candidate_id").asLong());
        assertEquals(job, app.get("job_id").asLong());
        assertEquals("Application Review", app.get("stage_name").asText());
        JsonNode prospect = http.get(admin, "/v3/applications?candidate_ids=" + ana).json().get(0);
        assertTrue(prospect.get("prospect").asBoolean());
        assertTrue(prospect.get("job_id").isNull());
        assertEquals(1, http.get(admin, "/v3/notes?candidate_ids=" + soren).json().size());
        assertEquals(List.of(ana, soren), http.ids(http.all(admin, "/v3/candidates?ids=" + soren + "," + ana)));

        JsonNode status = partner("GET", "candidates?candidate_ids=" + soren + ",424242", c.partnerUserEmail(), null).json();
        assertEquals(1, status.size(), "unknown ids are dropped");
        assertEquals("Active", status.get(0).get("applications").get(0).get("status").asText());
        assertEquals("Application Review", status.get(0).get("applications").get(0).get("stage").asText());
        sb.touch(Resource.APPLICATIONS, appId);
        JsonNode moved = partner("GET", "candidates?candidate_ids=" + soren, c.partnerUserEmail(), null).json();
        assertEquals("Recruiter Phone Screen", moved.get(0).get("applications").get(0).get("stage").asText());
        sb.delete(Resource.CANDIDATES, soren);
        assertEquals(0, partner("GET", "candidates?candidate_ids=" + soren, c.partnerUserEmail(), null).json().size());
    }

    @Test
    void ingestionValidation() {
        SandboxHttp.Answer noName = partner("POST", "candidates", c.partnerUserEmail(),
                "{\"last_name\":\"X\",\"external_id\":\"e\"}");
        assertEquals(422, noName.status());
        assertEquals("first_name", noName.json().get("errors").get(0).get("field").asText());
        SandboxHttp.Answer noJob = partner("POST", "candidates", c.partnerUserEmail(),
                "{\"first_name\":\"A\",\"last_name\":\"B\",\"external_id\":\"e\",\"prospect\":false}");
        assertEquals(422, noJob.status());
        assertEquals("job_id", noJob.json().get("errors").get(0).get("field").asText());
        assertEquals(400, partner("POST", "candidates", c.partnerUserEmail(), "{oops").status());
        long before = sb.state().count(Resource.CANDIDATES);
        SandboxHttp.Answer halfBad = partner("POST", "candidates", c.partnerUserEmail(),
                "[{\"first_name\":\"A\",\"last_name\":\"B\",\"external_id\":\"e\"},{\"first_name\":\"C\"}]");
        assertEquals(422, halfBad.status());
        assertEquals(before, sb.state().count(Resource.CANDIDATES), "an array is all or nothing");
    }

    @Test
    void prospectPoolsJobsAndTrackingLinks() {
        JsonNode pools = partner("GET", "prospect_pools", c.partnerUserEmail(), null).json();
        assertTrue(pools.size() >= 1);
        assertTrue(pools.get(0).get("stages").size() >= 1);
        JsonNode jobs = partner("GET", "jobs", c.partnerUserEmail(), null).json();
        jobs.forEach(j -> assertEquals("open", j.get("status").asText()));
        long job = jobs.get(0).get("id").asLong();
        SandboxHttp.Answer link = partner("POST", "tracking_link", c.partnerUserEmail(), "{\"job_id\":" + job + "}");
        assertEquals(200, link.status());
        assertTrue(link.json().get("tracking_link").asText().contains("gh_src="));
        assertEquals(404, partner("POST", "tracking_link", c.partnerUserEmail(), "{\"job_id\":1}").status());
    }

    @Test
    void jobBoardReads() {
        String base = "/v1/boards/" + c.jobBoardToken();
        JsonNode board = http.send(http.request(base).GET()).json();
        assertTrue(board.has("name") && board.has("content"));
        JsonNode jobs = http.send(http.request(base + "/jobs").GET()).json();
        int total = jobs.get("meta").get("total").asInt();
        assertEquals(total, jobs.get("jobs").size());
        assertTrue(total > 0);
        JsonNode first = jobs.get("jobs").get(0);
        assertFalse(first.has("content"));
        for (String f : List.of("id", "internal_job_id", "title", "updated_at", "requisition_id", "location",
                "absolute_url", "language", "metadata")) {
            assertTrue(first.has(f), f);
        }
        JsonNode withContent = http.send(http.request(base + "/jobs?content=true").GET()).json().get("jobs").get(0);
        assertTrue(withContent.get("content").asText().contains("&lt;h2&gt;"), "content is HTML-entity-escaped");
        assertTrue(withContent.has("departments") && withContent.has("offices"));
        long postId = first.get("id").asLong();
        JsonNode one = http.send(http.request(base + "/jobs/" + postId + "?questions=true").GET()).json();
        assertEquals(postId, one.get("id").asLong());
        assertTrue(one.get("questions").size() >= 3);
        assertEquals(404, http.send(http.request(base + "/jobs/1").GET()).status());
        assertEquals(404, http.send(http.request("/v1/boards/nope/jobs").GET()).status());
        assertTrue(http.send(http.request(base + "/departments").GET()).json().get("departments").size() > 0);
        assertTrue(http.send(http.request(base + "/offices").GET()).json().get("offices").size() > 0);
        SandboxHttp.Answer jsonp = http.send(http.request(base + "/jobs?callback=handle_jobs").GET());
        assertTrue(jsonp.body().startsWith("handle_jobs({"), jsonp.body().substring(0, 30));
    }

    @Test
    void jobBoardApplicationNeedsTheKeyAndValidFieldsAndLandsInHarvest() {
        String base = "/v1/boards/" + c.jobBoardToken();
        long postId = http.send(http.request(base + "/jobs").GET()).json().get("jobs").get(0).get("id").asLong();
        String body = "{\"first_name\":\"Zoë\",\"last_name\":\"Ångström\",\"email\":\"zoe@example.org\","
                + "\"phone\":\"+47 555\",\"resume_text\":\"Ten years of Java\"}";
        SandboxHttp.Answer noKey = http.send(http.request(base + "/jobs/" + postId)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(401, noKey.status());
        SandboxHttp.Answer badEmail = http.send(http.request(base + "/jobs/" + postId)
                .header("Authorization", SandboxHttp.basic(c.jobBoardApiKey(), ""))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("zoe@example.org", "not-an-email"))));
        assertEquals(422, badEmail.status());
        assertEquals("email", badEmail.json().get("field").asText());
        SandboxHttp.Answer urlName = http.send(http.request(base + "/jobs/" + postId)
                .header("Authorization", SandboxHttp.basic(c.jobBoardApiKey(), ""))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("Zoë", "https://spam.example"))));
        assertEquals(422, urlName.status());
        SandboxHttp.Answer ok = http.send(http.request(base + "/jobs/" + postId)
                .header("Authorization", SandboxHttp.basic(c.jobBoardApiKey(), ""))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("Candidate saved successfully", ok.json().get("success").asText());
        List<JsonNode> apps = http.all(http.adminToken(), "/v3/applications?per_page=5");
        JsonNode newest = apps.get(0);
        assertEquals(postId, newest.get("job_post_id").asLong());
        JsonNode cand = http.get(http.adminToken(), "/v3/candidates?ids=" + newest.get("candidate_id").asLong())
                .json().get(0);
        assertEquals("Zoë", cand.get("first_name").asText());
    }
}
