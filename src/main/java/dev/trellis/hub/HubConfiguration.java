package dev.trellis.hub;

import dev.trellis.api.ApiGate;
import dev.trellis.api.ApiSettings;
import dev.trellis.api.ApiToken;
import dev.trellis.api.JsonResponse;
import dev.trellis.change.ChangeSettings;
import dev.trellis.change.Changes;
import dev.trellis.check.CheckService;
import dev.trellis.check.CheckSettings;
import dev.trellis.component.GreenhouseComponent;
import dev.trellis.check.CheckSetup;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.SecretRef;
import dev.trellis.config.Settings;
import dev.trellis.config.Tenant;
import dev.trellis.config.TenantLoader;
import dev.trellis.config.Tenants;
import dev.trellis.connection.ConnectionSettings;
import dev.trellis.console.ConsoleAssets;
import dev.trellis.console.ConsoleEndpoints;
import dev.trellis.connection.ConnectionSetup;
import dev.trellis.connection.PartnerSettings;
import dev.trellis.deadletter.DeadLetters;
import dev.trellis.deadletter.ErrorSettings;
import dev.trellis.greenhouse.Greenhouse;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseSettings;
import dev.trellis.health.DatabaseHealthCheck;
import dev.trellis.health.HealthApi;
import dev.trellis.health.RoutesRunningHealthCheck;
import dev.trellis.ingestion.Ingestion;
import dev.trellis.ingestion.IngestionSettings;
import dev.trellis.outbound.Outbound;
import dev.trellis.outbound.OutboxSettings;
import dev.trellis.store.Database;
import dev.trellis.store.DatabaseSettings;
import dev.trellis.sync.StreamApi;
import dev.trellis.sync.Sync;
import dev.trellis.sync.SyncSettings;
import dev.trellis.webhook.WebhookSettings;
import dev.trellis.webhook.Webhooks;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Wires the hub from its configuration: tenants (or the demo), the database, then each concern through its own
 * package's set-up (dead letters, the Greenhouse gateway, check, outbox, ingestion, sync), health checks and the API
 * gate. What it builds is bound in the Camel registry under the names routes use.
 */
public final class HubConfiguration implements CamelConfiguration {
    /** Registry names. */
    public static final String DATA_SOURCE = Database.BEAN;
    public static final String TENANTS = Tenants.BEAN;
    public static final String SECRET_MASKER = "secretMasker";
    public static final String GATEWAY = GreenhouseGateway.BEAN;

    private final String apiToken;

