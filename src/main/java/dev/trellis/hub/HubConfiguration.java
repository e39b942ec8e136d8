package dev.trellis.hub;

import dev.trellis.api.ApiGuard;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.SecretRef;
import dev.trellis.config.Settings;
import dev.trellis.config.Tenant;
import dev.trellis.config.TenantLoader;
import dev.trellis.config.Tenants;
import dev.trellis.deadletter.DeadLetterApi;
import dev.trellis.deadletter.DeadLetterGauge;
import dev.trellis.deadletter.DeadLetterRecorder;
import dev.trellis.deadletter.DeadLetterReplayer;
import dev.trellis.deadletter.DeadLetterStore;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.RateBudget;
import dev.trellis.greenhouse.TokenCache;
import dev.trellis.health.DatabaseHealthCheck;
import dev.trellis.sync.IdSweep;
import dev.trellis.sync.QuartzCluster;
import dev.trellis.sync.StreamApi;
import dev.trellis.sync.SyncLag;
import dev.trellis.sync.StreamRunner;
import dev.trellis.sync.StreamSync;
import dev.trellis.sync.SyncTable;
import dev.trellis.health.RoutesRunningHealthCheck;
import dev.trellis.store.Database;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Wires the hub from its configuration: tenants, the database, the dead-letter store, health checks and the API
 * guard. Everything it builds is bound in the Camel registry under the names routes use.
 */
public final class HubConfiguration implements CamelConfiguration {
    /** Registry names. */
    public static final String DATA_SOURCE = "dataSource";
    public static final String TENANTS = "tenants";
    public static final String SECRET_MASKER = "secretMasker";
    public static final String GATEWAY = "greenhouse";

    private final String apiToken;

