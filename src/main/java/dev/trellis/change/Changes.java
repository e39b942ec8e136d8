package dev.trellis.change;

import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenants;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the change feed: its REST API and the periodic retention trim (docs/changes.md). */
public final class Changes {
    public static final String TRIM_BEAN = "changeTrim";
    private static final Logger LOG = LoggerFactory.getLogger(Changes.class);

    private Changes() {
    }

    public static void configure(CamelContext context, ChangeSettings settings, DataSource dataSource, Tenants tenants,
            SecretMasker masker) {
        ChangeTrim trim = new ChangeTrim(dataSource, settings.retention(), Clock.systemUTC());
        context.getRegistry().bind(TRIM_BEAN, trim);
        context.getRegistry().bind("changeApi", new ChangeApi(new ChangeFeed(dataSource), tenants,
                new JsonResponse(masker), settings.retention()));
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                // every instance trims: the batches are idempotent, and one that finds nothing old costs one query
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(Changes.class, "change-trim")
                        .scheduleWithFixedDelay(() -> trim(trim), settings.trimPeriod().toSeconds(),
                                settings.trimPeriod().toSeconds(), TimeUnit.SECONDS);
            }
        });
    }

    private static void trim(ChangeTrim trim) {
        try {
            long deleted = trim.trim();
            if (deleted > 0) {
                LOG.info("Change feed: trimmed {} events older than the retention", deleted);
            }
        } catch (Exception e) {
            // a database that is away now is back at the next period; an exception would end the schedule
            LOG.warn("Could not trim the change feed: {}", e.getMessage());
        }
    }
}
