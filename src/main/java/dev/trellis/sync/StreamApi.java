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
import java.util.HashMap;
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
            // grouped by tenant: three queries per tenant instead of four per stream
            Map<String, List<Target>> byTenant = new LinkedHashMap<>();
            for (Target t : targets()) {
                if ((tenant == null || tenant.equals(t.tenant().id())) && (stream == null || stream.equals(t.stream()))) {
                    byTenant.computeIfAbsent(t.tenant().id(), k -> new ArrayList<>()).add(t);
                }
            }
            List<Map<String, Object>> items = new ArrayList<>();
            try (Connection c = dataSource.getConnection()) {
                for (Map.Entry<String, List<Target>> e : byTenant.entrySet()) {
                    items.addAll(describeTenant(c, e.getKey(), e.getValue()));
                }
            }
            return Map.of("streams", items);
        });
    }

    /**
     * {@code GET /api/streams/freshness?tenant=a,b,...}: per tenant (at most 500), how many streams it has, how many
     * have no watermark yet (backfilling), are paused, wait in the queue or run, and the lag of its stalest stream: one
     * query for a page of tenants, where {@link #list} reads every stream's state and last run.
     */
    public void freshness(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String param = ex.getIn().getHeader("tenant", String.class);
            if (param == null || param.isBlank()) {
                throw ApiException.badRequest("Parameter 'tenant' is required: tenant ids separated by commas");
            }
            List<String> ids = List.of(param.split(",")).stream().map(String::trim).filter(t -> !t.isEmpty())
                    .distinct().toList();
            if (ids.size() > 500) {
                throw ApiException.badRequest("Parameter 'tenant' names at most 500 tenants, not " + ids.size());
            }
            Map<String, Integer> declared = new LinkedHashMap<>();
            List<StreamCatalog.Entry> catalog = StreamCatalog.of(context);
            for (String id : ids) {
                tenants.find(id).filter(t -> t.harvest().isPresent()).ifPresent(t -> declared.put(id,
                        (int) catalog.stream().filter(e -> e.covers(id)).count()));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("""
                            select s.tenant, count(*) filter (where s.watermark is null),
                                   count(*) filter (where s.paused_reason is not null),
                                   extract(epoch from now() - min(s.watermark))::bigint, max(s.watermark),
                                   (select count(*) from sync_queue q where q.tenant = s.tenant and q.claimed_by is null),
                                   (select count(*) from sync_queue q where q.tenant = s.tenant
                                                                        and q.claimed_by is not null),
                                   count(*)
                            from sync_stream s where s.tenant = any (?) group by s.tenant""")) {
                ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                Map<String, Map<String, Object>> found = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("backfilling", rs.getLong(2));
                        m.put("paused", rs.getLong(3));
                        m.put("maxLagSeconds", rs.getObject(4) == null ? null : rs.getLong(4));
                        m.put("latestWatermark", rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant().toString());
                        m.put("queued", rs.getLong(6));
                        m.put("running", rs.getLong(7));
                        m.put("rows", rs.getLong(8));
                        found.put(rs.getString(1), m);
                    }
                }
                for (String id : ids) {
                    Integer streams = declared.get(id);
                    if (streams == null) {
                        continue; // unknown, or no Harvest credential: no streams
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("streams", streams);
                    Map<String, Object> state = found.get(id);
                    if (state == null) {
                        m.put("backfilling", (long) streams);
                        m.put("paused", 0L);
                        m.put("maxLagSeconds", null);
                        m.put("latestWatermark", null);
                        m.put("queued", 0L);
                        m.put("running", 0L);
                    } else {
                        m.putAll(state);
                        // streams that never ran have no row yet: they are backfilling too
                        long rows = (long) m.remove("rows");
                        m.put("backfilling", (long) state.get("backfilling") + Math.max(0, streams - rows));
                    }
                    out.put(id, m);
                }
            }
            return Map.of("tenants", out);
        });
    }

    /**
     * {@code GET /api/streams/{tenant}/{stream}/runs?limit=20&before=<run id>}: its runs, newest first; {@code next}
     * gives the following page.
     */
    public void runs(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            Target t = find(ex);
            long limit = JsonResponse.number(ex, "limit").orElse(20L);
            if (limit > 200) {
                throw ApiException.badRequest("Parameter 'limit' must be at most 200, not " + limit);
            }
            Long before = JsonResponse.number(ex, "before").orElse(null);
            List<Map<String, Object>> items = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("select id, kind, started_at, ended_at, status, pages, "
                            + "fetched, written, unchanged, deleted, error, owner, interrupted_at, resumed_at "
                            + "from sync_run where tenant = ? and stream = ? and id < ? order by id desc limit ?")) {
                ps.setString(1, t.tenant().id());
                ps.setString(2, t.stream());
                ps.setLong(3, before == null ? Long.MAX_VALUE : before);
                ps.setLong(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", rs.getLong(1));
                        m.put("kind", rs.getString(2));
                        Instant started = StreamState.instant(rs, 3);
                        Instant ended = StreamState.instant(rs, 4);
                        m.put("startedAt", str(started));
                        m.put("endedAt", str(ended));
                        m.put("durationSeconds", ended == null ? null : Duration.between(started, ended).toMillis() / 1000.0);
                        m.put("status", rs.getString(5));
                        m.put("pages", rs.getInt(6));
                        m.put("fetched", rs.getLong(7));
                        m.put("written", rs.getLong(8));
                        m.put("unchanged", rs.getLong(9));
                        m.put("deleted", rs.getLong(10));
                        m.put("error", rs.getString(11));
                        m.put("owner", rs.getString(12));
                        m.put("interruptedAt", str(StreamState.instant(rs, 13)));
                        m.put("resumedAt", str(StreamState.instant(rs, 14)));
                        items.add(m);
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("runs", items);
            out.put("next", items.size() == limit ? "/api/streams/" + t.tenant().id() + "/" + t.stream()
                    + "/runs?limit=" + limit + "&before=" + items.get(items.size() - 1).get("id") : null);
            return out;
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
        return describeTenant(c, t.tenant().id(), List.of(t)).get(0);
    }

    /** The streams {@code targets} of one tenant as the API shows them, read with three queries. */
    private List<Map<String, Object>> describeTenant(Connection c, String tenant, List<Target> targets)
            throws SQLException {
        List<String> names = targets.stream().map(Target::stream).toList();
        Map<String, StreamState> states = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select stream, watermark, window_start, window_end, next_url, "
                + "run_id, paused_reason, last_sweep_at from sync_stream where tenant = ? and stream = any (?)")) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getString(1), new StreamState(tenant, rs.getString(1), StreamState.instant(rs, 2),
                            StreamState.instant(rs, 3), StreamState.instant(rs, 4), rs.getString(5),
                            (Long) rs.getObject(6), rs.getString(7), StreamState.instant(rs, 8)));
                }
            }
        }
        Map<String, Map<String, Object>> lastRuns = lastRuns(c, tenant, names);
        Map<String, Map<String, Object>> queued = queue.describeTenant(c, tenant);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Target t : targets) {
            // a stream that never ran has no row yet: an empty state, as StreamState.load would create
            StreamState state = states.getOrDefault(t.stream(),
                    new StreamState(tenant, t.stream(), null, null, null, null, null, null, null));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tenant", tenant);
            m.put("stream", t.stream());
            m.put("route", t.entry().routeId());
            m.put("schedule", t.entry().schedule());
            m.put("watermark", str(state.watermark()));
            m.put("lagSeconds", state.watermark() == null ? null
                    : Duration.between(state.watermark(), clock.instant()).toSeconds());
            Map<String, Object> last = lastRuns.get(t.stream());
            Map<String, Object> q = queued.get(t.stream());
            String run = runState(state, last, q != null);
            m.put("state", run);
            m.put("running", run.equals("running") || run.equals("resumed"));
            m.put("queued", q);
            m.put("paused", state.pausedReason());
            m.put("lastSweepAt", str(state.lastSweepAt()));
            m.put("nextRun", nextRun(t.entry().schedule()));
            m.put("lastRun", last);
            out.add(m);
        }
        return out;
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

    /** The last run of each of {@code streams} of the tenant (none: absent), one index lookup each. */
    private static Map<String, Map<String, Object>> lastRuns(Connection c, String tenant, List<String> streams)
            throws SQLException {
        Map<String, Map<String, Object>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select s.stream, r.id, r.kind, r.started_at, r.ended_at, "
                + "r.status, r.pages, r.fetched, r.written, r.unchanged, r.deleted, r.error, r.window_start, "
                + "r.window_end, r.owner, r.interrupted_at, r.resumed_at "
                + "from unnest(?::text[]) s(stream) cross join lateral (select * from sync_run "
                + "where tenant = ? and stream = s.stream order by id desc limit 1) r")) {
            ps.setArray(1, c.createArrayOf("text", streams.toArray()));
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String stream = rs.getString(1);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getLong(2));
                    m.put("kind", rs.getString(3));
                    m.put("startedAt", str(StreamState.instant(rs, 4)));
                    m.put("endedAt", str(StreamState.instant(rs, 5)));
                    String status = rs.getString(6);
                    if (SyncRuns.isUnfinished(status) && rs.getTimestamp(5) == null) {
                        // only the lock says whether its instance is alive: the row stays "running" when it dies
                        boolean live = StreamSync.held(c, rs.getString(3).equals("sweep") ? "sweep" : "sync", tenant,
                                stream);
                        status = !live ? "interrupted" : rs.getTimestamp(17) != null ? "resumed" : "running";
                    }
                    m.put("status", status);
                    m.put("pages", rs.getInt(7));
                    m.put("fetched", rs.getLong(8));
                    m.put("written", rs.getLong(9));
                    m.put("unchanged", rs.getLong(10));
                    m.put("deleted", rs.getLong(11));
                    m.put("error", rs.getString(12));
                    m.put("windowStart", str(StreamState.instant(rs, 13)));
                    m.put("windowEnd", str(StreamState.instant(rs, 14)));
                    m.put("owner", rs.getString(15));
                    m.put("interruptedAt", str(StreamState.instant(rs, 16)));
                    m.put("resumedAt", str(StreamState.instant(rs, 17)));
                    out.put(stream, m);
                }
            }
        }
        return out;
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
