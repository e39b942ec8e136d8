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
import org.apache.camel.Exchange;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a stream route does: pick its tenants, then per tenant run the incremental sync and, when due, the sweep. */
public final class StreamRunner {
    /** Registry name; the template calls its two steps. */
    public static final String BEAN = "streamRunner";
    private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);

    private final Tenants tenants;
    private final StreamSync sync;
    private final IdSweep sweep;

    public StreamRunner(Tenants tenants, StreamSync sync, IdSweep sweep) {
        this.tenants = tenants;
        this.sweep = sweep;
        this.sync = sync;
    }

    /** First step: the tenant of the header (a manual run or a replay), else every tenant the stream covers. */
    public void selectTenants(Exchange exchange) {
        String asked = exchange.getIn().getHeader(HubHeaders.TENANT, String.class);
        StreamCatalog.Entry stream = entry(exchange);
        List<String> chosen = tenants.all().stream().filter(t -> t.harvest().isPresent()).map(Tenant::id)
                .filter(stream::covers).toList();
        if (asked != null) {
            if (!chosen.contains(asked)) {
                throw new ConfigException("Stream " + stream.stream() + " does not cover tenant '" + asked
                        + "' (unknown, without Harvest credentials, or not in the stream's tenants parameter)");
            }
            chosen = List.of(asked);
        }
        exchange.getIn().setBody(chosen);
    }

    /** Second step, per tenant. */
    public void run(Exchange exchange) throws Exception {
        String tenantId = exchange.getIn().getHeader(HubHeaders.TENANT, String.class);
        StreamCatalog.Entry stream = entry(exchange);
        StreamDefinition def = stream.definition();
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> new ConfigException("Unknown tenant '" + tenantId + "'"));
        String paused = pausedReason(exchange, tenantId, def.stream());
        if (paused != null) {
            // e.g. the connection check found the list scope missing: wait for a passing check instead of failing
            LOG.info("Stream {} of tenant {} is paused, not run: {}", def.stream(), tenantId, paused);
            exchange.getIn().setBody(new StreamSync.Result(true, 0, 0, 0, 0, 0));
            return;
        }
        StreamSync.Result result = sync.run(tenant, def);
        if (!result.skipped()) {
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
