package dev.trellis.sandbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The sandbox's JSON mappers: plain for API answers, escaping for webhook bodies (as Greenhouse signs them). */
public final class Json {

    /** Mapper for request and response bodies. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Mapper that escapes non-ASCII and {@code < > & '} as {@code \\uXXXX}, like Greenhouse webhook bodies
     * (docs/greenhouse.md#webhook-signatures).
     */
    public static final ObjectMapper ESCAPING = new ObjectMapper();

    static {
        ESCAPING.getFactory().setCharacterEscapes(new HtmlAndUnicodeEscapes());
        ESCAPING.getFactory().configure(JsonGenerator.Feature.ESCAPE_NON_ASCII, true);
    }

    private Json() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] escapedBytes(JsonNode node) {
        try {
            return ESCAPING.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Errors body in the one confirmed v3 shape: {@code {"errors":["..."]}} (docs/greenhouse.md#errors). */
    static ObjectNode errors(String... messages) {
        ObjectNode body = object();
        ArrayNode list = body.putArray("errors");
        for (String m : messages) {
            list.add(m);
        }
        return body;
    }

    private static final class HtmlAndUnicodeEscapes extends CharacterEscapes {
        private final int[] escapes;

        HtmlAndUnicodeEscapes() {
            escapes = standardAsciiEscapesForJSON();
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
            escapes['\''] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
