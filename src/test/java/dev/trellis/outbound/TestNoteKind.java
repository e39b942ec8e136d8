package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseRejection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * A kind that exists only in the tests, to show that a kind is one class: a private note marked "[test]" on a
 * candidate, {@code POST /api/tenants/{tenant}/test-notes}. Registered in
 * {@code src/test/resources/META-INF/services/dev.trellis.outbound.OutboundKind}.
 */
public final class TestNoteKind implements OutboundKind {
    @Override
    public String name() {
        return "test_note";
    }

    @Override
    public Set<String> fields() {
        return Set.of("candidate_id", "text");
    }

    @Override
    public ObjectNode normalise(JsonNode p) {
        return JsonNodeFactory.instance.objectNode()
                .put("candidate_id", PayloadFields.id(p, "candidate_id", true))
                .put("text", PayloadFields.text(p, "text", true, 1000));
    }

    @Override
    public String scope() {
        return "harvest:notes:create";
    }

    @Override
    public Request request(ObjectNode p, Long target) {
        return new Request("POST", "/v3/notes", JsonNodeFactory.instance.objectNode()
                .put("candidate_id", p.get("candidate_id").asLong()).put("note_type", "NOTE")
                .put("visibility", "private").put("body", "[test] " + p.get("text").asText()));
    }

    /** It does not look: an item that may have been applied is parked, never sent blind. */
    @Override
    public Optional<Reconciler.Match> reconcile(Reconciler reconciler, Tenant tenant, OutboxItem item,
            ObjectNode payload, long actingUser, Long target) {
        throw new GreenhouseRejection(409, "a test note is not looked for");
    }

    @Override
    public void prepareSynced(SyncedRecords synced) throws SQLException {
        synced.prepare("notes");
    }

    @Override
    public void writeSynced(SyncedRecords synced, Connection c, OutboxItem item, JsonNode record)
            throws SQLException {
        synced.upsert(c, "notes", item.tenant(), record);
    }

    @Override
    public Optional<Rest> rest() {
        return Optional.of(new Rest("POST", "/{tenant}/test-notes"));
    }
}
