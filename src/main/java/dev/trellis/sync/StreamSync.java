package dev.trellis.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.change.ChangeSource;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one stream for one tenant: reads the closed window {@code updated_at=gte|watermark-lookback|lte|now-lag}
 * page by page through the gateway, following {@code next} links verbatim, upserts each page in the same
 * transaction that records the next link, and advances the watermark only with the last page. A run stopped at any
 * point resumes from the recorded link; an expired cursor restarts the window (upserts make that harmless). A
 * PostgreSQL advisory lock keeps two instances from running the same stream at once.
 */
public final class StreamSync {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSync.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /**
     * What a run did; {@code skipped} when another instance was already running the stream, {@code yielded} when it
     * stopped before the end of its window: its time slice is over (it waits in the queue to go on), or its tenant was
     * paused or removed (a resumed tenant goes on from its saved link).
     */
    public record Result(boolean skipped, int pages, long fetched, long written, long unchanged, long deleted,
            boolean yielded) {
        static Result skippedRun() {
            return new Result(true, 0, 0, 0, 0, 0, false);
        }
    }

    private final DataSource dataSource;
    private final GreenhouseGateway gateway;
    private final SyncTable tables;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Executor fetcher;
    private final String owner;
    private final BooleanSupplier stopping;
    private final Predicate<String> serving;
    private final Duration slice;

    /**
     * {@code fetcher} reads the next page while the current one is written; {@code owner} names this instance;
     * {@code stopping} says the hub is shutting down, so a run cut short is interrupted (to resume), not failed;
     * a run longer than {@code slice} (zero: no limit) yields after its current page and queues itself again.
     */
    public StreamSync(DataSource dataSource, GreenhouseGateway gateway, SyncTable tables, Clock clock,
            MeterRegistry meters, Executor fetcher, String owner, BooleanSupplier stopping, Predicate<String> serving,
            Duration slice) {
        this.serving = serving;
        this.owner = owner;
        this.slice = slice;
        this.stopping = stopping;
        this.dataSource = dataSource;
        this.gateway = gateway;
        this.tables = tables;
        this.clock = clock;
        this.meters = meters;
        this.fetcher = fetcher;
    }

    public Result run(Tenant tenant, StreamDefinition def) throws Exception {
        tables.ensure(def);
        try (Connection c = dataSource.getConnection()) {
            if (!lock(c, "sync", tenant.id(), def.stream(), true)) {
                LOG.info("Stream {} of tenant {} is already running on another instance; skipped", def.stream(), tenant.id());
                return Result.skippedRun();
            }
            try {
                return incremental(c, tenant, def);
            } finally {
                lock(c, "sync", tenant.id(), def.stream(), false);
            }
        }
    }

