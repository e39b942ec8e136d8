package dev.trellis.ingestion;

import dev.trellis.check.CheckCommand;
import dev.trellis.check.CheckResult;
import dev.trellis.check.CheckSetup;
import dev.trellis.check.ConnectionCheck;
import dev.trellis.config.ConfigException;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Settings;
import dev.trellis.config.Tenant;
import dev.trellis.config.TenantLoader;
import dev.trellis.greenhouse.RateBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis ingestion connect --tenant T}: the Candidate Ingestion connect check, without a running hub. */
@Command(name = "ingestion", mixinStandardHelpOptions = true, description = "Sourcing partners (Candidate Ingestion).",
        subcommands = IngestionCommand.Connect.class)
public final class IngestionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Check a tenant's Candidate Ingestion key, On-Behalf-Of e-mail and permissions, and its job "
                    + "board token, and say what to fix (the same check as step 4 of `trellis check`).",
                "Exit code: 0 usable, 2 something is wrong, 1 configuration error."})
    static final class Connect implements Callable<Integer> {
        @Option(names = "--home", defaultValue = ".", description = "Directory with config/ (default: the working directory).")
        Path home;

        @Option(names = "--tenant", required = true, description = "The tenant to check.")
        String tenant;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CheckResult result;
            try (DefaultCamelContext context = new DefaultCamelContext()) {
                Path dir = home.toAbsolutePath().normalize();
                context.getPropertiesComponent().setLocation("classpath:trellis/application.properties;optional=true,"
                        + "file:" + dir.resolve("config/application.properties") + ";optional=true");
                Properties initial = new Properties();
                initial.setProperty("trellis.home", dir.toString());
                context.getPropertiesComponent().setInitialProperties(initial);
                Settings settings = new Settings(context);
                List<Tenant> tenants = TenantLoader.load(Path.of(settings.required("trellis.tenants.dir")));
                Tenant t = tenants.stream().filter(x -> x.id().equals(tenant)).findFirst().orElse(null);
                if (t == null) {
                    err.println("Unknown tenant '" + tenant + "': no " + tenant + ".properties in "
                            + settings.required("trellis.tenants.dir"));
                    return 1;
                }
                if (t.ingestion().isEmpty() && t.jobBoard().isEmpty()) {
                    err.println("Tenant '" + tenant + "' has no ingestion.api-key / ingestion.user-email and no "
                            + "job-board.token in " + t.source());
                    return 1;
                }
                SecretMasker masker = new SecretMasker(settings.list("trellis.errors.secret-words"),
                        t.ingestion().map(i -> List.of(i.apiKey())).orElse(List.of()));
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                ConnectionCheck check = CheckSetup.check(settings, http, RateBudget.inMemory(Clock.systemUTC(),
                        settings.integer("trellis.greenhouse.rate-budget", 50)), masker, new SimpleMeterRegistry());
                result = check.checkIngestion(t);
            } catch (ConfigException e) {
                err.println("Cannot check: " + e.getMessage());
                return 1;
            }
            CheckCommand.print(out, result);
            out.flush();
            return result.usable() ? 0 : 2;
        }
    }
}
