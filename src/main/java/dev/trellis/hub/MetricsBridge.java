package dev.trellis.hub;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * Trellis's meters are created before camel-micrometer makes its Prometheus registry; once services have started,
 * this adds that registry to Trellis's composite so /observe/metrics shows both.
 */
final class MetricsBridge extends SimpleEventNotifierSupport {
    private final CamelContext context;
    private final CompositeMeterRegistry meters;

    MetricsBridge(CamelContext context, CompositeMeterRegistry meters) {
        this.context = context;
        this.meters = meters;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        MeterRegistry prometheus = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (prometheus != null && !meters.getRegistries().contains(prometheus)) {
            meters.add(prometheus);
        }
    }
}
