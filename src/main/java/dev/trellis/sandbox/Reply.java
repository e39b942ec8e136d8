package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer to send: status, headers and body bytes. */
record Reply(int status, Map<String, String> headers, byte[] body) {
    /** No answer at all: the server closes the connection without one (a lost answer). */
    static final Reply LOST = new Reply(0, Map.of(), new byte[0]);

    static Reply json(int status, JsonNode body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json; charset=utf-8");
        return new Reply(status, h, Json.bytes(body));
    }

    static Reply text(int status, String contentType, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        return new Reply(status, h, body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
        return new Reply(status, new LinkedHashMap<>(), new byte[0]);
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
