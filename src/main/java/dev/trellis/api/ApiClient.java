package dev.trellis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretRef;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The command line's way into a running hub: its REST API, with the token from the environment. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Options every command that talks to a running hub takes (a picocli mixin). */
    public static final class Options {
        @Option(names = "--url", defaultValue = "${env:TRELLIS_URL:-http://127.0.0.1:8080}",
                description = "Base URL of the running hub (env TRELLIS_URL; default ${DEFAULT-VALUE}). "
                        + "The token comes from TRELLIS_API_TOKEN or TRELLIS_API_TOKEN_FILE.")
        String url;

        public ApiClient client() {
            return new ApiClient(url, SecretRef.fromEnvironment("TRELLIS_API_TOKEN"));
        }
    }

    /** An answer of the hub. */
    public record Answer(int status, JsonNode json) {
        public String error() {
            return json != null && json.has("error") ? json.get("error").asText() : "HTTP " + status;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Answer post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A request with a JSON body (or none when {@code json} is null): POST, PATCH, DELETE. */
    public Answer send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                // leave it null; error() then reports the status
            }
            return new Answer(response.statusCode(), json);
        } catch (ConnectException e) {
            throw new IOException("No Trellis answers at " + base + " (is it running? --url / TRELLIS_URL)", e);
        }
    }

    public static String pretty(JsonNode json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (IOException e) {
            return String.valueOf(json);
        }
    }
}
