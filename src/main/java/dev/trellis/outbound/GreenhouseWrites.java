package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one place where an outbox payload becomes a Harvest v3 request (docs/greenhouse.md#writes; where it is
 * UNCONFIRMED, the sandbox's field names, which follow it): notes and e-mails are {@code POST /v3/notes} with
 * {@code note_type} NOTE or EMAIL, interviews {@code POST}, {@code PATCH} and {@code DELETE /v3/interviews}.
 */
public final class GreenhouseWrites {
    /** A write: method, path under the Harvest base URL, JSON body (null for DELETE). */
    public record Request(String method, String path, JsonNode body) {
        /** For dead letters and logs: "POST /v3/notes". */
        public String endpoint() {
            return method + " " + path.replaceAll("/[0-9]+$", "/{id}");
        }
    }

    private GreenhouseWrites() {
    }

    /**
     * @param payload     validated by {@link ItemValidator}
     * @param interviewId the Greenhouse id that an update or delete is about (resolved from its {@code interview} ref)
     */
    public static Request request(Kind kind, JsonNode payload, Long interviewId) {
        return switch (kind) {
            case note, email -> new Request("POST", "/v3/notes", note(kind, payload));
            case interview_create -> new Request("POST", "/v3/interviews", payload.deepCopy());
            case interview_update -> {
                ObjectNode body = ((ObjectNode) payload).deepCopy();
                body.remove("interview");
                yield new Request("PATCH", "/v3/interviews/" + interviewId, body);
            }
            case interview_delete -> new Request("DELETE", "/v3/interviews/" + interviewId, null);
            // Candidate Ingestion (docs/greenhouse.md#ingestion-endpoints): the payload is the POST body; several items
            // go as one array
            case ingest_candidate -> new Request("POST", "/v1/partner/candidates", payload.deepCopy());
        };
    }

    private static ObjectNode note(Kind kind, JsonNode p) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("candidate_id", p.get("candidate_id").asLong());
        if (p.hasNonNull("application_id")) {
            body.put("application_id", p.get("application_id").asLong());
        }
        // upper case only, although Greenhouse's own message lists them in lower case (docs/greenhouse.md#writes)
        body.put("note_type", kind == Kind.email ? "EMAIL" : "NOTE");
        body.put("visibility", p.get("visibility").asText());
        if (kind == Kind.email) {
            body.put("subject", p.get("subject").asText());
        }
        body.put("body", p.get("body").asText());
        if (kind == Kind.email) {
            // arrays on write (email_cc present even when empty); Greenhouse reads them back as strings
            body.putArray("email_from").add(p.get("from").asText());
            body.set("email_to", p.get("to").deepCopy());
            body.set("email_cc", p.path("cc").isArray() ? p.get("cc").deepCopy() : body.arrayNode());
        }
        return body;
    }

    /** Whether a Greenhouse note (as listed by {@code GET /v3/notes}) is the one this item would write. */
    public static boolean sameNote(Kind kind, JsonNode payload, long actingUser, JsonNode note) {
        return note.path("candidate_id").asLong() == payload.get("candidate_id").asLong()
                && note.path("application_id").asLong(0) == payload.path("application_id").asLong(0)
                && note.path("type").asText().equals(kind == Kind.email ? "EMAIL" : "NOTE")
                && note.path("user_id").asLong() == actingUser
                && note.path("body").asText().equals(payload.get("body").asText())
                && (kind != Kind.email || note.path("subject").asText().equals(payload.get("subject").asText()));
    }
}
