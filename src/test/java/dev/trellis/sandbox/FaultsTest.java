package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
    Sandbox sb;
    SandboxHttp http;
    String token;

    @BeforeEach
    void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(13).candidates(200).rateLimit(0).build());
        http = new SandboxHttp(sb);
        token = http.adminToken();
    }

    @AfterEach
    void stop() {
        sb.stop();
    }

    String note() {
        return "{\"candidate_id\":" + (Resource.CANDIDATES.idBase() + 1)
                + ",\"note_type\":\"NOTE\",\"visibility\":\"public\",\"body\":\"ambiguous\"}";
    }

    @Test
    void rateLimitStormAnswers429WithRetryAfterThenRecovers() {
        sb.faults().rateLimitStorm(3, 7);
        for (int k = 0; k < 3; k++) {
            SandboxHttp.Answer a = http.get(token, "/v3/jobs");
            assertEquals(429, a.status());
            assertEquals("7", a.header("Retry-After"));
        }
        assertEquals(200, http.get(token, "/v3/jobs").status());
        assertEquals(3, sb.state().requests("GET /v3/jobs 429"));
    }

    @Test
    void serverErrorsByCountAndByShare() {
        sb.faults().failNext(2);
        assertEquals(503, http.get(token, "/v3/jobs").status());
        assertEquals(503, http.get(token, "/v3/jobs").status());
        assertEquals(200, http.get(token, "/v3/jobs").status());
        sb.faults().serverErrors(0.5);
        int errors = 0;
        for (int k = 0; k < 200; k++) {
            if (http.get(token, "/v3/offices").status() == 503) {
                errors++;
            }
        }
        assertTrue(errors > 60 && errors < 140, "503s: " + errors);
        sb.faults().clear();
        assertEquals(200, http.get(token, "/v3/offices").status());
    }

    @Test
    void latencyDelaysAnswers() {
        sb.faults().latency(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertEquals(200, http.get(token, "/v3/offices").status());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 300);
        long c0 = System.nanoTime();
        http.send(http.request("/_sandbox/info").GET());
        assertTrue((System.nanoTime() - c0) / 1_000_000 < 300, "the control API is never delayed");
    }

    @Test
    void truncatedBodiesBreakTheResponse() {
        sb.faults().truncateBodies(1);
        assertThrows(UncheckedIOException.class, () -> http.get(token, "/v3/candidates?per_page=50"));
        assertEquals(200, http.get(token, "/v3/candidates?per_page=50").status());
        assertEquals(1, sb.state().requests("GET /v3/candidates 200 truncated"));
    }

    @Test
    void droppedResponseAfterAWriteStillAppliesTheWrite() {
        long before = sb.state().count(Resource.NOTES);
        sb.faults().dropResponsesAfterWrite(1, Duration.ZERO);
        assertThrows(UncheckedIOException.class, () -> http.json("POST", token, "/v3/notes", note()));
        assertEquals(before + 1, sb.state().count(Resource.NOTES), "the write happened although no answer came");
        assertEquals(1, sb.state().requests("POST /v3/notes dropped"));
        assertEquals(201, http.json("POST", token, "/v3/notes", note()).status());
        assertEquals(before + 2, sb.state().count(Resource.NOTES));
    }

    @Test
    void hangingAfterAWriteRunsIntoTheClientTimeout() {
        sb.faults().dropResponsesAfterWrite(1, Duration.ofSeconds(3));
        long before = sb.state().count(Resource.NOTES);
        java.net.http.HttpRequest req = http.request("/v3/notes").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofMillis(500))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(note())).build();
        assertThrows(java.net.http.HttpTimeoutException.class,
                () -> http.client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()));
        assertEquals(before + 1, sb.state().count(Resource.NOTES));
    }

    @Test
    void faultsAreSwitchedThroughTheControlApi() {
        SandboxHttp.Answer set = http.json("PUT", null, "/_sandbox/faults", "{\"fail_next\":1,\"latency_ms\":0}");
        assertEquals(200, set.status());
        assertEquals(1, set.json().get("fail_next").asInt());
        assertEquals(503, http.get(token, "/v3/jobs").status());
        assertEquals(200, http.get(token, "/v3/jobs").status());
        assertEquals(422, http.json("PUT", null, "/_sandbox/faults", "{\"nonsense\":1}").status());
        http.json("PUT", null, "/_sandbox/faults", "{\"rate_limit_storm\":1,\"rate_limit_storm_retry_after\":2}");
        assertEquals("2", http.get(token, "/v3/jobs").header("Retry-After"));
        assertEquals(200, http.json("DELETE", null, "/_sandbox/faults", null).status());
        assertEquals(0, sb.faults().toJson().get("rate_limit_storm").asInt());
    }
}
