package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What note and e-mail items share: both become a Greenhouse note ({@code POST /v3/notes},
 * docs/greenhouse.md#writes) of their {@link #noteType()}, are found again among the candidate's notes, and land in
 * {@code gh_notes}.
 */
abstract class GreenhouseNoteKind implements OutboundKind {
    /** Greenhouse's write values (docs/greenhouse.md#writes); the read values are *_visible. */
    static final List<String> VISIBILITIES = List.of("admin_only", "private", "public");
    /** Greenhouse's own default on create (docs/greenhouse.md#writes): an item without one is as private as a note. */
    static final String DEFAULT_VISIBILITY = "admin_only";
    private static final String STREAM = "notes";

    /** NOTE or EMAIL: upper case only, though Greenhouse lists them in lower case (docs/greenhouse.md#writes). */
    abstract String noteType();

    /** Fields checked before the body (an e-mail's subject). */
    void checkBeforeBody(JsonNode p, ObjectNode out) {
    }

    /** Fields checked after the visibility (an e-mail's addresses). */
    void checkAfterVisibility(JsonNode p, ObjectNode out) {
    }

    /** The kind's own fields of the request body, given the body so far. */
    void requestFields(JsonNode p, ObjectNode body, boolean afterBody) {
    }

    /** Whether a listed Greenhouse note matches the kind's own fields of a payload. */
    boolean sameOwnFields(JsonNode payload, JsonNode note) {
        return true;
    }

    @Override
    public String scope() {
        return "harvest:notes:create";
    }

    @Override
    public String creates() {
        return "note";
    }

    @Override
    public ObjectNode normalise(JsonNode p) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("candidate_id", PayloadFields.id(p, "candidate_id", true));
        Long app = PayloadFields.id(p, "application_id", false);
        if (app != null) {
            out.put("application_id", app);
        }
        checkBeforeBody(p, out);
        out.put("body", PayloadFields.text(p, "body", true, 1_000_000));
        String visibility = PayloadFields.text(p, "visibility", false, 20);
        if (visibility != null && !VISIBILITIES.contains(visibility)) {
            throw new InvalidItem("visibility", "must be one of " + String.join(", ", VISIBILITIES) + ", not '"
                    + visibility + "'");
        }
        out.put("visibility", visibility == null ? DEFAULT_VISIBILITY : visibility);
        checkAfterVisibility(p, out);
        return out;
    }

    @Override
    public Request request(ObjectNode p, Long target) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("candidate_id", p.get("candidate_id").asLong());
        if (p.hasNonNull("application_id")) {
            body.put("application_id", p.get("application_id").asLong());
        }
        body.put("note_type", noteType());
        body.put("visibility", p.get("visibility").asText());
        requestFields(p, body, false);
        body.put("body", p.get("body").asText());
        requestFields(p, body, true);
        return new Request("POST", "/v3/notes", body);
    }

    /**
     * The note this item wrote: same candidate, application, type, author, own fields and body, created after the
     * item was accepted; a note held by another note or e-mail item counts as that item's if it asked for the same.
     */
    @Override
    public Optional<Reconciler.Match> reconcile(Reconciler r, Tenant tenant, OutboxItem item, ObjectNode payload,
            long actingUser, Long target) throws InterruptedException, SQLException, ContestedRecord {
        String url = "/v3/notes?candidate_ids=" + payload.get("candidate_id").asLong()
                + "&created_at=gte%7C" + r.since(item) + "&per_page=500";
        List<JsonNode> matches = r.all(tenant, url).stream().filter(n -> same(payload, actingUser, n)).toList();
        return r.choose(tenant.id(), item, this, "note", matches, (holder, note) -> r.kind(holder)
                .filter(k -> k instanceof GreenhouseNoteKind)
                .map(k -> ((GreenhouseNoteKind) k).same(holder.payload(), r.user(tenant, holder), note))
                .orElse(true));
    }

    /** Whether a Greenhouse note (as listed by {@code GET /v3/notes}) is the one this payload would write. */
    boolean same(JsonNode payload, long actingUser, JsonNode note) {
        return note.path("candidate_id").asLong() == payload.get("candidate_id").asLong()
                && note.path("application_id").asLong(0) == payload.path("application_id").asLong(0)
                && note.path("type").asText().equals(noteType())
                && note.path("user_id").asLong() == actingUser
                && note.path("body").asText().equals(payload.get("body").asText())
                && sameOwnFields(payload, note);
    }

    @Override
    public Optional<String> syncedStream() {
        return Optional.of(STREAM);
    }
}
