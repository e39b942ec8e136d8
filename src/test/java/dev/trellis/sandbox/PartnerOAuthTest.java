package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The partner side of OAuth authorization code, over HTTP: consent, codes, rotating refresh tokens, faults. */
class PartnerOAuthTest {
    static final String REDIRECT = "https://vendor.example.com/connect/greenhouse/callback";
    static final long SITE_ADMIN = 100_001L;
    static final long NON_ADMIN = 100_002L;
    static final long PARTNER_USER = 100_004L;

    static Sandbox sb;
    static SandboxHttp http;
    static PartnerApp app;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(42).orgs(2).candidates(100).rateLimit(0).tokenRateLimit(2)
                .build());
        http = new SandboxHttp(sb);
        app = sb.createPartnerApp(REDIRECT, Scopes.partnerAll());
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    @AfterEach
    void clearFaults() {
        sb.faults().clear();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    static String authorizeQuery(PartnerApp a, String redirectUri, String state) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", a.clientId());
        q.put("redirect_uri", redirectUri);
        q.put("response_type", "code");
        q.put("state", state);
        return SandboxHttp.query(q);
    }

    static SandboxHttp.Answer form(String path, Map<String, String> fields) {
        return http.send(http.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(SandboxHttp.query(fields).substring(1))));
    }

    /** The consent form's POST, as the page's Approve button sends it. */
    static SandboxHttp.Answer decide(String path, PartnerApp a, String decision, int org, long user) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("client_id", a.clientId());
        f.put("redirect_uri", a.redirectUri());
        f.put("response_type", "code");
        f.put("state", "st-" + decision);
        f.put("org", Integer.toString(org));
        f.put("user_id", Long.toString(user));
        f.put("decision", decision);
        return form(path, f);
    }

    static Map<String, String> redirectParams(SandboxHttp.Answer a) {
        assertEquals(302, a.status(), a.body());
        String location = a.header("Location");
        assertTrue(location.startsWith(REDIRECT + "?") || location.startsWith("https://"), location);
        return SandboxRequest.parseQuery(URI.create(location).getRawQuery());
    }

    static String code(PartnerApp a, int org, long user) {
        Map<String, String> p = redirectParams(decide("/authorize", a, "approve", org, user));
        assertEquals("st-approve", p.get("state"));
        return p.get("code");
    }

    static SandboxHttp.Answer token(String path, PartnerApp a, String form) {
        return http.send(http.request(path).header("Authorization", SandboxHttp.basic(a.clientId(), a.clientSecret()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    static SandboxHttp.Answer exchange(PartnerApp a, String code) {
        return token("/token", a, "grant_type=authorization_code&code=" + code + "&redirect_uri="
                + SandboxHttp.enc(a.redirectUri()));
    }

    static SandboxHttp.Answer refresh(PartnerApp a, String refreshToken) {
        return token("/token", a, "grant_type=refresh_token&refresh_token=" + refreshToken);
    }

    /** A fresh connection: code for the Site Admin of org 0, exchanged; returns the token answer. */
    static JsonNode connect() {
        SandboxHttp.Answer a = exchange(app, code(app, 0, SITE_ADMIN));
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    static void assertInvalidGrant(SandboxHttp.Answer a) {
        assertEquals(400, a.status(), a.body());
        assertEquals("invalid_grant", a.json().get("error").asText(), a.body());
    }

    // ---- authorize -------------------------------------------------------------------------------------------------

    @Test
    void authorizePageNamesTheAppItsScopesTheOrganisationsAndTheUsers() {
        SandboxHttp.Answer a = http.send(http.request("/authorize" + authorizeQuery(app, REDIRECT, "s1")).GET());
        assertEquals(200, a.status());
        assertTrue(a.header("Content-Type").startsWith("text/html"), a.header("Content-Type"));
        String page = a.body();
        assertTrue(page.contains("<html lang=\"en\">") && page.contains(app.clientId()), page);
        for (String scope : Scopes.all()) {
            assertTrue(page.contains("<li>" + scope + "</li>"), scope);
        }
        assertFalse(page.contains("<li>candidates.create</li>"), "Harvest consent lists Harvest scopes only");
        assertTrue(page.contains("<label for=\"org\">") && page.contains("<option value=\"1\">Organisation 1"), page);
        assertTrue(page.contains("<label for=\"user_id\">"), page);
        int admin = page.indexOf("<option value=\"" + SITE_ADMIN + "\">");
        assertTrue(admin > 0 && admin < page.indexOf("<option value=\"" + NON_ADMIN + "\">"), "Site Admin first");
        assertTrue(page.contains("value=\"approve\">Approve</button>") && page.contains("value=\"deny\">Deny</button>"));
        assertTrue(page.contains("<form method=\"post\" action=\"/authorize\">"), page);
        assertTrue(page.contains("name=\"state\" value=\"s1\""), page);
    }

    @Test
    void anUnregisteredRedirectUriOrClientGetsAnErrorPageAndNoRedirect() {
        SandboxHttp.Answer bad = http.send(http.request("/authorize"
                + authorizeQuery(app, "https://evil.example.com/cb", "s")).GET());
        assertEquals(400, bad.status());
        assertNull(bad.header("Location"));
        assertTrue(bad.body().contains("redirect_uri https://evil.example.com/cb is not the one registered"),
                bad.body());
        PartnerApp ghost = new PartnerApp("nobody", "x", REDIRECT, Set.of("jobs.view"));
        SandboxHttp.Answer unknown = http.send(http.request("/authorize" + authorizeQuery(ghost, REDIRECT, "s")).GET());
        assertEquals(400, unknown.status());
        assertNull(unknown.header("Location"));
        assertTrue(unknown.body().contains("client_id nobody is not a registered partner app"), unknown.body());
        // the form POST checks the same
        PartnerApp wrongUri = new PartnerApp(app.clientId(), app.clientSecret(), "https://evil.example.com/cb",
                app.scopes());
        SandboxHttp.Answer posted = decide("/authorize", wrongUri, "approve", 0, SITE_ADMIN);
        assertEquals(400, posted.status());
        assertNull(posted.header("Location"));
    }

    @Test
    void aBadResponseTypeOrAScopeTheAppLacksIsSentBackToTheApp() {
        SandboxHttp.Answer token = http.send(http.request("/authorize?client_id=" + app.clientId() + "&redirect_uri="
                + SandboxHttp.enc(REDIRECT) + "&response_type=token&state=s").GET());
        Map<String, String> p = redirectParams(token);
        assertEquals("unsupported_response_type", p.get("error"));
        assertEquals("s", p.get("state"));
        PartnerApp narrow = sb.createPartnerApp(REDIRECT, Set.of("harvest:candidates:list"));
        SandboxHttp.Answer scope = http.send(http.request("/authorize" + authorizeQuery(narrow, REDIRECT, "s")
                + "&scope=" + SandboxHttp.enc("harvest:candidates:list harvest:users:list")).GET());
        assertEquals("invalid_scope", redirectParams(scope).get("error"));
        SandboxHttp.Answer fine = http.send(http.request("/authorize" + authorizeQuery(narrow, REDIRECT, "s")
                + "&scope=harvest:candidates:list").GET());
        assertEquals(200, fine.status());
    }

    @Test
    void denyRedirectsWithAccessDeniedAndTheState() {
        Map<String, String> p = redirectParams(decide("/authorize", app, "deny", 0, SITE_ADMIN));
        assertEquals("access_denied", p.get("error"));
        assertEquals("st-deny", p.get("state"));
        assertNull(p.get("code"));
    }

    @Test
    void approvingAsAUserWhoIsNotActiveOrInAnOrgThatDoesNotExistIsRefusedNamingTheField() {
        SandboxHttp.Answer deactivated = decide("/authorize", app, "approve", 0, 100_006L);
        assertEquals(422, deactivated.status());
        assertTrue(deactivated.body().contains("user_id 100006 is not an active user"), deactivated.body());
        SandboxHttp.Answer org = decide("/authorize", app, "approve", 5, SITE_ADMIN);
        assertEquals(422, org.status());
        assertTrue(org.body().contains("org must be between 0 and 1"), org.body());
    }

    // ---- code exchange ---------------------------------------------------------------------------------------------

    @Test
    void anApprovedCodeGivesTokensThatReadTheChosenOrganisationAsTheChosenUser() {
        SandboxHttp.Answer a = exchange(app, code(app, 1, SITE_ADMIN));
        assertEquals(200, a.status(), a.body());
        JsonNode t = a.json();
        assertEquals("Bearer", t.get("token_type").asText());
        assertEquals(3600, t.get("expires_in").asLong());
        assertTrue(t.get("expires_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*"), t.toString());
        assertEquals(String.join(" ", Scopes.all()), t.get("scope").asText());
        assertFalse(t.get("refresh_token").asText().isEmpty());
        assertEquals("no-store", a.header("Cache-Control"));
        // org 1's data, not org 0's: the same first page as org 1's own client reads
        SandboxCredentials org1 = sb.credentials(1);
        String own = http.token(new ClientCredentials(org1.clientId(), org1.clientSecret(), Scopes.all()), SITE_ADMIN);
        SandboxHttp.Answer partnerRead = http.get(t.get("access_token").asText(), "/v3/candidates?per_page=3");
        assertEquals(200, partnerRead.status(), partnerRead.body());
        assertEquals(http.get(own, "/v3/candidates?per_page=3").json(), partnerRead.json());
        assertNotEquals(http.get(http.adminToken(), "/v3/candidates?per_page=3").json(), partnerRead.json());
        // as the chosen user: a non-admin's token cannot list
        JsonNode nonAdmin = exchange(app, code(app, 0, NON_ADMIN)).json();
        SandboxHttp.Answer refused = http.get(nonAdmin.get("access_token").asText(), "/v3/candidates");
        assertEquals(403, refused.status());
        assertTrue(refused.body().contains("user 100002 is not a Site Admin"), refused.body());
    }

    @Test
    void aCodeUsedTwiceIsInvalidGrantAndRevokesWhatTheFirstUseIssued() {
        String code = code(app, 0, SITE_ADMIN);
        JsonNode first = exchange(app, code).json();
        assertEquals(200, http.get(first.get("access_token").asText(), "/v3/users?per_page=1").status());
        assertInvalidGrant(exchange(app, code));
        assertEquals(401, http.get(first.get("access_token").asText(), "/v3/users?per_page=1").status());
        assertInvalidGrant(refresh(app, first.get("refresh_token").asText()));
        assertEquals("revoked", sb.partnerGrant(first.get("refresh_token").asText()).status());
    }

    @Test
    void aCodeLivesOneMinute() {
        String kept = code(app, 0, SITE_ADMIN);
        String late = code(app, 0, SITE_ADMIN);
        sb.advanceClock(Duration.ofSeconds(50));
        assertEquals(200, exchange(app, kept).status());
        sb.advanceClock(Duration.ofSeconds(11));
        assertInvalidGrant(exchange(app, late));
    }

    @Test
    void theExchangeChecksTheRedirectUriTheClientAndItsSecret() {
        String code = code(app, 0, SITE_ADMIN);
        assertInvalidGrant(token("/token", app, "grant_type=authorization_code&code=" + code
                + "&redirect_uri=" + SandboxHttp.enc("https://vendor.example.com/other")));
        PartnerApp other = sb.createPartnerApp(REDIRECT, Scopes.all());
        assertInvalidGrant(exchange(other, code(app, 0, SITE_ADMIN)));
        PartnerApp wrongSecret = new PartnerApp(app.clientId(), "wrong", REDIRECT, app.scopes());
        SandboxHttp.Answer a = exchange(wrongSecret, code(app, 0, SITE_ADMIN));
        assertEquals(401, a.status());
        assertEquals("invalid_client", a.json().get("error").asText());
        SandboxHttp.Answer cc = token("/token", app, "grant_type=client_credentials&sub=" + SITE_ADMIN);
        assertEquals(400, cc.status());
        assertEquals("unauthorized_client", cc.json().get("error").asText());
        SandboxHttp.Answer missing = token("/token", app, "grant_type=authorization_code");
        assertEquals("invalid_request", missing.json().get("error").asText());
        assertTrue(missing.json().get("error_description").asText().contains("code"));
    }

    // ---- refresh ---------------------------------------------------------------------------------------------------

    @Test
    void aRefreshRotatesTheRefreshTokenAndTheOldOneIsDeadAtOnce() {
        JsonNode t = connect();
        String old = t.get("refresh_token").asText();
        SandboxHttp.Answer r = refresh(app, old);
        assertEquals(200, r.status(), r.body());
        String rotated = r.json().get("refresh_token").asText();
        assertNotEquals(old, rotated);
        assertEquals(String.join(" ", Scopes.all()), r.json().get("scope").asText());
        assertEquals(200, http.get(r.json().get("access_token").asText(), "/v3/users?per_page=1").status());
        assertInvalidGrant(refresh(app, old));
        // a reused old token does not kill the current one (no reuse detection; docs/sandbox.md#partner-oauth)
        SandboxHttp.Answer again = refresh(app, rotated);
        assertEquals(200, again.status(), again.body());
        PartnerGrant g = sb.partnerGrant(old);
        assertEquals(3, g.refreshRequests());
        assertEquals(2, g.refreshes());
        assertEquals(1, g.invalidGrants());
        assertEquals("active", g.status());
    }

    @Test
    void refreshesAreNotHeldBackByTheClientCredentialsTokenWindow() {
        // the sandbox allows 2 client-credentials token requests a minute here
        String rt = connect().get("refresh_token").asText();
        for (int i = 0; i < 6; i++) {
            SandboxHttp.Answer r = refresh(app, rt);
            assertEquals(200, r.status(), r.body());
            rt = r.json().get("refresh_token").asText();
        }
    }

    @Test
    void aRefreshTokenExpiresAfter24HoursUnusedAndNotBefore() {
        String rt = connect().get("refresh_token").asText();
        sb.advanceClock(Duration.ofHours(23));
        SandboxHttp.Answer r = refresh(app, rt);
        assertEquals(200, r.status(), r.body());
        String rotated = r.json().get("refresh_token").asText();
        sb.advanceClock(Duration.ofHours(23));
        assertEquals("active", sb.partnerGrant(rotated).status(), "24 h counts from the last refresh");
        sb.advanceClock(Duration.ofHours(1).plusSeconds(1));
        assertEquals("expired", sb.partnerGrant(rotated).status());
        assertInvalidGrant(refresh(app, rotated));
    }

    @Test
    void accessTokensLiveAsLongAsTheSettingSays() throws Exception {
        try (Sandbox quick = Sandbox.start(SandboxSettings.builder().candidates(50).rateLimit(0)
                .partnerTokenTtl(Duration.ofMinutes(1)).partnerRedirectUri(REDIRECT).build())) {
            SandboxHttp h = new SandboxHttp(quick);
            PartnerApp a = quick.partnerApps().get(0);
            String location = quick.approvePartner(quick.credentials().authorizeUrl() + authorizeQuery(a, REDIRECT,
                    "q"), 0, SITE_ADMIN);
            String code = SandboxRequest.parseQuery(URI.create(location).getRawQuery()).get("code");
            HttpRequest.Builder b = h.request("/token").header("Authorization",
                    SandboxHttp.basic(a.clientId(), a.clientSecret())).header("Content-Type",
                    "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                    "grant_type=authorization_code&code=" + code + "&redirect_uri=" + SandboxHttp.enc(REDIRECT)));
            JsonNode t = h.send(b).json();
            assertEquals(60, t.get("expires_in").asLong());
            String access = t.get("access_token").asText();
            quick.advanceClock(Duration.ofSeconds(59));
            assertEquals(200, h.get(access, "/v3/users?per_page=1").status());
            quick.advanceClock(Duration.ofSeconds(2));
            assertEquals(401, h.get(access, "/v3/users?per_page=1").status());
        }
    }

    // ---- revoke, faults, counters ----------------------------------------------------------------------------------

    @Test
    void aRevokedAuthorizationRefusesItsRefreshTokenAndItsAccessTokens() {
        JsonNode t = connect();
        String rt = t.get("refresh_token").asText();
        SandboxHttp.Answer del = http.send(http.request("/_sandbox/partner-grants/" + rt).DELETE());
        assertEquals(200, del.status(), del.body());
        assertEquals("revoked", del.json().get("status").asText());
        assertEquals(401, http.get(t.get("access_token").asText(), "/v3/users?per_page=1").status());
        assertInvalidGrant(refresh(app, rt));
        // per app and organisation
        PartnerApp solo = sb.createPartnerApp(REDIRECT, Scopes.all());
        JsonNode one = exchange(solo, code(solo, 1, SITE_ADMIN)).json();
        JsonNode two = exchange(solo, code(solo, 1, PARTNER_USER)).json();
        JsonNode elsewhere = exchange(solo, code(solo, 0, SITE_ADMIN)).json();
        SandboxHttp.Answer all = http.send(http.request("/_sandbox/partner-grants?client_id=" + solo.clientId()
                + "&org=1").DELETE());
        assertEquals(2, all.json().get("revoked").asInt(), all.body());
        assertInvalidGrant(refresh(solo, one.get("refresh_token").asText()));
        assertInvalidGrant(refresh(solo, two.get("refresh_token").asText()));
        assertEquals(200, refresh(solo, elsewhere.get("refresh_token").asText()).status());
        assertEquals(404, http.send(http.request("/_sandbox/partner-grants/nothing-like-it").DELETE()).status());
        assertEquals(422, http.send(http.request("/_sandbox/partner-grants").DELETE()).status());
    }

    @Test
    void aLostRefreshAnswerHasRotatedTheTokenAlready() {
        String rt = connect().get("refresh_token").asText();
        SandboxHttp.Answer set = http.json("PUT", null, "/_sandbox/faults", "{\"lose_refresh_answers\":1}");
        assertEquals(1, set.json().get("lose_refresh_answers").asInt());
        assertThrows(UncheckedIOException.class, () -> refresh(app, rt), "the connection closes with no answer");
        assertInvalidGrant(refresh(app, rt));
        PartnerGrant g = sb.partnerGrant(rt);
        assertEquals(1, g.lostAnswers());
        assertEquals(1, g.refreshes());
        assertEquals(2, g.refreshRequests());
        assertEquals(1, g.invalidGrants());
        JsonNode listed = http.get("x", "/_sandbox/partner-grants/" + g.grantId()).json();
        assertEquals(1, listed.get("lost_answers").asInt());
        assertEquals(2, listed.get("refresh_requests").asInt());
        assertTrue(http.get("x", "/_sandbox/requests").json().get("POST /token lost").asLong() >= 1);
        // the fault was used up: the next connection refreshes normally
        assertEquals(200, refresh(app, connect().get("refresh_token").asText()).status());
    }

    @Test
    void theControlApiCountsRefreshesPerGrantAndInvalidGrantsOverall() {
        PartnerApp counted = sb.createPartnerApp(REDIRECT, Scopes.all());
        String rt = exchange(counted, code(counted, 1, SITE_ADMIN)).json().get("refresh_token").asText();
        for (int i = 0; i < 3; i++) {
            rt = refresh(counted, rt).json().get("refresh_token").asText();
        }
        long invalidBefore = sb.partnerInvalidGrants();
        assertInvalidGrant(refresh(counted, "never-issued"));
        JsonNode list = http.get("x", "/_sandbox/partner-grants?client_id=" + counted.clientId()).json();
        assertEquals(invalidBefore + 1, list.get("invalid_grant").asLong());
        assertEquals(3, list.get("refreshes").asLong());
        assertEquals(1, list.get("grants").size());
        JsonNode g = list.get("grants").get(0);
        assertEquals(counted.clientId(), g.get("client_id").asText());
        assertEquals(1, g.get("org").asInt());
        assertEquals(SITE_ADMIN, g.get("user_id").asLong());
        assertEquals("harvest", g.get("api").asText());
        assertEquals(3, g.get("refreshes").asInt());
        assertEquals(0, g.get("invalid_grant").asInt());
        assertEquals(0, http.get("x", "/_sandbox/partner-grants?client_id=" + counted.clientId() + "&org=0").json()
                .get("grants").size());
    }

    @Test
    void scopesAreTheAppsAndEnforced() {
        PartnerApp narrow = sb.createPartnerApp(REDIRECT, Set.of("harvest:candidates:list"));
        JsonNode t = exchange(narrow, code(narrow, 0, SITE_ADMIN)).json();
        assertEquals("harvest:candidates:list", t.get("scope").asText());
        String access = t.get("access_token").asText();
        assertEquals(200, http.get(access, "/v3/candidates?per_page=1").status());
        SandboxHttp.Answer users = http.get(access, "/v3/users?per_page=1");
        assertEquals(403, users.status());
        assertTrue(users.body().contains("Missing required scope: harvest:users:list"), users.body());
    }

    @Test
    void partnerAppsAreCreatedThroughTheControlApiAndBadOnesRefusedNamingTheField() {
        SandboxHttp.Answer made = http.json("POST", null, "/_sandbox/partner-apps",
                "{\"redirect_uri\":\"http://localhost:8080/connect/greenhouse/callback\","
                        + "\"scopes\":[\"harvest:candidates:list\",\"jobs.view\"]}");
        assertEquals(201, made.status(), made.body());
        JsonNode m = made.json();
        assertTrue(m.get("client_id").asText().startsWith("partner-"));
        assertEquals(List.of("harvest:candidates:list", "jobs.view"),
                SandboxHttp.JSON.convertValue(m.get("scopes"), List.class));
        assertEquals(sb.baseUrl() + "/authorize", m.get("authorize_url").asText());
        assertEquals(sb.baseUrl() + "/oauth/token", m.get("ingestion_token_url").asText());
        SandboxHttp.Answer all = http.json("POST", null, "/_sandbox/partner-apps",
                "{\"redirect_uri\":\"https://v.example.com/cb\"}");
        assertEquals(Scopes.partnerAll().size(), all.json().get("scopes").size());
        SandboxHttp.Answer noUri = http.json("POST", null, "/_sandbox/partner-apps", "{\"scopes\":[\"jobs.view\"]}");
        assertEquals(422, noUri.status());
        assertTrue(noUri.body().contains("redirect_uri is required"), noUri.body());
        SandboxHttp.Answer relative = http.json("POST", null, "/_sandbox/partner-apps", "{\"redirect_uri\":\"/cb\"}");
        assertEquals(422, relative.status());
        assertTrue(relative.body().contains("redirect_uri must be an absolute http(s) URL"), relative.body());
        SandboxHttp.Answer typo = http.json("POST", null, "/_sandbox/partner-apps",
                "{\"redirect_uri\":\"https://v.example.com/cb\",\"scopes\":[\"harvest:candidate:list\"]}");
        assertEquals(422, typo.status());
        assertTrue(typo.body().contains("unknown scope harvest:candidate:list"), typo.body());
        assertTrue(http.get("x", "/_sandbox/partner-apps").json().size() >= 2);
    }

    @Test
    void approvePartnerInJavaReturnsTheCallbackWithCodeAndState() {
        String location = sb.approvePartner(sb.credentials().authorizeUrl() + authorizeQuery(app, REDIRECT, "j1"),
                1, PARTNER_USER);
        Map<String, String> p = SandboxRequest.parseQuery(URI.create(location).getRawQuery());
        assertEquals("j1", p.get("state"));
        JsonNode t = exchange(app, p.get("code")).json();
        assertEquals(PARTNER_USER, sb.partnerGrant(t.get("refresh_token").asText()).userId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sb.approvePartner(
                sb.credentials().authorizeUrl() + authorizeQuery(app, "https://evil.example.com/", "j"), 0,
                SITE_ADMIN));
        assertTrue(e.getMessage().contains("redirect_uri"), e.getMessage());
    }

    @Test
    void theCommandRegistersAPartnerAppFromTheSeedAndPrintsIt() throws Exception {
        SandboxSettings s = SandboxSettings.builder().candidates(20).partnerRedirectUri(REDIRECT).build();
        String first;
        try (Sandbox one = Sandbox.start(s)) {
            first = one.partnerApps().get(0).clientId();
            List<String> made = new java.util.ArrayList<>(List.of(first));
            for (int i = 0; i < 8; i++) {
                made.add(one.createPartnerApp(REDIRECT, Set.of("jobs.view")).clientId());
            }
            assertEquals(made, one.partnerApps().stream().map(PartnerApp::clientId).toList(), "in registration order");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SandboxCommand.print(one, new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("partner app           " + first), text);
            assertTrue(text.contains(REDIRECT), text);
        }
        try (Sandbox again = Sandbox.start(s)) {
            assertEquals(first, again.partnerApps().get(0).clientId(), "the same seed gives the same app");
        }
        assertThrows(IllegalArgumentException.class, () -> SandboxSettings.builder().partnerRedirectUri("cb"));
    }

    // ---- Candidate Ingestion ---------------------------------------------------------------------------------------

    @Test
    void candidateIngestionHasItsOwnAuthorizeAndTokenUrlsAndItsScopes() {
        PartnerApp sourcing = sb.createPartnerApp(REDIRECT, Set.of("candidates.view", "jobs.view"));
        SandboxHttp.Answer page = http.send(http.request("/oauth/authorize"
                + authorizeQuery(sourcing, REDIRECT, "i")).GET());
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<li>jobs.view</li>") && page.body().contains("Candidate Ingestion"));
        assertTrue(page.body().contains("action=\"/oauth/authorize\""), page.body());
        String code = redirectParams(decide("/oauth/authorize", sourcing, "approve", 1, PARTNER_USER)).get("code");
        // a Candidate Ingestion code is not a Harvest one
        assertInvalidGrant(exchange(sourcing, code));
        code = redirectParams(decide("/oauth/authorize", sourcing, "approve", 1, PARTNER_USER)).get("code");
        SandboxHttp.Answer t = token("/oauth/token", sourcing, "grant_type=authorization_code&code=" + code
                + "&redirect_uri=" + SandboxHttp.enc(REDIRECT));
        assertEquals(200, t.status(), t.body());
        assertEquals("candidates.view jobs.view", t.json().get("scope").asText());
        String access = t.json().get("access_token").asText();
        SandboxHttp.Answer me = http.get(access, "/v1/partner/current_user");
        assertEquals(200, me.status(), me.body());
        assertEquals(PARTNER_USER, me.json().get("id").asLong());
        SandboxHttp.Answer jobs = http.get(access, "/v1/partner/jobs");
        assertEquals(200, jobs.status());
        SandboxCredentials org1 = sb.credentials(1);
        SandboxHttp.Answer basicJobs = http.send(http.request("/v1/partner/jobs")
                .header("Authorization", SandboxHttp.basic(org1.partnerApiKey(), ""))
                .header("On-Behalf-Of", org1.partnerUserEmail()).GET());
        assertEquals(200, basicJobs.status(), "Basic with the partner key still works");
        assertEquals(basicJobs.json(), jobs.json(), "the token sees organisation 1");
        SandboxHttp.Answer create = http.json("POST", access, "/v1/partner/candidates",
                "{\"first_name\":\"A\",\"last_name\":\"B\",\"external_id\":\"x1\"}");
        assertEquals(403, create.status());
        assertTrue(create.body().contains("Missing required scope: candidates.create"), create.body());
        assertEquals(401, http.get(access, "/v3/users?per_page=1").status(), "not a Harvest token");
        assertEquals(401, http.get("nope", "/v1/partner/jobs").status());
        SandboxHttp.Answer r = token("/oauth/token", sourcing, "grant_type=refresh_token&refresh_token="
                + t.json().get("refresh_token").asText());
        assertEquals(200, r.status(), r.body());
        assertInvalidGrant(token("/oauth/token", sourcing, "grant_type=refresh_token&refresh_token="
                + t.json().get("refresh_token").asText()));
        assertEquals("ingestion", sb.partnerGrant(r.json().get("refresh_token").asText()).api());
        PartnerApp harvestOnly = sb.createPartnerApp(REDIRECT, Set.of("harvest:jobs:list"));
        SandboxHttp.Answer none = http.send(http.request("/oauth/authorize"
                + authorizeQuery(harvestOnly, REDIRECT, "i")).GET());
        assertEquals("invalid_scope", redirectParams(none).get("error"));
    }
}
