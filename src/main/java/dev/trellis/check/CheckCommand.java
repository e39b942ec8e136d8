package dev.trellis.check;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trellis.check.CheckResult.Row;
import dev.trellis.config.ConfigException;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.SecretRef;
import dev.trellis.config.Settings;
import dev.trellis.config.Tenant;
import dev.trellis.config.TenantLoader;
import dev.trellis.deadletter.ErrorSettings;
import dev.trellis.greenhouse.GreenhouseSettings;
import dev.trellis.greenhouse.RateBudget;
import dev.trellis.sync.StreamCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trellis check}: the connection check from the home's configuration, without a running hub. Exit 0 when
 * everything enabled is usable, 2 when something is missing (or could not be told), 1 when the configuration
 * cannot be read.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check each tenant's Greenhouse credentials and permissions, feature by feature, and say what "
                + "to fix. Reads the configuration of --home; needs no running hub. Writes nothing to Greenhouse.",
            "Exit code: 0 everything enabled is usable, 2 something is missing, 1 configuration error."})
public final class CheckCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--home", defaultValue = ".", description = "Directory with config/ and routes/ (default: the working directory).")
    Path home;

    @Option(names = "--tenant", description = "Check only this tenant (default: all).")
    String tenant;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--only", description = "Check only this part: ingestion (the Candidate Ingestion key and e-mail, and "
            + "the job board token).")
    String only;

    @Option(names = {"-P", "--property"}, description = "Override a configuration key, e.g. -P trellis.check.disabled-features=interviews.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // the table is the output; log lines (retries and the like) would only garble it, or the JSON
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Map<ch.qos.logback.classic.Logger, Level> levels = new LinkedHashMap<>();
        for (ch.qos.logback.classic.Logger logger : logging.getLoggerList()) {
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.OFF);
        }
        try {
            return check();
        } finally {
            levels.forEach(ch.qos.logback.classic.Logger::setLevel);
        }
    }

    private int check() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CheckResult> results = new ArrayList<>();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Path dir = home.toAbsolutePath().normalize();
            // the hub's own way of reading configuration: the home's file over the built-in defaults; -D, env, -P
            context.getPropertiesComponent().setLocation("file:" + dir.resolve("config/application.properties")
                    + ";optional=true,classpath:trellis/application.properties;optional=true");
            Properties initial = new Properties();
            initial.setProperty("trellis.home", dir.toString());
            context.getPropertiesComponent().setInitialProperties(initial);
            Properties overrides = new Properties();
            overrides.putAll(properties);
            context.getPropertiesComponent().setOverrideProperties(overrides);
            Settings settings = new Settings(context);

            CheckSettings checkSettings = CheckSettings.bind(settings);
            GreenhouseSettings greenhouse = GreenhouseSettings.bind(settings);
            List<Tenant> tenants = TenantLoader.load(settings.path("trellis.tenants.dir"));
            if (tenant != null) {
                tenants = tenants.stream().filter(t -> t.id().equals(tenant)).toList();
                if (tenants.isEmpty()) {
                    err.println("Unknown tenant '" + tenant + "': no " + tenant + ".properties in "
                            + settings.required("trellis.tenants.dir"));
                    return 1;
                }
            }
            if (tenants.isEmpty()) {
                err.println("No tenants: add config/tenants/<tenant-id>.properties under " + dir
                        + " (see config/tenants/example.properties.sample)");
                return 1;
            }
            List<StreamCatalog.Entry> streams = StreamCatalog.load(context, dir.resolve("routes"));
            List<String> secrets = new ArrayList<>();
            tenants.forEach(t -> secrets.addAll(t.secrets()));
            secrets.add(SecretRef.fromEnvironment("TRELLIS_API_TOKEN"));
            SecretMasker masker = new SecretMasker(ErrorSettings.bind(settings).secretWords(), secrets);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            ConnectionCheck check = CheckSetup.check(checkSettings, greenhouse, http,
                    RateBudget.inMemory(Clock.systemUTC(), greenhouse.rateBudget()),
                    masker, new SimpleMeterRegistry());
            if (only != null && !only.equals("ingestion")) {
                err.println("--only takes: ingestion");
                return 1;
            }
            for (Tenant t : tenants) {
                results.add(only == null ? check.check(t, streams) : check.checkIngestion(t));
            }
        } catch (ConfigException e) {
            err.println("Cannot check: " + e.getMessage());
            return 1;
        }
        boolean usable = results.stream().allMatch(CheckResult::usable);
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("usable", usable);
            body.put("tenants", results.stream().map(CheckResult::toMap).toList());
            out.println(JSON.writeValueAsString(body));
        } else {
            for (CheckResult r : results) {
                print(out, r);
            }
        }
        out.flush();
        return usable ? 0 : 2;
    }

    /** The table of one tenant, then the fix. */
    public static void print(PrintWriter out, CheckResult r) {
        out.printf("Tenant %s: %s%n", r.tenant(), r.usable() ? "everything enabled is usable"
                : r.problems().size() + " problem(s)");
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"STEP", "FEATURE", "PERMISSION", "HARVEST PERMISSION", "STATUS", "WHAT STOPS WORKING",
            "DETAIL"});
        for (Row row : r.rows()) {
            lines.add(new String[] {Integer.toString(row.step()), row.feature(), row.permission(),
                row.harvestName() == null ? "-" : row.harvestName(), row.status().label().toUpperCase(),
                row.status() == CheckResult.Status.OK ? "" : row.impact(), row.detail()});
        }
        int[] widths = new int[6];
        for (String[] l : lines) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], Math.min(l[i].length(), i == 5 ? 60 : 48));
            }
        }
        for (String[] l : lines) {
            StringBuilder s = new StringBuilder("  ");
            for (int i = 0; i < widths.length; i++) {
                s.append(String.format("%-" + widths[i] + "s  ", l[i]));
            }
            out.println(s.append(l[6]).toString().stripTrailing());
        }
        if (!r.fix().isEmpty()) {
            out.println("How to fix:");
            int n = 1;
            for (String f : r.fix()) {
                out.println("  " + n++ + ". " + f);
            }
        }
        out.println();
    }
}
