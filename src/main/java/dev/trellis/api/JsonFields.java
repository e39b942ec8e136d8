package dev.trellis.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads ids from JSON without Jackson's coercions: {@code asLong()} would turn {@code 99999999999999999999999} into
 * another id, {@code 1e30} into {@code Long.MAX_VALUE}, {@code 1.5} into 1 and {@code true} into 1. Every id Trellis
 * takes (REST bodies, {@code direct:outbox}, rows of the outbox table) is read here.
 */
public final class JsonFields {
    private JsonFields() {
    }

    /** {@code parent.field} as an id, or null when absent or null and not required. */
    public static Long id(JsonNode parent, String field, boolean required) {
        JsonNode v = parent == null ? null : parent.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadField(field, "is required");
            }
            return null;
        }
        return id(v, field);
    }

    /**
     * An id: a JSON integer in 1..2^63-1, written without quotes, fraction or exponent. Numeric strings are refused
     * too, so that one rule holds for every id field (docs/outbox.md).
     */
    public static long id(JsonNode v, String field) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            long n = v.longValue();
            if (n > 0) {
                return n;
            }
        }
        throw new BadField(field, "must be an id: a JSON integer from 1 to 9223372036854775807 (no quotes, "
                + "fraction or exponent), not " + shown(v));
    }

    /** The value as the message shows it: long strings and big numbers cut short. */
    static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
