package dev.trellis.hub;

import dev.trellis.change.ChangeRoutes;
import dev.trellis.check.CheckRoutes;
import dev.trellis.config.ConfigException;
import dev.trellis.config.SecretRef;
import dev.trellis.config.Tenants;
import dev.trellis.connection.TenantRoutes;
import dev.trellis.deadletter.DeadLetterRoutes;
import dev.trellis.health.HealthRoutes;
import dev.trellis.health.RoutesRunningHealthCheck;
import dev.trellis.ingestion.IngestionRoutes;
import dev.trellis.outbound.OutboxRoutes;
import dev.trellis.sync.StreamRoutes;
import dev.trellis.sync.StreamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Trellis: camel-main set up from a home directory. */
public final class Hub {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    /** Where the hub lives and what the command line overrides; extra properties win over every file. */
    public record Options(Path home, Integer port, Integer managementPort, Map<String, String> properties) {
    }

    private final Main main = new Main();
    private final Options options;

    public Hub(Options options) {
        this.options = options;
        Path home = options.home().toAbsolutePath().normalize();
        Path config = home.resolve("config/application.properties");
        if (!Files.isRegularFile(config)) {
            LOG.warn("No {}: using the built-in defaults", config);
        }
        try {
            // the route watcher needs the folder to exist, even empty
            Files.createDirectories(home.resolve("routes"));
        } catch (IOException e) {
            throw new ConfigException("Cannot create " + home.resolve("routes") + " (--home): " + e.getMessage(), e);
        }
        // the home's file, then the built-in defaults for what it leaves out (Camel's first location with a key wins);
        // -D and environment variables override both
        main.setPropertyPlaceholderLocations("file:" + config
                + ";optional=true,classpath:trellis/application.properties;optional=true");
        main.addInitialProperty("trellis.home", home.toString());
        if (options.port() != null) {
            main.addOverrideProperty("camel.server.port", options.port().toString());
        }
        if (options.managementPort() != null) {
            main.addOverrideProperty("camel.management.port", options.managementPort().toString());
        }
        String token = SecretRef.fromEnvironment("TRELLIS_API_TOKEN");
        if (token == null) {
            // nobody is asked for a token: answer this machine only, the API and the management port alike
            main.addOverrideProperty("camel.server.host", "127.0.0.1");
            main.addOverrideProperty("camel.management.host", "127.0.0.1");
        }
        options.properties().forEach(main::addOverrideProperty);
        main.configure().addConfiguration(new HubConfiguration(token));
        main.configure().addRoutesBuilder(new ErrorChannel());
        main.configure().addRoutesBuilder(new DeadLetterRoutes());
        main.configure().addRoutesBuilder(new StreamTemplate());
        main.configure().addRoutesBuilder(new StreamRoutes());
        main.configure().addRoutesBuilder(new ChangeRoutes());
        main.configure().addRoutesBuilder(new CheckRoutes());
        main.configure().addRoutesBuilder(new OutboxRoutes());
        main.configure().addRoutesBuilder(new IngestionRoutes());
        main.configure().addRoutesBuilder(new TenantRoutes());
        main.configure().addRoutesBuilder(new HealthRoutes());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                announce(m.getCamelContext(), token != null);
            }
        });
    }

    /** Runs until the process is told to stop; returns the exit code. */
    public int run() throws Exception {
        main.run();
        return main.getExitCode();
    }

    /** Starts without blocking (tests, embedding). */
    public Hub start() throws Exception {
        main.start();
        announce(main.getCamelContext(), SecretRef.fromEnvironment("TRELLIS_API_TOKEN") != null);
        return this;
    }

    public void stop() throws Exception {
        main.stop();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    private void announce(CamelContext context, boolean tokenRequired) {
        var props = context.getPropertiesComponent();
        String host = props.resolveProperty("camel.server.host").orElseThrow();
        String shown = "0.0.0.0".equals(host) ? "localhost" : host;
        String mgmtHost = props.resolveProperty("camel.management.host").orElseThrow();
        String mgmtShown = "0.0.0.0".equals(mgmtHost) ? "localhost" : mgmtHost;
        String port = props.resolveProperty("camel.server.port").orElseThrow();
        String mgmtPort = props.resolveProperty("camel.management.port").orElseThrow();
        Tenants tenants = context.getRegistry().lookupByNameAndType(HubConfiguration.TENANTS, Tenants.class);
        RoutesRunningHealthCheck routes = context.getRegistry()
                .lookupByNameAndType("routesRunningHealthCheck", RoutesRunningHealthCheck.class);
        if (routes != null) {
            routes.rememberRunningRoutes();
        }
        LOG.info("Trellis started: {} routes, {} tenants{}", context.getRoutes().size(),
                tenants == null ? 0 : tenants.size(),
                tenants == null || tenants.size() == 0 ? "" : " " + tenants.all().stream().map(t -> t.id()).toList());
        LOG.info("REST API   http://{}:{}/api {}", shown, port, tokenRequired
                ? "(bearer token required)"
                : "(no TRELLIS_API_TOKEN set: listening on 127.0.0.1 only, no token asked)");
        LOG.info("Console    http://{}:{}/console/{}", shown, port, tokenRequired ? " (sign in with the API token)" : "");
        LOG.info("Health     http://{}:{}/observe/health", mgmtShown, mgmtPort);
        LOG.info("Metrics    http://{}:{}/observe/metrics", mgmtShown, mgmtPort);
    }
}
