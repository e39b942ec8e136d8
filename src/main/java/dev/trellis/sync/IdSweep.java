package dev.trellis.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.change.ChangeSource;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds deletions, which an updated_at window cannot see: lists every id of the resource ({@code fields=id}), then
 * marks stored rows whose id was not listed as deleted, and clears the mark of rows listed again. Rows written
 * after the sweep began are left alone: they may have been created after their page was read.
 */
public final class IdSweep {
    private static final Logger LOG = LoggerFactory.getLogger(IdSweep.class);

    private final DataSource dataSource;
    private final GreenhouseGateway gateway;
    private final Clock clock;
    private final String owner;

    /** {@code owner} names this instance in the runs it starts. */
    public IdSweep(DataSource dataSource, GreenhouseGateway gateway, Clock clock, String owner) {
        this.owner = owner;
        this.dataSource = dataSource;
        this.gateway = gateway;
        this.clock = clock;
    }

    /** Sweeps when the last sweep is older than {@code everyHours}; returns the rows newly marked deleted, or -1. */
    public long sweepIfDue(Tenant tenant, StreamDefinition def, long everyHours) throws Exception {
        if (def.deletedRecords() || def.fullRefresh() || everyHours <= 0) {
            return -1;
        }
        try (Connection c = dataSource.getConnection()) {
            StreamState state = StreamState.load(c, tenant.id(), def.stream());
            if (state.lastSweepAt() != null && state.lastSweepAt().isAfter(clock.instant().minusSeconds(everyHours * 3600))) {
                return -1;
            }
            if (!StreamSync.lock(c, "sweep", tenant.id(), def.stream(), true)) {
                return -1;
            }
            try {
                return sweep(c, tenant, def);
            } finally {
                StreamSync.lock(c, "sweep", tenant.id(), def.stream(), false);
            }
        }
    }

    private long sweep(Connection c, Tenant tenant, StreamDefinition def) throws Exception {
        Instant began = clock.instant();
        long runId = SyncRuns.start(c, tenant.id(), def.stream(), "sweep", null, began, owner);
        try {
            forgetListed(c, tenant.id(), def.stream());
            String url = "/v3/" + def.resource() + "?per_page=500&fields=id" + (def.query().isEmpty() ? "" : "&" + def.query());
            long sub = tenant.harvest().orElseThrow().userId();
            long listed = 0;
            while (true) {
                GreenhouseGateway.Answer answer = gateway.get(tenant, sub, url);
                JsonNode records = answer.body();
                if (records == null || !records.isArray()) {
                    throw new GreenhouseException(answer.status(), true, "GET /v3/" + def.resource()
                            + "?fields=id for tenant " + tenant.id() + " did not answer a list");
                }
                int ids = listed(c, tenant.id(), def.stream(), records);
                listed += ids;
                SyncRuns.add(c, runId, 1, ids, 0, 0, 0);
                Optional<String> next = answer.next();
                if (next.isEmpty()) {
                    break;
                }
                url = next.get();
            }
            c.setAutoCommit(false);
            long deleted;
            try {
                long[] marked = markUnlisted(c, tenant.id(), def, began, ChangeSource.SWEEP);
                deleted = marked[0];
                long back = marked[1];
                SyncRuns.add(c, runId, 0, 0, deleted + back, 0, deleted);
                SyncRuns.finish(c, runId, "done", null);
                c.commit();
                LOG.info("Stream {} of tenant {}: sweep listed {} ids, marked {} deleted, {} back", def.stream(),
                        tenant.id(), listed, deleted, back);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return deleted;
        } catch (Exception e) {
            SyncRuns.finish(c, runId, "failed", e.getMessage());
            throw e;
        }
    }

    /** Starts a listing of the stream's ids afresh: the ids of an earlier, unfinished one are forgotten. */
    static void forgetListed(Connection c, String tenant, String stream) throws SQLException {
        execute(c, "delete from sync_sweep_id where tenant = ? and stream = ?", tenant, stream);
    }

    /** Records the ids of one page as listed (a full-refresh stream lists with every page it reads). */
    static int listed(Connection c, String tenant, String stream, JsonNode records) throws SQLException {
        Long[] ids = new Long[records.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = records.get(i).path("id").asLong();
        }
        try (PreparedStatement ps = c.prepareStatement("insert into sync_sweep_id (tenant, stream, id) "
                + "select ?, ?, unnest(?) on conflict do nothing")) {
            Array array = c.createArrayOf("bigint", ids);
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.setArray(3, array);
            ps.executeUpdate();
        }
        return ids.length;
    }

    /**
     * Once every id was listed: marks stored rows not listed (and not written since {@code began}) deleted, clears
     * the mark of rows listed again, and records the sweep. In the caller's transaction; returns {deleted, back}.
     */
    static long[] markUnlisted(Connection c, String tenant, StreamDefinition def, Instant began, ChangeSource source)
            throws SQLException {
        String t = def.table();
        String listedClause = "exists (select 1 from sync_sweep_id s where s.tenant = " + t + ".tenant "
                + "and s.stream = ? and s.id = " + t + ".id)";
        // each update appends its events (delete, and create for a record listed again) in its statement
        long deleted = count(c, "with changed as (update " + t + " set deleted_at = now() where tenant = ? "
                + "and deleted_at is null and last_seen_at < ? and not " + listedClause
                + " returning id, raw, updated_at), " + SyncTable.eventsOf("changed", "delete")
                + " select count(*) from changed", tenant, StreamState.ts(began), def.stream(), tenant,
                def.changeStream(), source.label());
        long back = count(c, "with changed as (update " + t + " set deleted_at = null where tenant = ? "
                + "and deleted_at is not null and " + listedClause + " returning id, raw, updated_at), "
                + SyncTable.eventsOf("changed", "create") + " select count(*) from changed", tenant,
                def.stream(), tenant, def.changeStream(), source.label());
        execute(c, "delete from sync_sweep_id where tenant = ? and stream = ?", tenant, def.stream());
        execute(c, "update sync_stream set last_sweep_at = ? where tenant = ? and stream = ?",
                StreamState.ts(began), tenant, def.stream());
        return new long[] {deleted, back};
    }

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
