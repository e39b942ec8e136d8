package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One incoming request, read up front: method, path, decoded query parameters, headers, body. The target is split
 * as received (no URI parsing): a query string may hold what Greenhouse takes raw, such as {@code |}.
 */
final class SandboxRequest {
    final String method;
    final String path;
    final String rawQuery;
    final Map<String, String> query;
    final byte[] body;
    private final Http11Server.Exchange exchange;

    SandboxRequest(Http11Server.Exchange exchange) {
        this.exchange = exchange;
        this.method = exchange.method;
        String target = exchange.target;
        // absolute form (through a proxy): keep the path and query only
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int hash = target.indexOf('#');
        if (hash >= 0) {
            target = target.substring(0, hash);
        }
        int q = target.indexOf('?');
        this.path = q < 0 ? target : target.substring(0, q);
        this.rawQuery = q < 0 ? null : target.substring(q + 1);
        this.body = exchange.body;
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
        return exchange.header(name);
    }

    /** scheme://host[:port] as the client addressed us, for links in answers. */
    String origin() {
        String host = header("Host");
        if (host == null) {
            var a = exchange.localAddress();
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