    private Result incremental(Connection c, Tenant tenant, StreamDefinition def) throws Exception {
        StreamState state = StreamState.load(c, tenant.id(), def.stream());
        Instant from;
        Instant to;
        String url;
        long runId;
        if (state.inProgress()) {
            from = state.windowStart();
            to = state.windowEnd();
            url = state.nextUrl();
            if (state.runId() == null) {
                runId = SyncRuns.start(c, tenant.id(), def.stream(), "incremental", from, to, owner);
                LOG.info("Stream {} of tenant {}: resuming the window {} .. {} where it stopped", def.stream(),
                        tenant.id(), from == null ? "start" : from, to);
            } else {
                runId = state.runId();
                String was = SyncRuns.resume(c, runId, owner);
                LOG.info("Stream {} of tenant {}: resuming the window {} .. {} where it stopped (run {}, {})",
                        def.stream(), tenant.id(), from == null ? "start" : from, to, runId,
                        SyncRuns.isUnfinished(was) ? "its instance or database session died"
                                : was.equals(SyncRuns.QUEUED) ? "after its time slice" : was);
            }
        } else {
            if (def.fullRefresh()) {
                // no window: every run reads all; "to" is when it began, for what vanished (IdSweep.markUnlisted)
                to = clock.instant().truncatedTo(ChronoUnit.SECONDS);
                from = null;
            } else {
                to = clock.instant().minus(def.lag()).truncatedTo(ChronoUnit.SECONDS);
                from = state.watermark() != null ? state.watermark().minus(def.lookback()) : def.backfillFrom().orElse(null);
            }
            url = firstUrl(def, from, to);
            // the run row and the stream's pointer to it in one transaction, so no run is left without its stream
            c.setAutoCommit(false);
            try {
                if (def.fullRefresh()) {
                    IdSweep.forgetListed(c, tenant.id(), def.stream());
                }
                // a full-refresh run is kind incremental too (V3's check): its window has no start
                runId = SyncRuns.start(c, tenant.id(), def.stream(), "incremental", from, to, owner);
                try (PreparedStatement ps = c.prepareStatement("update sync_stream set window_start = ?, "
                        + "window_end = ?, next_url = ?, run_id = ? where tenant = ? and stream = ?")) {
                    ps.setTimestamp(1, StreamState.ts(from));
                    ps.setTimestamp(2, StreamState.ts(to));
                    ps.setString(3, url);
                    ps.setLong(4, runId);
                    ps.setString(5, tenant.id());
                    ps.setString(6, def.stream());
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        String first = firstUrl(def, from, to);
        // no watermark yet: the stream's first backfill (also when resumed), whose creates the change feed marks
        boolean backfill = state.watermark() == null;
        long sub = tenant.harvest().orElseThrow().userId();
        SyncRuns.Counts counts = new SyncRuns.Counts();
        long started = System.nanoTime();
        long lastProgress = started;
        boolean yielding = false;
        CompletableFuture<GreenhouseGateway.Answer> fetching = fetch(tenant, sub, url);
        try {
            while (true) {
                GreenhouseGateway.Answer answer;
                try {
                    answer = await(fetching);
                } catch (GreenhouseException e) {
                    if (e.status() == 422 && !url.equals(first)) {
                        // the saved cursor expired or was refused: read the window again from its start
                        LOG.warn("Stream {} of tenant {}: cursor refused ({}); restarting the window", def.stream(),
                                tenant.id(), e.getMessage());
                        url = first;
                        fetching = fetch(tenant, sub, url);
                        continue;
                    }
                    throw e;
                }
                JsonNode records = answer.body();
                if (records == null || !records.isArray()) {
                    throw new GreenhouseException(answer.status(), true, "GET /v3/" + def.resource() + " for tenant "
                            + tenant.id() + " answered " + (records == null ? "nothing" : records.getNodeType())
                            + " instead of a list of records");
                }
                Optional<String> next = answer.next();
                yielding = next.isPresent() && !slice.isZero() && System.nanoTime() - started >= slice.toNanos();
                // the next page travels while this one is written (unless the run yields after this one)
                fetching = next.isPresent() && !yielding ? fetch(tenant, sub, next.get()) : null;
                int written;
                c.setAutoCommit(false);
                try {
                    // a page lost to a crash is read again from the cursor saved with it, so no need to wait for fsync
                    try (var st = c.createStatement()) {
                        st.execute("set local synchronous_commit = off");
                    }
                    written = tables.upsert(c, def, tenant.id(), records, answer.text(), def.deletedRecords(),
                            ChangeSource.POLL, backfill);
                    long vanished = 0;
                    if (def.fullRefresh()) {
                        IdSweep.listed(c, tenant.id(), def.stream(), records);
                        if (next.isEmpty()) {
                            vanished = IdSweep.markUnlisted(c, tenant.id(), def, to, ChangeSource.POLL)[0];
                            counts.deleted += vanished;
                        }
                    }
                    SyncRuns.add(c, runId, 1, records.size(), written, records.size() - written, vanished);
                    if (next.isPresent()) {
                        saveNext(c, tenant.id(), def.stream(), next.get());
                        if (yielding) {
                            // with the page: a run that yields is always queued again, whatever happens next
                            SyncRuns.yieldToQueue(c, runId);
                            SyncQueue.requeue(c, tenant.id(), def.stream());
                        }
                    } else {
                        complete(c, tenant.id(), def.stream(), to,
                                !def.fullRefresh() && from == null && state.lastSweepAt() == null);
                        SyncRuns.finish(c, runId, "done", null);
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
                counts.pages++;
                counts.fetched += records.size();
                counts.written += written;
                counts.unchanged += records.size() - written;
                count(tenant.id(), def.stream(), records.size(), written);
                if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
                    lastProgress = System.nanoTime();
                    double seconds = (lastProgress - started) / 1e9;
                    LOG.info("Stream {} of tenant {}: {} pages, {} records ({} written), {} records/s, {} s", def.stream(),
                            tenant.id(), counts.pages, counts.fetched, counts.written,
                            Math.round(counts.fetched / seconds), Math.round(seconds));
                }
                if (next.isEmpty() || yielding) {
                    break;
                }
                if (!serving.test(tenant.id())) {
                    // paused or removed meanwhile, on this instance or another: stop after this page, resumable
                    if (fetching != null) {
                        fetching.cancel(true);
                    }
                    SyncRuns.interrupt(c, runId, false);
                    LOG.info("Stream {} of tenant {} stopped after {} pages: the tenant is paused or removed; a resumed "
                            + "tenant goes on from here", def.stream(), tenant.id(), counts.pages);
                    return new Result(false, counts.pages, counts.fetched, counts.written, counts.unchanged, 0, true);
                }
                url = next.get();
            }
        } catch (Exception e) {
            if (fetching != null) {
                fetching.cancel(true);
            }
            try {
                if (stopping.getAsBoolean()) {
                    SyncRuns.interrupt(c, runId, false);
                } else {
                    SyncRuns.finish(c, runId, "failed", e.getMessage());
                }
            } catch (SQLException lost) {
                // the database went with the run (or the hub's pool closed): the row stays unfinished, to resume
                e.addSuppressed(lost);
            }
            throw e;
        }
        LOG.info("Stream {} of tenant {}: window to {} {}: {} pages, {} records, {} written, {} unchanged in {} ms",
                def.stream(), tenant.id(), to, yielding ? "yields its worker after its time slice, queued again" : "done",
                counts.pages, counts.fetched, counts.written, counts.unchanged, (System.nanoTime() - started) / 1_000_000);
        return new Result(false, counts.pages, counts.fetched, counts.written, counts.unchanged, counts.deleted, yielding);
    }

    private CompletableFuture<GreenhouseGateway.Answer> fetch(Tenant tenant, long sub, String url) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return gateway.get(tenant, sub, url);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, fetcher);
    }

    private static GreenhouseGateway.Answer await(CompletableFuture<GreenhouseGateway.Answer> answer) throws Exception {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    static String firstUrl(StreamDefinition def, Instant from, Instant to) {
        String extra = def.query().isEmpty() ? "" : "&" + def.query();
        if (def.fullRefresh()) {
            return "/v3/" + def.resource() + "?per_page=" + def.perPage() + extra;
        }
        String window = (from == null ? "" : "gte|" + from + "|") + "lte|" + to;
        return "/v3/" + def.resource() + "?per_page=" + def.perPage() + "&" + def.cursor().orElseThrow() + "="
                + URLEncoder.encode(window, StandardCharsets.UTF_8) + extra;
    }

    private static void saveNext(Connection c, String tenant, String stream, String next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update sync_stream set next_url = ? where tenant = ? and stream = ?")) {
            ps.setString(1, next);
            ps.setString(2, tenant);
            ps.setString(3, stream);
            ps.executeUpdate();
        }
    }

    /** Advances the watermark; a first full backfill also counts as a sweep (it just listed everything). */
    private static void complete(Connection c, String tenant, String stream, Instant watermark, boolean asSweep)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update sync_stream set watermark = ?, window_start = null, "
                + "window_end = null, next_url = null, run_id = null"
                + (asSweep ? ", last_sweep_at = now()" : "") + " where tenant = ? and stream = ?")) {
            ps.setTimestamp(1, StreamState.ts(watermark));
            ps.setString(2, tenant);
            ps.setString(3, stream);
            ps.executeUpdate();
        }
    }

    private static String lockKey(String kind, String tenant, String stream) {
        return kind + "/" + tenant + "/" + stream;
    }

    private void count(String tenant, String stream, long fetched, long written) {
        meters.counter("trellis.sync.records", "tenant", tenant, "stream", stream, "outcome", "fetched").increment(fetched);
        meters.counter("trellis.sync.records", "tenant", tenant, "stream", stream, "outcome", "written").increment(written);
        meters.counter("trellis.sync.records", "tenant", tenant, "stream", stream, "outcome", "unchanged")
                .increment(fetched - written);
        meters.counter("trellis.sync.pages", "tenant", tenant, "stream", stream).increment();
    }

    /**
     * Takes or releases the session-level advisory lock of (kind, tenant, stream) on this connection. A run holds it
     * from start to end, so it is also the proof that the run's instance is alive: PostgreSQL drops it with the session.
     */
    static boolean lock(Connection c, String kind, String tenant, String stream, boolean take) throws SQLException {
        String fn = take ? "pg_try_advisory_lock" : "pg_advisory_unlock";
        try (PreparedStatement ps = c.prepareStatement("select " + fn + "(hashtext(?))")) {
            ps.setString(1, lockKey(kind, tenant, stream));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Whether any session holds the lock of (kind, tenant, stream), without taking it (pg_locks splits the key). */
    static boolean held(Connection c, String kind, String tenant, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select exists (select 1 from pg_locks l, "
                + "(select hashtext(?)::bigint as k) key where l.locktype = 'advisory' and l.granted and l.objsubid = 1 "
                + "and l.database = (select oid from pg_database where datname = current_database()) "
                + "and l.classid::bigint = (key.k >> 32) & 4294967295 and l.objid::bigint = key.k & 4294967295)")) {
            ps.setString(1, lockKey(kind, tenant, stream));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
