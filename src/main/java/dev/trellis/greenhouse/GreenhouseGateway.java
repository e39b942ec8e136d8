package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to Harvest v3: adds the token of the acting user, takes a permit from the tenant's rate budget, reads
 * the rate-limit headers back, retries what may succeed later (429 after Retry-After, 5xx, timeouts, truncated
 * bodies) with backoff and jitter, re-mints the token once on a 401, names the missing permission on a 403, and
 * counts everything in metrics.
 */
public final class GreenhouseGateway {
    /** The hub's gateway in the Camel registry. */
    public static final String BEAN = "greenhouse";

    private static final Logger LOG = LoggerFactory.getLogger(GreenhouseGateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern RESOURCE = Pattern.compile("/v3/([a-z_]+)");

    /** Retry and timeout settings (trellis.greenhouse.* keys). */
    public record Policy(int maxAttempts, Duration backoff, Duration maxBackoff, Duration timeout) {
    }

    /** An answer: status, body as JSON (null when empty) and as received, and the next page's URL, if any. */
    public record Answer(int status, JsonNode body, String text, Optional<String> next) {
    }

    private final HttpClient http;
    private final TokenCache tokens;
    private final RateBudget budget;
    private final SecretMasker masker;
    private final Policy policy;
    private final MeterRegistry meters;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    public GreenhouseGateway(HttpClient http, TokenCache tokens, RateBudget budget, SecretMasker masker,
            Policy policy, MeterRegistry meters) {
        this.http = http;
        this.tokens = tokens;
        this.budget = budget;
        this.masker = masker;
        this.policy = policy;
        this.meters = meters;
    }

    /** Its tokens: dropped when a tenant's credential changes, watched for refused credentials. */
    public TokenCache tokens() {
        return tokens;
    }

    /** GET a path under the tenant's Harvest base URL, or a {@code next} URL exactly as Greenhouse gave it. */
    public Answer get(Tenant tenant, long sub, String pathOrUrl) throws InterruptedException {
        return send(tenant, sub, "GET", pathOrUrl, null);
    }

    /** How a request authenticates, and what Greenhouse's refusals of it mean. */
    public interface Credential {
        /** The headers that authenticate the next attempt. */
        Map<String, String> headers() throws InterruptedException;

        /** Greenhouse answered 401 to these headers: true when a fresh credential is worth one more attempt. */
        boolean refused(Map<String, String> headers);

        /** A refusal retrying cannot fix (401 for good, 403, 404, 422), as an error naming the cause and the fix. */
        GreenhouseRejection rejection(int status, String endpoint, String body);
    }

    /**
     * Sends a Harvest request as user {@code sub}. GETs are retried on every transient failure; a write is retried
     * only when it surely did not reach Greenhouse (429, connection refused), and an answer that may hide an applied
     * write raises {@link AmbiguousWrite}.
     */
    public Answer send(Tenant tenant, long sub, String method, String pathOrUrl, JsonNode body)
            throws InterruptedException {
        Tenant.Harvest harvest = tenant.harvest().orElseThrow(() -> new GreenhouseRejection(0,
                "Tenant " + tenant.id() + " has no Harvest credentials (harvest.* keys in " + tenant.source() + ")"));
        URI uri = pathOrUrl.startsWith("http") ? onOrigin(URI.create(pathOrUrl), harvest.baseUrl())
                : URI.create(harvest.baseUrl() + pathOrUrl);
        return exchange(tenant.id(), tenant.id(), new OAuthToken(tenant, sub, method, uri), method, uri,
                endpoint(method, uri), body);
    }

    /**
     * A next link on the tenant's own origin: a link saved before the base URL changed (or by a demo sandbox that
     * restarted on another port) is followed there, and the token never goes to another host.
     */
    static URI onOrigin(URI link, URI base) {
        if (Objects.equals(link.getScheme(), base.getScheme()) && Objects.equals(link.getRawAuthority(),
                base.getRawAuthority())) {
            return link;
        }
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + link.getRawPath()
                + (link.getRawQuery() == null ? "" : "?" + link.getRawQuery()));
    }

