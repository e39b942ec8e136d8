package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.LogCapture;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.ClientCredentials;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections made at runtime against the sandbox over HTTP and real PostgreSQL: the two seed flows (a sourcing
 * partner's ingestion key and board; a Harvest credential short of one scope, then completed), refusals with the
 * check's message, pause, resume, removal and purge, a credential revoked in Greenhouse, and, last, every secret
 * used searched for in the logs, the metrics, the answers and the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static LogCapture LOG;
    /** every secret a test sent, for the last test to look for */
    static final List<String> SECRETS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        LOG = LogCapture.start();

        sandbox = Sandbox.start(SandboxSettings.builder().seed(21).candidates(150).rateLimit(0).build());
        home = new TestHome(dir).shippedStreamsUnscheduled()
                .sandboxTenant("filed", sandbox)
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.greenhouse.backoff-ms", "10")
                .property("trellis.greenhouse.max-backoff-ms", "50")
                .property("trellis.outbox.poll-ms", "200")
                .property("trellis.outbox.backoff-ms", "50")
                .property("trellis.outbox.max-backoff-ms", "200")
                .property("trellis.tenants.refresh-seconds", "1")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0");
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        SandboxCredentials c = sandbox.credentials();
        SECRETS.add(c.clientSecret());
        SECRETS.add(c.partnerApiKey());
    }

    @AfterAll
    static void stop() throws Exception {
        LOG.close();
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    // ---------------------------------------------------------------------------------------- seed flow 1

    @Test
    @Order(1)
    void aSourcingPartnerConnectsWithAnIngestionKeyAndBoardTokenThenPushesACandidate() throws Exception {
        HttpCalls.Answer created = api("POST", "/api/tenants", partner("planted").toString());
        assertEquals(201, created.status(), created.body());
        assertEquals("active", created.json().get("status").asText(), created.body());
        assertEquals("api", created.json().get("source").asText());
        String key = sandbox.credentials().partnerApiKey();
        assertEquals("…" + key.substring(key.length() - 4), created.json().get("ingestion").get("api_key").asText(),
                "a secret is answered as its last four characters");

        // its jobs are imported at once, not at the next hourly import
        JsonNode jobs = eventually(() -> {
            JsonNode j = api("GET", "/api/tenants/planted/ingestion/jobs", null).json().get("jobs");
            return j != null && j.size() > 0 ? j : null;
        });
        long jobId = jobs.get(0).get("job_id").asLong();
        assertEquals(200, api("PUT", "/api/tenants/planted/job-links/ext-job-1", "{\"job_id\": " + jobId + "}").status());
        HttpCalls.Answer pushed = api("POST", "/api/tenants/planted/ingestion/candidates",
                "[{\"job\": \"ext-job-1\", \"first_name\": \"Ada\", \"last_name\": \"Runtime\", "
                        + "\"external_id\": \"ext-cand-1\"}]");
        assertEquals(202, pushed.status(), pushed.body());
        JsonNode candidate = eventually(() -> {
            JsonNode c = api("GET", "/api/tenants/planted/ingestion/candidates/ext-cand-1", null).json();
            return c != null && c.hasNonNull("candidate_id") ? c : null;
        });
        assertEquals(200, api("POST", "/api/tenants/planted/ingestion/status-sync", null).status());
        JsonNode after = api("GET", "/api/tenants/planted/ingestion/candidates/ext-cand-1", null).json();
        assertEquals(1, after.get("history").size(), after.toString());
        assertEquals(candidate.get("candidate_id").asLong(),
                sandbox.record(Resource.CANDIDATES, candidate.get("candidate_id").asLong()).get("id").asLong());
    }

    // ---------------------------------------------------------------------------------------- seed flow 2

    @Test
    @Order(2)
    void aHarvestCredentialShortOfOneScopeIsSavedNeedingAttentionAndCompletedByAPatch() throws Exception {
        ClientCredentials limited = sandbox.createClient(Scopes.allExcept(Scopes.INTERVIEWS_DESTROY));
        SECRETS.add(limited.clientSecret());
        long posted = System.nanoTime();
        HttpCalls.Answer created = api("POST", "/api/tenants", harvest("gem", limited).toString());
        long answered = System.nanoTime();
        assertEquals(201, created.status(), created.body());
        assertEquals("needs_attention", created.json().get("status").asText(), created.body());
        assertTrue(created.json().get("waiting").toString().contains("interviews: harvest:interviews:destroy missing"),
                created.body());

        // the backfill starts at once: the first page is in the database within 5 s of the 201
        eventually(() -> count("select count(*) from gh_candidates where tenant = 'gem'") > 0 ? true : null);
        long firstPage = System.nanoTime();
        assertTrue(firstPage - answered < Duration.ofSeconds(5).toNanos(),
                "first page " + (firstPage - answered) / 1_000_000 + " ms after the 201 (POST took "
                        + (answered - posted) / 1_000_000 + " ms)");

        eventually(() -> count("select count(*) from gh_interviews where tenant = 'gem'") > 0 ? true : null);
        // Greenhouse deletes only interviews that are scheduled or awaiting feedback
        long interview = firstId("select id from gh_interviews where tenant = 'gem' and deleted_at is null "
                + "and raw->>'status' in ('scheduled', 'awaiting_feedback') order by id limit 1");
        HttpCalls.Answer delete = api("DELETE", "/api/tenants/gem/interviews/" + interview, null);
        assertEquals(202, delete.status(), delete.body());
        long item = delete.json().get("id").asLong();
        Thread.sleep(1_000);
        JsonNode waiting = api("GET", "/api/outbox/" + item, null).json();
        assertEquals("queued", waiting.get("status").asText(), waiting.toString());
        assertTrue(waiting.get("paused").asText().contains("harvest:interviews:destroy"), waiting.toString());

        SandboxCredentials full = sandbox.credentials();
        HttpCalls.Answer patched = api("PATCH", "/api/tenants/gem", "{\"harvest\": {\"client_id\": \""
                + full.clientId() + "\", \"client_secret\": \"" + full.clientSecret() + "\"}}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("active", patched.json().get("status").asText(), patched.body());
        assertEquals(full.clientId(), patched.json().get("harvest").get("client_id").asText());
        JsonNode[] last = new JsonNode[1];
        JsonNode delivered;
        try {
            delivered = eventually(() -> {
                last[0] = api("GET", "/api/outbox/" + item, null).json();
                return last[0].get("status").asText().equals("delivered") ? last[0] : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError("not delivered: " + last[0], e);
        }
        assertEquals(interview, delivered.get("greenhouse_id").asLong(), delivered.toString());
    }

    // ---------------------------------------------------------------------------------------- refusals

    @Test
    @Order(3)
    void credentialsGreenhouseRefusesAre422WithTheCheckAndNothingIsSaved() throws Exception {
        SandboxCredentials c = sandbox.credentials();
        ObjectNode wrongKey = partner("wrong-key");
        ((ObjectNode) wrongKey.get("ingestion")).put("api_key", "partner-not-a-key-at-all");
        ObjectNode wrongEmail = partner("wrong-email");
        ((ObjectNode) wrongEmail.get("ingestion")).put("user_email", "nobody@example.org");
        ObjectNode wrongBoard = JSON.createObjectNode().put("id", "wrong-board");
        wrongBoard.putObject("job_board").put("token", "no-such-board").put("base_url", c.baseUrl());
        ObjectNode notAdmin = harvest("not-admin", new ClientCredentials(c.clientId(), c.clientSecret(), Scopes.all()));
        ((ObjectNode) notAdmin.get("harvest")).put("user_id", c.nonAdminUserId());
        for (ObjectNode body : List.of(wrongKey, wrongEmail, wrongBoard, notAdmin)) {
            String id = body.get("id").asText();
            HttpCalls.Answer refused = api("POST", "/api/tenants", body.toString());
            assertEquals(422, refused.status(), id + ": " + refused.body());
            assertFalse(refused.json().get("usable").asBoolean());
            assertTrue(refused.json().get("check").get("rows").size() > 0, refused.body());
            assertTrue(refused.json().get("error").asText().contains("so it was not saved"), refused.body());
            assertEquals(404, api("GET", "/api/tenants/" + id, null).status(), id + " must not be saved");
        }
        String whyKey = api("POST", "/api/tenants", wrongKey.toString()).json().get("check").toString();
        assertTrue(whyKey.contains("refused"), whyKey);
        String whyAdmin = api("POST", "/api/tenants/check", notAdmin.toString()).json().get("check").toString();
        assertTrue(whyAdmin.contains("Site Admin"), whyAdmin);
    }

    @Test
    @Order(4)
    void aCheckWithoutSavingAndBadBodiesNameTheirField() throws Exception {
        HttpCalls.Answer dry = api("POST", "/api/tenants/check", partner("dry-run").toString());
        assertEquals(200, dry.status(), dry.body());
        assertTrue(dry.json().get("usable").asBoolean(), dry.body());
        assertEquals(404, api("GET", "/api/tenants/dry-run", null).status(), "a check saves nothing");

        assertField("{\"id\": \"Upper\"}", "id");
        assertField("{\"id\": \"x\"}", "harvest");
        assertField("{\"id\": \"x\", \"harvest\": {\"client_id\": \"a\", \"user_id\": 1}}", "harvest.client_secret");
        assertField("{\"id\": \"x\", \"harvest\": {\"client_id\": \"a\", \"client_secret\": \"b\", \"user_id\": \"7\"}}",
                "harvest.user_id");
        assertField("{\"id\": \"x\", \"ingestion\": {\"api_key\": \"k\", \"user_email\": \"no\"}}", "ingestion.user_email");
        assertField("{\"id\": \"x\", \"job_board\": {\"token\": \"t\", \"base_url\": \"ftp://x\"}}", "job_board.base_url");
        assertField("{\"id\": \"x\", \"job_board\": {\"token\": \"t\"}, \"colour\": 1}", "colour");
        assertField("{\"id\": \"x\", \"job_board\": {\"token\": \"t\"}, \"disabled_features\": [\"teleport\"]}",
                "disabled_features[0]");
        assertEquals(400, api("POST", "/api/tenants", "{not json").status());

        HttpCalls.Answer taken = api("POST", "/api/tenants", partner("planted").toString());
        assertEquals(409, taken.status(), taken.body());
        HttpCalls.Answer filed = api("PATCH", "/api/tenants/filed", "{\"name\": \"x\"}");
        assertEquals(409, filed.status(), filed.body());
        assertTrue(filed.json().get("error").asText().contains("filed.properties"), filed.body());
        assertEquals(409, api("DELETE", "/api/tenants/filed", null).status());
        JsonNode file = api("GET", "/api/tenants/filed", null).json();
        assertEquals("file", file.get("source").asText(), file.toString());
        assertEquals(404, api("PATCH", "/api/tenants/nobody", "{\"name\": \"x\"}").status());
        assertEquals(400, api("GET", "/api/tenants?status=happy", null).status());
    }

    // ---------------------------------------------------------------------------------------- lifecycle

    @Test
    @Order(5)
    void pauseHoldsTheTenantsWorkResumeLetsItGoRemoveKeepsRowsAndPurgeDeletesThem() throws Exception {
        ClientCredentials client = sandbox.createClient(Scopes.all());
        SECRETS.add(client.clientSecret());
        assertEquals(201, api("POST", "/api/tenants", harvest("brief", client).toString()).status());
        eventually(() -> count("select count(*) from gh_candidates where tenant = 'brief'") > 0 ? true : null);

        JsonNode paused = api("POST", "/api/tenants/brief/pause", null).json();
        assertEquals("paused", paused.get("status").asText(), paused.toString());
        assertEquals(0, api("GET", "/api/streams?tenant=brief", null).json().get("streams").size(),
                "a paused tenant's streams do not run");
        long candidate = firstId("select id from gh_candidates where tenant = 'brief' order by id limit 1");
        HttpCalls.Answer note = api("POST", "/api/tenants/brief/notes",
                "{\"candidate_id\": " + candidate + ", \"body\": \"while paused\"}");
        assertEquals(202, note.status(), "work for a paused tenant is accepted: " + note.body());
        long noteId = note.json().get("id").asLong();
        Thread.sleep(1_000);
        JsonNode held = api("GET", "/api/outbox/" + noteId, null).json();
        assertEquals("queued", held.get("status").asText(), held.toString());
        assertTrue(held.get("paused").asText().contains("paused"), held.toString());

        assertEquals("active", api("POST", "/api/tenants/brief/resume", null).json().get("status").asText());
        eventually(() -> api("GET", "/api/outbox/" + noteId, null).json().get("status").asText().equals("delivered")
                ? true : null);

        HttpCalls.Answer removed = api("DELETE", "/api/tenants/brief", null);
        assertEquals(200, removed.status(), removed.body());
        assertEquals(0, count("select count(*) from tenant_secret where tenant = 'brief'"), "secrets erased at once");
        assertTrue(count("select count(*) from gh_candidates where tenant = 'brief'") > 0, "synced rows kept");
        assertEquals(404, api("GET", "/api/tenants/brief", null).status());

        HttpCalls.Answer purged = api("DELETE", "/api/tenants/brief?purge=true", null);
        assertEquals(200, purged.status(), purged.body());
        assertTrue(purged.json().get("purged").get("gh_candidates").asLong() > 0, purged.body());
        // its change events hold its records: they go too (docs/changes.md, Retention)
        assertTrue(purged.json().get("purged").path("change_event").asLong() > 0, purged.body());
        for (String table : List.of("gh_candidates", "gh_applications", "outbox", "sync_stream", "sync_run",
                "change_event")) {
            assertEquals(0, count("select count(*) from " + table + " where tenant = 'brief'"), table);
        }
        HttpCalls.Answer again = api("DELETE", "/api/tenants/brief?purge=true", null);
        assertEquals(404, again.status(), "nothing left to purge: " + again.body());
    }

    @Test
    @Order(6)
    void aCredentialRevokedInGreenhouseDisconnectsTheTenantUntilAPatchBringsAWorkingOne() throws Exception {
        ClientCredentials client = sandbox.createClient(Scopes.all());
        SECRETS.add(client.clientSecret());
        assertEquals(201, api("POST", "/api/tenants", harvest("revoked", client).toString()).status());
        eventually(() -> count("select count(*) from gh_candidates where tenant = 'revoked'") > 0 ? true : null);
        Thread.sleep(2_000); // let the first backfill finish

        sandbox.revokeClient(client.clientId());
        sandbox.expireTokens();
        api("POST", "/api/streams/revoked/candidates/sync", null);
        JsonNode gone = eventually(() -> {
            JsonNode t = api("GET", "/api/tenants/revoked", null).json();
            return t.get("status").asText().equals("disconnected") ? t : null;
        });
        assertTrue(gone.get("reasons").toString().contains("client-credentials"), gone.toString());
        eventually(() -> HttpCalls.get(home.managementUrl() + "/observe/metrics").body()
                .contains("trellis_tenants{status=\"disconnected\"} 1.0") ? true : null);
        String health = HttpCalls.get(home.managementUrl() + "/observe/health").body();
        assertTrue(health.contains("not running: revoked"), health);

        // no request storm against a dead credential: the streams no longer run for it
        assertEquals(404, api("POST", "/api/streams/revoked/candidates/sync", null).status());

        ClientCredentials fresh = sandbox.createClient(Scopes.all());
        SECRETS.add(fresh.clientSecret());
        HttpCalls.Answer patched = api("PATCH", "/api/tenants/revoked", "{\"harvest\": {\"client_id\": \""
                + fresh.clientId() + "\", \"client_secret\": \"" + fresh.clientSecret() + "\"}}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("active", patched.json().get("status").asText());
        assertEquals(202, api("POST", "/api/streams/revoked/candidates/sync", null).status());
    }

    @Test
    @Order(7)
    void aTenantFileAddedChangedAndRemovedWhileRunningIsApplied() throws Exception {
        SandboxCredentials c = sandbox.credentials();
        System.setProperty("LIVE_FILE_SECRET", c.clientSecret());
        String file = "harvest.base-url = " + c.baseUrl() + "\nharvest.token-url = " + c.tokenUrl()
                + "\nharvest.client-id = " + c.clientId() + "\nharvest.client-secret = env:LIVE_FILE_SECRET\n";
        home.write("config/tenants/live.properties.tmp", file + "harvest.user-id = " + c.siteAdminUserId() + "\n");
        java.nio.file.Files.move(dir.resolve("config/tenants/live.properties.tmp"),
                dir.resolve("config/tenants/live.properties"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        JsonNode added = eventually(() -> {
            HttpCalls.Answer a = api("GET", "/api/tenants/live", null);
            return a.status() == 200 ? a.json() : null;
        });
        assertEquals("file", added.get("source").asText(), added.toString());
        eventually(() -> count("select count(*) from gh_candidates where tenant = 'live'") > 0 ? true : null);

        // a broken edit is refused with its key named; the tenant keeps running as it was
        home.write("config/tenants/live.properties", file + "harvest.user-id = nobody\n");
        Thread.sleep(2_500);
        assertTrue(LOG.text().contains("Key 'harvest.user-id' in"), "the bad key is named");
        assertEquals(202, api("POST", "/api/streams/live/candidates/sync", null).status());

        java.nio.file.Files.delete(dir.resolve("config/tenants/live.properties"));
        eventually(() -> api("GET", "/api/tenants/live", null).status() == 404 ? true : null);
        assertEquals(404, api("POST", "/api/streams/live/candidates/sync", null).status());
        assertTrue(count("select count(*) from gh_candidates where tenant = 'live'") > 0, "its rows stay");
    }

    @Test
    @Order(8)
    void theCommandLineConnectsListsAndRemovesThroughTheApi() throws Exception {
        Path body = dir.resolve("cli-connection.json");
        java.nio.file.Files.writeString(body, partner("cli-made").toString());
        CliRun added = cli("add", "--body", body.toString());
        assertEquals(0, added.exit(), added.err());
        assertTrue(added.out().contains("\"status\" : \"active\""), added.out());
        CliRun listed = cli("list", "--search", "cli-");
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains("cli-made") && listed.out().contains("active"), listed.out());

        ObjectNode wrong = partner("cli-wrong");
        ((ObjectNode) wrong.get("ingestion")).put("api_key", "partner-not-a-key-at-all");
        java.nio.file.Files.writeString(body, wrong.toString());
        CliRun refused = cli("add", "--body", body.toString());
        assertEquals(1, refused.exit(), "a connection the check refuses exits 1: " + refused.out());
        assertTrue(refused.err().contains("Refused (422)"), refused.err());

        CliRun removed = cli("remove", "cli-made", "--purge");
        assertEquals(0, removed.exit(), removed.err());
        assertEquals(2, cli("show", "cli-made").exit(), "an unknown tenant exits 2");
    }

    record CliRun(int exit, String out, String err) {
    }

    static CliRun cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new TenantsCommand());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--url";
        all[args.length + 1] = home.apiUrl();
        int exit = cli.execute(all);
        return new CliRun(exit, out.toString(), err.toString());
    }

    // ---------------------------------------------------------------------------------------- secrets

    @Test
    @Order(99)
    void noSecretIsInTheLogsTheMetricsTheAnswersOrTheDatabaseInClear() throws Exception {
        assertTrue(SECRETS.size() >= 5);
        String logs = LOG.text();
        assertTrue(logs.contains("Connection gem created"), "the log was captured");
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        StringBuilder answers = new StringBuilder();
        for (String id : List.of("planted", "gem", "revoked", "filed")) {
            answers.append(api("GET", "/api/tenants/" + id, null).body());
        }
        answers.append(api("GET", "/api/tenants", null).body());
        answers.append(api("GET", "/api/dead-letters?status=all", null).body());
        StringBuilder database = new StringBuilder();
        try (Connection c = db.getConnection();
                PreparedStatement tables = c.prepareStatement("select table_name from information_schema.tables "
                        + "where table_schema = current_schema() and table_type = 'BASE TABLE'");
                ResultSet rs = tables.executeQuery()) {
            while (rs.next()) {
                try (PreparedStatement all = c.prepareStatement("select t::text from \"" + rs.getString(1) + "\" t");
                        ResultSet rows = all.executeQuery()) {
                    while (rows.next()) {
                        database.append(rows.getString(1)).append('\n');
                    }
                }
            }
        }
        assertTrue(database.indexOf("harvest.client_secret") >= 0, "the sealed secrets were read");
        for (String secret : SECRETS) {
            assertFalse(logs.contains(secret), "a secret is in the log");
            assertFalse(metrics.contains(secret), "a secret is in the metrics");
            assertFalse(answers.toString().contains(secret), "a secret is in an answer");
            assertFalse(database.toString().contains(secret), "a secret is in the database in clear");
            String hex = "\\\\x" + java.util.HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            assertFalse(database.toString().contains(hex.substring(3)), "a secret is in the database as bytes");
        }
    }

    // ---------------------------------------------------------------------------------------- helpers

    static ObjectNode partner(String id) {
        SandboxCredentials c = sandbox.credentials();
        ObjectNode body = JSON.createObjectNode().put("id", id).put("name", "Partner " + id);
        body.putObject("ingestion").put("api_key", c.partnerApiKey()).put("user_email", c.partnerUserEmail())
                .put("base_url", c.baseUrl());
        body.putObject("job_board").put("token", c.jobBoardToken()).put("base_url", c.baseUrl());
        return body;
    }

    static ObjectNode harvest(String id, ClientCredentials client) {
        SandboxCredentials c = sandbox.credentials();
        ObjectNode body = JSON.createObjectNode().put("id", id);
        body.putObject("harvest").put("client_id", client.clientId()).put("client_secret", client.clientSecret())
                .put("user_id", c.siteAdminUserId()).put("base_url", c.baseUrl()).put("token_url", c.tokenUrl());
        return body;
    }

    static void assertField(String body, String field) throws Exception {
        HttpCalls.Answer a = api("POST", "/api/tenants", body);
        assertEquals(400, a.status(), body + " -> " + a.body());
        assertTrue(a.json().get("error").asText().startsWith("Field '" + field + "'"), body + " -> " + a.body());
    }

    static HttpCalls.Answer api(String method, String path, String body) throws Exception {
        return HttpCalls.json(method, home.apiUrl() + path, body);
    }

    static <T> T eventually(Callable<T> probe) throws Exception {
        return Await.until(probe);
    }

    /** The first column of the first row; 0 when none, or when the stream has not created its table yet. */
    static long count(String sql) throws Exception {
        return Rows.count(db, sql);
    }

    static long firstId(String sql) throws Exception {
        long id = count(sql);
        assertNotNull(id);
        assertTrue(id > 0, sql);
        return id;
    }
}
