package dev.trellis.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import dev.trellis.change.ChangeSource;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A stream's table: {@code (tenant, id)} key, timestamps, the raw record as jsonb, {@code last_seen_at},
 * {@code deleted_at}, and the join columns as indexed columns generated from the jsonb. Created when the stream
 * first runs, so a new stream needs only its YAML. Each page is one upsert statement that writes only records that
 * changed.
 */
public final class SyncTable {
    private final DataSource dataSource;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    public SyncTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void ensure(StreamDefinition def) throws SQLException {
        String key = def.table() + def.joinColumns();
        if (ensured.contains(key)) {
            return;
        }
        String t = def.table();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // the queue starts a new stream's tenants together: "if not exists" alone races in PostgreSQL's catalog
            c.setAutoCommit(false);
            s.execute("select pg_advisory_xact_lock(hashtext('sync-table/" + t + "'))");
            s.execute("create table if not exists " + t + " (tenant text not null, id bigint not null, "
                    + "created_at timestamptz, updated_at timestamptz, raw jsonb not null, "
                    + "last_seen_at timestamptz not null default now(), deleted_at timestamptz, "
                    + "primary key (tenant, id))");
            s.execute("create index if not exists " + t + "_updated_at on " + t + " (tenant, updated_at)");
            for (String column : def.joinColumns()) {
                s.execute("alter table " + t + " add column if not exists " + column + " bigint generated always as "
                        + "((raw->>'" + column + "')::bigint) stored");
                s.execute("create index if not exists " + t + "_" + column + " on " + t + " (tenant, " + column + ")");
            }
            c.commit();
        }
        ensured.add(key);
    }

    /**
     * Upserts one page in one statement; records equal to the stored row write nothing. Returns the rows written.
     * With {@code deleted}, the records are ones Greenhouse reports as deleted and are kept with deleted_at set.
     * {@code source} and {@code backfill} describe the change for the change feed.
     */
    public int upsert(Connection c, StreamDefinition def, String tenant, JsonNode page, String pageText, boolean deleted,
            ChangeSource source, boolean backfill) throws SQLException {
        if (page.isEmpty()) {
            return 0;
        }
        // the text as received goes to PostgreSQL as is, unless the page repeats an id or lacks one
        String records = distinctIds(page) ? pageText : dedupe(page).toString();
        String t = def.table();
        String deletedAt = deleted ? "coalesce(" + t + ".deleted_at, now())" : "null";
        String sql = "insert into " + t + " (tenant, id, created_at, updated_at, raw, last_seen_at, deleted_at) "
                + "select ?, (r->>'id')::bigint, (r->>'created_at')::timestamptz, (r->>'updated_at')::timestamptz, r, "
                + "now(), " + (deleted ? "now()" : "null") + " from jsonb_array_elements(?::jsonb) r "
                + "on conflict (tenant, id) do update set created_at = excluded.created_at, "
                + "updated_at = excluded.updated_at, raw = excluded.raw, last_seen_at = excluded.last_seen_at, "
                + "deleted_at = " + deletedAt + " "
                + "where " + t + ".raw is distinct from excluded.raw or (" + t + ".deleted_at is "
                + (deleted ? "null" : "not null") + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, records);
            return ps.executeUpdate();
        }
    }

    /** Marks records deleted (those already deleted stay as they are). Returns the rows marked. */
    public int markDeleted(Connection c, StreamDefinition def, String tenant, Collection<Long> ids, ChangeSource source)
            throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("update " + def.table()
                + " set deleted_at = now() where tenant = ? and id = any(?) and deleted_at is null")) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            return ps.executeUpdate();
        }
    }

    private static boolean distinctIds(JsonNode page) {
        Set<Long> ids = new HashSet<>(page.size() * 2);
        for (JsonNode record : page) {
            if (!record.hasNonNull("id") || !ids.add(record.get("id").asLong())) {
                return false;
            }
        }
        return true;
    }

    /** One record per id (the latest updated_at wins): a page may repeat a record that changed while paging. */
    static ArrayNode dedupe(JsonNode page) {
        Map<Long, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode record : page) {
            if (!record.hasNonNull("id")) {
                continue;
            }
            byId.merge(record.get("id").asLong(), record, (a, b) ->
                    b.path("updated_at").asText("").compareTo(a.path("updated_at").asText("")) >= 0 ? b : a);
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode(byId.size());
        byId.values().forEach(out::add);
        return out;
    }
}
