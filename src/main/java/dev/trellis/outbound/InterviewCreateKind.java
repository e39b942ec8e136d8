package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A scheduled interview recorded in Greenhouse: {@code POST /v3/interviews}, found again by its external event id. */
final class InterviewCreateKind extends GreenhouseInterviewKind {
    @Override
    public String name() {
        return "interview_create";
    }

    @Override
    public Set<String> fields() {
        return Set.of("application_id", "external_event_id", "starts_at", "ends_at", "job_interview_id", "location",
                "video_conferencing_url", "interviewers");
    }

    @Override
    public String scope() {
        return "harvest:interviews:create";
    }

    @Override
    public String creates() {
        return "interview";
    }

    @Override
    public ObjectNode normalise(JsonNode payload) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("application_id", PayloadFields.id(payload, "application_id", true));
        out.put("external_event_id", PayloadFields.text(payload, "external_event_id", true, 255));
        String starts = PayloadFields.time(payload, "starts_at", true);
        String ends = PayloadFields.time(payload, "ends_at", true);
        PayloadFields.order(starts, ends);
        out.put("starts_at", starts);
        out.put("ends_at", ends);
        Long kit = PayloadFields.id(payload, "job_interview_id", false);
        if (kit != null) {
            out.put("job_interview_id", kit);
        }
        details(payload, out);
        return out;
    }

    @Override
    public Request request(ObjectNode payload, Long target) {
        return new Request("POST", "/v3/interviews", payload.deepCopy());
    }

    /** The interview this item recorded, found by its external_event_id and application. */
    @Override
    public Optional<Reconciler.Match> reconcile(Reconciler r, Tenant tenant, OutboxItem item, ObjectNode payload,
            long actingUser, Long target) throws InterruptedException, SQLException, ContestedRecord {
        String external = payload.get("external_event_id").asText();
        JsonNode answer = r.read(tenant, "/v3/interviews?external_event_id="
                + URLEncoder.encode(external, StandardCharsets.UTF_8)
                + "&application_ids=" + payload.get("application_id").asLong());
        List<JsonNode> matches = (answer == null ? List.<JsonNode>of() : PayloadFields.list(answer)).stream()
                .filter(interview -> interview.path("external_event_id").asText().equals(external)).toList();
        return r.choose(tenant.id(), item, this, "interview", matches, (holder, interview) ->
                holder.payload().path("external_event_id").asText().equals(external)
                        && holder.payload().path("application_id").asLong() == payload.get("application_id").asLong());
    }

    @Override
    public Optional<Rest> rest() {
        return Optional.of(new Rest("POST", "/{tenant}/interviews"));
    }
}
