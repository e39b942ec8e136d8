package dev.trellis.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
     * Upserts one page in one statement, which also appends the page's change events (change_event): records equal to
     * the stored row write nothing and log nothing. Returns the rows written. With {@code deleted}, the records are
     * ones Greenhouse reports as deleted and are kept with deleted_at set. {@code source} and {@code backfill} (the
     * stream's first backfill: its creates are marked so) describe the change for the change feed.
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
        // prev reads the rows as they were before this statement (a CTE's snapshot), up writes, events compares them
        String sql = "with incoming as (select r from jsonb_array_elements(?::jsonb) r), "
                + "prev as (select s.id, s.raw, s.deleted_at from " + t + " s where s.tenant = ? "
                // = any(array(...)): the primary key's index, never a scan of the tenant's rows
                + "and s.id = any(array(select (r->>'id')::bigint from incoming))), "
                + "up as (insert into " + t + " (tenant, id, created_at, updated_at, raw, last_seen_at, deleted_at) "
                + "select ?, (r->>'id')::bigint, (r->>'created_at')::timestamptz, (r->>'updated_at')::timestamptz, r, "
                + "now(), " + (deleted ? "now()" : "null") + " from incoming "
                + "on conflict (tenant, id) do update set created_at = excluded.created_at, "
                + "updated_at = excluded.updated_at, raw = excluded.raw, last_seen_at = excluded.last_seen_at, "
                + "deleted_at = " + deletedAt + " "
                + "where " + t + ".raw is distinct from excluded.raw or (" + t + ".deleted_at is "
                + (deleted ? "null" : "not null") + ") returning id, raw, updated_at, deleted_at, xmax = 0 as inserted), "
                + CLAIM + ", events as (insert into change_event (xid, tenant, stream, record_id, op, fields, after, "
                + "before, updated_at, source, backfill) select claim.xid, ?, ?, up.id, d.op, diff.fields, up.raw, "
                + "diff.before, up.updated_at, ?, d.op = 'create' and ? from claim cross join up "
                + "left join prev p on p.id = up.id cross join lateral (select " + OP + " as op) d "
                // each side's pairs once (a full join of jsonb_each), not a lookup per key
                + "left join lateral (select array_agg(coalesce(n.key, o.key) order by coalesce(n.key, o.key)) as fields, "
                + "jsonb_object_agg(coalesce(n.key, o.key), o.value) as before "
                + "from jsonb_each(up.raw) n full join jsonb_each(p.raw) o on o.key = n.key "
                + "where d.op = 'update' and p.id is not null and n.value is distinct from o.value) diff on true "
                + "where d.op is not null) "
                + "select count(*) from up";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, records);
            ps.setString(2, tenant);
            ps.setString(3, tenant);
            ps.setString(4, tenant);
            ps.setString(5, def.changeStream());
            ps.setString(6, source.label());
            ps.setBoolean(7, backfill);
            ps.setBoolean(8, backfill);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * A written row's op: inserted = create, newly deleted = delete, undeleted = create, content changed = update. A
     * record first seen already deleted is a delete, except in the first backfill (consumers never had it); a deleted
     * record whose content changes logs nothing (it stays gone). Inserted is told by the new row's xmax (0), not by
     * prev, which another transaction's insert of the same id, committed meanwhile, is missing from.
     */
    private static final String OP = "case when up.inserted then case when up.deleted_at is null then 'create' "
            + "when not ? then 'delete' end "
            + "when up.deleted_at is not null then case when p.deleted_at is null then 'delete' end "
            + "when p.deleted_at is not null then 'create' else 'update' end";

    /**
     * Marks records deleted (those already deleted stay as they are), with their delete events in the same
     * statement. Returns the rows marked.
     */
    public int markDeleted(Connection c, StreamDefinition def, String tenant, Collection<Long> ids, ChangeSource source)
            throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("with changed as (update " + def.table()
                + " set deleted_at = now() where tenant = ? and id = any(?) and deleted_at is null "
                + "returning id, raw, updated_at), " + eventsOf("changed", "delete") + " select count(*) from changed")) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.setString(3, tenant);
            ps.setString(4, def.changeStream());
            ps.setString(5, source.label());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * A CTE appending one event of {@code op} per row of the CTE {@code rows} (id, raw, updated_at), with the stored
     * record as {@code after}; its parameters, in order: tenant, stream, source.
     */
    static String eventsOf(String rows, String op) {
        return CLAIM + ", events as (insert into change_event (xid, tenant, stream, record_id, op, after, updated_at, "
                + "source) select claim.xid, ?, ?, id, '" + op + "', raw, updated_at, ? from claim cross join " + rows + ")";
    }

    /**
     * The change feed's claim (V14), once per statement rather than once per row as the xid column's default would:
     * joined ahead of the rows, it runs before their first seq is drawn.
     */
    private static final String CLAIM = "claim as (select change_event_claim() as xid)";

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
