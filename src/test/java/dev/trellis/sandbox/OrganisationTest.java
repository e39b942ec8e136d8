package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Determinism, generated content, churn and the control API. */
class OrganisationTest {

    @Test
    void sameSeedGivesSameRecordsAndCredentials() throws Exception {
        try (Sandbox a = Sandbox.start(SandboxSettings.builder().seed(99).candidates(300).rateLimit(0).build());
                Sandbox b = Sandbox.start(SandboxSettings.builder().seed(99).candidates(300).rateLimit(0).build());
                Sandbox other = Sandbox.start(SandboxSettings.builder().seed(100).candidates(300).rateLimit(0).build())) {
            SandboxHttp ha = new SandboxHttp(a);
            SandboxHttp hb = new SandboxHttp(b);
            SandboxHttp ho = new SandboxHttp(other);
            assertEquals(a.credentials().clientId(), b.credentials().clientId());
            assertEquals(a.credentials().jobBoardToken(), b.credentials().jobBoardToken());
            for (String path : List.of("/v3/candidates?per_page=500", "/v3/applications?per_page=500",
                    "/v3/notes?per_page=200", "/v3/users?per_page=500&show_service_accounts=true")) {
                assertEquals(ha.all(ha.adminToken(), path), hb.all(hb.adminToken(), path), path);
            }
            assertNotEquals(ha.all(ha.adminToken(), "/v3/candidates"), ho.all(ho.adminToken(), "/v3/candidates"));
        }
    }

