package dev.trellis.connection;

import dev.trellis.api.JsonResponse;
import dev.trellis.check.CheckService;
import dev.trellis.api.ApiToken;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.TokenCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the live connections: their store and keys, the registry they keep, the API, files and refresh, health. */
public final class ConnectionSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSetup.class);

    private ConnectionSetup() {
    }

    /** True when a connection was made through the API: then the zero-setup demo does not start. */
    public static boolean anyConnection(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select exists (select 1 from tenant where source = 'api')");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Loads every connection into {@code tenants} (the tenants of files, or the demo, given as {@code local} with
     * their {@code source}) and keeps it current. {@code startStreams} queues every stream of a tenant now.
     */
    public static void configure(CamelContext context, ConnectionSettings settings, DataSource dataSource,
            Tenants tenants, SecretMasker masker, CheckService checks, TokenCache tokens, Consumer<String> startStreams,
            MeterRegistry meters, List<Tenant> local, String source, PartnerSettings partner, HttpClient http,
            ApiToken apiToken) throws SQLException, IOException {
        SecretBox box = new SecretBox(settings.keys());
        TenantStore store = new TenantStore(dataSource, box);
        var executors = context.getExecutorServiceManager();
        ExecutorService background = executors.newFixedThreadPool(ConnectionSetup.class, "connection-checks", 2);
        Connections connections = new Connections(store, new TenantPurge(dataSource), tenants, masker, checks,
                tokens, startStreams, background, Clock.systemUTC());
        // partner grants first: a partner tenant's start-up check takes its tokens from them
        Map<GrantApi, PartnerGrants> grants = new EnumMap<>(GrantApi.class);
        for (GrantApi api : GrantApi.values()) {
            PartnerGrants g = new PartnerGrants(dataSource, box, api, partner, http, Clock.systemUTC(), meters);
            g.onDead(connections::disconnect);
            grants.put(api, g);
            partner.app(api).ifPresent(app -> {
                masker.remember(List.of(app.clientSecret()));
                for (String outcome : List.of("ok", "invalid_grant", "lost")) {
                    meters.counter("trellis.partner.refreshes", "api", api.label, "outcome", outcome);
                }
            });
        }
        connections.partner(partner, grants);
        tokens.grants(grants.get(GrantApi.HARVEST), grants.get(GrantApi.INGESTION));
        context.getManagementStrategy().addEventNotifier(new PartnerEndpoints(context, partner,
                new OAuthStates(dataSource, Clock.systemUTC(), partner.state()), grants, connections, apiToken, masker));
        forgetOthers(dataSource, source);
        connections.start(local, source);
        tenants.readThrough(id -> {
            try {
                return connections.load(id).flatMap(row -> tenants.all().stream().filter(t -> t.id().equals(id))
                        .findFirst());
            } catch (SQLException e) {
                LOG.warn("Could not read tenant {}: {}", id, e.getMessage());
                return java.util.Optional.empty();
            }
        });
        checks.onResult(connections::checked);
        tokens.onRefused(connections::refused);
        context.getRegistry().bind(TenantApi.BEAN, new TenantApi(connections, tenants, new JsonResponse(masker)));
        HealthCheckRegistry.get(context).register(new ConnectionsHealthCheck(tenants));
        for (String status : List.of(ConnectionStatus.ACTIVE, ConnectionStatus.NEEDS_ATTENTION,
                ConnectionStatus.PAUSED, ConnectionStatus.DISCONNECTED)) {
            Gauge.builder("trellis.tenants", connections, c -> c.countsWithZeros().get(status)).tag("status", status)
                    .description("Connections by status (every instance's database)").register(meters);
        }
        Gauge.builder("trellis.tenants.unreadable", connections, c -> c.unreadable().size())
                .description("Connections whose secrets this instance cannot open (a missing encryption key)")
                .register(meters);

        TenantFiles files = new TenantFiles(settings.tenantsDir(), connections);
        if (!source.equals("demo")) {
            files.baseline();
        }
        ScheduledExecutorService refresh = executors.newSingleThreadScheduledExecutor(ConnectionSetup.class,
                "connection-refresh");
        long period = settings.refresh().toMillis();
        refresh.scheduleWithFixedDelay(() -> {
            if (context.isStopping()) {
                return; // the pool may be closed already
            }
            try {
                connections.refresh();
                if (!source.equals("demo")) {
                    files.poll();
                }
            } catch (Exception e) {
                // the database may be away for a moment; the next round applies what was missed
                LOG.warn("Could not refresh the connections: {}", e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        if (partner.enabled()) {
            keepAlive(context, grants.values(), partner);
        }
    }

    /** Each instance refreshes grants idle for the keep-alive period; the grant's row lock makes that safe. */
    private static void keepAlive(CamelContext context, Collection<PartnerGrants> all, PartnerSettings partner) {
        ScheduledExecutorService keepAlive = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(ConnectionSetup.class, "partner-keepalive");
        long period = partner.keepaliveCheck().toMillis();
        keepAlive.scheduleWithFixedDelay(() -> {
            if (context.isStopping()) {
                return;
            }
            for (PartnerGrants grants : all) {
                keepAlive(grants);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private static void keepAlive(PartnerGrants grants) {
        try {
            for (String tenant : grants.idle()) {
                try {
                    grants.keepAlive(tenant);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (dev.trellis.greenhouse.GreenhouseRejection e) {
                    // disconnected: logged by the grant; the others go on
                } catch (RuntimeException e) {
                    LOG.warn("Keep-alive of partner connection {} ({}): {}", tenant, grants.api().label,
                            e.getMessage());
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not look for idle partner grants: {}", e.getMessage());
        }
    }

    /** Rows of the demo when it is not running, and of tenant files this machine does not have (gone). */
    private static void forgetOthers(DataSource dataSource, String source) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement demo = c.prepareStatement("delete from tenant where source = 'demo'");
                PreparedStatement files = c.prepareStatement("select id, file from tenant where source = 'file'")) {
            if (!source.equals("demo")) {
                demo.executeUpdate();
            }
            try (ResultSet rs = files.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2) != null && !java.nio.file.Files.exists(java.nio.file.Path.of(rs.getString(2)))) {
                        try (PreparedStatement d = c.prepareStatement("delete from tenant where id = ? and source = 'file'")) {
                            d.setString(1, rs.getString(1));
                            d.executeUpdate();
                        }
                    }
                }
            }
        }
    }
}
