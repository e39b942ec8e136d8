package dev.trellis.greenhouse;

import dev.trellis.config.Tenant;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The OAuth2 client-credentials request to the tenant's token endpoint, for the token cache and the check. */
public final class TokenRequest {
    private TokenRequest() {
    }

    /** A token request for user {@code sub}; without a sub only the client id and secret are judged. */
    public static HttpRequest build(Tenant.Harvest harvest, Long sub, Duration timeout) {
        String form = "grant_type=client_credentials" + (sub == null ? ""
                : "&sub=" + URLEncoder.encode(Long.toString(sub), StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(harvest.tokenUrl())
                .timeout(timeout)
                .header("Authorization", BasicAuth.header(harvest.clientId(), harvest.clientSecret()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    /** A fresh token answer, no cache and no retry: the connection check judges the credential by it. */
    public static RawAnswer fresh(HttpClient http, Tenant.Harvest harvest, Long sub, Duration timeout)
            throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(build(harvest, sub, timeout), HttpResponse.BodyHandlers.ofString());
            return new RawAnswer(r.statusCode(), GreenhouseShape.json(r.body()), r.body(), null);
        } catch (IOException e) {
            return new RawAnswer(0, null, null, e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()));
        }
    }
}
