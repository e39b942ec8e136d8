package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import java.util.Optional;
import java.util.Set;

/** A scheduled interview moved or re-staffed: {@code PATCH /v3/interviews/{id}} with the fields given. */
final class InterviewUpdateKind extends GreenhouseInterviewKind {
    @Override
    public String name() {
        return "interview_update";
    }

    @Override
    public Set<String> fields() {
        return Set.of("interview", "external_event_id", "starts_at", "ends_at", "location", "video_conferencing_url",
                "interviewers");
    }

    @Override
    public String scope() {
        return "harvest:interviews:update";
    }

    @Override
    public Optional<Ref> ref() {
        return Optional.of(INTERVIEW);
    }

    @Override
    public ObjectNode normalise(JsonNode payload) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("interview", ref(payload));
        if (payload.has("external_event_id")) {
            out.put("external_event_id", PayloadFields.text(payload, "external_event_id", true, 255));
        }
        String starts = PayloadFields.time(payload, "starts_at", false);
        String ends = PayloadFields.time(payload, "ends_at", false);
        if (starts != null && ends != null) {
            PayloadFields.order(starts, ends);
        }
        if (starts != null) {
            out.put("starts_at", starts);
        }
        if (ends != null) {
            out.put("ends_at", ends);
        }
        details(payload, out);
        if (out.size() == 1) {
            throw new InvalidItem("payload", "has nothing to update: give starts_at, ends_at, location, "
                    + "video_conferencing_url, interviewers or external_event_id");
        }
        return out;
    }

    @Override
    public Request request(ObjectNode payload, Long target) {
        ObjectNode body = payload.deepCopy();
        body.remove("interview");
        return new Request("PATCH", "/v3/interviews/" + target, body);
    }

    /** A PATCH sets the same fields to the same values when sent twice: sending again is safe. */
    @Override
    public Optional<Reconciler.Match> reconcile(Reconciler r, Tenant tenant, OutboxItem item, ObjectNode payload,
            long actingUser, Long target) {
        return Optional.empty();
    }

    @Override
    public Optional<Rest> rest() {
        return Optional.of(new Rest("PATCH", "/{tenant}/interviews/{ref}"));
    }
}
