package dev.trellis.greenhouse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The HTTP Basic header of the token endpoint (client id and secret) and of Candidate Ingestion (key, no password). */
public final class BasicAuth {
    private BasicAuth() {
    }

    public static String header(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
