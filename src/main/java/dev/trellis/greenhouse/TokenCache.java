package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.Tenant;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * OAuth2 client-credentials tokens, one per (tenant, sub). A token is renewed shortly before it expires (a tenth of
 * its lifetime, at most a minute, at least a second), by one caller only: the others wait for it instead of minting
 * their own. The lifetime comes from {@code expires_in}, or from {@code expires_at} minus the answer's {@code Date}
 * (both on Greenhouse's clock), and is counted on our clock from the moment the request was sent, so a clock skew
 * between us and Greenhouse does not matter.
 */
public final class TokenCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_MARGIN = Duration.ofSeconds(60);
    private static final Duration MIN_MARGIN = Duration.ofSeconds(1);
    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final DateTimeFormatter COMPACT_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]xx");

    /** The credential is part of the key: a rotated secret never gets the old secret's token. */
    private record Key(String tenant, long sub, Tenant.Harvest credential) {
    }

    /** A token and the instant (on our clock) from which it is renewed instead of used. */
    private record Token(String value, Instant renewAt) {
    }

    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final Consumer<String> onMint;
    private final Map<Key, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Key, ReentrantLock> locks = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> onRefused = (tenant, message) -> { };
    private volatile java.util.function.Supplier<GrantTokens> grants = () -> GrantTokens.NONE;
    private volatile java.util.function.Supplier<GrantTokens> ingestionGrants = () -> GrantTokens.NONE;

    /** {@code onMint} is told the tenant id each time a token is minted (for metrics). */
    public TokenCache(HttpClient http, Clock clock, Duration timeout, Consumer<String> onMint) {
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.onMint = onMint;
    }

    /** A valid bearer token for the tenant's credential acting as user {@code sub}. */
    public String token(Tenant tenant, long sub) throws InterruptedException {
        if (tenant.harvest().map(Tenant.Harvest::grant).orElse(false)) {
            return grants.get().accessToken(tenant.id());
        }
        Key key = new Key(tenant.id(), sub, tenant.harvest().orElse(null));
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
        if (tenant.harvest().map(Tenant.Harvest::grant).orElse(false)) {
            grants.get().refused(tenant.id(), refused);
            return;
        }
        tokens.computeIfPresent(new Key(tenant.id(), sub, tenant.harvest().orElse(null)), (k, t) -> t.value().equals(refused) ? null : t);
    }

    /** Drops every token of the tenant: its credential changed or it was removed. */
    public void forget(String tenant) {
        tokens.keySet().removeIf(k -> k.tenant().equals(tenant));
        locks.keySet().removeIf(k -> k.tenant().equals(tenant));
    }

    /**
     * Partner tenants' tokens come from {@code harvest} and, for Candidate Ingestion, {@code ingestion} (set once the
     * connections are loaded).
     */
    public void grants(GrantTokens harvest, GrantTokens ingestion) {
        this.grants = () -> harvest;
        this.ingestionGrants = () -> ingestion;
    }

    /** Partner tenants' tokens come from whatever {@code other} uses (a check's own cache shares the hub's grants). */
    public TokenCache grantsOf(TokenCache other) {
        this.grants = () -> other.grants.get();
        this.ingestionGrants = () -> other.ingestionGrants.get();
        return this;
    }

    public GrantTokens grants() {
        return grants.get();
    }

    /** Where the Candidate Ingestion tokens of tenants with an ingestion grant come from. */
    public GrantTokens ingestionGrants() {
        return ingestionGrants.get();
    }

    /** Told (tenant id, message) when the token endpoint refuses a tenant's client credentials. */
    public void onRefused(BiConsumer<String, String> listener) {
        this.onRefused = listener;
    }

    private boolean fresh(Token token) {
        return token != null && clock.instant().isBefore(token.renewAt());
    }

    /** How long before its end a token of this lifetime is renewed: 10 %, within 1..60 s, at most half of it. */
    static Duration margin(Duration lifetime) {
        Duration tenth = lifetime.dividedBy(10);
        Duration margin = tenth.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : tenth.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN
                : tenth;
        Duration half = lifetime.dividedBy(2);
        return margin.compareTo(half) > 0 ? half : margin;
    }

    /**
     * The token's lifetime as Greenhouse counts it: {@code expires_in}, else {@code expires_at} minus the answer's
     * {@code Date} (their clock against their clock), else {@code expires_at} against ours (no Date), else an hour.
     */
    static Duration lifetime(JsonNode answer, Optional<String> date, Instant sentAt) {
        if (answer.hasNonNull("expires_in")) {
            return Duration.ofSeconds(answer.get("expires_in").asLong());
        }
        if (answer.hasNonNull("expires_at")) {
            Instant expiresAt = instant(answer.get("expires_at").asText());
            Optional<Instant> serverNow = date.map(d -> {
                try {
                    return ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                } catch (DateTimeParseException e) {
                    return null;
                }
            });
            // Date has whole seconds: the server's now may be up to a second later than it says
            return serverNow.map(now -> Duration.between(now, expiresAt).minusSeconds(1))
                    .orElseGet(() -> Duration.between(sentAt, expiresAt));
        }
        return DEFAULT_LIFETIME;
    }

    /**
     * ISO-8601 with an offset, written +01:00 or +0100 (clients of v3 parse %Y-%m-%dT%H:%M:%S%z,
     * docs/greenhouse.md#oauth-token).
     */
    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text, COMPACT_OFFSET).toInstant();
        }
    }

    private Token mint(Tenant tenant, long sub) throws InterruptedException {
        Tenant.Harvest harvest = tenant.harvest().orElseThrow(() -> new GreenhouseRejection(0,
                "Tenant " + tenant.id() + " has no Harvest credentials (harvest.* keys in " + tenant.source() + ")"));
        HttpRequest request = TokenRequest.build(harvest, sub, timeout);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            Instant sentAt = clock.instant();
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
                GreenhouseRejection refused = new GreenhouseRejection(401, "Greenhouse refused the client "
                        + "credentials of tenant " + tenant.id() + " for user " + sub + " (HTTP " + status + " from "
                        + harvest.tokenUrl() + "): check harvest.client-id and harvest.client-secret, and that "
                        + "harvest.user-id is a Greenhouse user, in " + tenant.source());
                onRefused.accept(tenant.id(), refused.getMessage());
                throw refused;
            }
            if (status != 200) {
                throw new GreenhouseException(status, status >= 500 || status == 429, "Token endpoint of tenant "
                        + tenant.id() + " answered HTTP " + status);
            }
            onMint.accept(tenant.id());
            return parse(tenant, response.body(), response.headers().firstValue("Date"), sentAt);
        }
    }

    private Token parse(Tenant tenant, String body, Optional<String> date, Instant sentAt) {
        try {
            JsonNode json = JSON.readTree(body);
            String value = json.path("access_token").asText(null);
            if (value == null || value.isEmpty()) {
                throw new IOException("no access_token");
            }
            Duration lifetime = lifetime(json, date, sentAt);
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IOException("the token expires before it was issued (lifetime " + lifetime + ")");
            }
            return new Token(value, sentAt.plus(lifetime).minus(margin(lifetime)));
        } catch (IOException | RuntimeException e) {
            throw new GreenhouseException(200, true, "Token endpoint of tenant " + tenant.id()
                    + " answered something that is not a token: " + e.getMessage());
        }
    }
}
