package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a Greenhouse error body says, for messages and check rows: the OAuth {@code error_description}, the first of
 * {@code errors} (a string, or an object with {@code message} and {@code field}), an {@code error}, else the text cut
 * short.
 */
public final class ErrorBody {
    private ErrorBody() {
    }

    /** The message of {@code body} ({@code json} is the same body parsed, or null); raw text is cut at {@code max}. */
    public static String said(JsonNode json, String body, int max) {
        if (json != null && json.has("error_description")) {
            return json.path("error").asText() + ": " + json.path("error_description").asText();
        }
        if (json != null && json.has("errors") && json.get("errors").isArray() && json.get("errors").size() > 0) {
            JsonNode e = json.get("errors").get(0);
            return e.isObject() ? e.path("message").asText() : e.asText();
        }
        if (json != null && json.has("error")) {
            return json.path("error").asText();
        }
        return truncate(body, max);
    }

    public static String said(String body, int max) {
        return said(GreenhouseShape.json(body), body, max);
    }

    /** The field the first error names (Candidate Ingestion: {@code On-Behalf-Of} for an unknown user), or null. */
    public static String field(JsonNode json) {
        JsonNode e = json == null ? null : json.path("errors").path(0);
        return e == null || !e.isObject() ? null : e.path("field").asText(null);
    }

    /** The text stripped and cut at {@code max} characters, "..." marking the cut. */
    public static String truncate(String text, int max) {
        String t = text == null ? "" : text.strip();
        return t.length() > max ? t.substring(0, max) + "..." : t;
    }
}
