package dev.trellis.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.Await;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.LogCapture;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import dev.trellis.sandbox.ClientCredentials;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import dev.trellis.sandbox.WebhookEmitter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greenhouse webhooks in, against the sandbox (real signatures, over HTTP) and embedded PostgreSQL. */
class WebhooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_CANDIDATE = 10_000_001L;
    private static final List<String> STREAMS = List.of("candidates", "applications", "jobs", "job_posts",
            "interviews", "application_stages");
    private static final Map<String, Resource> RESOURCES = Map.of("candidates", Resource.CANDIDATES,
            "applications", Resource.APPLICATIONS, "jobs", Resource.JOBS, "job_posts", Resource.JOB_POSTS);

    @TempDir
    Path dir;
    Sandbox sandbox;
    TestHome home;
    Hub hub;
    String secret;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(7).candidates(200).rateLimit(0)
                .webhookRetryDelays(List.of(Duration.ofMillis(100), Duration.ofMillis(200))).build());
        secret = sandbox.credentials().webhookSecret();
        System.setProperty("WEBHOOKS_TEST_SECRET", secret);
        StringBuilder yaml = new StringBuilder();
        for (String s : STREAMS) {
            yaml.append("""
                    - templatedRoute:
                        routeTemplateRef: harvest-stream
                        routeId: stream-%s
                        parameters:
                          - {name: stream, value: "%s"}
                          - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                    """.formatted(s, s));
        }
        home = new TestHome(dir).sandboxTenant("acme", sandbox).route("streams.camel.yaml", yaml.toString())
                .property("trellis.webhooks.poll-ms", "100");
        home.write("config/tenants/acme.properties", java.nio.file.Files.readString(
                dir.resolve("config/tenants/acme.properties")) + "webhooks.secret = env:WEBHOOKS_TEST_SECRET\n");
        home.sandboxTenant("plain", sandbox); // a tenant without a webhook secret
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        sandbox.close();
    }

    private String url(String tenant) {
        return home.apiUrl() + "/webhooks/greenhouse/" + tenant;
    }

    private DataSource db() {
        return hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    private void syncAll() {
        for (String s : STREAMS) {
            Exchange done = RouteInvoker.invoke(hub.context(), "stream-" + s,
                    ex -> ex.getIn().setHeader(HubHeaders.TENANT, "acme"));
            assertFalse(done.isFailed(), String.valueOf(done.getException()));
        }
    }

    private HttpCalls.Answer post(String tenant, String body, String signature, String eventId) throws Exception {
        return eventId == null
                ? HttpCalls.json("POST", url(tenant), body, "Signature", signature)
                : HttpCalls.json("POST", url(tenant), body, "Signature", signature, "Greenhouse-Event-ID", eventId);
    }

    private HttpCalls.Answer signed(String body, String eventId) throws Exception {
        return post("acme", body, WebhookEmitter.signature(secret, body.getBytes(StandardCharsets.UTF_8)), eventId);
    }

    private long deliveries() throws Exception {
        return Rows.count(db(), "select count(*) from webhook_delivery");
    }

    private JsonNode row(String table, long id) throws Exception {
        try (Connection c = db().getConnection(); PreparedStatement ps = c.prepareStatement(
                "select raw::text, deleted_at is not null from " + table + " where tenant = 'acme' and id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                JsonNode raw = JSON.readTree(rs.getString(1));
                return rs.getBoolean(2) ? JSON.createObjectNode().put("deleted", true) : raw;
            }
        }
    }

    /** As read back from JSON text (the sandbox holds ids as longs, a parser gives ints where they fit). */
    private static JsonNode normal(JsonNode node) throws Exception {
        return node == null ? null : JSON.readTree(node.toString());
    }

    @Test
    void churnWithWebhooksOnGivesTheTablesTheTruthWithoutPolling() throws Exception {
        hub = home.start();
        syncAll();
        sandbox.webhooks().addTarget(url("acme"));
        // the target is pinged when added, as Greenhouse does: the hub answers it 200
        Await.until(() -> sandbox.webhooks().deliveries().stream()
                .anyMatch(d -> d.action().equals("ping") && d.state().equals("delivered")) ? true : null);
        List<String> changes = new java.util.ArrayList<>(sandbox.churn(60));
        // the churn is random: go on until it deleted a candidate, the case this test is about
        for (int i = 0; i < 30 && changes.stream().noneMatch(c -> c.startsWith("delete_candidate")); i++) {
            changes.addAll(sandbox.churn(5));
        }
        long interview = sandbox.state().deleted(Resource.INTERVIEWS).isEmpty() ? -1
                : sandbox.state().deleted(Resource.INTERVIEWS).get(0);
        Await.until(() -> sandbox.webhooks().deliveries().stream().allMatch(d -> d.state().equals("delivered"))
                ? true : null);
        Await.until(() -> Rows.count(db(), "select count(*) from webhook_delivery where state = 'pending'") == 0
                ? true : null);
        assertEquals(0, Rows.count(db(), "select count(*) from webhook_delivery where state <> 'done'"));
        long stored = sandbox.webhooks().deliveries().stream().filter(d -> !d.action().equals("ping")).count();
        assertEquals(stored, deliveries(), "one row per delivery: " + changes);

        // every record the churn touched, in every table kept from webhooks, is Greenhouse's v3 record or deleted
        int checked = 0;
        for (var e : RESOURCES.entrySet()) {
            try (Connection c = db().getConnection(); PreparedStatement ps = c.prepareStatement(
                    "select id from gh_" + e.getKey() + " where tenant = 'acme'"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    JsonNode truth = normal(sandbox.record(e.getValue(), id));
                    JsonNode kept = row("gh_" + e.getKey(), id);
                    if (truth == null) {
                        assertEquals(JSON.createObjectNode().put("deleted", true), kept, e.getKey() + " " + id);
                    } else {
                        assertEquals(truth, kept, e.getKey() + " " + id);
                    }
                    checked++;
                }
            }
            for (JsonNode created : sandbox.created(e.getValue())) {
                assertNotNull(row("gh_" + e.getKey(), created.get("id").asLong()), "created " + e.getKey());
            }
        }
        assertTrue(checked > 400, "rows checked: " + checked);
        assertTrue(changes.stream().anyMatch(c -> c.startsWith("delete_candidate")), changes.toString());
        assertTrue(changes.stream().anyMatch(c -> c.startsWith("update_candidate")), changes.toString());
        if (interview > 0) {
            assertEquals(JSON.createObjectNode().put("deleted", true), row("gh_interviews", interview));
        }
        // deletions are applied at once (no Greenhouse call), re-reads after one
        assertTrue(Rows.count(db(), "select count(*) from webhook_delivery where kind = 'delete' "
                + "and processed_at - received_at > interval '5 seconds'") == 0);
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.contains("trellis_webhook_deliveries_total{action=\"delete_candidate\",outcome=\"applied\""),
                metrics.lines().filter(l -> l.startsWith("trellis_webhook")).toList().toString());
        assertTrue(metrics.contains("trellis_webhook_delay_seconds"), "delay metric");
    }

    @Test
    void theReceiverRefusesBadSignaturesAndBodiesAndTakesReplaysPingsAndUnknownActions() throws Exception {
        // the API token guards /api, not this path: the signature does
        home.property("camel.server.max-body-size", "16384");
        System.setProperty("TRELLIS_API_TOKEN", "webhooks-test-token");
        try {
            hub = home.start();
        } finally {
            System.clearProperty("TRELLIS_API_TOKEN");
        }
        String body = "{\"action\":\"update_candidate\",\"payload\":{\"candidate\":{\"id\":"
                + (FIRST_CANDIDATE) + "}}}";
        String good = WebhookEmitter.signature(secret, body.getBytes(StandardCharsets.UTF_8));
        String event = UUID.randomUUID().toString();
        try (LogCapture logs = LogCapture.start()) {
            // a wrong signature, an unknown tenant and a tenant without a secret answer alike, and store nothing
            HttpCalls.Answer wrong = post("acme", body, WebhookEmitter.signature("not-the-secret",
                    body.getBytes(StandardCharsets.UTF_8)), event);
            HttpCalls.Answer unknown = post("nobody", body, good, event);
            HttpCalls.Answer noSecret = post("plain", body, good, event);
            HttpCalls.Answer missing = HttpCalls.json("POST", url("acme"), body, "Greenhouse-Event-ID", event);
            for (HttpCalls.Answer a : List.of(wrong, unknown, noSecret, missing)) {
                assertEquals(401, a.status(), a.body());
                assertEquals(wrong.body(), a.body());
            }
            assertEquals(0, deliveries());
            assertFalse(logs.text().contains(secret), "the secret is never logged");
        }
        HttpCalls.Answer first = signed(body, event);
        assertEquals(200, first.status(), first.body());
        assertEquals("stored", first.json().get("status").asText());
        HttpCalls.Answer replay = signed(body, event);
        assertEquals(200, replay.status(), replay.body());
        assertEquals("duplicate", replay.json().get("status").asText());
        assertEquals(1, deliveries());

        HttpCalls.Answer ping = signed("{\"action\":\"ping\",\"payload\":{\"web_hook_id\":1}}", null);
        assertEquals(200, ping.status(), ping.body());
        assertEquals("pong", ping.json().get("status").asText());
        assertEquals(1, deliveries(), "a ping is answered, not stored");

        HttpCalls.Answer odd = signed("{\"action\":\"candidate_teleported\",\"payload\":{\"candidate_id\":5}}",
                UUID.randomUUID().toString());
        assertEquals(200, odd.status(), odd.body());
        assertEquals("unknown", odd.json().get("status").asText());
        assertEquals(1, Rows.count(db(), "select count(*) from webhook_delivery where action = 'candidate_teleported' "
                + "and state = 'done'"));

        Map<String, String> bad = new HashMap<>();
        bad.put("not json", "The body is not JSON");
        bad.put("[1]", "The body must be a JSON object");
        bad.put("{\"payload\":{}}", "Field 'action'");
        bad.put("{\"action\":\"delete_candidate\"}", "Field 'payload'");
        bad.put("{\"action\":\"delete_candidate\",\"payload\":{\"person\":{}}}", "Field 'payload.person.id'");
        bad.put("{\"action\":\"delete_candidate\",\"payload\":{\"person\":{\"id\":1,\"deleted_application_ids\":"
                + "[\"x\"]}}}", "Field 'payload.person.deleted_application_ids[]'");
        for (var e : bad.entrySet()) {
            HttpCalls.Answer a = signed(e.getKey(), UUID.randomUUID().toString());
            assertEquals(400, a.status(), e.getKey() + " → " + a.body());
            assertTrue(a.error().startsWith(e.getValue()), e.getKey() + " → " + a.body());
        }
        String large = "{\"action\":\"update_candidate\",\"payload\":{\"candidate\":{\"id\":1,\"notes\":\""
                + "x".repeat(20_000) + "\"}}}";
        HttpCalls.Answer tooLarge = signed(large, UUID.randomUUID().toString());
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertTrue(tooLarge.error().contains("camel.server.max-body-size"), tooLarge.body());
        // valid JSON that PostgreSQL's jsonb would refuse: the body is kept as received
        HttpCalls.Answer nul = signed("{\"action\":\"job_updated\",\"payload\":{\"job\":{\"id\":2000001,"
                + "\"notes\":\"a\\u0000b\"}}}", UUID.randomUUID().toString());
        assertEquals(200, nul.status(), nul.body());
        HttpCalls.Answer noId = signed(body, null);
        assertEquals(400, noId.status(), noId.body());
        assertTrue(noId.error().startsWith("Header 'Greenhouse-Event-ID'"), noId.body());
        assertEquals(3, deliveries());

        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.contains("trellis_webhook_signature_failures_total{tenant=\"acme\"} 2.0"),
                metrics.lines().filter(l -> l.startsWith("trellis_webhook")).toList().toString());
        assertTrue(metrics.contains("trellis_webhook_signature_failures_total{tenant=\"unknown\"} 2.0"));
        assertTrue(metrics.contains("action=\"other\",outcome=\"unknown\""));
        assertTrue(metrics.contains("action=\"update_candidate\",outcome=\"duplicate\""));
    }

    @Test
    void aDeliveryStoredBeforeTheAnswerSurvivesAStopBeforeItsProcessing() throws Exception {
        // no re-read threads: the update is stored and answered, and waits
        home.property("trellis.webhooks.read-threads", "0");
        hub = home.start();
        syncAll();
        long id = FIRST_CANDIDATE + 4;
        JsonNode before = row("gh_candidates", id);
        sandbox.webhooks().addTarget(url("acme"));
        sandbox.touch(Resource.CANDIDATES, id);
        JsonNode truth = normal(sandbox.record(Resource.CANDIDATES, id));
        assertFalse(truth.equals(before));
        Await.until(() -> sandbox.webhooks().deliveries().stream()
                .anyMatch(d -> d.action().equals("update_candidate") && d.state().equals("delivered")) ? true : null);
        assertEquals(1, Rows.count(db(), "select count(*) from webhook_delivery where state = 'pending'"));
        hub.stop();
        hub = null;

        home.property("trellis.webhooks.read-threads", "1");
        hub = home.start();
        Await.until(() -> truth.equals(row("gh_candidates", id)) ? true : null);
        assertEquals(0, Rows.count(db(), "select count(*) from webhook_delivery where state = 'pending'"));
    }

    @Test
    void mergeAndAnonymisationAreHandledAsTheirNamesSay() throws Exception {
        hub = home.start();
        syncAll();
        long loser = FIRST_CANDIDATE + 10;
        long winner = FIRST_CANDIDATE + 11;
        long anonymised = FIRST_CANDIDATE + 12;
        // changed in Greenhouse without a webhook (no target yet): only the messages below can bring them in
        sandbox.touch(Resource.CANDIDATES, winner);
        sandbox.touch(Resource.CANDIDATES, anonymised);
        JsonNode winnerTruth = normal(sandbox.record(Resource.CANDIDATES, winner));
        JsonNode anonymisedTruth = normal(sandbox.record(Resource.CANDIDATES, anonymised));
        assertFalse(winnerTruth.equals(row("gh_candidates", winner)));
        long applicationReads = sandbox.state().requests("GET /v3/applications 200");
        assertEquals(200, signed("{\"action\":\"merge_candidate\",\"payload\":{\"person\":{\"id\":" + loser
                + ",\"first_name\":\"A\",\"new_candidate_id\":" + winner + "}}}", UUID.randomUUID().toString()).status());
        assertEquals(200, signed("{\"action\":\"candidate_anonymized\",\"payload\":{\"candidate_id\":" + anonymised
                + ",\"anonymized_fields\":[\"full_name\"]}}", UUID.randomUUID().toString()).status());
        Await.until(() -> Rows.count(db(), "select count(*) from webhook_delivery where state = 'done'") == 2 ? true
                : null);
        assertEquals(JSON.createObjectNode().put("deleted", true), row("gh_candidates", loser));
        assertEquals(winnerTruth, row("gh_candidates", winner));
        assertEquals(anonymisedTruth, row("gh_candidates", anonymised));
        // the winner's applications were read by candidate_ids: Greenhouse's current records
        assertEquals(applicationReads + 2, sandbox.state().requests("GET /v3/applications 200"),
                "the winner's and the anonymised candidate's applications, by candidate_ids");
    }

    @Test
    void aDeletionAppliedWhileARereadOfTheRecordIsUnderWayStays() throws Exception {
        hub = home.start();
        syncAll();
        long id = FIRST_CANDIDATE + 20;
        // every Harvest answer now takes 2 s: the re-read below is under way when the deletion arrives
        sandbox.faults().latency(Duration.ofSeconds(2));
        assertEquals(200, signed("{\"action\":\"update_candidate\",\"payload\":{\"candidate\":{\"id\":" + id + "}}}",
                UUID.randomUUID().toString()).status());
        Thread.sleep(300);
        assertEquals(200, signed("{\"action\":\"delete_candidate\",\"payload\":{\"person\":{\"id\":" + id
                + ",\"deleted_application_ids\":[]}}}", UUID.randomUUID().toString()).status());
        Await.until(() -> Rows.count(db(), "select count(*) from webhook_delivery where state = 'done'") == 2 ? true
                : null);
        sandbox.faults().clear();
        // the re-read saw the candidate before Greenhouse deleted it: the newer deletion stands
        assertEquals(JSON.createObjectNode().put("deleted", true), row("gh_candidates", id));
        assertTrue(Rows.count(db(), "select count(*) from webhook_delivery where action = 'update_candidate' and "
                + "processed_at > (select processed_at from webhook_delivery where action = 'delete_candidate')") == 1,
                "the re-read finished after the deletion was applied");
    }

    @Test
    void aRereadGreenhouseRefusesIsRetriedThenLeftToThePollingStreams() throws Exception {
        ClientCredentials blind = sandbox.createClient(Scopes.allExcept(Resource.CANDIDATES.listScope()));
        home.sandboxTenant("blind", sandbox, blind.clientId(), blind.clientSecret(), "WEBHOOKS_TEST_BLIND");
        home.write("config/tenants/blind.properties", java.nio.file.Files.readString(
                dir.resolve("config/tenants/blind.properties")) + "webhooks.secret = env:WEBHOOKS_TEST_SECRET\n");
        home.property("trellis.webhooks.max-attempts", "2").property("trellis.webhooks.backoff-ms", "50");
        hub = home.start();
        String body = "{\"action\":\"update_candidate\",\"payload\":{\"candidate\":{\"id\":" + FIRST_CANDIDATE + "}}}";
        HttpCalls.Answer a = post("blind", body, WebhookEmitter.signature(secret, body.getBytes(StandardCharsets.UTF_8)),
                UUID.randomUUID().toString());
        assertEquals(200, a.status(), a.body());
        Await.until(() -> Rows.count(db(), "select count(*) from webhook_delivery where state = 'failed' "
                + "and attempts = 2") == 1 ? true : null);
        try (Connection c = db().getConnection(); PreparedStatement ps = c.prepareStatement(
                "select error from webhook_delivery"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertTrue(rs.getString(1).contains(Resource.CANDIDATES.listScope()), rs.getString(1));
        }
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        assertTrue(metrics.contains("trellis_webhook_deliveries_total{action=\"update_candidate\",outcome=\"failed\","
                + "tenant=\"blind\"} 2.0"), metrics.lines().filter(l -> l.startsWith("trellis_webhook")).toList()
                .toString());
    }
}
