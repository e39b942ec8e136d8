package dev.trellis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.api.ApiSettings;
import dev.trellis.check.CheckSettings;
import dev.trellis.deadletter.ErrorSettings;
import dev.trellis.greenhouse.GreenhouseSettings;
import dev.trellis.hub.TestHome;
import dev.trellis.ingestion.IngestionSettings;
import dev.trellis.outbound.OutboxSettings;
import dev.trellis.store.DatabaseSettings;
import dev.trellis.sync.SyncSettings;
import dev.trellis.webhook.WebhookSettings;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trellis.* keys are bound once at start-up: a wrong type or range stops it naming the key and its source. */
class SettingsBindingTest {
    @TempDir
    Path dir;

    private ConfigException refusedAtStartUp(TestHome home) {
        ConfigException e = assertThrows(ConfigException.class, home::start);
        // refused before anything started: the embedded database was never created
        assertFalse(Files.exists(home.dir().resolve("data/pg")), "started the database first: " + e.getMessage());
        return e;
    }

    @Test
    void aWordWhereANumberGoesIsRefusedNamingKeyRangeAndFile() {
        TestHome home = new TestHome(dir).write("config/application.properties", "trellis.sync.threads = x\n");
        ConfigException e = refusedAtStartUp(home);
        assertTrue(e.getMessage().contains("'trellis.sync.threads' must be a whole number from 1 to 64, not 'x'"),
                e.getMessage());
        assertTrue(e.getMessage().contains(home.dir().resolve("config/application.properties").toString()),
                e.getMessage());
    }

    @Test
    void aBlankNumberIsRefusedInsteadOfTakenAsADefault() {
        TestHome home = new TestHome(dir).write("config/application.properties", "trellis.outbox.batch-size =\n");
        ConfigException e = refusedAtStartUp(home);
        assertTrue(e.getMessage().contains("'trellis.outbox.batch-size' must be a whole number from 1 to 1000, not ''"),
                e.getMessage());
    }