    public HubConfiguration(String apiToken) {
        this.apiToken = apiToken;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        // every key is bound and checked here, before anything starts; route builders look their settings up
        Settings settings = new Settings(context);
        HubSettings hub = HubSettings.bind(settings);
        DatabaseSettings db = DatabaseSettings.bind(settings);
        ErrorSettings errors = ErrorSettings.bind(settings);
        ApiSettings api = ApiSettings.bind(settings);
        GreenhouseSettings greenhouseSettings = GreenhouseSettings.bind(settings);
        CheckSettings check = CheckSettings.bind(settings);
        OutboxSettings outbox = OutboxSettings.bind(settings);
        IngestionSettings ingestion = IngestionSettings.bind(settings);
        SyncSettings sync = SyncSettings.bind(settings);
        ConnectionSettings connections = ConnectionSettings.bind(settings);
        PartnerSettings partner = PartnerSettings.bind(settings);
        ChangeSettings changes = ChangeSettings.bind(settings);
        WebhookSettings webhooks = WebhookSettings.bind(settings);
        registry.bind(ErrorSettings.class.getName(), errors);
        registry.bind(CheckSettings.class.getName(), check);
        registry.bind(IngestionSettings.class.getName(), ingestion);

        // tenant files are read first: one that does not read stops the start, naming its key and file
        List<Tenant> fileTenants = TenantLoader.load(hub.tenantsDir());
        String dbPassword = SecretRef.fromEnvironment("TRELLIS_DB_PASSWORD");
        SecretMasker masker = new SecretMasker(errors.secretWords(), secrets(fileTenants, dbPassword));

        Database database = Database.open(db.url(), db.user(), dbPassword, db.poolSize(), db.embeddedDir(),
                db.embeddedPort());
        // stopped after the routes, so nothing in flight loses its database
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                database.close();
            }
        });
        DataSource dataSource = database.dataSource();
        registry.bind(DATA_SOURCE, dataSource);
        // filled by the connections (ConnectionSetup below), before any route starts
        Tenants tenantRegistry = new Tenants(List.of());
        registry.bind(TENANTS, tenantRegistry);
        registry.bind(SECRET_MASKER, masker);

        // Trellis's meters; joined to camel-micrometer's Prometheus registry once that exists
        CompositeMeterRegistry meters = new CompositeMeterRegistry();
        if (!hub.tenantLabel()) {
            meters.config().meterFilter(new TenantLabels());
        }
        context.getManagementStrategy().addEventNotifier(new MetricsBridge(context, meters));

        DeadLetters.configure(context, api, dataSource, masker, meters);
        Greenhouse greenhouse = Greenhouse.configure(greenhouseSettings, dataSource, masker, meters);
        registry.bind(GATEWAY, greenhouse.gateway());
        // connection check (docs/check.md), write-back outbox (docs/outbox.md), sourcing partners (docs/ingestion.md)
        CheckSetup.configure(context, check, greenhouseSettings, dataSource, tenantRegistry, greenhouse.http(),
                greenhouse.budget(), masker, meters, greenhouse.gateway().tokens());
        Outbound.configure(context, outbox, dataSource, tenantRegistry, greenhouse.gateway(), masker, meters);
        Consumer<String> importJobs = Ingestion.configure(context, check, greenhouseSettings, dataSource,
                tenantRegistry, greenhouse.http(),
                greenhouse.gateway(), greenhouse.budget(), masker, meters);
        StreamApi streams = Sync.configure(context, sync, dataSource, tenantRegistry, greenhouse.gateway(), masker,
                meters);
        // the change feed's API and retention (docs/changes.md); the events themselves are written with the rows
        Changes.configure(context, changes, dataSource, tenantRegistry, masker);
        // Greenhouse webhooks in (docs/webhooks.md): POST /webhooks/greenhouse/{tenant}, outside /api and its token
        Webhooks.configure(context, webhooks, api.maxBodySize(), dataSource, tenantRegistry, greenhouse.gateway(),
                masker, meters);
        CheckService checks = registry.lookupByNameAndType(CheckService.BEAN, CheckService.class);
        boolean demo = fileTenants.isEmpty() && hub.demo() && !ConnectionSetup.anyConnection(dataSource);
        List<Tenant> local = fileTenants;
        if (demo) {
            DemoTenant sandbox = DemoTenant.start(hub.demoCandidates());
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    sandbox.close();
                }
            });
            local = List.of(sandbox.tenant());
        }
        // connections made through the API, tenant files and the demo: docs/connections.md
        ApiToken token = new ApiToken(apiToken);
        ConnectionSetup.configure(context, connections, dataSource, tenantRegistry, masker, checks,
                greenhouse.gateway().tokens(), tenant -> {
                    // a tenant connected or resumed while running starts at once, not at its next schedule
                    streams.runAll(tenant);
                    importJobs.accept(tenant);
                }, meters, local, demo ? "demo" : "file", partner, greenhouse.http(), token);
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

        // from: greenhouse:changes, to: greenhouse:note|email|interview|get (docs/component.md); bound by name, as the
        // gateway already holds the registry name "greenhouse"
        context.addComponent(GreenhouseComponent.SCHEME, new GreenhouseComponent());

        if (hub.reloadRoutes()) {
            context.addService(new TemplatedRouteReload(hub.reloadDirectory(), hub.reloadPattern()));
        }

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(new DatabaseHealthCheck(dataSource));
        RoutesRunningHealthCheck routesRunning = new RoutesRunningHealthCheck(hub.requiredRoutes());
        routesRunning.setCamelContext(context);
        health.register(routesRunning);
        registry.bind("routesRunningHealthCheck", routesRunning);

        registry.bind(HealthApi.BEAN, new HealthApi(context, new JsonResponse(masker), masker));
        // the operations console under /console, signed in with the API token (README "Console")
        context.getManagementStrategy().addEventNotifier(new ConsoleEndpoints(context, token, new ConsoleAssets(),
                partner.enabled()));

        ApiGate gate = new ApiGate(token, api.maxBodySize(), masker);
        gate.setCamelContext(context);
        context.getManagementStrategy().addEventNotifier(gate);
        registry.bind(ApiGate.BEAN, gate);
        context.getRestConfiguration().setEndpointProperties(Map.of("exceptionHandler", "#" + ApiGate.BEAN,
                "muteException", "true"));
    }

    private static List<String> secrets(List<Tenant> tenants, String dbPassword) {
        List<String> secrets = new ArrayList<>();
        tenants.forEach(t -> secrets.addAll(t.secrets()));
        secrets.add(dbPassword);
        secrets.add(SecretRef.fromEnvironment("TRELLIS_API_TOKEN"));
        return secrets;
    }
}