    /**
     * The one request loop of every Greenhouse API: a permit from the budget {@code budgetKey}, the credential's
     * headers, the rate-limit headers read back, 429 waited out, transient failures retried with backoff and jitter
     * (writes only when surely not applied), refusals turned into errors by the credential.
     */
    public Answer exchange(String tenant, String budgetKey, Credential credential, String method, URI uri,
            String endpoint, JsonNode body) throws InterruptedException {
        boolean idempotent = method.equals("GET");
        int throttled = 0;
        gauges(budgetKey);
        for (int attempt = 1; ; attempt++) {
            budget.acquire(budgetKey);
            Map<String, String> auth = credential.headers();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(policy.timeout())
                    .header("Accept", "application/json");
            auth.forEach(request::header);
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            long started = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                record(tenant, endpoint, e instanceof HttpTimeoutException ? "timeout" : "io", started);
                boolean sent = !(e instanceof java.net.ConnectException);
                String reason = endpoint + " for tenant " + tenant + " got no answer: " + e.getMessage();
                if (!idempotent && sent) {
                    throw new AmbiguousWrite(0, reason, e);
                }
                retryOrThrow(attempt, 0, reason, e);
                continue;
            }
            int status = response.statusCode();
            record(tenant, endpoint, Integer.toString(status), started);
            observe(budgetKey, response.headers());
            if (status == 429) {
                long wait = RetryAfter.seconds(response.headers(), 30);
                budget.block(budgetKey, java.time.Instant.now().plusSeconds(wait));
                LOG.warn("{} for tenant {}: 429, waiting {} s (Retry-After)", endpoint, tenant, wait);
                // 429s wait their turn but are bounded too, so a storm ends in an error, not an endless loop
                if (++throttled >= 4 * policy.maxAttempts()) {
                    throw new GreenhouseException(429, true, endpoint + " for tenant " + tenant
                            + " still rate-limited after " + throttled + " answers of 429");
                }
                attempt--;
                continue;
            }
            if (status == 401 && attempt < 2 * policy.maxAttempts() && credential.refused(auth)) {
                meters.counter("trellis.greenhouse.token.refused", "tenant", tenant).increment();
                continue;
            }
            if (status >= 500 || status == 408) {
                String reason = endpoint + " for tenant " + tenant + " answered " + status;
                if (!idempotent) {
                    throw new AmbiguousWrite(status, reason + "; the write may have been applied", null);
                }
                retryOrThrow(attempt, status, reason, null);
                continue;
            }
            if (status >= 400) {
                throw credential.rejection(status, endpoint, masker.mask(response.body() == null ? "" : response.body()));
            }
            JsonNode json;
            try {
                json = response.body().isBlank() ? null : JSON.readTree(response.body());
            } catch (IOException e) {
                // a cut-off body: the request worked but we cannot read it
                String reason = endpoint + " for tenant " + tenant + " answered an unreadable body ("
                        + response.body().length() + " chars)";
                if (!idempotent) {
                    throw new AmbiguousWrite(status, reason, e);
                }
                retryOrThrow(attempt, status, reason, e);
                continue;
            }
            return new Answer(status, json, response.body(), next(response.headers()));
        }
    }

    /** A bearer token of user {@code sub}: re-minted on a 401, but a token just minted and refused is final. */
    private final class OAuthToken implements Credential {
        private final Tenant tenant;
        private final long sub;
        private final String method;
        private final URI uri;
        private boolean mintNext;
        private String justMinted;

        OAuthToken(Tenant tenant, long sub, String method, URI uri) {
            this.tenant = tenant;
            this.sub = sub;
            this.method = method;
            this.uri = uri;
        }

        @Override
        public Map<String, String> headers() throws InterruptedException {
            String token = tokens.token(tenant, sub);
            justMinted = mintNext ? token : null;
            mintNext = false;
            return Map.of("Authorization", "Bearer " + token);
        }

        @Override
        public boolean refused(Map<String, String> headers) {
            String token = headers.get("Authorization").substring("Bearer ".length());
            if (token.equals(justMinted)) {
                return false;
            }
            // revoked or expired early: mint a new one
            tokens.invalidate(tenant, sub, token);
            mintNext = true;
            return true;
        }

        @Override
        public GreenhouseRejection rejection(int status, String endpoint, String body) {
            return GreenhouseGateway.this.rejection(tenant, sub, method, uri, endpoint, status, body);
        }
    }

    private void retryOrThrow(int attempt, int status, String reason, Throwable cause) throws InterruptedException {
        if (attempt >= policy.maxAttempts()) {
            throw new GreenhouseException(status, true, reason + " (gave up after " + attempt + " attempts)", cause);
        }
        long sleep = Backoff.delay(policy.backoff(), policy.maxBackoff(), attempt).toMillis();
        LOG.warn("{}; retry {} in {} ms", masker.mask(reason), attempt, sleep);
        Thread.sleep(sleep);
    }

    private static GreenhouseRejection rejection(Tenant tenant, long sub, String method, URI uri, String endpoint,
            int status, String body) {
        String said = ErrorBody.truncate(body, 500);
        if (status == 403) {
            String scope = scope(method, uri);
            String rule = method.equals("GET")
                    ? "the credential lacks scope " + scope + ", or user " + sub + " (the token's sub) is not a Site "
                            + "Admin, which v3 list endpoints require"
                    : "the credential lacks scope " + scope;
            return new MissingPermission(scope, endpoint + " for tenant " + tenant.id() + " was refused (403): "
                    + rule + ". Greenhouse said: " + said, body);
        }
        if (status == 401) {
            return new GreenhouseRejection(401, endpoint + " for tenant " + tenant.id() + " refused a freshly minted "
                    + "token (401): check the credential in " + tenant.source() + ". Greenhouse said: " + said, body);
        }
        return new GreenhouseRejection(status, endpoint + " for tenant " + tenant.id() + " was rejected (" + status
                + "). Greenhouse said: " + said, body);
    }

    /** The v3 scope a request needs: harvest:{resource}:{list|create|update|destroy}. */
    public static String scope(String method, URI uri) {
        Matcher m = RESOURCE.matcher(uri.getPath());
        String resource = m.find() ? m.group(1) : "unknown";
        String action = switch (method) {
            case "POST" -> "create";
            case "PATCH", "PUT" -> "update";
            case "DELETE" -> "destroy";
            default -> "list";
        };
        return "harvest:" + resource + ":" + action;
    }

    private static String endpoint(String method, URI uri) {
        Matcher m = RESOURCE.matcher(uri.getPath());
        return method + " /v3/" + (m.find() ? m.group(1) : uri.getPath());
    }

    private static Optional<String> next(HttpHeaders headers) {
        for (String link : headers.allValues("Link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private void observe(String tenant, HttpHeaders headers) {
        budget.observe(tenant, integer(headers, "X-RateLimit-Limit"), integer(headers, "X-RateLimit-Remaining"),
                headers.firstValue("X-RateLimit-Reset").map(v -> {
                    try {
                        return Long.parseLong(v.trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }).orElse(null));
    }

    private static Integer integer(HttpHeaders headers, String name) {
        return headers.firstValue(name).map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    private void record(String tenant, String endpoint, String status, long startedNanos) {
        meters.counter("trellis.greenhouse.requests", "tenant", tenant, "endpoint", endpoint, "status", status)
                .increment();
        Timer.builder("trellis.greenhouse.request.duration").tags("tenant", tenant, "endpoint", endpoint)
                .register(meters).record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private void gauges(String tenant) {
        if (gauged.add(tenant)) {
            Gauge.builder("trellis.rate.budget.used", budget, b -> b.used(tenant)).tag("tenant", tenant)
                    .description("Greenhouse requests used in the current 30-second window").register(meters);
            Gauge.builder("trellis.rate.budget.remaining", budget, b -> b.remaining(tenant)).tag("tenant", tenant)
                    .description("Greenhouse requests left in the current 30-second window").register(meters);
        }
    }

    /** A counter for token mints, for {@link TokenCache}'s callback. */
    public static Counter tokenRefreshes(MeterRegistry meters, String tenant) {
        return meters.counter("trellis.greenhouse.token.refreshes", "tenant", tenant.toLowerCase(Locale.ROOT));
    }
}
