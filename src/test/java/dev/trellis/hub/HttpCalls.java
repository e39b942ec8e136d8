package dev.trellis.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls with the JDK client, answers parsed as JSON. */
public final class HttpCalls {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A status, the raw body and (when it parses) the JSON. */
    public record Answer(int status, String body, JsonNode json) {
        /** The answer's {@code error} text, or the whole body when it has none. */
        public String error() {
            return json == null || !json.has("error") ? body : json.get("error").asText();
        }
    }

    private HttpCalls() {
    }

    public static Answer get(String url, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
    }

    public static Answer post(String url, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()), headers);
    }

    /** Any method, the body as given (null: none), and only the headers given: no Content-Type is added. */
    public static Answer send(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    /** {@link #send} with {@code Content-Type: application/json}. */
    public static Answer json(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return send(method, url, body, all);
    }

    private static Answer send(HttpRequest.Builder builder, String... headers) throws IOException, InterruptedException {
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpResponse<String> response = CLIENT.send(builder.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException notJson) {
            // metrics and some errors are plain text
        }
        return new Answer(response.statusCode(), response.body(), json);
    }
}
