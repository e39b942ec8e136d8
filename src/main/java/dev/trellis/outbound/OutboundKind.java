package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * One kind of outbox item, everything about it in one class: its name, payload fields and their check, its Greenhouse
 * request, how to find it after an attempt that may have been applied, the synced table it updates, the permission
 * it needs and its REST path. The intake, the dispatcher, the REST API and the pauses only use this interface; a
 * kind is added by writing one and listing it in {@link OutboundKinds} (docs/outbox.md, "Add a kind").
 */
public interface OutboundKind {
    /** The {@code outbox.kind} value, e.g. {@code note}. */
    String name();

    /** The payload fields an item of this kind may have (any other is refused, naming it). */
    Set<String> fields();

    /**
     * The payload checked and normalised (defaults filled, times in UTC); only {@link #fields()} reach it, with no
     * NUL or lone surrogate in any string. Throws {@link InvalidItem} (or {@link dev.trellis.api.BadField} from the
     * shared readers) naming the field.
     */
    ObjectNode normalise(JsonNode payload);

    /** The v3 scope the write needs, or the check's feature id: the connection check pauses a kind lacking it. */
    String scope();

    /** The Greenhouse write for a normalised payload; {@code target}: the Greenhouse id of {@link #ref()}, or null. */
    Request request(ObjectNode payload, Long target);

    /**
     * After an attempt that may have been applied, before anything is sent again: the record Greenhouse already has
     * for the item, or empty when it has none (or sending again is harmless). Throws a
     * {@link dev.trellis.greenhouse.GreenhouseRejection} when it cannot tell, or {@link ContestedRecord} when the match
     * is held by an item that asked for the same: the item is then parked, never sent blind.
     */
    Optional<Reconciler.Match> reconcile(Reconciler reconciler, Tenant tenant, OutboxItem item, ObjectNode payload,
            long actingUser, Long target) throws InterruptedException, SQLException, ContestedRecord;

    /** What the outbox keeps of Greenhouse's 2xx answer (e.g. only the id of a deleted record). */
    default JsonNode record(JsonNode answer, Long target) {
        return answer;
    }

    /**
     * The Greenhouse record an item of this kind creates and holds as its own ({@code note}, {@code interview}),
     * or null when it creates none; kinds creating the same record share the check that one record has one item.
     */
    default String creates() {
        return null;
    }

    /** The stream whose synced table holds what this kind writes ({@code notes}, {@code interviews}), if any. */
    default Optional<String> syncedStream() {
        return Optional.empty();
    }

    /** Creates the synced table if needed; runs before the delivery's transaction (DDL commits on its own). */
    default void prepareSynced(SyncedRecords synced) throws SQLException {
        if (syncedStream().isPresent()) {
            synced.prepare(syncedStream().get());
        }
    }

    /** Writes the delivered record to the synced table, in the transaction that marks the item delivered. */
    default void writeSynced(SyncedRecords synced, Connection c, OutboxItem item, JsonNode record)
            throws SQLException {
        if (syncedStream().isPresent()) {
            synced.upsert(c, syncedStream().get(), item.tenant(), record);
        }
    }

    /** The payload field naming the record of an earlier item that this one changes (update, delete), if any. */
    default Optional<Ref> ref() {
        return Optional.empty();
    }

    /** The REST endpoint under {@code /api/tenants}, if the kind has one. */
    default Optional<Rest> rest() {
        return Optional.empty();
    }

    /**
     * Sent with the tenant's Candidate Ingestion key through {@link PartnerWrites}, several at once as one array,
     * instead of one at a time with Harvest credentials.
     */
    default boolean partner() {
        return false;
    }

    /** The idempotency key taken from the payload, if the kind has one: then a repeat is the same item, never 422. */
    default Optional<String> payloadKey(ObjectNode payload) {
        return Optional.empty();
    }

    /** A write: method, path under the Harvest base URL, JSON body (null for DELETE). */
    record Request(String method, String path, JsonNode body) {
        /** For dead letters and logs: "POST /v3/notes". */
        public String endpoint() {
            return method + " " + path.replaceAll("/[0-9]+$", "/{id}");
        }
    }

    /**
     * A payload field that names the record an earlier item created: a Greenhouse id, or {@code outbox-<item id>}
     * of an item of kind {@code createdBy}.
     */
    record Ref(String field, String createdBy) {
    }

    /** {@code method} on {@code /api/tenants/{tenant}<path>}; a {@code {ref}} in the path fills {@link #ref()}. */
    record Rest(String method, String path) {
    }
}
