package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.Tenant;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * OAuth2 client-credentials tokens, one per (tenant, sub). A token is renewed a minute before it expires, by one
 * caller only: the others wait for it instead of minting their own.
 */
public final class TokenCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY = Duration.ofSeconds(60);

    private record Key(String tenant, long sub) {
    }

    private record Token(String value, Instant expiresAt) {
    }

    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final Consumer<String> onMint;
    private final Map<Key, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Key, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** {@code onMint} is told the tenant id each time a token is minted (for metrics). */
    public TokenCache(HttpClient http, Clock clock, Duration timeout, Consumer<String> onMint) {
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.onMint = onMint;
    }

    /** A valid bearer token for the tenant's credential acting as user {@code sub}. */
    public String token(Tenant tenant, long sub) throws InterruptedException {
        Key key = new Key(tenant.id(), sub);
        Token token = tokens.get(key);
        if (fresh(token)) {
            return token.value();
        }
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            token = tokens.get(key);
            if (!fresh(token)) {
                token = mint(tenant, sub);
                tokens.put(key, token);
            }
            return token.value();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a token Greenhouse refused (401), unless another caller already replaced it. */
    public void invalidate(Tenant tenant, long sub, String refused) {
        tokens.computeIfPresent(new Key(tenant.id(), sub), (k, t) -> t.value().equals(refused) ? null : t);
    }

    private boolean fresh(Token token) {
        return token != null && clock.instant().plus(EARLY).isBefore(token.expiresAt());
    }

    private Token mint(Tenant tenant, long sub) throws InterruptedException {
        Tenant.Harvest harvest = tenant.harvest().orElseThrow(() -> new GreenhouseRejection(0,
                "Tenant " + tenant.id() + " has no Harvest credentials (harvest.* keys in " + tenant.source() + ")"));
        String basic = Base64.getEncoder().encodeToString(
                (harvest.clientId() + ":" + harvest.clientSecret()).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials&sub=" + URLEncoder.encode(Long.toString(sub), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(harvest.tokenUrl())
                .timeout(timeout)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt >= 3) {
                    throw new GreenhouseException(0, true, "Token endpoint " + harvest.tokenUrl() + " of tenant "
                            + tenant.id() + " did not answer: " + e.getMessage(), e);
                }
                Thread.sleep(500L * attempt);
                continue;
            }
            int status = response.statusCode();
            if (status == 429 && attempt < 4) {
                // the token endpoint has its own 60-second window
                Thread.sleep(Math.min(60, RetryAfter.seconds(response.headers(), 5)) * 1000L);
                continue;
            }
            if (status == 401 || status == 400 || status == 403) {
                throw new GreenhouseRejection(401, "Greenhouse refused the client credentials of tenant " + tenant.id()
                        + " for user " + sub + " (HTTP " + status + " from " + harvest.tokenUrl() + "): check "
                        + "harvest.client-id and harvest.client-secret, and that harvest.user-id is a Greenhouse user, "
                        + "in " + tenant.source());
            }
            if (status != 200) {
                throw new GreenhouseException(status, status >= 500 || status == 429, "Token endpoint of tenant "
                        + tenant.id() + " answered HTTP " + status);
            }
            onMint.accept(tenant.id());
            return parse(tenant, response.body());
        }
    }

    private Token parse(Tenant tenant, String body) {
        try {
            JsonNode json = JSON.readTree(body);
            String value = json.path("access_token").asText(null);
            if (value == null || value.isEmpty()) {
                throw new IOException("no access_token");
            }
            Instant expires;
            if (json.hasNonNull("expires_in")) {
                expires = clock.instant().plusSeconds(json.get("expires_in").asLong());
            } else if (json.hasNonNull("expires_at")) {
                expires = OffsetDateTime.parse(json.get("expires_at").asText()).toInstant();
            } else {
                expires = clock.instant().plus(Duration.ofHours(1));
            }
            return new Token(value, expires);
        } catch (IOException | RuntimeException e) {
            throw new GreenhouseException(200, true, "Token endpoint of tenant " + tenant.id()
                    + " answered something that is not a token: " + e.getMessage());
        }
    }
}
