package dev.trellis.sync;

import dev.trellis.api.ApiException;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.quartz.CronExpression;

/**
 * {@code /api/streams}: every stream of every tenant with its watermark, lag, place in the queue, last and next run;
 * run now (queued ahead of nothing: a worker takes it within a second when one is free); reset.
 */
public final class StreamApi {
    private final CamelContext context;
    private final DataSource dataSource;
    private final Tenants tenants;
    private final JsonResponse response;
    private final SyncQueue queue;
    private final Clock clock;

    StreamApi(CamelContext context, DataSource dataSource, Tenants tenants, JsonResponse response, SyncQueue queue,
            Clock clock) {
        this.context = context;
        this.dataSource = dataSource;
        this.tenants = tenants;
        this.response = response;
        this.queue = queue;
        this.clock = clock;
    }

    /** A stream and the tenant it serves. */
    record Target(StreamCatalog.Entry entry, Tenant tenant) {
        String stream() {
            return entry.stream();
        }
    }

    /** Every (stream, tenant) pair the hub runs. */
    List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (StreamCatalog.Entry entry : StreamCatalog.of(context)) {
            for (Tenant tenant : tenants.all()) {
                if (tenant.harvest().isPresent() && entry.covers(tenant.id())) {
                    out.add(new Target(entry, tenant));
                }
            }
        }
        return out;
    }

    public void list(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String tenant = ex.getIn().getHeader("tenant", String.class);
            String stream = ex.getIn().getHeader("stream", String.class);
            List<Map<String, Object>> items = new ArrayList<>();
            try (Connection c = dataSource.getConnection()) {
                for (Target t : targets()) {
                    if ((tenant == null || tenant.equals(t.tenant().id())) && (stream == null || stream.equals(t.stream()))) {
                        items.add(describe(c, t));
                    }
                }
            }
            return Map.of("streams", items);
        });
    }

    public void syncNow(Exchange exchange) {
        response.answer(exchange, 202, ex -> {
            Target t = find(ex);
            // false: it already waits in the queue or runs; the run under way reads up to now anyway
            boolean queued = queue.enqueue(List.of(new SyncQueue.Key(t.tenant().id(), t.stream())), "sync-now") == 1;
            return Map.of("accepted", true, "queued", queued, "tenant", t.tenant().id(), "stream", t.stream(),
                    "status", "/api/streams?tenant=" + t.tenant().id() + "&stream=" + t.stream());
        });
    }

    /**
     * Queues every stream of the tenant now (a connected tenant's backfill starts at once, not at each stream's next
     * firing); the workers take them within a second, {@code trellis.sync.tenant-concurrency} at a time. Returns how
     * many were queued (a stream already queued or running is not queued twice).
     */
    public int runAll(String tenant) {
        List<SyncQueue.Key> keys = targets().stream().filter(t -> t.tenant().id().equals(tenant))
                .map(t -> new SyncQueue.Key(tenant, t.stream())).toList();
        try {
            return queue.enqueue(keys, "run-all");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot queue the streams of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }

    public void reset(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            Target t = find(ex);
            try (Connection c = dataSource.getConnection()) {
                if (!StreamSync.lock(c, "sync", t.tenant().id(), t.stream(), true)) {
                    throw ApiException.conflict("Stream " + t.stream() + " of tenant " + t.tenant().id()
                            + " is running; reset it when the run is over");
                }
                try (PreparedStatement ps = c.prepareStatement("update sync_stream set watermark = null, "
                        + "window_start = null, window_end = null, next_url = null, run_id = null "
                        + "where tenant = ? and stream = ?")) {
                    ps.setString(1, t.tenant().id());
                    ps.setString(2, t.stream());
                    ps.executeUpdate();
                    // a run waiting for its next time slice has nothing left to continue
                    try (PreparedStatement end = c.prepareStatement("update sync_run set status = 'failed', "
                            + "ended_at = now(), error = 'reset while queued' "
                            + "where tenant = ? and stream = ? and status = 'queued' and ended_at is null")) {
                        end.setString(1, t.tenant().id());
                        end.setString(2, t.stream());
                        end.executeUpdate();
                    }
                } finally {
                    StreamSync.lock(c, "sync", t.tenant().id(), t.stream(), false);
                }
                return describe(c, t);
            }
        });
    }

    private Target find(Exchange ex) {
        String tenant = ex.getIn().getHeader("tenant", String.class);
        String stream = ex.getIn().getHeader("stream", String.class);
        if (tenants.find(tenant).isEmpty()) {
            throw ApiException.notFound("Unknown tenant '" + tenant + "'");
        }
        return targets().stream().filter(t -> t.tenant().id().equals(tenant) && t.stream().equals(stream)).findFirst()
                .orElseThrow(() -> ApiException.notFound("Tenant " + tenant + " has no stream '" + stream + "'"));
    }

    private Map<String, Object> describe(Connection c, Target t) throws SQLException {
        StreamState state = StreamState.load(c, t.tenant().id(), t.stream());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", t.tenant().id());
        m.put("stream", t.stream());
        m.put("route", t.entry().routeId());
        m.put("schedule", t.entry().schedule());
        m.put("watermark", str(state.watermark()));
        m.put("lagSeconds", state.watermark() == null ? null : Duration.between(state.watermark(), clock.instant()).toSeconds());
        Map<String, Object> last = lastRun(c, t.tenant().id(), t.stream());
        Map<String, Object> queued = queue.describe(c, t.tenant().id(), t.stream());
        String run = runState(state, last, queued != null);
        m.put("state", run);
        m.put("running", run.equals("running") || run.equals("resumed"));
        m.put("queued", queued);
        m.put("paused", state.pausedReason());
        m.put("lastSweepAt", str(state.lastSweepAt()));
        m.put("nextRun", nextRun(t.entry().schedule()));
        m.put("lastRun", last);
        return m;
    }

    /**
     * The stream's run as README's Streams section names it: running or resumed (a live instance holds the lock),
     * interrupted (its instance died; it resumes soon), queued (waits for a worker), failed (waits for the schedule),
     * idle.
     */
    private static String runState(StreamState state, Map<String, Object> last, boolean queued) {
        String status = last == null ? null : (String) last.get("status");
        if ("running".equals(status) || "resumed".equals(status)
                || "interrupted".equals(status) && last.get("endedAt") == null) {
            return status;
        }
        if (queued || SyncRuns.QUEUED.equals(status)) {
            return "queued";
        }
        return state.inProgress() && "failed".equals(status) ? "failed" : "idle";
    }

    private String nextRun(String cron) {
        try {
            Date next = new CronExpression(cron).getNextValidTimeAfter(Date.from(clock.instant()));
            return next == null ? null : next.toInstant().toString();
        } catch (ParseException e) {
            return "invalid schedule: " + e.getMessage();
        }
    }

    private static Map<String, Object> lastRun(Connection c, String tenant, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select id, kind, started_at, ended_at, status, pages, fetched, "
                + "written, unchanged, deleted, error, window_start, window_end, owner, interrupted_at, resumed_at "
                + "from sync_run "
                + "where tenant = ? and stream = ? order by id desc limit 1")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", rs.getLong(1));
                m.put("kind", rs.getString(2));
                m.put("startedAt", str(StreamState.instant(rs, 3)));
                m.put("endedAt", str(StreamState.instant(rs, 4)));
                String status = rs.getString(5);
                if (SyncRuns.isUnfinished(status) && rs.getTimestamp(4) == null) {
                    // only the lock says whether its instance is alive: the row stays "running" when it dies
                    boolean live = StreamSync.held(c, rs.getString(2).equals("sweep") ? "sweep" : "sync", tenant, stream);
                    status = !live ? "interrupted" : rs.getTimestamp(16) != null ? "resumed" : "running";
                }
                m.put("status", status);
                m.put("pages", rs.getInt(6));
                m.put("fetched", rs.getLong(7));
                m.put("written", rs.getLong(8));
                m.put("unchanged", rs.getLong(9));
                m.put("deleted", rs.getLong(10));
                m.put("error", rs.getString(11));
                m.put("windowStart", str(StreamState.instant(rs, 12)));
                m.put("windowEnd", str(StreamState.instant(rs, 13)));
                m.put("owner", rs.getString(14));
                m.put("interruptedAt", str(StreamState.instant(rs, 15)));
                m.put("resumedAt", str(StreamState.instant(rs, 16)));
                return m;
            }
        }
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
