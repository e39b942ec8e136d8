package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What Greenhouse's own answers look like (docs/greenhouse.md#errors), so that an answer from some other server at
 * a misconfigured URL is never taken for Greenhouse's: a Harvest list is a bare JSON array; a refusal from an
 * endpoint is {@code {"errors": [...]}} (strings, or objects with a {@code message}); a missing record is 404
 * {@code {"message": "Resource not found", "errors": [...]}}, whereas an unknown route has no {@code errors}; the
 * token endpoint answers an {@code access_token} or an OAuth {@code error}; Candidate Ingestion refuses with
 * {@code {"errors": [{"message", "field"}]}} and names its user with an {@code id}; a job board has a {@code name}.
 */
public final class GreenhouseShape {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GreenhouseShape() {
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    public static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** A list answer: a bare JSON array. */
    public static boolean listPage(JsonNode body) {
        return body != null && body.isArray();
    }

    /** Greenhouse's validation refusal (422): a non-empty {@code errors} array of messages. */
    public static boolean validationError(int status, JsonNode body) {
        return status == 422 && errors(body);
    }

    /** Greenhouse's 404 for a record that does not exist: "Resource not found" naming it in {@code errors}. */
    public static boolean missingRecord(int status, JsonNode body) {
        return status == 404 && body != null && "Resource not found".equals(body.path("message").asText(null))
                && errors(body);
    }

    /** Proof that a request reached a Harvest endpoint and was refused there: its 422, or its 404 for a record. */
    public static boolean refusedByEndpoint(GreenhouseException e) {
        JsonNode body = e instanceof GreenhouseRejection r ? json(r.body()) : null;
        return validationError(e.status(), body) || missingRecord(e.status(), body);
    }

    /**
     * Candidate Ingestion's refusal of an invalid body (400 or 422 with its {@code errors}, see
     * docs/greenhouse.md#ingestion-endpoints).
     */
    public static boolean partnerValidationError(int status, JsonNode body) {
        return (status == 400 || status == 422) && errors(body);
    }

    /** Candidate Ingestion's {@code current_user}: an object with the user's {@code id}. */
    public static boolean partnerUser(JsonNode body) {
        return body != null && body.isObject() && body.hasNonNull("id");
    }

    /** The Job Board API's board: an object with its {@code name} (docs/greenhouse.md#job-board). */
    public static boolean board(JsonNode body) {
        return body != null && body.isObject() && body.has("name");
    }

    /** An OAuth token endpoint's answer: a token, or an OAuth error object. */
    public static boolean tokenAnswer(int status, JsonNode body) {
        if (body == null || !body.isObject()) {
            return false;
        }
        return status == 200 ? body.hasNonNull("access_token") : body.path("error").isTextual();
    }

    private static boolean errors(JsonNode body) {
        JsonNode errors = body == null ? null : body.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
            return false;
        }
        for (JsonNode e : errors) {
            if (!(e.isTextual() || e.path("message").isTextual())) {
                return false;
            }
        }
        return true;
    }
}
