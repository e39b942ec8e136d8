package dev.trellis.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sourcing partners against the sandbox: connect check, job import, links, push, duplicates, status sync. */
class IngestionTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(11).candidates(300).rateLimit(0).build());
        SandboxCredentials c = sandbox.credentials();
        System.setProperty("INGESTION_TEST_SECRET", c.clientSecret());
        System.setProperty("INGESTION_TEST_KEY", c.partnerApiKey());
        System.setProperty("INGESTION_TEST_WRONG_KEY", "partner-not-a-key");
        String harvest = """
                harvest.base-url = %s
                harvest.token-url = %s
                harvest.client-id = %s
                harvest.client-secret = env:INGESTION_TEST_SECRET
                harvest.user-id = %d
                """.formatted(c.baseUrl(), c.tokenUrl(), c.clientId(), c.siteAdminUserId());
        home = new TestHome(dir)
                .tenant("acme", harvest + ingestion(c, "env:INGESTION_TEST_KEY", c.partnerUserEmail())
                        + "job-board.base-url = " + c.baseUrl() + "\njob-board.token = " + c.jobBoardToken() + "\n")
                .tenant("badkey", ingestion(c, "env:INGESTION_TEST_WRONG_KEY", c.partnerUserEmail()))
                .tenant("nouser", ingestion(c, "env:INGESTION_TEST_KEY", "nobody@example.org"))
                .tenant("basic", ingestion(c, "env:INGESTION_TEST_KEY", c.basicUserEmail()))
                .tenant("deactivated", ingestion(c, "env:INGESTION_TEST_KEY", c.deactivatedUserEmail()))
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.greenhouse.backoff-ms", "10")
                .property("trellis.greenhouse.max-backoff-ms", "50")
                .property("trellis.outbox.threads", "1")
                .property("trellis.outbox.backoff-ms", "50")
                .property("trellis.outbox.max-backoff-ms", "200")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0");
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        assertEquals(200, call("POST", "/api/tenants/acme/ingestion/import", null).status());
    }

    static String ingestion(SandboxCredentials c, String key, String email) {
        return "ingestion.base-url = " + c.baseUrl() + "\ningestion.api-key = " + key + "\ningestion.user-email = "
                + email + "\n";
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    record Answer(int status, JsonNode json) {
    }

    static Answer call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(home.apiUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /** Waits until the external id has a Greenhouse candidate id. */
    static JsonNode delivered(String externalId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Answer a = call("GET", "/api/tenants/acme/ingestion/candidates/" + externalId, null);
            if (a.status() == 200 && a.json().hasNonNull("candidate_id")) {
                return a.json();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not delivered: " + a.json());
            }
            Thread.sleep(50);
        }
    }

    /** An open job the partner user sees, linked as partner job {@code ref}. */
    static JsonNode linkedJob(String ref, int index) throws Exception {
        JsonNode jobs = call("GET", "/api/tenants/acme/ingestion/jobs", null).json().get("jobs");
        JsonNode job = jobs.get(index % jobs.size());
        Answer put = call("PUT", "/api/tenants/acme/job-links/" + ref, "{\"job_id\": " + job.get("job_id")
                + ", \"name\": \"Partner " + ref + "\"}");
        assertEquals(200, put.status(), put.json().toString());
        return job;
    }

    static long posts() {
        return sandbox.state().requests("POST /v1/partner/candidates 200");
    }

    // ---------------------------------------------------------------------------------------- connect check

    @Test
    void connectCheckNamesEachKindOfBadCredentialAndTheFix() throws Exception {
        Answer good = call("POST", "/api/tenants/acme/ingestion/connect", null);
        assertEquals(200, good.status());
        assertTrue(good.json().get("usable").asBoolean(), good.json().toString());

        JsonNode badKey = call("POST", "/api/tenants/badkey/ingestion/connect", null).json();
        assertFalse(badKey.get("usable").asBoolean());
        assertTrue(badKey.get("fix").toString().contains("API key is refused"), badKey.toString());
        assertTrue(badKey.get("fix").toString().contains("ingestion.api-key"), badKey.toString());
        assertFalse(badKey.toString().contains("partner-not-a-key"), "the key never shows");

        JsonNode noUser = call("POST", "/api/tenants/nouser/ingestion/connect", null).json();
        assertFalse(noUser.get("usable").asBoolean());
        assertTrue(noUser.get("fix").toString().contains("is no Greenhouse user"), noUser.toString());

        JsonNode basic = call("POST", "/api/tenants/basic/ingestion/connect", null).json();
        assertFalse(basic.get("usable").asBoolean());
        assertTrue(basic.get("fix").toString().contains("lacks permissions"), basic.toString());

        JsonNode off = call("POST", "/api/tenants/deactivated/ingestion/connect", null).json();
        assertFalse(off.get("usable").asBoolean());
        assertTrue(off.get("fix").toString().contains("deactivated"), off.toString());

        String metrics = CLIENT.send(HttpRequest.newBuilder(URI.create(home.managementUrl() + "/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("trellis_ingestion_connect{tenant=\"acme\"} 1.0"), "connect metric");
        assertTrue(metrics.contains("trellis_ingestion_connect{tenant=\"badkey\"} 0.0"), "connect metric");
    }

    // ---------------------------------------------------------------------------------------- jobs and links

    @Test
    void jobsAndBoardPostsAreImported() throws Exception {
        JsonNode jobs = call("GET", "/api/tenants/acme/ingestion/jobs", null).json().get("jobs");
        assertTrue(jobs.size() > 0);
        long boardPosts = count("select count(*) from ingestion_board_posts where tenant = 'acme'");
        assertTrue(boardPosts > 0, "board posts imported");
        assertTrue(count("select count(*) from ingestion_board_posts where tenant = 'acme' "
                + "and jsonb_array_length(departments) > 0 and content is not null") > 0, "with content and departments");
        long withPost = count("select internal_job_id from ingestion_board_posts where tenant = 'acme' "
                + "and internal_job_id in (select job_id from ingestion_jobs where tenant = 'acme') limit 1");
        JsonNode details = call("GET", "/api/tenants/acme/ingestion/jobs/" + withPost, null).json();
        assertEquals(withPost, details.get("partner_job").get("job_id").asLong());
        assertNotNull(details.get("partner_job").get("name").asText(null));
        assertTrue(details.get("partner_job").get("description_html").asText().contains("<"), "HTML unescaped");
        assertTrue(details.get("board_posts").size() > 0);
        assertEquals(404, call("GET", "/api/tenants/acme/ingestion/jobs/1", null).status());
    }

    @Test
    void linksAndSuggestions() throws Exception {
        JsonNode jobs = call("GET", "/api/tenants/acme/ingestion/jobs", null).json().get("jobs");
        JsonNode job = jobs.get(jobs.size() - 1);
        String name = job.get("name").asText();
        assertEquals(200, call("PUT", "/api/tenants/acme/job-links/exact-1", "{\"name\": \""
                + name.toUpperCase() + "\"}").status());
        assertEquals(200, call("PUT", "/api/tenants/acme/job-links/close-1", "{\"name\": \"" + name
                + " (Remote)\"}").status());
        JsonNode links = call("GET", "/api/tenants/acme/job-links", null).json().get("links");
        JsonNode exact = find(links, "exact-1");
        assertFalse(exact.get("linked").asBoolean());
        assertEquals(job.get("job_id").asLong(), exact.get("suggestions").get(0).get("job_id").asLong());
        assertEquals("exact", exact.get("suggestions").get(0).get("match").asText());
        JsonNode close = find(links, "close-1");
        assertEquals("close", close.get("suggestions").get(0).get("match").asText(), close.toString());
        assertEquals(job.get("job_id").asLong(), close.get("suggestions").get(0).get("job_id").asLong());

        Answer linked = call("PUT", "/api/tenants/acme/job-links/exact-1", "{\"job_id\": " + job.get("job_id") + "}");
        assertEquals(200, linked.status());
        assertTrue(linked.json().get("linked").asBoolean());
        assertEquals(name.toUpperCase(), linked.json().get("partner_name").asText(), "the name is kept");

        Answer unknown = call("PUT", "/api/tenants/acme/job-links/x-1", "{\"job_id\": 1}");
        assertEquals(400, unknown.status());
        assertTrue(unknown.json().get("error").asText().contains("job_id"));
        assertEquals(200, call("DELETE", "/api/tenants/acme/job-links/close-1", null).status());
        assertEquals(404, call("DELETE", "/api/tenants/acme/job-links/close-1", null).status());
    }

    static JsonNode find(JsonNode links, String ref) {
        for (JsonNode l : links) {
            if (l.get("partner_job_ref").asText().equals(ref)) {
                return l;
            }
        }
        throw new AssertionError("no link " + ref + " in " + links);
    }

    // ---------------------------------------------------------------------------------------- push

    @Test
    void singleCandidateAndProspectArePushedWithTheLinkedJob() throws Exception {
        JsonNode job = linkedJob("push-1", 0);
        Answer a = call("POST", "/api/tenants/acme/ingestion/candidates", """
                {"job": "push-1", "first_name": "Ada", "last_name": "Quist", "external_id": "ext-single-1",
                 "emails": [{"email": "ada@example.org", "type": "personal"}]}""");
        assertEquals(202, a.status(), a.json().toString());
        JsonNode d = delivered("ext-single-1");
        assertEquals(job.get("job_id").asLong(), d.get("job_id").asLong());
        assertFalse(d.get("prospect").asBoolean());
        JsonNode app = sandbox.record(Resource.APPLICATIONS, d.get("application_id").asLong());
        assertEquals(job.get("job_id").asLong(), app.get("job_id").asLong(), "applied to the linked job");
        assertTrue(d.get("profile_url").asText().contains(d.get("candidate_id").asText()));

        assertEquals(202, call("POST", "/api/tenants/acme/ingestion/candidates", """
                {"first_name": "Pia", "last_name": "Prospect", "external_id": "ext-prospect-1"}""").status());
        assertTrue(delivered("ext-prospect-1").get("prospect").asBoolean());
    }

    @Test
    void aBatchGoesAsOneArray() throws Exception {
        linkedJob("batch-1", 1);
        Answer a = call("POST", "/api/tenants/acme/ingestion/candidates", """
                [{"job": "batch-1", "first_name": "B", "last_name": "One", "external_id": "ext-batch-1"},
                 {"first_name": "B", "last_name": "Two", "external_id": "ext-batch-2"},
                 {"first_name": "B", "last_name": "Three", "external_id": "ext-batch-3", "prospect": true}]""");
        assertEquals(202, a.status(), a.json().toString());
        assertEquals(3, a.json().get("candidates").size());
        for (int i = 1; i <= 3; i++) {
            delivered("ext-batch-" + i);
        }
        // items inserted in one statement are claimed together by the one dispatcher thread: one POST with an array
        long before = posts();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("""
                    insert into outbox (tenant, kind, payload, idempotency_key) values
                    ('acme', 'ingest_candidate', '{"first_name": "S", "last_name": "One", "external_id": "ext-sql-1"}', 'ingest:ext-sql-1'),
                    ('acme', 'ingest_candidate', '{"first_name": "S", "last_name": "Two", "external_id": "ext-sql-2"}', 'ingest:ext-sql-2'),
                    ('acme', 'ingest_candidate', '{"first_name": "S", "last_name": "Three", "external_id": "ext-sql-3"}', 'ingest:ext-sql-3')""");
        }
        for (int i = 1; i <= 3; i++) {
            delivered("ext-sql-" + i);
        }
        assertEquals(before + 1, posts(), "three candidates, one request");
    }

    @Test
    void theSameExternalIdTwiceIsOneCandidate() throws Exception {
        String body = "{\"first_name\": \"Dup\", \"last_name\": \"Licate\", \"external_id\": \"ext-dup-1\"}";
        JsonNode first = call("POST", "/api/tenants/acme/ingestion/candidates", body).json().get("candidates").get(0);
        JsonNode d = delivered("ext-dup-1");
        long before = posts();
        Answer again = call("POST", "/api/tenants/acme/ingestion/candidates",
                body.replace("Licate", "Licate-Changed"));
        assertEquals(202, again.status());
        JsonNode second = again.json().get("candidates").get(0);
        assertTrue(second.get("repeated").asBoolean());
        assertEquals(first.get("outbox_id").asLong(), second.get("outbox_id").asLong());
        Thread.sleep(300);
        assertEquals(before, posts(), "nothing sent again");
        assertEquals(d.get("candidate_id").asLong(), delivered("ext-dup-1").get("candidate_id").asLong());
        assertEquals(400, call("POST", "/api/tenants/acme/ingestion/candidates", "[" + body + "," + body + "]").status(),
                "twice in one request");
    }

    @Test
    void aCandidateForAnUnlinkedJobIsRefusedAtIntake() throws Exception {
        Answer unknown = call("POST", "/api/tenants/acme/ingestion/candidates", """
                {"job": "never-linked", "first_name": "U", "last_name": "N", "external_id": "ext-unlinked-1"}""");
        assertEquals(400, unknown.status());
        assertTrue(unknown.json().get("error").asText().contains("'job'"), unknown.json().toString());
        assertTrue(unknown.json().get("error").asText().contains("never-linked"));
        assertEquals(200, call("PUT", "/api/tenants/acme/job-links/named-only", "{\"name\": \"Nothing\"}").status());
        Answer unlinked = call("POST", "/api/tenants/acme/ingestion/candidates", """
                [{"first_name": "Fine", "last_name": "One", "external_id": "ext-unlinked-2"},
                 {"job": "named-only", "first_name": "U", "last_name": "N", "external_id": "ext-unlinked-3"}]""");
        assertEquals(400, unlinked.status());
        assertTrue(unlinked.json().get("error").asText().contains("[1].job"), unlinked.json().toString());
        assertTrue(unlinked.json().get("error").asText().contains("not linked"));
        assertEquals(0, count("select count(*) from ingestion_candidates where external_id like 'ext-unlinked-%'"),
                "nothing of a refused request is queued");
        assertEquals(400, call("POST", "/api/tenants/acme/ingestion/candidates",
                "{\"first_name\": \"No\", \"external_id\": \"x\"}").status(), "last_name missing");
    }

    // ---------------------------------------------------------------------------------------- status sync

    @Test
    void statusChangesAppearInTheHistoryAndAVanishedCandidateIsMarked() throws Exception {
        linkedJob("status-1", 2);
        call("POST", "/api/tenants/acme/ingestion/candidates", """
                [{"job": "status-1", "first_name": "S", "last_name": "Moves", "external_id": "ext-status-1"},
                 {"job": "status-1", "first_name": "S", "last_name": "Goes", "external_id": "ext-status-2"}]""");
        JsonNode moving = delivered("ext-status-1");
        JsonNode going = delivered("ext-status-2");
        assertEquals(200, call("POST", "/api/tenants/acme/ingestion/status-sync", null).status());
        JsonNode first = call("GET", "/api/tenants/acme/ingestion/candidates/ext-status-1", null).json();
        assertEquals(1, first.get("history").size(), first.toString());
        String stage = first.get("applications").get(0).get("stage").asText();

        sandbox.touch(Resource.APPLICATIONS, moving.get("application_id").asLong());
        sandbox.delete(Resource.CANDIDATES, going.get("candidate_id").asLong());
        JsonNode sync = call("POST", "/api/tenants/acme/ingestion/status-sync", null).json();
        assertTrue(sync.get("changes").asInt() >= 1, sync.toString());
        assertEquals(1, sync.get("gone").asInt(), sync.toString());

        JsonNode after = call("GET", "/api/tenants/acme/ingestion/candidates/ext-status-1", null).json();
        JsonNode change = after.get("history").get(1);
        assertEquals(stage, change.get("from_stage").asText());
        assertFalse(stage.equals(change.get("to_stage").asText()), after.toString());
        assertNotNull(change.get("seen_at").asText(null));
        JsonNode gone = call("GET", "/api/tenants/acme/ingestion/candidates/ext-status-2", null).json();
        assertNotNull(gone.get("gone_at").asText(null));
        assertTrue(gone.get("gone_reason").asText().startsWith("deleted or merged"), gone.toString());
        assertEquals(404, call("GET", "/api/tenants/acme/ingestion/candidates/never-pushed", null).status());
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
