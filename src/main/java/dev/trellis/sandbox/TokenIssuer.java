package dev.trellis.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** OAuth clients and the bearer tokens minted for them (docs/greenhouse.md#oauth-token). */
final class TokenIssuer {
    /** A registered client and the organisation (0-based) its tokens see. */
    record Client(ClientCredentials credentials, int org) {
    }

    /**
     * A minted token: whose it is, which organisation it sees, who it acts as (null = the integration service user),
     * when it expires.
     */
    record Token(String value, ClientCredentials client, int org, Long subUserId, long issuedAt, long expiresAt) {
    }

    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final SandboxClock clock;
    private final long ttlMillis;
    private final Faults faults;

    TokenIssuer(SandboxClock clock, long ttlMillis, Faults faults) {
        this.clock = clock;
        this.ttlMillis = ttlMillis;
        this.faults = faults;
    }

    ClientCredentials register(String clientId, String secret, Set<String> scopes, int org) {
        ClientCredentials c = new ClientCredentials(clientId, secret, scopes);
        if (clients.putIfAbsent(clientId, new Client(c, org)) != null) {
            throw new IllegalStateException("client id " + clientId + " is taken");
        }
        return c;
    }

    ClientCredentials registerRandom(Set<String> scopes, int org) {
        return register("client-" + hex(8), hex(24), scopes, org);
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The client id presented in a Basic header (even if the secret is wrong), or null. */
    static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The client whose id and secret match the Basic header, or null. */
    Client authenticate(String authorization) {
        String[] idSecret = basic(authorization);
        if (idSecret == null) {
            return null;
        }
        Client c = clients.get(idSecret[0]);
        if (c == null || !MessageDigest.isEqual(c.credentials().clientSecret().getBytes(StandardCharsets.UTF_8),
                idSecret[1].getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return c;
    }

    /** The customer deletes the credential in Greenhouse: it mints no more tokens, and its tokens stop working. */
    boolean revoke(String clientId) {
        Client gone = clients.remove(clientId);
        tokens.values().removeIf(t -> t.client().clientId().equals(clientId));
        return gone != null;
    }

    Token issue(Client client, Long sub) {
        return issue(client.credentials(), client.org(), sub, ttlMillis);
    }

    /** A token for a partner grant: the app's id with the grant's scopes, its organisation and user, its lifetime. */
    Token issue(ClientCredentials as, int org, Long sub, long lifetimeMillis) {
        long now = clock.millis();
        Token t = new Token(hex(32), as, org, sub, now, now + lifetimeMillis);
        tokens.put(t.value(), t);
        return t;
    }

    /** These tokens stop working at once (a revoked partner grant). */
    void forget(java.util.Collection<String> values) {
        values.forEach(tokens::remove);
    }

    /** The live token of a Bearer header, or null when unknown, expired, or aged out by the early-expiry fault. */
    Token check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        Token t = tokens.get(authorization.substring(7).trim());
        if (t == null) {
            return null;
        }
        long now = clock.millis();
        long maxAge = faults.tokenMaxAgeMillis();
        if (now >= t.expiresAt() || (maxAge > 0 && now - t.issuedAt() >= maxAge)) {
            return null;
        }
        return t;
    }

    /** Makes every token minted so far invalid (the "tokens expire early" fault, all at once). */
    int expireAll() {
        int n = tokens.size();
        tokens.clear();
        return n;
    }
}
