package dev.trellis.api;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may call the API: a request with {@code Authorization: Bearer <TRELLIS_API_TOKEN>}, or the console's session
 * cookie, which the console's login sets after it was shown the token once. The cookie holds an expiry and an HMAC of
 * it keyed by the token, so every instance with the same token accepts it and a new token ends every session; it is
 * HttpOnly and SameSite=Strict, and an API call made with it must also carry {@link #CONSOLE_HEADER}, which another
 * site's page cannot send without CORS (the hub answers none). Without a token everything is admitted (the server
 * then listens on 127.0.0.1 only).
 */
public final class ApiToken {
    public static final String COOKIE = "trellis_console";
    /** Sent by the console's scripts with every API call: a cross-site form or link cannot add it. */
    public static final String CONSOLE_HEADER = "X-Trellis-Console";

    private final byte[] expected;
    private final byte[] sessionKey;
    private final Duration lifetime;
    private final Clock clock;

    public ApiToken(String token, Duration lifetime, Clock clock) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.sessionKey = token == null ? null : sha256("trellis-console-session\n" + token);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public ApiToken(String token) {
        this(token, Duration.ofHours(12), Clock.systemUTC());
    }

    public boolean required() {
        return expected != null;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** The bearer token, or the session cookie with the console's header (API calls). */
    public boolean admits(HttpServerRequest request) {
        return !required() || bearer(request) || request.getHeader(CONSOLE_HEADER) != null && session(request);
    }

    /** The bearer token, or the session cookie alone: a page the console navigates to (no header can be added). */
    public boolean admitsNavigation(HttpServerRequest request) {
        return !required() || bearer(request) || session(request);
    }

    /** Whether {@code token} is the API token (the console's login). */
    public boolean matches(String token) {
        return required() && token != null
                && MessageDigest.isEqual(expected, ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    /** A new session cookie's value: its expiry (epoch seconds) and the HMAC of it. */
    public String newSession() {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        return expires + "." + sign(expires);
    }

    /** Whether the request carries a session cookie this token signed that has not expired. */
    public boolean session(HttpServerRequest request) {
        if (!required()) {
            return true;
        }
        Cookie cookie = request.getCookie(COOKIE);
        if (cookie == null) {
            return false;
        }
        String value = cookie.getValue();
        int dot = value.indexOf('.');
        if (dot <= 0 || dot > 19 || !value.substring(0, dot).matches("[0-9]+")) {
            return false;
        }
        long expires = Long.parseLong(value.substring(0, dot));
        return expires > clock.instant().getEpochSecond() && MessageDigest.isEqual(
                sign(expires).getBytes(StandardCharsets.US_ASCII),
                value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private boolean bearer(HttpServerRequest request) {
        String given = request.getHeader(HttpHeaders.AUTHORIZATION);
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }

    private String sign(long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(Long.toString(expires).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
