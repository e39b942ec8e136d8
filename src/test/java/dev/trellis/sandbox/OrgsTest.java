package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A sandbox serving several organisations: each credential reaches its own organisation and nothing else. */
class OrgsTest {
    static final long CANDIDATE = 10_000_001L;

    /** A webhook as a receiver saw it. */
    record Hook(String path, String signature, byte[] body) {
    }

    static Sandbox sb;
    static SandboxHttp http;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(42).orgs(3).candidates(100).rateLimit(0).build());
        http = new SandboxHttp(sb);
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    static String token(int org) {
        SandboxCredentials c = sb.credentials(org);
        return http.token(new ClientCredentials(c.clientId(), c.clientSecret(), Scopes.all()), c.siteAdminUserId());
    }

    static SandboxHttp.Answer partner(int keyOf, String method, String path, String body) {
        SandboxCredentials c = sb.credentials(keyOf);
        return http.send(http.request("/v1/partner/" + path)
                .header("Authorization", SandboxHttp.basic(c.partnerApiKey(), ""))
                .header("On-Behalf-Of", c.partnerUserEmail()).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void orgZeroKeepsTheCredentialsAndDataOfAOneOrgSandbox() throws Exception {
        SandboxCredentials zero = sb.credentials(0);
        assertEquals(zero, sb.credentials());
        // the values docs/sandbox.md prints for seed 42
        assertEquals("sandbox-a4de71b400", zero.clientId());
        assertEquals("b4a20292145978129149f83ecde014cc", zero.clientSecret());
        assertEquals("partner-efcd8f13e5a0cee4", zero.partnerApiKey());
        assertEquals("sandbox-c8ec4c", zero.jobBoardToken());
        assertEquals("board-c89d0a49ab3cd518", zero.jobBoardApiKey());
        assertEquals("whsec-ca1703156f7cda84", zero.webhookSecret());
        try (Sandbox one = Sandbox.start(SandboxSettings.builder().seed(42).candidates(100).build())) {
            assertEquals(1, one.orgs());
            assertEquals(one.record(Resource.CANDIDATES, CANDIDATE), sb.record(0, Resource.CANDIDATES, CANDIDATE));
            assertEquals(one.record(Resource.JOBS, 2_000_001L), sb.record(Resource.JOBS, 2_000_001L));
        }
    }

    @Test
    void orgIHasTheDataOfSeedPlusIAndCredentialsOfItsOwn() throws Exception {
        try (Sandbox seed44 = Sandbox.start(SandboxSettings.builder().seed(44).candidates(100).build())) {
            assertEquals(seed44.record(Resource.CANDIDATES, CANDIDATE), sb.record(2, Resource.CANDIDATES, CANDIDATE));
        }
        assertNotEquals(sb.record(0, Resource.CANDIDATES, CANDIDATE), sb.record(1, Resource.CANDIDATES, CANDIDATE));
        for (int i = 0; i < 3; i++) {
            SandboxCredentials c = sb.credentials(i);
            assertEquals(sb.baseUrl(), c.baseUrl());
            for (int j = 0; j < i; j++) {
                SandboxCredentials other = sb.credentials(j);
                assertNotEquals(other.clientId(), c.clientId());
                assertNotEquals(other.clientSecret(), c.clientSecret());
                assertNotEquals(other.partnerApiKey(), c.partnerApiKey());
                assertNotEquals(other.jobBoardToken(), c.jobBoardToken());
                assertNotEquals(other.jobBoardApiKey(), c.jobBoardApiKey());
                assertNotEquals(other.webhookSecret(), c.webhookSecret());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> sb.credentials(3));
        assertThrows(IllegalArgumentException.class, () -> SandboxSettings.builder().orgs(0));
    }

    @Test
    void harvestTokensSeeAndWriteOnlyTheirClientsOrg() {
        String zero = token(0);
        String one = token(1);
        JsonNode seenByOne = http.get(one, "/v3/candidates?ids=" + CANDIDATE).json().get(0);
        assertEquals(sb.record(1, Resource.CANDIDATES, CANDIDATE).toString(), seenByOne.toString());
        assertEquals(sb.record(0, Resource.CANDIDATES, CANDIDATE).toString(),
                http.get(zero, "/v3/candidates?ids=" + CANDIDATE).json().get(0).toString());

        SandboxHttp.Answer note = http.json("POST", one, "/v3/notes", "{\"candidate_id\":" + CANDIDATE
                + ",\"note_type\":\"NOTE\",\"visibility\":\"public\",\"body\":\"only in org 1\"}");
        assertEquals(201, note.status(), note.body());
        long noteId = note.json().get("id").asLong();
        assertEquals(1, http.get(one, "/v3/notes?ids=" + noteId).json().size());
        assertEquals(0, http.get(zero, "/v3/notes?ids=" + noteId).json().size(), "org 0 sees no note of org 1");
        assertTrue(sb.created(0, Resource.NOTES).isEmpty());
        assertNotNull(sb.record(1, Resource.NOTES, noteId));
        assertNull(sb.record(0, Resource.NOTES, noteId));

        // a cursor handed to org 0 is foreign to org 1, as another account's would be
        String next = http.get(zero, "/v3/candidates?per_page=10").next();
        assertNotNull(next);
        assertEquals(422, http.get(one, next).status());
        assertEquals(200, http.get(zero, next).status());
    }

    @Test
    void thePartnerKeySelectsTheOrgForCandidateIngestion() {
        long job = partner(2, "GET", "jobs", null).json().get(0).get("id").asLong();
        SandboxHttp.Answer created = partner(2, "POST", "candidates", "{\"first_name\":\"Ingrid\",\"last_name\":"
                + "\"Østby\",\"external_id\":\"org2-1\",\"prospect\":false,\"job_id\":" + job + "}");
        assertEquals(200, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertEquals("Ingrid", sb.record(2, Resource.CANDIDATES, id).get("first_name").asText());
        assertNull(sb.record(0, Resource.CANDIDATES, id), "org 0 did not get org 2's candidate");
        assertTrue(sb.created(1, Resource.CANDIDATES).isEmpty());
        assertEquals(1, partner(2, "GET", "candidates?candidate_ids=" + id, null).json().size());
        assertEquals(0, partner(0, "GET", "candidates?candidate_ids=" + id, null).json().size());
        assertEquals(0, http.get(token(0), "/v3/candidates?ids=" + id).json().size());
        assertEquals(1, http.get(token(2), "/v3/candidates?ids=" + id).json().size());
        SandboxHttp.Answer unknownKey = http.send(http.request("/v1/partner/current_user")
                .header("Authorization", SandboxHttp.basic("partner-not-a-key", ""))
                .header("On-Behalf-Of", sb.credentials(2).partnerUserEmail()).GET());
        assertEquals(401, unknownKey.status());
    }

    @Test
    void theBoardTokenSelectsTheOrgForTheJobBoard() {
        String base1 = "/v1/boards/" + sb.credentials(1).jobBoardToken();
        JsonNode jobs1 = http.send(http.request(base1 + "/jobs").GET()).json().get("jobs");
        JsonNode jobs0 = http.send(http.request("/v1/boards/" + sb.credentials(0).jobBoardToken() + "/jobs").GET())
                .json().get("jobs");
        assertNotEquals(jobs0, jobs1, "each board lists its own organisation's posts");
        long postId = jobs1.get(0).get("id").asLong();
        assertTrue(jobs1.get(0).get("absolute_url").asText().contains(sb.credentials(1).jobBoardToken()));
        String body = "{\"first_name\":\"Zoë\",\"last_name\":\"Ångström\",\"email\":\"zoe@example.org\"}";
        SandboxHttp.Answer otherOrgsKey = http.send(http.request(base1 + "/jobs/" + postId)
                .header("Authorization", SandboxHttp.basic(sb.credentials(0).jobBoardApiKey(), ""))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(401, otherOrgsKey.status());
        SandboxHttp.Answer ok = http.send(http.request(base1 + "/jobs/" + postId)
                .header("Authorization", SandboxHttp.basic(sb.credentials(1).jobBoardApiKey(), ""))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, ok.status(), ok.body());
        assertTrue(sb.created(1, Resource.CANDIDATES).stream()
                .anyMatch(c -> c.get("first_name").asText().equals("Zoë")));
        assertTrue(sb.created(0, Resource.CANDIDATES).stream()
                .noneMatch(c -> c.get("first_name").asText().equals("Zoë")));
    }

    @Test
    void eachOrgCredentialHasItsOwnRateWindow() throws Exception {
        try (Sandbox limited = Sandbox.start(SandboxSettings.builder().orgs(2).candidates(20).rateLimit(3).build())) {
            SandboxHttp h = new SandboxHttp(limited);
            String[] tokens = new String[2];
            for (int i = 0; i < 2; i++) {
                SandboxCredentials c = limited.credentials(i);
                tokens[i] = h.token(new ClientCredentials(c.clientId(), c.clientSecret(), Scopes.all()),
                        c.siteAdminUserId());
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(200, h.get(tokens[0], "/v3/users").status());
            }
            assertEquals(429, h.get(tokens[0], "/v3/users").status());
            SandboxHttp.Answer other = h.get(tokens[1], "/v3/users");
            assertEquals(200, other.status(), "org 1's window is its own");
            assertEquals("2", other.header("X-RateLimit-Remaining"));
        }
    }

    @Test
    void controlListsTheOrgsWithTheirCredentials() {
        SandboxHttp.Answer all = http.send(http.request("/_sandbox/orgs").GET());
        assertEquals(200, all.status());
        assertEquals(3, all.json().size());
        for (int i = 0; i < 3; i++) {
            JsonNode o = all.json().get(i);
            SandboxCredentials c = sb.credentials(i);
            assertEquals(i, o.get("org").asInt());
            assertEquals(42 + i, o.get("seed").asLong());
            assertEquals(c.clientId(), o.get("client_id").asText());
            assertEquals(c.clientSecret(), o.get("client_secret").asText());
            assertEquals(c.siteAdminUserId(), o.get("site_admin_user_id").asLong());
            assertEquals(c.partnerApiKey(), o.get("partner_api_key").asText());
            assertEquals(c.partnerUserEmail(), o.get("partner_user_email").asText());
            assertEquals(c.jobBoardToken(), o.get("job_board_token").asText());
            assertEquals(c.jobBoardBaseUrl(), o.get("job_board_base_url").asText());
            assertEquals(c.webhookSecret(), o.get("webhook_secret").asText());
        }
        assertEquals(all.json().get(2), http.send(http.request("/_sandbox/orgs/2").GET()).json());
        SandboxHttp.Answer outside = http.send(http.request("/_sandbox/orgs/3").GET());
        assertEquals(422, outside.status());
        assertTrue(outside.body().contains("org must be between 0 and 2"), outside.body());
        assertEquals(3, http.send(http.request("/_sandbox/info").GET()).json().get("orgs").asInt());
    }

    @Test
    void clientsWithChosenScopesAreCreatedForAChosenOrg() {
        SandboxHttp.Answer made = http.json("POST", null, "/_sandbox/credentials",
                "{\"org\":2,\"scopes\":[\"harvest:candidates:list\"]}");
        assertEquals(201, made.status(), made.body());
        assertEquals(2, made.json().get("org").asInt());
        ClientCredentials c = new ClientCredentials(made.json().get("client_id").asText(),
                made.json().get("client_secret").asText(), Set.of("harvest:candidates:list"));
        String token = http.token(c, sb.credentials(2).siteAdminUserId());
        assertEquals(sb.record(2, Resource.CANDIDATES, CANDIDATE).toString(),
                http.get(token, "/v3/candidates?ids=" + CANDIDATE).json().get(0).toString());
        assertEquals(403, http.get(token, "/v3/jobs").status());

        SandboxHttp.Answer byDefault = http.json("POST", null, "/_sandbox/credentials", "{\"scopes\":[]}");
        assertEquals(0, byDefault.json().get("org").asInt());
        for (String bad : List.of("{\"org\":3,\"scopes\":[]}", "{\"org\":-1,\"scopes\":[]}",
                "{\"org\":\"one\",\"scopes\":[]}", "{\"org\":1.5,\"scopes\":[]}")) {
            SandboxHttp.Answer refused = http.json("POST", null, "/_sandbox/credentials", bad);
            assertEquals(422, refused.status(), bad);
            assertTrue(refused.body().contains("org must be"), refused.body());
        }

        ClientCredentials fromJava = sb.createClient(1, Scopes.allExcept(Scopes.NOTES_CREATE));
        String javaToken = http.token(fromJava, sb.credentials(1).siteAdminUserId());
        assertEquals(sb.record(1, Resource.CANDIDATES, CANDIDATE).toString(),
                http.get(javaToken, "/v3/candidates?ids=" + CANDIDATE).json().get(0).toString());
    }

    @Test
    void controlCallsActOnTheOrgAsked() {
        long victim = CANDIDATE + 4;
        SandboxHttp.Answer deleted = http.send(http.request("/_sandbox/records/candidates/" + victim + "?org=1")
                .DELETE());
        assertEquals(200, deleted.status(), deleted.body());
        assertNull(sb.record(1, Resource.CANDIDATES, victim));
        assertNotNull(sb.record(0, Resource.CANDIDATES, victim));
        assertEquals("[" + victim + "]", http.send(http.request("/_sandbox/deleted/candidates?org=1").GET()).body());
        assertEquals("[]", http.send(http.request("/_sandbox/deleted/candidates").GET()).body());
        assertEquals(sb.state(1).count(Resource.CANDIDATES), http.send(http.request("/_sandbox/counts?org=1").GET())
                .json().get("candidates").asLong());
        assertEquals(422, http.send(http.request("/_sandbox/counts?org=9").GET()).status());
        assertEquals(422, http.send(http.request("/_sandbox/counts?org=x").GET()).status());
    }

    @Test
    void webhookUrlsWithAnOrgPlaceholderServeEveryOrgSignedWithItsSecret() throws Exception {
        List<Hook> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            received.add(new Hook(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Signature"),
                    ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String root = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try (Sandbox hooks = Sandbox.start(SandboxSettings.builder().seed(42).orgs(3).candidates(20)
                .webhookUrl(root + "/plain").webhookUrl(root + "/hooks/org-{org}").build())) {
            assertEquals(List.of(root + "/plain", root + "/hooks/org-0"), hooks.webhooks().targets());
            assertEquals(List.of(root + "/hooks/org-2"), hooks.webhooks(2).targets());
            assertEquals(hooks.credentials(2).webhookSecret(), hooks.webhooks(2).secret());
            assertNotNull(hooks.touch(2, Resource.CANDIDATES, CANDIDATE));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertEquals(1, received.size(), "only org 2's URL got org 2's change");
            Hook seen = received.get(0);
            assertEquals("/hooks/org-2", seen.path());
            assertEquals(WebhookEmitter.signature(hooks.credentials(2).webhookSecret(), seen.body()), seen.signature(),
                    "signed with org 2's secret");

            SandboxHttp h = new SandboxHttp(hooks);
            assertEquals(200, h.json("POST", null, "/_sandbox/webhooks?org=1", "{\"url\":\"" + root + "/one\"}")
                    .status());
            assertEquals(List.of(root + "/hooks/org-1", root + "/one"), hooks.webhooks(1).targets());
            assertEquals(2, hooks.webhooks(0).targets().size());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void churnChangesEveryOrg() throws Exception {
        try (Sandbox churning = Sandbox.start(SandboxSettings.builder().orgs(3).candidates(50)
                .churnPerMinute(6_000).build())) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            Set<Integer> changed = new HashSet<>();
            while (changed.size() < 3 && System.nanoTime() < deadline) {
                for (int i = 0; i < 3; i++) {
                    SandboxState s = churning.state(i);
                    if (s.count(Resource.CANDIDATES) != 50 || !s.deleted(Resource.CANDIDATES).isEmpty()) {
                        changed.add(i);
                    }
                }
                Thread.sleep(20);
            }
            assertEquals(Set.of(0, 1, 2), changed, "every organisation churns");
        }
    }

    @Test
    void twoHundredOrgsEachAnswerWithTheirOwnRecords() throws Exception {
        try (Sandbox many = Sandbox.start(SandboxSettings.builder().orgs(200).candidates(10).rateLimit(0)
                .tokenRateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(many);
            Set<String> boards = new HashSet<>();
            for (int i : IntStream.range(0, 200).toArray()) {
                SandboxCredentials c = many.credentials(i);
                boards.add(c.jobBoardToken());
                String token = h.token(new ClientCredentials(c.clientId(), c.clientSecret(), Scopes.all()),
                        c.siteAdminUserId());
                assertEquals(many.record(i, Resource.CANDIDATES, CANDIDATE).toString(),
                        h.get(token, "/v3/candidates?ids=" + CANDIDATE).json().get(0).toString(), "org " + i);
            }
            assertEquals(200, boards.size(), "board tokens are unique");
        }
    }
}
