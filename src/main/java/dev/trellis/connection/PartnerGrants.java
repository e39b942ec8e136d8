package dev.trellis.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.greenhouse.BasicAuth;
import dev.trellis.greenhouse.GrantTokens;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseRejection;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partner grants ({@code partner_grant}, tokens sealed in {@code tenant_secret}) and their refresh. A refresh
 * holds the grant's row lock ({@code select ... for update}), so one instance at a time refreshes a connection, and
 * commits the rotated refresh token before the new access token is used: no crash, timeout or race loses the only
 * refresh token Greenhouse still accepts.
 */
final class PartnerGrants implements GrantTokens {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerGrants.class);
    private static final int ATTEMPTS = 3;

    /** What the token endpoint answered for a code or a refresh. */
    record TokenAnswer(String accessToken, String refreshToken, Duration lifetime, Set<String> scopes,
            Instant sentAt) {
        @Override
        public String toString() {
            return "TokenAnswer[lifetime " + lifetime + ", scopes " + scopes + "]";
        }
    }

    /** The token endpoint refused a code or a refresh token ({@code error}, e.g. invalid_grant). */
    static final class Refused extends Exception {
        final String error;

        Refused(String error, String message) {
            super(message);
            this.error = error;
        }
    }

    private record Cached(String value, Instant renewAt) {
    }

    private final DataSource dataSource;
    private final SecretBox box;
    private final GrantApi api;
    /** empty when this API's partner app is not configured: stored grants are kept, none is used */
    private final Optional<PartnerSettings.App> app;
    private final Duration keepalive;
    private final HttpClient http;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** told (tenant, detail) when Greenhouse no longer accepts a grant */
    private volatile BiConsumer<String, String> onDead = (tenant, detail) -> { };

    PartnerGrants(DataSource dataSource, SecretBox box, GrantApi api, PartnerSettings partner, HttpClient http,
            Clock clock, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.box = box;
        this.api = api;
        this.app = partner.app(api);
        this.keepalive = partner.keepalive();
        this.http = http;
        this.clock = clock;
        this.meters = meters;
    }

    void onDead(BiConsumer<String, String> listener) {
        this.onDead = listener;
    }

    GrantApi api() {
        return api;
    }

    private String reauthorize(String tenant) {
        return api.reauthorize(tenant);
    }

    private PartnerSettings.App app() {
        String key = "trellis.partner." + (api == GrantApi.HARVEST ? "" : api.label + ".") + "client-id";
        return app.orElseThrow(() -> new GreenhouseRejection(401, "Partner connections for " + api.label
                + " are not enabled here (" + key + ")"));
    }

    // ---- the token endpoint ------------------------------------------------------------------------------------

    /** Exchanges an authorization code (Basic client auth, the registered redirect URI). */
    TokenAnswer exchange(String code) throws Refused, IOException, InterruptedException {
        return post("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc(app().redirectUri().toString()));
    }

    private TokenAnswer post(String form) throws Refused, IOException, InterruptedException {
        PartnerSettings.App app = app();
        HttpRequest request = HttpRequest.newBuilder(app.tokenUrl())
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", BasicAuth.header(app.clientId(), app.clientSecret()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        Instant sentAt = clock.instant();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = ConnectionSpec.JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
        } catch (IOException e) {
            json = ConnectionSpec.JSON.createObjectNode();
        }
        if (r.statusCode() >= 500 || r.statusCode() == 429) {
            throw new IOException("the token endpoint " + app.tokenUrl() + " answered HTTP " + r.statusCode());
        }
        if (r.statusCode() != 200) {
            String error = json.path("error").asText("HTTP " + r.statusCode());
            throw new Refused(error, "the token endpoint " + app.tokenUrl() + " answered HTTP " + r.statusCode()
                    + " " + error);
        }
        String access = json.path("access_token").asText("");
        String refresh = json.path("refresh_token").asText("");
        if (access.isEmpty() || refresh.isEmpty()) {
            throw new IOException("the token endpoint answered 200 without access_token and refresh_token");
        }
        Duration lifetime = Duration.ofSeconds(json.path("expires_in").asLong(3600));
        Set<String> scopes = new LinkedHashSet<>();
        if (json.path("scope").isTextual()) {
            Arrays.stream(json.get("scope").asText().trim().split("[\\s,]+")).filter(s -> !s.isEmpty())
                    .forEach(scopes::add);
        }
        return new TokenAnswer(access, refresh, lifetime, scopes, sentAt);
    }

    // ---- storing -----------------------------------------------------------------------------------------------

    /** Replaces the tenant's grant and tokens, inside the caller's transaction. */
    void write(Connection c, String tenant, TokenAnswer answer) throws SQLException {
        writeTokens(c, tenant, answer);
        try (PreparedStatement ps = c.prepareStatement("insert into partner_grant (tenant, api, scopes, user_id, "
                + "access_expires_at, refresh_issued_at) values (?, ?, ?, 0, ?, ?) on conflict (tenant, api) do "
                + "update set "
                + "scopes = excluded.scopes, user_id = excluded.user_id, access_expires_at = "
                + "excluded.access_expires_at, refresh_issued_at = excluded.refresh_issued_at, refreshed_at = null, "
                + "ambiguous_at = null, ambiguous_detail = null, invalid_at = null, refreshes = 0")) {
            ps.setString(1, tenant);
            ps.setString(2, api.label);
            ps.setString(3, String.join(" ", answer.scopes()));
            ps.setTimestamp(4, Timestamp.from(answer.sentAt().plus(answer.lifetime())));
            ps.setTimestamp(5, Timestamp.from(answer.sentAt()));
            ps.executeUpdate();
        }
    }

    /** Remembers the access token a committed write or refresh stored. */
    void cached(String tenant, TokenAnswer answer) {
        cache.put(tenant, new Cached(answer.accessToken(), renewAt(answer.sentAt(), answer.lifetime())));
    }

    void forget(String tenant) {
        cache.remove(tenant);
    }

    private void writeTokens(Connection c, String tenant, TokenAnswer answer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into tenant_secret (tenant, name, key_id, nonce, "
                + "sealed) values (?, ?, ?, ?, ?) on conflict (tenant, name) do update set key_id = excluded.key_id, "
                + "nonce = excluded.nonce, sealed = excluded.sealed")) {
            for (String[] token : List.of(new String[] {api.accessName, answer.accessToken()},
                    new String[] {api.refreshName, answer.refreshToken()})) {
                SecretBox.Sealed sealed = box.seal(tenant, token[1]);
                ps.setString(1, tenant);
                ps.setString(2, token[0]);
                ps.setString(3, sealed.keyId());
                ps.setBytes(4, sealed.nonce());
                ps.setBytes(5, sealed.sealed());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- GrantTokens -------------------------------------------------------------------------------------------

    @Override
    public String accessToken(String tenant) throws InterruptedException {
        Cached cached = cache.get(tenant);
        if (cached != null && clock.instant().isBefore(cached.renewAt())) {
            return cached.value();
        }
        // a token Harvest refused is refreshed even when it looks fresh, unless another instance replaced it
        return refresh(tenant, cached != null && cached.renewAt().equals(Instant.MIN) ? cached.value() : null, false);
    }

    @Override
    public void refused(String tenant, String token) {
        cache.computeIfPresent(tenant, (k, c) -> c.value().equals(token) ? new Cached(token, Instant.MIN) : c);
    }

    @Override
    public Optional<Set<String>> scopes(String tenant) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select scopes from partner_grant where tenant = ? "
                        + "and api = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, api.label);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1).isBlank()) {
                    return Optional.empty();
                }
                return Optional.of(new LinkedHashSet<>(Arrays.asList(rs.getString(1).trim().split("\\s+"))));
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /**
     * Under the grant's row lock: the stored access token when it is fresh (another instance refreshed meanwhile) and
     * is not {@code refusedToken}; else a refresh, committed before its access token is returned. {@code due}: the
     * keep-alive's refresh whatever the access token's age.
     */
    String refresh(String tenant, String refusedToken, boolean due) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return refreshOnce(tenant, refusedToken, due);
            } catch (LostAnswer e) {
                if (attempt >= ATTEMPTS) {
                    throw new GreenhouseException(0, true, "The refresh of the partner grant of tenant " + tenant
                            + " got no answer " + attempt + " times: " + e.getMessage(), e);
                }
                // the refresh token may have rotated with the answer lost; the next try tells (invalid_grant if so)
                Thread.sleep(500L * attempt);
                due = false;
            } catch (SQLException e) {
                throw new GreenhouseException(0, true, "The partner grant of tenant " + tenant
                        + " could not be read: " + e.getMessage(), e);
            }
        }
    }

    private static final class LostAnswer extends Exception {
        LostAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private String refreshOnce(String tenant, String refusedToken, boolean due)
            throws SQLException, LostAnswer, InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Instant expires;
                Instant issued;
                Instant ambiguous;
                try (PreparedStatement ps = c.prepareStatement("select access_expires_at, refresh_issued_at, "
                        + "ambiguous_at, invalid_at, ambiguous_detail from partner_grant where tenant = ? and api = ? "
                        + "for update")) {
                    ps.setString(1, tenant);
                    ps.setString(2, api.label);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new GreenhouseRejection(401, "Tenant " + tenant + " has no " + api.label + " partner grant: "
                                    + reauthorize(tenant));
                        }
                        if (rs.getTimestamp(4) != null) {
                            throw new GreenhouseRejection(401, "Greenhouse no longer accepts the partner grant of "
                                    + "tenant " + tenant + ": " + reauthorize(tenant));
                        }
                        expires = rs.getTimestamp(1).toInstant();
                        issued = rs.getTimestamp(2).toInstant();
                        ambiguous = rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant();
                    }
                }
                Map<String, String> tokens = open(c, tenant);
                String access = tokens.get(api.accessName);
                Instant renewAt = renewAt(issued, Duration.between(issued, expires));
                boolean idle = due && issued.isBefore(clock.instant().minus(keepalive));
                if (!idle && access != null && !access.equals(refusedToken) && clock.instant().isBefore(renewAt)) {
                    c.commit();
                    cache.put(tenant, new Cached(access, renewAt));
                    return access;
                }
                TokenAnswer answer;
                try {
                    answer = post("grant_type=refresh_token&refresh_token=" + enc(tokens.get(api.refreshName)));
                } catch (IOException e) {
                    markAmbiguous(c, tenant, e.getClass().getSimpleName() + ": " + e.getMessage());
                    c.commit();
                    count("lost");
                    LOG.warn("The refresh of the partner grant of tenant {} got no answer ({}); retrying with the "
                            + "same refresh token", tenant, e.getMessage());
                    throw new LostAnswer(e.getMessage(), e);
                } catch (Refused e) {
                    if (!e.error.equals("invalid_grant")) {
                        c.rollback();
                        throw new GreenhouseException(0, false, "The refresh of the partner grant of tenant "
                                + tenant + " was refused: " + e.getMessage() + " (check the " + api.label
                                + " partner app's client-id and client-secret in trellis.partner.*)");
                    }
                    String detail = (ambiguous != null ? "the refresh answer was lost and Greenhouse no longer "
                            + "accepts the previous refresh token" : "Greenhouse no longer accepts the partner grant "
                            + "(revoked, expired or used elsewhere)") + "; " + reauthorize(tenant);
                    try (PreparedStatement ps = c.prepareStatement("update partner_grant set invalid_at = now(), "
                            + "ambiguous_detail = coalesce(ambiguous_detail, ?) where tenant = ? and api = ?")) {
                        ps.setString(1, detail);
                        ps.setString(2, tenant);
                        ps.setString(3, api.label);
                        ps.executeUpdate();
                    }
                    c.commit();
                    cache.remove(tenant);
                    count("invalid_grant");
                    LOG.warn("Partner connection {} ({}): {}", tenant, api.label, detail);
                    onDead.accept(tenant, detail);
                    throw new GreenhouseRejection(401, "Partner connection " + tenant + " (" + api.label + "): "
                            + detail);
                }
                writeTokens(c, tenant, answer);
                try (PreparedStatement ps = c.prepareStatement("update partner_grant set access_expires_at = ?, "
                        + "refresh_issued_at = ?, refreshed_at = now(), ambiguous_at = null, ambiguous_detail = null, "
                        + "refreshes = refreshes + 1, scopes = case when ? = '' then scopes else ? end "
                        + "where tenant = ? and api = ?")) {
                    ps.setTimestamp(1, Timestamp.from(answer.sentAt().plus(answer.lifetime())));
                    ps.setTimestamp(2, Timestamp.from(answer.sentAt()));
                    ps.setString(3, String.join(" ", answer.scopes()));
                    ps.setString(4, String.join(" ", answer.scopes()));
                    ps.setString(5, tenant);
                    ps.setString(6, api.label);
                    ps.executeUpdate();
                }
                // committed before the new access token is used: the rotated refresh token is never only in memory
                c.commit();
                count("ok");
                cached(tenant, answer);
                return answer.accessToken();
            } catch (SQLException | RuntimeException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                throw e;
            }
        }
    }

    private void markAmbiguous(Connection c, String tenant, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update partner_grant set ambiguous_at = now(), "
                + "ambiguous_detail = ? where tenant = ? and api = ?")) {
            ps.setString(1, "a refresh got no answer at " + clock.instant() + " (" + detail + "): the refresh token "
                    + "may have rotated");
            ps.setString(2, tenant);
            ps.setString(3, api.label);
            ps.executeUpdate();
        }
    }

    private Map<String, String> open(Connection c, String tenant) throws SQLException {
        Map<String, String> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select name, key_id, nonce, sealed from tenant_secret "
                + "where tenant = ? and name in (?, ?)")) {
            ps.setString(1, tenant);
            ps.setString(2, api.accessName);
            ps.setString(3, api.refreshName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.put(rs.getString(1), box.open(tenant, new SecretBox.Sealed(rs.getString(2),
                                rs.getBytes(3), rs.getBytes(4))));
                    } catch (SecretBox.Unreadable e) {
                        throw new GreenhouseException(0, false, "The partner tokens of tenant " + tenant
                                + " cannot be opened here: " + e.getMessage());
                    }
                }
            }
        }
        if (!out.containsKey(api.refreshName)) {
            throw new GreenhouseRejection(401, "Tenant " + tenant + " has no refresh token: " + reauthorize(tenant));
        }
        return out;
    }

    /** Whether Greenhouse refused the tenant's grant (until it is authorized again). */
    boolean dead(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select 1 from partner_grant where tenant = ? "
                        + "and api = ? and invalid_at is not null")) {
            ps.setString(1, tenant);
            ps.setString(2, api.label);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    // ---- keep-alive --------------------------------------------------------------------------------------------

    /** Grants whose refresh token was last used (issued) longer than the keep-alive ago and that are not dead. */
    List<String> idle() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select tenant from partner_grant where api = ? "
                        + "and invalid_at is null and refresh_issued_at < ? order by refresh_issued_at")) {
            ps.setString(1, api.label);
            ps.setTimestamp(2, Timestamp.from(clock.instant().minus(keepalive)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Refreshes one idle grant, unless another instance did since it was listed (decided under the lock). */
    void keepAlive(String tenant) throws InterruptedException {
        refresh(tenant, null, true);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Renewed a tenth of its lifetime before it ends, at most a minute, at least a second. */
    private static Instant renewAt(Instant issued, Duration lifetime) {
        Duration margin = lifetime.dividedBy(10);
        margin = margin.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                : margin.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : margin;
        return issued.plus(lifetime).minus(margin);
    }

    private void count(String outcome) {
        meters.counter("trellis.partner.refreshes", "api", api.label, "outcome", outcome).increment();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
