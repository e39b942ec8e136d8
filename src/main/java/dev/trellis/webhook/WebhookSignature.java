package dev.trellis.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Greenhouse's {@code Signature: sha256 <hex>} header: HMAC-SHA256 of the raw body, keyed with the webhook's secret
 * (GH-docs {@code webhooks/_introduction.md}), compared in constant time.
 */
final class WebhookSignature {
    /** Stands in for a missing secret, so an unknown tenant costs the same HMAC as a known one. */
    private static final String NO_SECRET = "no secret: never matches a header";

    private WebhookSignature() {
    }

    /** Whether {@code header} is the signature of {@code body} under {@code secret} (null secret: never). */
    static boolean matches(String secret, byte[] body, String header) {
        byte[] expected = hmac(secret == null ? NO_SECRET : secret, body);
        byte[] given = header == null ? new byte[0] : parse(header);
        // MessageDigest.isEqual takes the same time whatever the position of the first difference
        return MessageDigest.isEqual(expected, given) && secret != null;
    }

    private static byte[] parse(String header) {
        String h = header.trim();
        int space = h.indexOf(' ');
        if (space < 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("sha256")) {
            return new byte[0];
        }
        String hex = h.substring(space + 1).trim().toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return new byte[0];
        }
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
