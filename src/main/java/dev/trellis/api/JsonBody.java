package dev.trellis.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses a request body strictly (one JSON value, no duplicate keys) and refuses text PostgreSQL cannot store: a NUL
 * character or a lone UTF-16 surrogate anywhere in a string or a key, naming where it is.
 */
public final class JsonBody {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {
    }

    /** The body as JSON; 400 naming {@code body} (or the field holding bad text) when it is not usable. */
    public static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BadField("body", "is missing: the request needs a JSON body");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadField("body", "is not valid JSON" + where(e) + ": " + reason(e));
        }
        checkText(node, "");
        return node;
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /** Jackson's reason without the Java types it names and the source it quotes. */
    private static String reason(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        m = m.replaceAll("\\s*\\(bound as `[^`]*`\\)", "").replaceAll("`[^`]*`", "the value").replaceAll("\\s+", " ");
        return m.length() > 200 ? m.substring(0, 197) + "..." : m;
    }

    /** Refuses NUL characters and lone surrogates in every string and key of the tree. */
    public static void checkText(JsonNode node, String path) {
        if (node.isTextual()) {
            checkText(node.textValue(), path.isEmpty() ? "body" : path);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkText(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                checkText(e.getKey(), path.isEmpty() ? "body" : path);
                checkText(e.getValue(), at);
            }
        }
    }

    /** Refuses a NUL character or a lone surrogate in one string, naming the field. */
    public static void checkText(String s, String field) {
        String problem = textProblem(s);
        if (problem != null) {
            throw new BadField(field, problem);
        }
    }

    /** What is wrong with the text for PostgreSQL, or null. */
    public static String textProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u0000') {
                return "must not contain a NUL character (\\u0000), at position " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + "), at position " + i;
            }
        }
        return null;
    }
}
