package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One incoming request, read up front: method, path, decoded query parameters, headers, body. */
final class SandboxRequest {
    final String method;
    final String path;
    final String rawQuery;
    final Map<String, String> query;
    final byte[] body;
    private final HttpExchange exchange;

    SandboxRequest(HttpExchange exchange) throws IOException {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod();
        this.path = exchange.getRequestURI().getRawPath();
        this.rawQuery = exchange.getRequestURI().getRawQuery();
        try (InputStream in = exchange.getRequestBody()) {
            this.body = in.readAllBytes();
        }
        this.query = parseQuery(rawQuery);
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                q.put(k, v);
            } catch (IllegalArgumentException e) {
                throw ApiException.harvest(400, "Malformed query string");
            }
        }
        return q;
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** scheme://host[:port] as the client addressed us, for links in answers. */
    String origin() {
        String host = header("Host");
        if (host == null) {
            var a = exchange.getLocalAddress();
            host = a.getHostString() + ":" + a.getPort();
        }
        return "http://" + host;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON; invalid JSON is a 400 with the given error body maker. */
    JsonNode json() {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw ApiException.harvest(400, "Request body must be JSON");
            }
            return n;
        } catch (IOException e) {
            throw ApiException.harvest(400, "Request body is not valid JSON");
        }
    }
}
