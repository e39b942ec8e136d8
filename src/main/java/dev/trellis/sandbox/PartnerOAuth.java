package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The partner side of OAuth authorization code (docs/greenhouse.md#partner-oauth): partner apps, one-minute
 * single-use codes, access tokens, and refresh tokens that are single-use, rotate on every refresh and expire after
 * 24 hours unused. One lock for all of it: a refresh is a few map operations.
 */
final class PartnerOAuth {
    static final long CODE_TTL_MILLIS = 60_000;
    static final long REFRESH_TTL_MILLIS = 24 * 3_600_000L;

    /** Which API a grant's tokens open: Harvest (/authorize, /token) or Candidate Ingestion (/oauth/...). */
    enum Api {
        HARVEST("/authorize"), INGESTION("/oauth/authorize");

        final String authorizePath;

        Api(String authorizePath) {
            this.authorizePath = authorizePath;
        }

        static Api ofPath(String path) {
            return path.startsWith("/oauth/") ? INGESTION : HARVEST;
        }

        /** The app's scopes that belong to this API. */
        Set<String> scopesOf(PartnerApp app) {
            Predicate<String> harvest = s -> s.startsWith("harvest:");
            Set<String> out = new TreeSet<>();
            app.scopes().stream().filter(this == HARVEST ? harvest : harvest.negate()).forEach(out::add);
            return out;
        }

        String label() {
            return this == HARVEST ? "harvest" : "ingestion";
        }
    }

    /** A refusal at the authorize endpoint that must NOT redirect (unknown client, unregistered redirect URI). */
    static final class NoRedirect extends RuntimeException {
        NoRedirect(String message) {
            super(message, null, false, false);
        }
    }

    private record Code(String value, PartnerApp app, Api api, int org, long userId, String redirectUri,
            long expiresAt) {
    }

    private static final class Grant {
        final String id;
        final PartnerApp app;
        final Api api;
        final int org;
        final long userId;
        final Set<String> scopes;
        final long createdAt;
        final List<String> accessTokens = new ArrayList<>();
        String refreshToken;
        long refreshIssuedAt;
        boolean revoked;
        long refreshRequests;
        long refreshes;
        long invalidGrants;
        long lostAnswers;

        Grant(String id, PartnerApp app, Api api, int org, long userId, Set<String> scopes, long createdAt) {
            this.id = id;
            this.app = app;
            this.api = api;
            this.org = org;
            this.userId = userId;
            this.scopes = scopes;
            this.createdAt = createdAt;
        }

        boolean expired(long now) {
            return now >= refreshIssuedAt + REFRESH_TTL_MILLIS;
        }
    }

    /** In registration order. */
    private final Map<String, PartnerApp> apps = new LinkedHashMap<>();
    private final Map<String, Code> codes = new LinkedHashMap<>();
    /** Codes already exchanged, with the grant they made: a second exchange revokes it. */
    private final Map<String, Grant> usedCodes = new LinkedHashMap<>();
    private final Map<String, Grant> grants = new LinkedHashMap<>();
    /** Every refresh token ever issued (rotated ones too) and its grant. */
    private final Map<String, Grant> byRefreshToken = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final SandboxClock clock;
    private final Faults faults;
    private final Orgs orgs;
    private final TokenIssuer harvestTokens;
    private final TokenIssuer ingestionTokens;
    private final long accessTtlMillis;
    private long invalidGrants;
    private long grantCounter;

    PartnerOAuth(SandboxClock clock, Faults faults, Orgs orgs, TokenIssuer harvestTokens, TokenIssuer ingestionTokens,
            long accessTtlMillis) {
        this.clock = clock;
        this.faults = faults;
        this.orgs = orgs;
        this.harvestTokens = harvestTokens;
        this.ingestionTokens = ingestionTokens;
        this.accessTtlMillis = accessTtlMillis;
    }

    // ---- apps ------------------------------------------------------------------------------------------------------

    synchronized PartnerApp register(String clientId, String clientSecret, String redirectUri, Set<String> scopes) {
        PartnerApp app = new PartnerApp(clientId, clientSecret, checkRedirectUri(redirectUri), checkScopes(scopes));
        if (apps.putIfAbsent(clientId, app) != null) {
            throw new IllegalStateException("partner client id " + clientId + " is taken");
        }
        return app;
    }

    PartnerApp registerRandom(String redirectUri, Set<String> scopes) {
        return register("partner-" + hex(8), hex(24), redirectUri, scopes);
    }

    synchronized List<PartnerApp> apps() {
        return List.copyOf(apps.values());
    }

    /** The app whose id and secret match the Basic header, or null. */
    synchronized PartnerApp authenticate(String authorization) {
        String[] idSecret = TokenIssuer.basic(authorization);
        PartnerApp app = idSecret == null ? null : apps.get(idSecret[0]);
        if (app == null || !java.security.MessageDigest.isEqual(app.clientSecret().getBytes(
                java.nio.charset.StandardCharsets.UTF_8), idSecret[1].getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            return null;
        }
        return app;
    }

    synchronized boolean isPartnerApp(String clientId) {
        return clientId != null && apps.containsKey(clientId);
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---- authorize -------------------------------------------------------------------------------------------------

    /** The app named by client_id whose registered redirect URI is exactly redirect_uri; else {@link NoRedirect}. */
    synchronized PartnerApp checkClient(String clientId, String redirectUri) {
        if (clientId == null || clientId.isBlank()) {
            throw new NoRedirect("client_id is missing.");
        }
        PartnerApp app = apps.get(clientId);
        if (app == null) {
            throw new NoRedirect("client_id " + clientId + " is not a registered partner app.");
        }
        if (redirectUri == null || !redirectUri.equals(app.redirectUri())) {
            throw new NoRedirect("redirect_uri " + (redirectUri == null ? "is missing" : redirectUri + " is not the one "
                    + "registered for this app") + "; the registered redirect URI must be used exactly.");
        }
        return app;
    }

    /**
     * The OAuth error of an authorize request whose client and redirect URI are valid (sent to the redirect URI), or
     * null: response_type must be code, requested scopes must be the app's (the grant always has all of them).
     */
    static String[] requestError(PartnerApp app, Api api, String responseType, String scope) {
        if (!"code".equals(responseType)) {
            return new String[] {"unsupported_response_type", "response_type must be code"};
        }
        Set<String> granted = api.scopesOf(app);
        if (granted.isEmpty()) {
            return new String[] {"invalid_scope", "this app has no " + api.label() + " scopes"};
        }
        if (scope != null) {
            for (String s : scope.split("[\\s,]+")) {
                if (!s.isEmpty() && !granted.contains(s)) {
                    return new String[] {"invalid_scope", "scope " + s + " is not among this app's scopes"};
                }
            }
        }
        return null;
    }

    /** Why this user cannot authorize in this organisation, or null when they can. */
    String userProblem(long org, long userId) {
        if (org < 0 || org >= orgs.size()) {
            return "org must be between 0 and " + (orgs.size() - 1);
        }
        Organisation data = orgs.get((int) org).data;
        long index = data.table(Resource.USERS).indexOf(userId);
        if (!data.exists(Resource.USERS, userId) || index > 0 && data.generator().isDeactivated(index)) {
            return "user_id " + userId + " is not an active user of organisation " + org;
        }
        return null;
    }

    /** The consent was given: a one-minute, single-use code. */
    synchronized String approve(PartnerApp app, Api api, int org, long userId) {
        long now = clock.millis();
        codes.values().removeIf(c -> c.expiresAt() <= now);
        Code c = new Code(hex(20), app, api, org, userId, app.redirectUri(), now + CODE_TTL_MILLIS);
        codes.put(c.value(), c);
        return c.value();
    }

    // ---- token -----------------------------------------------------------------------------------------------------

    /** {@code grant_type=authorization_code}, the app already authenticated. */
    synchronized Reply exchange(PartnerApp app, Api api, Map<String, String> form) {
        String value = form.get("code");
        if (value == null || value.isEmpty()) {
            return oauthError(400, "invalid_request", "code is required");
        }
        Grant madeBefore = usedCodes.get(value);
        if (madeBefore != null) {
            // a code used twice: the tokens issued from it are revoked (RFC 6749 section 4.1.2)
            revoke(madeBefore);
            madeBefore.invalidGrants++;
            return invalidGrant("code was already used; the authorization made with it is revoked");
        }
        Code code = codes.remove(value);
        long now = clock.millis();
        if (code == null || code.expiresAt() <= now || code.api() != api) {
            return invalidGrant("code is unknown or expired");
        }
        if (!code.app().clientId().equals(app.clientId())) {
            return invalidGrant("code was issued to another client");
        }
        if (!code.redirectUri().equals(form.get("redirect_uri"))) {
            return invalidGrant("redirect_uri does not match the authorization request's");
        }
        Grant g = new Grant("grant-" + (++grantCounter) + "-" + hex(4), app, api, code.org(), code.userId(),
                api.scopesOf(app), now);
        grants.put(g.id, g);
        usedCodes.put(value, g);
        return Reply.json(200, issue(g, now)).header("Cache-Control", "no-store");
    }

    /** {@code grant_type=refresh_token}, the app already authenticated. */
    synchronized Reply refresh(PartnerApp app, Api api, Map<String, String> form) {
        String value = form.get("refresh_token");
        if (value == null || value.isEmpty()) {
            return oauthError(400, "invalid_request", "refresh_token is required");
        }
        Grant g = byRefreshToken.get(value);
        if (g == null || !g.app.clientId().equals(app.clientId()) || g.api != api) {
            return invalidGrant("refresh_token is unknown");
        }
        g.refreshRequests++;
        long now = clock.millis();
        String problem = g.revoked ? "the authorization was revoked"
                : !value.equals(g.refreshToken) ? "refresh_token was already used (it rotates on every refresh)"
                : g.expired(now) ? "refresh_token expired (unused for 24 hours)" : null;
        if (problem != null) {
            g.invalidGrants++;
            return invalidGrant(problem);
        }
        ObjectNode body = issue(g, now);
        g.refreshes++;
        if (faults.takeLostRefreshAnswer()) {
            // rotated and issued, but the answer never arrives: the old token is already dead
            g.lostAnswers++;
            return Reply.LOST;
        }
        return Reply.json(200, body).header("Cache-Control", "no-store");
    }

    private ObjectNode issue(Grant g, long now) {
        ClientCredentials as = new ClientCredentials(g.app.clientId(), g.app.clientSecret(), g.scopes);
        TokenIssuer tokens = g.api == Api.HARVEST ? harvestTokens : ingestionTokens;
        TokenIssuer.Token access = tokens.issue(as, g.org, g.userId, accessTtlMillis);
        g.accessTokens.add(access.value());
        g.refreshToken = hex(32);
        g.refreshIssuedAt = now;
        byRefreshToken.put(g.refreshToken, g);
        ObjectNode body = Json.object();
        body.put("access_token", access.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", accessTtlMillis / 1000);
        body.put("expires_at", Timeline.iso(access.expiresAt()));
        body.put("refresh_token", g.refreshToken);
        body.put("scope", String.join(" ", g.scopes));
        return body;
    }

    private Reply invalidGrant(String description) {
        invalidGrants++;
        return oauthError(400, "invalid_grant", description);
    }

    static Reply oauthError(int status, String error, String description) {
        return Reply.json(status, Json.object().put("error", error).put("error_description", description));
    }

    // ---- grants ----------------------------------------------------------------------------------------------------

    private void revoke(Grant g) {
        g.revoked = true;
        (g.api == Api.HARVEST ? harvestTokens : ingestionTokens).forget(g.accessTokens);
        g.accessTokens.clear();
    }

    private Grant find(String grantIdOrRefreshToken) {
        Grant g = grants.get(grantIdOrRefreshToken);
        return g != null ? g : byRefreshToken.get(grantIdOrRefreshToken);
    }

    /** Revokes one authorization (by grant id or any refresh token it issued): false when there is none. */
    synchronized boolean revoke(String grantIdOrRefreshToken) {
        Grant g = find(grantIdOrRefreshToken);
        if (g == null) {
            return false;
        }
        revoke(g);
        return true;
    }

    /** Revokes every live authorization of an app in an organisation (the customer removes the app). */
    synchronized int revokeAll(String clientId, int org) {
        int n = 0;
        for (Grant g : grants.values()) {
            if (g.app.clientId().equals(clientId) && g.org == org && !g.revoked) {
                revoke(g);
                n++;
            }
        }
        return n;
    }

    synchronized PartnerGrant grant(String grantIdOrRefreshToken) {
        Grant g = find(grantIdOrRefreshToken);
        return g == null ? null : view(g, clock.millis());
    }

    /** Every authorization, oldest first, optionally of one app ({@code clientId} null: all) and organisation. */
    synchronized List<PartnerGrant> grants(String clientId, Integer org) {
        long now = clock.millis();
        List<PartnerGrant> out = new ArrayList<>();
        for (Grant g : grants.values()) {
            if ((clientId == null || g.app.clientId().equals(clientId)) && (org == null || g.org == org)) {
                out.add(view(g, now));
            }
        }
        return out;
    }

    /** invalid_grant answers since start, of every grant and of codes and refresh tokens nobody knows. */
    synchronized long invalidGrants() {
        return invalidGrants;
    }

    private static PartnerGrant view(Grant g, long now) {
        String status = g.revoked ? "revoked" : g.expired(now) ? "expired" : "active";
        return new PartnerGrant(g.id, g.app.clientId(), g.api.label(), g.org, g.userId, g.scopes, status,
                Instant.ofEpochMilli(g.createdAt), Instant.ofEpochMilli(g.refreshIssuedAt + REFRESH_TTL_MILLIS),
                g.refreshRequests, g.refreshes, g.invalidGrants, g.lostAnswers);
    }

    /** A partner app's scopes: known names only, at least one (IllegalArgumentException naming the bad one). */
    static Set<String> checkScopes(Set<String> names) {
        Set<String> known = Scopes.partnerAll();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("scopes must name at least one scope");
        }
        for (String s : names) {
            if (!known.contains(s)) {
                throw new IllegalArgumentException("scopes: unknown scope " + s);
            }
        }
        return new TreeSet<>(names);
    }

    /** A redirect URI must be an absolute http(s) URL without a fragment (RFC 6749 section 3.1.2). */
    static String checkRedirectUri(String uri) {
        java.net.URI u;
        try {
            u = uri == null ? null : new java.net.URI(uri);
        } catch (java.net.URISyntaxException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || u.getFragment() != null
                || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
            throw new IllegalArgumentException("redirect_uri must be an absolute http(s) URL without a fragment");
        }
        return uri;
    }
}
