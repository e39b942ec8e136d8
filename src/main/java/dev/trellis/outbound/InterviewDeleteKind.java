package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/** A scheduled interview cancelled: {@code DELETE /v3/interviews/{id}}; its gh_interviews row is marked deleted. */
final class InterviewDeleteKind extends GreenhouseInterviewKind {
    @Override
    public String name() {
        return "interview_delete";
    }

    @Override
    public Set<String> fields() {
        return Set.of("interview");
    }

    @Override
    public String scope() {
        return "harvest:interviews:destroy";
    }

    @Override
    public Optional<Ref> ref() {
        return Optional.of(INTERVIEW);
    }

    @Override
    public ObjectNode normalise(JsonNode payload) {
        return JsonNodeFactory.instance.objectNode().put("interview", ref(payload));
    }

    @Override
    public Request request(ObjectNode payload, Long target) {
        return new Request("DELETE", "/v3/interviews/" + target, null);
    }

    /** The record is just the deleted interview's id. */
    @Override
    public JsonNode record(JsonNode answer, Long target) {
        return JsonNodeFactory.instance.objectNode().put("id", target);
    }

    /** Done when the interview is gone already. */
    @Override
    public Optional<Reconciler.Match> reconcile(Reconciler r, Tenant tenant, OutboxItem item, ObjectNode payload,
            long actingUser, Long target) throws InterruptedException {
        JsonNode answer = r.read(tenant, "/v3/interviews?ids=" + target);
        return answer == null || answer.isEmpty() ? Optional.of(new Reconciler.Match(record(null, target), null))
                : Optional.empty();
    }

    @Override
    public void writeSynced(SyncedRecords synced, Connection c, OutboxItem item, JsonNode record)
            throws SQLException {
        synced.markDeleted(c, STREAM, item.tenant(), record.path("id").asLong());
    }

    @Override
    public Optional<Rest> rest() {
        return Optional.of(new Rest("DELETE", "/{tenant}/interviews/{ref}"));
    }
}
