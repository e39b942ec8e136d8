package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.sync.StreamCatalog;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.SyncTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;

/**
 * Writes what Greenhouse answered into the synced tables ({@code gh_notes}, {@code gh_interviews}) in the same
 * transaction that marks the item delivered, so readers of those tables see a write at once instead of at the next
 * sync. Uses the stream's own definition when its route is loaded, the shipped one otherwise.
 */
final class SyncedRecords {
    private static final Map<String, List<String>> SHIPPED_JOINS = Map.of(
            "notes", List.of("candidate_id", "application_id", "user_id"),
            "interviews", List.of("application_id", "job_id", "job_interview_id", "organizer_id"));

    private final CamelContext context;
    private final SyncTable tables;

    SyncedRecords(CamelContext context, SyncTable tables) {
        this.context = context;
        this.tables = tables;
    }

    /** Creates the table if the sync has not yet; before the delivery's transaction, as DDL commits on its own. */
    void prepare(Kind kind) throws SQLException {
        if (kind == Kind.ingest_candidate) {
            return;
        }
        StreamDefinition def = definition(kind);
        // two threads creating the same table at once collide in pg_type: one at a time here, retry across instances
        synchronized (this) {
            try {
                tables.ensure(def);
            } catch (SQLException e) {
                tables.ensure(def);
            }
        }
    }

    void write(Connection c, String tenant, Kind kind, JsonNode record) throws SQLException {
        StreamDefinition def = definition(kind);
        if (kind == Kind.interview_delete) {
            try (PreparedStatement ps = c.prepareStatement("update " + def.table()
                    + " set deleted_at = coalesce(deleted_at, now()) where tenant = ? and id = ?")) {
                ps.setString(1, tenant);
                ps.setLong(2, record.path("id").asLong());
                ps.executeUpdate();
            }
            return;
        }
        if (record == null || !record.hasNonNull("id")) {
            return;
        }
        var page = JsonNodeFactory.instance.arrayNode().add(record);
        tables.upsert(c, def, tenant, page, page.toString(), false);
    }

    /**
     * An ingest_candidate item is in Greenhouse: its ids and profile URL go to {@code ingestion_candidates} against
     * the external id (a row inserted by the ingestion intake, or created here for an item inserted by SQL).
     */
    void ingested(Connection c, OutboxItem item, JsonNode record) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into ingestion_candidates (tenant, external_id, outbox_id, prospect, job_id, candidate_id,
                                                  application_id, profile_url, delivered_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (tenant, external_id) do update set outbox_id = excluded.outbox_id,
                    candidate_id = excluded.candidate_id, application_id = excluded.application_id,
                    profile_url = excluded.profile_url, delivered_at = now(), gone_at = null, gone_reason = null""")) {
            JsonNode p = item.payload();
            ps.setString(1, item.tenant());
            ps.setString(2, record.hasNonNull("external_id") ? record.get("external_id").asText()
                    : p.path("external_id").asText());
            ps.setLong(3, item.id());
            ps.setBoolean(4, !p.has("prospect") || p.get("prospect").asBoolean(true));
            ps.setObject(5, p.hasNonNull("job_id") ? p.get("job_id").asLong() : null);
            ps.setLong(6, record.get("id").asLong());
            ps.setObject(7, record.hasNonNull("application_id") ? record.get("application_id").asLong() : null);
            ps.setString(8, record.path("profile_url").asText(null));
            ps.executeUpdate();
        }
    }

    private StreamDefinition definition(Kind kind) {
        String stream = kind.isNote() ? "notes" : "interviews";
        return StreamCatalog.stream(context, stream).map(StreamCatalog.Entry::definition).orElseGet(() ->
                StreamDefinition.from(Map.of("stream", stream, "joinColumns", String.join(",", SHIPPED_JOINS.get(stream)))));
    }

    /** For a delete: the record is just its id. */
    static JsonNode idOnly(long id) {
        return JsonNodeFactory.instance.objectNode().put("id", id);
    }
}
