package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test client: real HTTP with the JDK client against a sandbox. */
final class SandboxHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    final Sandbox sb;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SandboxHttp(Sandbox sb) {
        this.sb = sb;
    }

    /** An answer: status, headers, raw body and the body parsed as JSON (null if not JSON). */
    record Answer(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String next() {
            String link = header("Link");
            if (link == null) {
                return null;
            }
            Matcher m = NEXT.matcher(link);
            return m.find() ? m.group(1) : null;
        }

        String body() {
            return raw.body();
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    Answer send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException e) {
                // not JSON: leave null
            }
            return new Answer(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String pathOrUrl) {
        return HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : sb.baseUrl() + pathOrUrl));
    }

    Answer tokenAnswer(String clientId, String secret, String form) {
        return send(request("/token").header("Authorization", basic(clientId, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    String token(ClientCredentials c, Long sub) {
        Answer a = tokenAnswer(c.clientId(), c.clientSecret(),
                "grant_type=client_credentials" + (sub == null ? "" : "&sub=" + sub));
        if (a.status() != 200) {
            throw new IllegalStateException("token: " + a.status() + " " + a.body());
        }
        return a.json().get("access_token").asText();
    }

    ClientCredentials mainClient() {
        SandboxCredentials c = sb.credentials();
        return new ClientCredentials(c.clientId(), c.clientSecret(), Scopes.all());
    }

    /** A token for the all-scopes client acting as the Site Admin. */
    String adminToken() {
        return token(mainClient(), sb.credentials().siteAdminUserId());
    }

    Answer get(String token, String pathOrUrl) {
        return send(request(pathOrUrl).header("Authorization", "Bearer " + token).GET());
    }

    Answer json(String method, String token, String path, String body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** Follows next links from a first URL; returns every record, asserting each page is 200. */
    List<JsonNode> all(String token, String firstPath) {
        List<JsonNode> out = new ArrayList<>();
        String url = firstPath;
        while (url != null) {
            Answer a = get(token, url);
            if (a.status() != 200) {
                throw new IllegalStateException(url + " -> " + a.status() + " " + a.body());
            }
            a.json().forEach(out::add);
            url = a.next();
        }
        return out;
    }

    List<Long> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.get("id").asLong()).toList();
    }

    static String query(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() == 0 ? "?" : "&").append(enc(k)).append('=').append(enc(v)));
        return sb.toString();
    }
}
