package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque paging cursors (docs/greenhouse.md#paging): URL-safe Base64 of an HMAC tag followed by the JSON of the
 * resource, the original filters, the page size, the last id answered and an expiry. A changed, foreign or expired
 * cursor is a 422.
 */
final class CursorCodec {
    private static final int TAG_BYTES = 16;

    /** What a cursor carries. */
    record State(String resource, Map<String, String> params, int perPage, long lastId) {
    }

    private final byte[] key;
    private final SandboxClock clock;
    private final Duration ttl;

    CursorCodec(byte[] key, SandboxClock clock, Duration ttl) {
        this.key = key.clone();
        this.clock = clock;
        this.ttl = ttl;
    }

    String encode(State s) {
        ObjectNode o = Json.object();
        o.put("r", s.resource());
        ObjectNode p = o.putObject("q");
        s.params().forEach(p::put);
        o.put("n", s.perPage());
        o.put("a", s.lastId());
        o.put("e", (clock.millis() + ttl.toMillis()) / 1000);
        byte[] payload = Json.bytes(o);
        byte[] all = new byte[TAG_BYTES + payload.length];
        System.arraycopy(tag(payload), 0, all, 0, TAG_BYTES);
        System.arraycopy(payload, 0, all, TAG_BYTES, payload.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    State decode(String cursor, String expectedResource) {
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (all.length <= TAG_BYTES) {
            throw invalid();
        }
        byte[] payload = Arrays.copyOfRange(all, TAG_BYTES, all.length);
        if (!MessageDigest.isEqual(Arrays.copyOf(all, TAG_BYTES), tag(payload))) {
            throw invalid();
        }
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            throw invalid();
        }
        if (!expectedResource.equals(o.path("r").asText())) {
            throw invalid();
        }
        if (o.path("e").asLong() * 1000 < clock.millis()) {
            throw ApiException.harvest(422, "Invalid cursor: the cursor has expired; start again without it");
        }
        Map<String, String> params = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("q").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), e.getValue().asText());
        }
        return new State(expectedResource, params, o.path("n").asInt(), o.path("a").asLong());
    }

    private static ApiException invalid() {
        return ApiException.harvest(422, "Invalid cursor");
    }

    private byte[] tag(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(payload), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] keyFrom(long seed) {
        return ("trellis-sandbox-cursor-" + seed).getBytes(StandardCharsets.UTF_8);
    }
}
