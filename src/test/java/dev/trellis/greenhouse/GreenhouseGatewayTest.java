package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway against a scripted Greenhouse (a JDK HttpServer in the test): each answer of /v3/ is queued by the
 * test, the token endpoint mints tok1, tok2, ... and every request is recorded.
 */
class GreenhouseGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "client-secret-9f8e7d";

    /** One scripted answer: status, headers, body, and how long to wait before answering. */
    private record Reply(int status, Map<String, String> headers, String body, long delayMs) {
        static Reply of(int status, String body, String... headers) {
            Map<String, String> h = new java.util.LinkedHashMap<>();
            for (int i = 0; i < headers.length; i += 2) {
                h.put(headers[i], headers[i + 1]);
            }
            return new Reply(status, h, body, 0);
        }
    }

    private record Seen(String method, String path, String authorization) {
    }

    private HttpServer server;
    private ExecutorService executor;
    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger mints = new AtomicInteger();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RateBudget budget;
    private GreenhouseGateway gateway;
    private Tenant tenant;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // a thread per request: a slow answer must not hold up the retry after it
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/token", ex -> {
            ex.getRequestBody().readAllBytes();
            answer(ex, Reply.of(200, "{\"access_token\":\"tok" + mints.incrementAndGet()
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
        });
        server.createContext("/v3/", ex -> {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("Authorization")));
            ex.getRequestBody().readAllBytes();
            Reply r;
            synchronized (replies) {
                r = replies.isEmpty() ? Reply.of(500, "{\"error\":\"nothing scripted\"}") : replies.poll();
            }
            if (r.delayMs() > 0) {
                try {
                    Thread.sleep(r.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                answer(ex, r);
            } catch (IOException e) {
                // the client gave up waiting (a timeout test)
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        tenant = new Tenant("acme", "config/tenants/acme.properties", Optional.of(new Tenant.Harvest(base,
                base.resolve("/token"), "client", SECRET, 7)), Optional.empty(), Optional.empty(), Optional.empty());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        budget = RateBudget.inMemory(Clock.systemUTC(), 50);
        gateway = new GreenhouseGateway(http, new TokenCache(http, Clock.systemUTC(), Duration.ofSeconds(2), t -> { }),
                budget, new SecretMasker(List.of("secret"), List.of(SECRET)),
                new GreenhouseGateway.Policy(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(400)),
                meters);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void answer(HttpExchange ex, Reply r) throws IOException {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void script(Reply... rs) {
        synchronized (replies) {
            replies.addAll(List.of(rs));
        }
    }

    private double requests(String status) {
        var c = meters.find("trellis.greenhouse.requests").tag("status", status).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aGetIsRetriedOn5xxAndAnswersTheFirstSuccess() throws Exception {
        script(Reply.of(503, "{}"), Reply.of(502, ""), Reply.of(200, "[{\"id\":1}]",
                "Link", "<http://127.0.0.1/v3/candidates?cursor=abc>; rel=\"next\""));
        GreenhouseGateway.Answer a = gateway.get(tenant, 7, "/v3/candidates?per_page=1");
        assertEquals(200, a.status());
        assertEquals(1, a.body().get(0).get("id").asInt());
        assertEquals(Optional.of("http://127.0.0.1/v3/candidates?cursor=abc"), a.next());
        assertEquals(3, seen.size());
        assertEquals(1.0, requests("503"));
        assertEquals(1.0, requests("502"));
        assertEquals(1.0, requests("200"));
    }

    @Test
    void aGetGivesUpAfterMaxAttemptsAsRetryable() {
        script(Reply.of(500, "{}"), Reply.of(500, "{}"), Reply.of(500, "{}"), Reply.of(200, "[]"));
        GreenhouseException e = assertThrows(GreenhouseException.class,
                () -> gateway.get(tenant, 7, "/v3/candidates"));
        assertEquals(500, e.status());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("GET /v3/candidates for tenant acme answered 500 (gave up after 3 attempts)"),
                e.getMessage());
        assertEquals(3, seen.size(), "maxAttempts requests, not one more");
    }

    @Test
    void aTimeoutIsRetriedForAGetButIsAmbiguousForAWrite() throws Exception {
        script(new Reply(200, Map.of(), "[]", 1500), Reply.of(200, "[{\"id\":2}]"));
        GreenhouseGateway.Answer a = gateway.get(tenant, 7, "/v3/candidates");
        assertEquals(2, a.body().get(0).get("id").asInt());
        assertEquals(1.0, meters.find("trellis.greenhouse.requests").tag("status", "timeout").counter().count());

        seen.clear();
        script(new Reply(201, Map.of(), "{\"id\":3}", 1500), Reply.of(201, "{\"id\":4}"));
        AmbiguousWrite w = assertThrows(AmbiguousWrite.class, () -> gateway.send(tenant, 7, "POST", "/v3/notes",
                JSON.readTree("{\"body\":\"hi\"}")));
        assertTrue(w.getMessage().contains("POST /v3/notes for tenant acme got no answer"), w.getMessage());
        assertEquals(1, seen.size(), "a write that may have been applied is never sent again blind");
    }

    @Test
    void aCutOffBodyIsRetriedForAGetButIsAmbiguousForAWrite() throws Exception {
        script(Reply.of(200, "[{\"id\":1,\"na"), Reply.of(200, "[{\"id\":1,\"name\":\"x\"}]"));
        GreenhouseGateway.Answer a = gateway.get(tenant, 7, "/v3/candidates");
        assertEquals("x", a.body().get(0).get("name").asText());
        assertEquals(2, seen.size());

        script(Reply.of(201, "{\"id\":9,"));
        AmbiguousWrite w = assertThrows(AmbiguousWrite.class, () -> gateway.send(tenant, 7, "POST", "/v3/notes",
                JSON.readTree("{}")));
        assertEquals(201, w.status());
        assertTrue(w.getMessage().contains("unreadable body (8 chars)"), w.getMessage());
    }

    @Test
    void aWriteAnswered5xxIsAmbiguousAndNotRetried() throws Exception {
        script(Reply.of(503, "{}"), Reply.of(201, "{\"id\":1}"));
        AmbiguousWrite w = assertThrows(AmbiguousWrite.class, () -> gateway.send(tenant, 7, "POST", "/v3/notes",
                JSON.readTree("{}")));
        assertEquals(503, w.status());
        assertEquals(1, seen.size());
    }

    @Test
    void a429WaitsRetryAfterThenSucceedsEvenForAWrite() throws Exception {
        script(Reply.of(429, "{\"message\":\"slow down\"}", "Retry-After", "1"), Reply.of(201, "{\"id\":5}"));
        long started = System.nanoTime();
        GreenhouseGateway.Answer a = gateway.send(tenant, 7, "POST", "/v3/notes", JSON.readTree("{\"body\":\"b\"}"));
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(201, a.status());
        assertEquals(2, seen.size(), "a 429 surely did not apply the write, so it is sent again");
        assertTrue(waitedMs >= 1000, "Retry-After: 1 was obeyed, waited " + waitedMs + " ms");
        assertTrue(waitedMs < 3000, "no backoff on top of Retry-After beyond the budget's jitter: " + waitedMs + " ms");
    }

    @Test
    void a429StormEndsInARetryableErrorNotAnEndlessLoop() {
        for (int i = 0; i < 20; i++) {
            script(Reply.of(429, "{}", "Retry-After", "0"));
        }
        GreenhouseException e = assertThrows(GreenhouseException.class, () -> gateway.get(tenant, 7, "/v3/users"));
        assertEquals(429, e.status());
        assertTrue(e.retryable());
        // 4 x maxAttempts answers of 429
        assertEquals(12, seen.size());
    }

    @Test
    void a401ReMintsTheTokenOnceAndRetries() throws Exception {
        script(Reply.of(401, "{\"message\":\"token revoked\"}"), Reply.of(200, "[]"));
        GreenhouseGateway.Answer a = gateway.get(tenant, 7, "/v3/candidates");
        assertEquals(200, a.status());
        assertEquals(List.of("Bearer tok1", "Bearer tok2"), seen.stream().map(Seen::authorization).toList());
        assertEquals(2, mints.get());
        assertEquals(1.0, meters.find("trellis.greenhouse.token.refused").counter().count());
    }

    @Test
    void aFreshTokenRefusedIsFinalAfterOneReMint() {
        script(Reply.of(401, "{}"), Reply.of(401, "{\"message\":\"bad client\"}"), Reply.of(200, "[]"));
        GreenhouseRejection e = assertThrows(GreenhouseRejection.class, () -> gateway.get(tenant, 7, "/v3/candidates"));
        assertEquals(401, e.status());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("refused a freshly minted token (401): check the credential in "
                + "config/tenants/acme.properties. Greenhouse said: {\"message\":\"bad client\"}"), e.getMessage());
        assertEquals(2, seen.size());
        assertEquals(2, mints.get(), "one re-mint, not a mint per retry");
    }

    @Test
    void a403NamesTheMissingScopeAndMasksTheBody() throws Exception {
        script(Reply.of(403, "{\"message\":\"Forbidden for " + SECRET + "\"}"));
        MissingPermission e = assertThrows(MissingPermission.class, () -> gateway.get(tenant, 7,
                "/v3/scorecards?per_page=5"));
        assertEquals("harvest:scorecards:list", e.scope());
        assertEquals(403, e.status());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("GET /v3/scorecards for tenant acme was refused (403): the credential "
                + "lacks scope harvest:scorecards:list, or user 7 (the token's sub) is not a Site Admin"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.body().contains(SECRET), e.body());
        assertEquals(1, seen.size(), "a 403 is not retried");

        script(Reply.of(403, "{}"));
        MissingPermission w = assertThrows(MissingPermission.class, () -> gateway.send(tenant, 7, "DELETE",
                "/v3/interviews/12", null));
        assertEquals("harvest:interviews:destroy", w.scope());
    }

    @Test
    void otherRefusalsAreRejectionsWithGreenhousesReason() throws Exception {
        script(Reply.of(422, "{\"errors\":[{\"message\":\"body can't be blank\",\"field\":\"body\"}]}"));
        GreenhouseRejection e = assertThrows(GreenhouseRejection.class, () -> gateway.send(tenant, 7, "POST",
                "/v3/notes", JSON.readTree("{}")));
        assertEquals(422, e.status());
        assertTrue(e.getMessage().startsWith("POST /v3/notes for tenant acme was rejected (422). Greenhouse said: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("body can't be blank"), e.getMessage());
    }

    @Test
    void theRateLimitHeadersAreLearntByTheBudget() throws Exception {
        script(Reply.of(200, "[]", "X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "9"));
        gateway.get(tenant, 7, "/v3/candidates");
        // configured 50, Greenhouse announced 10: the lower one, minus the one request made
        assertEquals(1, budget.used("acme"));
        assertEquals(9, budget.remaining("acme"));
        assertEquals(9.0, meters.find("trellis.rate.budget.remaining").tag("tenant", "acme").gauge().value());
    }

    @Test
    void aTenantWithoutHarvestCredentialsIsRefusedNamingItsFile() {
        Tenant none = new Tenant("bare", "config/tenants/bare.properties", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        GreenhouseRejection e = assertThrows(GreenhouseRejection.class, () -> gateway.get(none, 7, "/v3/users"));
        assertEquals("Tenant bare has no Harvest credentials (harvest.* keys in config/tenants/bare.properties)",
                e.getMessage());
        assertEquals(0, seen.size());
    }
}
