package dev.trellis.webhook;

import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.sync.StreamCatalog;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.SyncTable;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * Wires Greenhouse webhooks in (docs/webhooks.md): the receiver on the API port and this instance's processing
 * threads, which start with the routes (the stream definitions they apply to are the routes' own).
 */
public final class Webhooks {
    private Webhooks() {
    }

    public static void configure(CamelContext context, WebhookSettings settings, long maxBodyBytes,
            DataSource dataSource, Tenants tenants, GreenhouseGateway gateway, SecretMasker masker,
            MeterRegistry meters) {
        Clock clock = Clock.systemUTC();
        Deliveries deliveries = new Deliveries(dataSource);
        WebhookMetrics metrics = new WebhookMetrics(meters);
        WebhookProcessor processor = new WebhookProcessor(dataSource, deliveries, new SyncTable(dataSource), gateway,
                tenants, (stream, tenant) -> definition(context, stream, tenant), metrics, masker, settings, clock);
        WebhookWorkers workers = new WebhookWorkers(processor, deliveries, settings, clock);
        var management = context.getManagementStrategy();
        management.addEventNotifier(new WebhookReceiver(context, tenants, deliveries, metrics, masker, maxBodyBytes,
                workers::wake, clock));
        management.addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent
                        || event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    workers.stop();
                    return;
                }
                workers.start(context.getExecutorServiceManager().newFixedThreadPool(Webhooks.class,
                        "webhook-worker", 1 + settings.readThreads()));
            }
        });
    }

    private static Optional<StreamDefinition> definition(CamelContext context, String stream, String tenant) {
        return StreamCatalog.stream(context, stream).filter(e -> e.covers(tenant)).map(StreamCatalog.Entry::definition);
    }
}
