package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.api.JsonFields;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The readers kinds check their payload fields with, each failure an {@link InvalidItem} naming the field. Ids are
 * read by {@link JsonFields} (JSON integers in 1..2^63-1 only).
 */
final class PayloadFields {
    static final Pattern EMAIL = Pattern.compile("[^@\\s<>(),;:\"]+@[^@\\s<>(),;:\"]+\\.[^@\\s<>(),;:\".]+");

    private PayloadFields() {
    }

    static Long id(JsonNode p, String field, boolean required) {
        return JsonFields.id(p, field, required);
    }

    static String text(JsonNode p, String field, boolean required, int max) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidItem(field, "is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidItem(field, "must be a non-empty string");
        }
        if (v.asText().length() > max) {
            throw new InvalidItem(field, "is longer than " + max + " characters");
        }
        return v.asText();
    }

    /** An ISO-8601 time with an offset, returned in UTC. */
    static String time(JsonNode p, String field, boolean required) {
        String v = text(p, field, required, 64);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.trim()).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw new InvalidItem(field, "must be an ISO-8601 time with an offset, e.g. 2026-12-01T14:00:00Z, not '"
                    + v + "'");
        }
    }

    static void order(String starts, String ends) {
        if (!Instant.parse(ends).isAfter(Instant.parse(starts))) {
            throw new InvalidItem("ends_at", "must be after starts_at (" + ends + " is not after " + starts + ")");
        }
    }

    /** One address as a string, or several as an array; every one must look like an e-mail address. */
    static ArrayNode addresses(JsonNode p, String field, boolean required) {
        JsonNode v = p.get(field);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidItem(field, "is required (an e-mail address, or an array of them)");
            }
            return out;
        }
        List<JsonNode> values = v.isArray() ? list(v) : List.of(v);
        for (JsonNode e : values) {
            String address = e.isTextual() ? e.asText().trim() : null;
            if (address == null || !EMAIL.matcher(address).matches()) {
                throw new InvalidItem(field, "must hold e-mail addresses only, and " + e + " is not one");
            }
            out.add(address);
        }
        if (out.isEmpty() && required) {
            throw new InvalidItem(field, "must hold at least one e-mail address");
        }
        return out;
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