    @Test
    void generatedContentHasNonAsciiNamesHtmlNotesAndPastTimestamps() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(1).candidates(300).rateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(sb);
            String t = h.adminToken();
            List<JsonNode> candidates = h.all(t, "/v3/candidates?per_page=500");
            assertTrue(candidates.stream().anyMatch(c -> !c.get("last_name").asText().matches("\\p{ASCII}*")));
            List<JsonNode> notes = h.all(t, "/v3/notes?per_page=500");
            assertTrue(notes.stream().allMatch(n -> n.get("body").asText().startsWith("<p>")));
            long now = System.currentTimeMillis();
            for (JsonNode c : candidates) {
                long created = Instant.parse(c.get("created_at").asText()).toEpochMilli();
                long updated = Instant.parse(c.get("updated_at").asText()).toEpochMilli();
                assertTrue(created <= updated && updated < now);
            }
        }
    }

    @Test
    void churnChangesShowInWindowsDeletionsInStateAndCountsStayTrue() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(4).candidates(400).rateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(sb);
            String t = h.adminToken();
            String since = Instant.ofEpochMilli(sb.clock().millis() - 1000).toString();
            List<String> done = sb.churn(150);
            assertEquals(150, done.size());
            SandboxState state = sb.state();
            List<Long> deletedCandidates = state.deleted(Resource.CANDIDATES);
            assertFalse(deletedCandidates.isEmpty(), done.toString());
            for (Resource r : List.of(Resource.CANDIDATES, Resource.APPLICATIONS, Resource.INTERVIEWS,
                    Resource.APPLICATION_STAGES, Resource.JOBS, Resource.JOB_POSTS, Resource.NOTES)) {
                List<Long> listed = h.ids(h.all(t, "/v3/" + r.path() + "?per_page=500"));
                assertEquals(state.count(r), listed.size(), r.path());
                Set<Long> seen = new HashSet<>(listed);
                for (long gone : state.deleted(r)) {
                    assertFalse(seen.contains(gone), r.path() + " " + gone);
                }
            }
            // every change since "since" is visible to an incremental window
            List<JsonNode> changed = h.all(t, "/v3/candidates?per_page=500&updated_at=gte%7C" + since);
            long updates = done.stream().filter(d -> d.startsWith("update_candidate")).map(d -> d.split(" ")[1])
                    .distinct().filter(id -> !deletedCandidates.contains(Long.parseLong(id))).count();
            long creations = done.stream().filter(d -> d.startsWith("create_candidate")).map(d -> d.split(" ")[1])
                    .filter(id -> !deletedCandidates.contains(Long.parseLong(id))).count();
            assertEquals(updates + creations, changed.size());
            // relations survive the deletions
            Set<Long> candidates = new HashSet<>(h.ids(h.all(t, "/v3/candidates?per_page=500")));
            h.all(t, "/v3/applications?per_page=500").forEach(a ->
                    assertTrue(candidates.contains(a.get("candidate_id").asLong())));
        }
    }

    @Test
    void controlApi() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(8).candidates(100).rateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(sb);
            JsonNode info = h.send(h.request("/_sandbox/info").GET()).json();
            assertEquals(sb.credentials().clientSecret(), info.get("client_secret").asText());
            assertEquals(sb.baseUrl() + "/v3", info.get("harvest_base_url").asText());
            long candidate = Resource.CANDIDATES.idBase() + 10;
            SandboxHttp.Answer del = h.json("DELETE", null, "/_sandbox/records/candidates/" + candidate, null);
            assertEquals(200, del.status());
            assertTrue(del.json().get("applications").size() >= 1);
            JsonNode deleted = h.send(h.request("/_sandbox/deleted/candidates").GET()).json();
            assertEquals(candidate, deleted.get(0).asLong());
            assertEquals(404, h.json("DELETE", null, "/_sandbox/records/candidates/" + candidate, null).status());
            assertEquals(422, h.json("DELETE", null, "/_sandbox/records/users/" + sb.credentials().siteAdminUserId(),
                    null).status());
            JsonNode touched = h.json("POST", null, "/_sandbox/records/jobs/" + (Resource.JOBS.idBase() + 1) + "/touch",
                    "").json();
            assertTrue(Instant.parse(touched.get("updated_at").asText()).toEpochMilli() > Instant.parse("2026-01-01T00:00:00Z")
                    .toEpochMilli());
            JsonNode churned = h.json("POST", null, "/_sandbox/churn?changes=5", "").json();
            assertEquals(5, churned.get("changes").size());
            JsonNode cred = h.json("POST", null, "/_sandbox/credentials", "{\"scopes\":[\"harvest:jobs:list\"]}").json();
            String t = h.token(new ClientCredentials(cred.get("client_id").asText(), cred.get("client_secret").asText(),
                    Set.of()), sb.credentials().siteAdminUserId());
            assertEquals(200, h.get(t, "/v3/jobs").status());
            assertEquals(403, h.get(t, "/v3/candidates").status());
            JsonNode state = h.send(h.request("/_sandbox/state").GET()).json();
            assertEquals(sb.state().count(Resource.CANDIDATES), state.get("counts").get("candidates").asLong());
            assertEquals(1, state.get("requests").get("GET /v3/candidates 403").asLong());
            assertEquals(200, h.json("POST", null, "/_sandbox/webhooks", "{\"url\":\"http://127.0.0.1:9/x\"}").status());
            assertEquals(List.of("http://127.0.0.1:9/x"), sb.webhooks().targets());
            String now = h.json("POST", null, "/_sandbox/clock/advance?seconds=3600", "").json().get("now").asText();
            assertTrue(Instant.parse(now).isAfter(Instant.now().plusSeconds(3500)));
            assertEquals(404, h.send(h.request("/_sandbox/nothing").GET()).status());
        }
    }

    @Test
    void aMillionCandidatesAreServedFromTheGeneratorWithoutMaterialising() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(42).candidates(1_000_000).rateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(sb);
            String t = h.adminToken();
            SandboxHttp.Answer first = h.get(t, "/v3/candidates?per_page=500");
            assertEquals(500, first.json().size());
            assertEquals(Resource.CANDIDATES.idBase() + 1_000_000, first.json().get(0).get("id").asLong());
            JsonNode window = h.get(t, "/v3/applications?per_page=500&updated_at=gte%7C2025-09-01T00:00:00Z%7Clte%7C"
                    + "2025-09-02T00:00:00Z").json();
            window.forEach(a -> assertTrue(a.get("updated_at").asText().startsWith("2025-09-01")));
            assertEquals(1_000_000, sb.state().count(Resource.CANDIDATES));
        }
    }
}