    @Test
    void aNumberOutOfRangeIsRefusedNamingTheSystemProperty() {
        System.setProperty("trellis.outbox.max-attempts", "0");
        try {
            ConfigException e = refusedAtStartUp(new TestHome(dir));
            assertTrue(e.getMessage().contains("'trellis.outbox.max-attempts' must be a whole number from 1 to 1000, "
                    + "not '0'"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dtrellis.outbox.max-attempts"), e.getMessage());
        } finally {
            System.clearProperty("trellis.outbox.max-attempts");
        }
    }

    @Test
    void aFlagThatIsNeitherTrueNorFalseIsRefused() {
        ConfigException e = refusedAtStartUp(new TestHome(dir).property("trellis.check.on-startup", "yes"));
        assertTrue(e.getMessage().contains("'trellis.check.on-startup' must be true or false, not 'yes'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(set on the command line, -P trellis.check.on-startup)"), e.getMessage());
    }

    @Test
    void aDecimalOutOfRangeIsRefused() {
        ConfigException e = refusedAtStartUp(new TestHome(dir).property("trellis.errors.backoff-multiplier", "0.5"));
        assertTrue(e.getMessage().contains("'trellis.errors.backoff-multiplier' must be a number from 1.0 to 100.0, "
                + "not '0.5'"), e.getMessage());
    }

    @Test
    void aKeyTheHomeLeavesOutHasTheShippedValue() throws Exception {
        Properties shipped = shipped();
        try (DefaultCamelContext context = hubLikeContext()) {
            Settings settings = new Settings(context);

            SyncSettings sync = SyncSettings.bind(settings);
            assertEquals(number(shipped, "trellis.sync.threads"), sync.threads());
            assertEquals(Duration.ofMinutes(number(shipped, "trellis.sync.lag-grace-minutes")), sync.lagGrace());
            assertEquals(Duration.ofSeconds(number(shipped, "trellis.sync.resume-check-seconds")), sync.resumeCheck());

            OutboxSettings outbox = OutboxSettings.bind(settings);
            assertEquals(number(shipped, "trellis.outbox.threads"), outbox.threads());
            assertEquals(number(shipped, "trellis.outbox.max-attempts"), outbox.maxAttempts());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.outbox.backoff-ms")), outbox.backoff());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.outbox.max-backoff-ms")), outbox.maxBackoff());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.outbox.poll-ms")), outbox.poll());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.outbox.stop-grace-ms")), outbox.stopGrace());
            assertEquals(number(shipped, "trellis.outbox.batch-size"), outbox.batchSize());

            GreenhouseSettings greenhouse = GreenhouseSettings.bind(settings);
            assertEquals(number(shipped, "trellis.greenhouse.rate-budget"), greenhouse.rateBudget());
            assertEquals(number(shipped, "trellis.greenhouse.max-attempts"), greenhouse.maxAttempts());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.greenhouse.backoff-ms")), greenhouse.backoff());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.greenhouse.max-backoff-ms")),
                    greenhouse.maxBackoff());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.greenhouse.timeout-ms")), greenhouse.timeout());

            CheckSettings check = CheckSettings.bind(settings);
            assertEquals(Duration.ofMinutes(number(shipped, "trellis.check.period-minutes")), check.period());
            assertEquals(Boolean.parseBoolean(shipped.getProperty("trellis.check.on-startup")), check.onStartup());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.check.startup-delay-ms")), check.startupDelay());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.check.timeout-ms")), check.timeout());
            assertEquals(List.of(), check.disabledFeatures());

            IngestionSettings ingestion = IngestionSettings.bind(settings);
            assertEquals(Duration.ofMinutes(number(shipped, "trellis.ingestion.jobs-period-minutes")),
                    ingestion.jobsPeriod());
            assertEquals(Duration.ofMinutes(number(shipped, "trellis.ingestion.status-period-minutes")),
                    ingestion.statusPeriod());
            // commented out in the shipped file: they follow trellis.check.on-startup
            assertEquals(check.onStartup(), ingestion.connectOnStartup());
            assertEquals(check.onStartup(), ingestion.importOnStartup());

            DatabaseSettings db = DatabaseSettings.bind(settings);
            assertEquals(null, db.url());
            assertEquals(shipped.getProperty("trellis.db.user"), db.user());
            assertEquals(number(shipped, "trellis.db.pool-size"), db.poolSize());
            assertEquals(dir.resolve("data/pg").toString(), db.embeddedDir().toString());

            ErrorSettings errors = ErrorSettings.bind(settings);
            assertEquals(number(shipped, "trellis.errors.maximum-redeliveries"), errors.maximumRedeliveries());
            assertEquals(Double.parseDouble(shipped.getProperty("trellis.errors.backoff-multiplier")),
                    errors.backoffMultiplier());
            assertTrue(errors.secretWords().contains("password"), errors.secretWords().toString());

            WebhookSettings webhooks = WebhookSettings.bind(settings);
            assertEquals(number(shipped, "trellis.webhooks.read-threads"), webhooks.readThreads());
            assertEquals(number(shipped, "trellis.webhooks.batch-size"), webhooks.batchSize());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.webhooks.poll-ms")), webhooks.poll());
            assertEquals(number(shipped, "trellis.webhooks.max-attempts"), webhooks.maxAttempts());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.webhooks.backoff-ms")), webhooks.backoff());
            assertEquals(Duration.ofMillis(number(shipped, "trellis.webhooks.max-backoff-ms")), webhooks.maxBackoff());
            assertEquals(Duration.ofSeconds(number(shipped, "trellis.webhooks.paused-recheck-seconds")),
                    webhooks.pausedRecheck());
            assertEquals(Duration.ofDays(number(shipped, "trellis.webhooks.retention-days")), webhooks.retention());

            ApiSettings api = ApiSettings.bind(settings);
            assertEquals(number(shipped, "trellis.api.max-page-size"), api.maxPageSize());
            assertEquals(number(shipped, "camel.server.max-body-size"), api.maxBodySize());
        }
    }

    @Test
    void aValueInTheHomesFileWinsOverTheShippedOne() throws Exception {
        new TestHome(dir).write("config/application.properties", "trellis.sync.threads = 2\n");
        try (DefaultCamelContext context = hubLikeContext()) {
            SyncSettings sync = SyncSettings.bind(new Settings(context));
            assertEquals(2, sync.threads());
            assertEquals(Duration.ofMinutes(number(shipped(), "trellis.sync.lag-grace-minutes")), sync.lagGrace(),
                    "the shipped value of a key the file leaves out");
        }
    }

    /** As the hub reads its configuration: the home's file over the built-in defaults. */
    private DefaultCamelContext hubLikeContext() {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + dir.resolve("config/application.properties")
                + ";optional=true,classpath:trellis/application.properties;optional=true");
        Properties initial = new Properties();
        initial.setProperty("trellis.home", dir.toString());
        context.getPropertiesComponent().setInitialProperties(initial);
        return context;
    }

    private static Properties shipped() throws Exception {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            shipped.load(in);
        }
        return shipped;
    }

    private static int number(Properties shipped, String key) {
        return Integer.parseInt(shipped.getProperty(key).trim());
    }
}