    public HubConfiguration(String apiToken) {
        this.apiToken = apiToken;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();

        List<Tenant> tenants = TenantLoader.load(Path.of(settings.required("trellis.tenants.dir")));
        boolean demo = tenants.isEmpty() && Boolean.parseBoolean(settings.string("trellis.demo.enabled", "true"));
        if (demo) {
            DemoTenant sandbox = DemoTenant.start(settings.integer("trellis.demo.candidates", 10_000));
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    sandbox.close();
                }
            });
            tenants = List.of(sandbox.tenant());
        }
        String dbPassword = SecretRef.fromEnvironment("TRELLIS_DB_PASSWORD");
        SecretMasker masker = new SecretMasker(settings.list("trellis.errors.secret-words"), secrets(tenants, dbPassword));

        Database database = Database.open(settings.optional("trellis.db.url").orElse(null),
                settings.string("trellis.db.user", "trellis"), dbPassword,
                settings.integer("trellis.db.pool-size", 10),
                Path.of(settings.required("trellis.db.embedded-dir")),
                settings.integer("trellis.db.embedded-port", 0));
        // stopped after the routes, so nothing in flight loses its database
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                database.close();
            }
        });
        registry.bind(DATA_SOURCE, database.dataSource());
        Tenants tenantRegistry = new Tenants(tenants);
        registry.bind(TENANTS, tenantRegistry);
        registry.bind(SECRET_MASKER, masker);

        // Trellis's meters; joined to camel-micrometer's Prometheus registry once that exists
        CompositeMeterRegistry meters = new CompositeMeterRegistry();
        context.getManagementStrategy().addEventNotifier(new MetricsBridge(context, meters));

        DeadLetterStore store = new DeadLetterStore(database.dataSource());
        DeadLetterGauge gauge = new DeadLetterGauge(context, store, meters);
        registry.bind("deadLetterRecorder", new DeadLetterRecorder(store, masker, gauge::refresh));
        registry.bind("deadLetterGauge", gauge);
        registry.bind("deadLetterApi", new DeadLetterApi(store, new DeadLetterReplayer(context, store),
                new JsonResponse(masker), gauge::refresh, settings.integer("trellis.api.max-page-size", 500)));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        GreenhouseGateway.Policy policy = new GreenhouseGateway.Policy(
                settings.integer("trellis.greenhouse.max-attempts", 6),
                Duration.ofMillis(settings.number("trellis.greenhouse.backoff-ms", 500)),
                Duration.ofMillis(settings.number("trellis.greenhouse.max-backoff-ms", 30_000)),
                Duration.ofMillis(settings.number("trellis.greenhouse.timeout-ms", 30_000)));
        TokenCache tokens = new TokenCache(http, Clock.systemUTC(), policy.timeout(),
                tenant -> GreenhouseGateway.tokenRefreshes(meters, tenant).increment());
        RateBudget budget = new RateBudget(database.dataSource(), Clock.systemUTC(),
                settings.integer("trellis.greenhouse.rate-budget", 50));
        GreenhouseGateway gateway = new GreenhouseGateway(http, tokens, budget, masker, policy, meters);
        registry.bind(GATEWAY, gateway);

        // connection check (docs/check.md): latest result per tenant, start-up and hourly runs, health, metrics
        dev.trellis.check.PermissionRegistry permissions = new dev.trellis.check.PermissionRegistry(meters);
        registry.bind(dev.trellis.check.PermissionRegistry.BEAN, permissions);
        registry.bind(dev.trellis.check.CheckService.BEAN, new dev.trellis.check.CheckService(context, tenantRegistry,
                dev.trellis.check.CheckSetup.check(settings, http, budget, masker, meters), permissions,
                new dev.trellis.check.StreamPauses(database.dataSource()), new JsonResponse(masker)));
        HealthCheckRegistry.get(context).register(new dev.trellis.check.PermissionsHealthCheck(permissions));

        // write-back outbox: REST, direct:outbox and SQL intake, dispatcher (stops before the database closes)
        dev.trellis.outbound.Outbound.configure(context, settings, database.dataSource(), tenantRegistry, gateway,
                masker, meters);

        // sourcing partners (docs/ingestion.md): Candidate Ingestion client, job board, links, push, status sync
        dev.trellis.ingestion.Ingestion.configure(context, settings, database.dataSource(), tenantRegistry, http,
                gateway, budget, masker, meters);

        int syncThreads = settings.integer("trellis.sync.threads", 4);
        QuartzCluster.configure(context, database.dataSource(), syncThreads);
        StreamSync sync = new StreamSync(database.dataSource(), gateway, new SyncTable(database.dataSource()),
                Clock.systemUTC(), meters, context.getExecutorServiceManager().newCachedThreadPool(this, "page-fetch"));
        registry.bind(StreamRunner.BEAN, new StreamRunner(tenantRegistry, sync,
                new IdSweep(database.dataSource(), gateway, Clock.systemUTC())));
        StreamApi streams = new StreamApi(context, database.dataSource(), tenantRegistry, new JsonResponse(masker),
                context.getExecutorServiceManager().newFixedThreadPool(this, "stream-run-now", syncThreads), Clock.systemUTC());
        registry.bind("streamApi", streams);
        HealthCheckRegistry.get(context).register(new SyncLag(streams, database.dataSource(), Clock.systemUTC(),
                Duration.ofMinutes(settings.integer("trellis.sync.lag-grace-minutes", 30)), meters));
        if (demo) {
            // the demo shows data at once instead of at the streams' next scheduled runs
            context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
                @Override
                public boolean isEnabled(CamelEvent event) {
                    return event instanceof CamelEvent.CamelContextStartedEvent;
                }

                @Override
                public void notify(CamelEvent event) {
                    streams.runAll("demo");
                }
            });
        }

        if (Boolean.parseBoolean(settings.string("camel.main.routes-reload-enabled", "false"))) {
            context.addService(new TemplatedRouteReload(settings.required("camel.main.routes-reload-directory"),
                    settings.string("camel.main.routes-reload-pattern", "*.camel.yaml")));
        }

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(new DatabaseHealthCheck(database.dataSource()));
        RoutesRunningHealthCheck routesRunning = new RoutesRunningHealthCheck(settings.list("trellis.health.required-routes"));
        routesRunning.setCamelContext(context);
        health.register(routesRunning);
        registry.bind("routesRunningHealthCheck", routesRunning);

        ApiGuard guard = new ApiGuard(apiToken);
        guard.setCamelContext(context);
        context.getManagementStrategy().addEventNotifier(guard);
    }

    private static List<String> secrets(List<Tenant> tenants, String dbPassword) {
        List<String> secrets = new ArrayList<>();
        for (Tenant t : tenants) {
            t.harvest().ifPresent(h -> secrets.add(h.clientSecret()));
            t.ingestion().ifPresent(i -> secrets.add(i.apiKey()));
            t.webhookSecret().ifPresent(secrets::add);
        }
        secrets.add(dbPassword);
        secrets.add(SecretRef.fromEnvironment("TRELLIS_API_TOKEN"));
        return secrets;
    }
}
