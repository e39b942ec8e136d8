package dev.trellis.greenhouse;

import java.net.http.HttpHeaders;

/** Reads {@code Retry-After} (seconds; Greenhouse does not send HTTP dates). */
final class RetryAfter {
    private RetryAfter() {
    }

    static long seconds(HttpHeaders headers, long fallback) {
        return headers.firstValue("Retry-After").map(v -> {
            try {
                return Math.max(0, Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return fallback;
            }
        }).orElse(fallback);
    }
}
