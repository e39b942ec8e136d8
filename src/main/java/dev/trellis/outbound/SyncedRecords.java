package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.change.ChangeSource;
import dev.trellis.sync.StreamCatalog;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.SyncTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;

/**
 * Writes what Greenhouse answered into the synced tables ({@code gh_notes}, {@code gh_interviews}) in the same
 * transaction that marks the item delivered, so readers of those tables see a write at once instead of at the next
 * sync; each kind says which stream ({@link OutboundKind#writeSynced}). Uses the stream's own definition when its
 * route is loaded, the shipped one otherwise.
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
    void prepare(String stream) throws SQLException {
        StreamDefinition def = definition(stream);
        // two threads creating the same table at once collide in pg_type: one at a time here, retry across instances
        synchronized (this) {
            try {
                tables.ensure(def);
            } catch (SQLException e) {
                tables.ensure(def);
            }
        }
    }

    /** Upserts a record as the stream's sync would (a record without an id is left to the next sync). */
    void upsert(Connection c, String stream, String tenant, JsonNode record) throws SQLException {
        if (record == null || !record.hasNonNull("id")) {
            return;
        }
        var page = JsonNodeFactory.instance.arrayNode().add(record);
        tables.upsert(c, definition(stream), tenant, page, page.toString(), false, ChangeSource.WRITE_BACK, false);
    }

    /** Marks a record deleted in the stream's table, as the sync does when Greenhouse no longer has it. */
    void markDeleted(Connection c, String stream, String tenant, long id) throws SQLException {
        tables.markDeleted(c, definition(stream), tenant, List.of(id), ChangeSource.WRITE_BACK);
    }

    private StreamDefinition definition(String stream) {
        return StreamCatalog.stream(context, stream).map(StreamCatalog.Entry::definition).orElseGet(() ->
                StreamDefinition.from(Map.of("stream", stream, "joinColumns", String.join(",", SHIPPED_JOINS.get(stream)))));
    }
}
