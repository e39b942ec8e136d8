package dev.trellis.sync;

import dev.trellis.config.ConfigException;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.route.HubHeaders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream route does: fired by its schedule (no tenant header), queue the stream for every tenant it covers;
 * with a tenant header (a worker of the queue, a replayed dead letter), run the tenant's incremental sync now and,
 * when due, its sweep.
 */
public final class StreamRunner {
    /** Registry name; the template calls {@code enqueue} or {@code run}. */
    public static final String BEAN = "streamRunner";
    private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);

    private final Tenants tenants;
    private final StreamSync sync;
    private final IdSweep sweep;
    private final SyncQueue queue;

    StreamRunner(Tenants tenants, StreamSync sync, IdSweep sweep, SyncQueue queue) {
        this.tenants = tenants;
        this.queue = queue;
        this.sweep = sweep;
        this.sync = sync;
    }

    /** A firing: the stream queued for every tenant it covers now (the registry is asked each time, never kept). */
    public void enqueue(Exchange exchange) throws SQLException {
        StreamCatalog.Entry stream = entry(exchange);
        List<SyncQueue.Key> keys = tenants.all().stream().filter(t -> t.harvest().isPresent()).map(Tenant::id)
                .filter(stream::covers).map(t -> new SyncQueue.Key(t, stream.stream())).toList();
        int added = queue.enqueue(keys, "schedule");
        LOG.debug("Stream {}: queued for {} tenants ({} already queued or running)", stream.stream(), added,
                keys.size() - added);
        exchange.getIn().setBody(added);
    }

    /** The tenant of the header, now. */
    public void run(Exchange exchange) throws Exception {
        String tenantId = exchange.getIn().getHeader(HubHeaders.TENANT, String.class);
        StreamCatalog.Entry stream = entry(exchange);
        StreamDefinition def = stream.definition();
        Optional<Tenant> found = tenants.find(tenantId);
        if (found.isEmpty() && tenantId != null) {
            // removed or paused since its run was claimed: nothing to run, and nothing to dead-letter
            LOG.info("Stream {} of tenant {} not run: the tenant is no longer served", stream.stream(), tenantId);
            exchange.getIn().setBody(StreamSync.Result.skippedRun());
            return;
        }
        Tenant tenant = found.filter(t -> t.harvest().isPresent() && stream.covers(t.id()))
                .orElseThrow(() -> new ConfigException("Stream " + stream.stream() + " does not cover tenant '"
                        + tenantId + "' (unknown, without Harvest credentials, or not in the stream's tenants parameter)"));
        String paused = pausedReason(exchange, tenantId, def.stream());
        if (paused != null) {
            // e.g. the connection check found the list scope missing: wait for a passing check instead of failing
            LOG.info("Stream {} of tenant {} is paused, not run: {}", def.stream(), tenantId, paused);
            exchange.getIn().setBody(StreamSync.Result.skippedRun());
            return;
        }
        StreamSync.Result result = sync.run(tenant, def);
        if (!result.skipped() && !result.yielded()) {
            sweep.sweepIfDue(tenant, def, stream.sweepHours());
        }
        exchange.getIn().setBody(result);
    }

    private static StreamCatalog.Entry entry(Exchange exchange) {
        return StreamCatalog.route(exchange.getContext(), exchange.getFromRouteId()).orElseThrow(() ->
                new ConfigException("Route " + exchange.getFromRouteId() + " is not a harvest-stream route"));
    }

    /** sync_stream.paused_reason of the tenant's stream, or null when it may run. */
    private static String pausedReason(Exchange exchange, String tenant, String stream) throws SQLException {
        DataSource db = exchange.getContext().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        if (db == null) {
            return null;
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select paused_reason from sync_stream where tenant = ? and stream = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
