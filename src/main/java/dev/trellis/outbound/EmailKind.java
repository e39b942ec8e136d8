package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Set;

/** An e-mail logged on a candidate: {@code POST /v3/notes} with note_type EMAIL, subject and addresses. */
final class EmailKind extends GreenhouseNoteKind {
    @Override
    public String name() {
        return "email";
    }

    @Override
    public Set<String> fields() {
        return Set.of("candidate_id", "application_id", "body", "visibility", "subject", "from", "to", "cc");
    }

    @Override
    String noteType() {
        return "EMAIL";
    }

    @Override
    void checkBeforeBody(JsonNode p, ObjectNode out) {
        out.put("subject", PayloadFields.text(p, "subject", true, 1000));
    }

    @Override
    void checkAfterVisibility(JsonNode p, ObjectNode out) {
        ArrayNode from = PayloadFields.addresses(p, "from", true);
        if (from.size() != 1) {
            throw new InvalidItem("from", "must be one e-mail address");
        }
        out.put("from", from.get(0).asText());
        out.set("to", PayloadFields.addresses(p, "to", true));
        out.set("cc", p.has("cc") && !p.get("cc").isNull() ? PayloadFields.addresses(p, "cc", false)
                : JsonNodeFactory.instance.arrayNode());
    }

    @Override
    void requestFields(JsonNode p, ObjectNode body, boolean afterBody) {
        if (!afterBody) {
            body.put("subject", p.get("subject").asText());
            return;
        }
        // arrays on write (email_cc present even when empty); Greenhouse reads them back as strings
        body.putArray("email_from").add(p.get("from").asText());
        body.set("email_to", p.get("to").deepCopy());
        body.set("email_cc", p.path("cc").isArray() ? p.get("cc").deepCopy() : body.arrayNode());
    }

    @Override
    boolean sameOwnFields(JsonNode payload, JsonNode note) {
        return note.path("subject").asText().equals(payload.get("subject").asText());
    }

    @Override
    public Optional<Rest> rest() {
        return Optional.of(new Rest("POST", "/{tenant}/emails"));
    }
}
