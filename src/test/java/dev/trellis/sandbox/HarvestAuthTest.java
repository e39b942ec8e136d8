package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HarvestAuthTest {
    Sandbox sb;
    SandboxHttp http;

    @BeforeEach
    void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(3).candidates(200).rateLimit(5).tokenRateLimit(4)
                .tokenTtl(Duration.ofMinutes(10)).build());
        http = new SandboxHttp(sb);
    }

    @AfterEach
    void stop() {
        sb.stop();
    }

    @Test
    void tokenEndpointAnswersBothExpiryFields() {
        SandboxCredentials c = sb.credentials();
        long before = sb.clock().millis();
        SandboxHttp.Answer a = http.tokenAnswer(c.clientId(), c.clientSecret(),
                "grant_type=client_credentials&sub=" + c.siteAdminUserId());
        assertEquals(200, a.status());
        assertEquals("Bearer", a.json().get("token_type").asText());
        assertEquals(600, a.json().get("expires_in").asLong());
        long expiresAt = Instant.parse(a.json().get("expires_at").asText()).toEpochMilli();
        assertTrue(Math.abs(expiresAt - (before + 600_000)) < 5_000);
        assertTrue(a.json().get("access_token").asText().length() >= 32);
    }

    @Test
    void wrongOrMissingClientCredentialsAre401AndBadGrantOrSubAre400() {
        SandboxCredentials c = sb.credentials();
        assertEquals(401, http.tokenAnswer(c.clientId(), "wrong", "grant_type=client_credentials").status());
        assertEquals(401, http.tokenAnswer("nobody", c.clientSecret(), "grant_type=client_credentials").status());
        SandboxHttp.Answer none = http.send(http.request("/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertEquals(401, none.status());
        assertEquals("invalid_client", none.json().get("error").asText());
        assertEquals(400, http.tokenAnswer(c.clientId(), c.clientSecret(), "grant_type=password").status());
        assertEquals(400, http.tokenAnswer(c.clientId(), c.clientSecret(),
                "grant_type=client_credentials&sub=999999999").status());
    }

    @Test
    void tokenEndpointHasItsOwn60SecondWindow() {
        SandboxCredentials c = sb.credentials();
        for (int k = 0; k < 4; k++) {
            assertEquals(200, http.tokenAnswer(c.clientId(), c.clientSecret(), "grant_type=client_credentials").status());
        }
        SandboxHttp.Answer limited = http.tokenAnswer(c.clientId(), c.clientSecret(), "grant_type=client_credentials");
        assertEquals(429, limited.status());
        assertNotNull(limited.header("Retry-After"));
        sb.advanceClock(Duration.ofSeconds(61));
        assertEquals(200, http.tokenAnswer(c.clientId(), c.clientSecret(), "grant_type=client_credentials").status());
    }

    @Test
    void unknownAndExpiredBearerTokensAre401() {
        assertEquals(401, http.get("not-a-token", "/v3/jobs").status());
        assertEquals(401, http.send(http.request("/v3/jobs").GET()).status());
        String token = http.adminToken();
        assertEquals(200, http.get(token, "/v3/jobs").status());
        sb.advanceClock(Duration.ofMinutes(11));
        SandboxHttp.Answer expired = http.get(token, "/v3/jobs");
        assertEquals(401, expired.status());
        assertNotNull(expired.header("WWW-Authenticate"));
    }

    @Test
    void tokensExpiringEarlyAndAllAtOnce() {
        String token = http.adminToken();
        sb.faults().tokenMaxAge(Duration.ofSeconds(30));
        assertEquals(200, http.get(token, "/v3/jobs").status());
        sb.advanceClock(Duration.ofSeconds(31));
        assertEquals(401, http.get(token, "/v3/jobs").status(), "expired early although expires_at is later");
        sb.faults().clear();
        String fresh = http.adminToken();
        assertEquals(200, http.get(fresh, "/v3/jobs").status());
        assertTrue(http.json("POST", null, "/_sandbox/tokens/expire", "").json().get("expired").asInt() >= 2);
        assertEquals(401, http.get(fresh, "/v3/jobs").status());
    }

    @Test
    void missingScopeIs403NamingIt() {
        ClientCredentials limited = sb.createClient(Scopes.allExcept("harvest:candidates:list"));
        String token = http.token(limited, sb.credentials().siteAdminUserId());
        SandboxHttp.Answer a = http.get(token, "/v3/candidates");
        assertEquals(403, a.status());
        assertTrue(a.body().contains("harvest:candidates:list"), a.body());
        assertEquals(200, http.get(token, "/v3/applications").status());
        ClientCredentials readOnly = sb.createClient(Set.of("harvest:notes:list"));
        String t2 = http.token(readOnly, sb.credentials().siteAdminUserId());
        SandboxHttp.Answer w = http.json("POST", t2, "/v3/notes",
                "{\"candidate_id\":1,\"note_type\":\"NOTE\",\"visibility\":\"public\",\"body\":\"x\"}");
        assertEquals(403, w.status());
        assertTrue(w.body().contains("harvest:notes:create"), w.body());
    }

    @Test
    void listsNeedASiteAdminSub() {
        ClientCredentials c = http.mainClient();
        SandboxHttp.Answer noSub = http.get(http.token(c, null), "/v3/candidates");
        assertEquals(403, noSub.status());
        assertTrue(noSub.body().contains("Site Admin"));
        assertEquals(403, http.get(http.token(c, sb.credentials().nonAdminUserId()), "/v3/candidates").status());
        assertEquals(200, http.get(http.token(c, sb.credentials().siteAdminUserId()), "/v3/candidates").status());
    }

    @Test
    void rateLimitHeadersOnEveryAnswerAnd429WithRetryAfter() {
        String token = http.adminToken();
        long windowEnd = (sb.clock().millis() / 30_000 + 1) * 30;
        for (int k = 1; k <= 5; k++) {
            SandboxHttp.Answer a = http.get(token, k == 3 ? "/v3/candidates?bogus=1" : "/v3/jobs");
            assertEquals("5", a.header("X-RateLimit-Limit"));
            assertEquals(Integer.toString(5 - k), a.header("X-RateLimit-Remaining"));
            long reset = Long.parseLong(a.header("X-RateLimit-Reset"));
            assertTrue(reset == windowEnd || reset == windowEnd + 30, "reset " + reset + " vs " + windowEnd);
        }
        SandboxHttp.Answer limited = http.get(token, "/v3/jobs");
        assertEquals(429, limited.status());
        assertEquals("0", limited.header("X-RateLimit-Remaining"));
        long retry = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retry >= 1 && retry <= 30, "Retry-After " + retry);
        // another credential has its own window
        String other = http.token(sb.createClient(Scopes.all()), sb.credentials().siteAdminUserId());
        assertEquals(200, http.get(other, "/v3/jobs").status());
        sb.advanceClock(Duration.ofSeconds(retry));
        SandboxHttp.Answer next = http.get(token, "/v3/jobs");
        assertEquals(200, next.status());
        assertEquals("4", next.header("X-RateLimit-Remaining"));
    }

    @Test
    void rateLimitOffSendsNoHeaders() throws Exception {
        try (Sandbox off = Sandbox.start(SandboxSettings.builder().candidates(20).rateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(off);
            String t = h.adminToken();
            for (int k = 0; k < 100; k++) {
                assertEquals(200, h.get(t, "/v3/offices").status());
            }
            assertNull(h.get(t, "/v3/offices").header("X-RateLimit-Limit"));
        }
    }
}
