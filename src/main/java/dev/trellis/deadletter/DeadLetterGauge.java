package dev.trellis.deadletter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/** {@code trellis_dead_letters_open{route=...}}: open dead letters per route, zero for routes with none. */
public final class DeadLetterGauge {
    private final CamelContext context;
    private final DeadLetterStore store;
    private final MultiGauge gauge;

    public DeadLetterGauge(CamelContext context, DeadLetterStore store, MeterRegistry meters) {
        this.context = context;
        this.store = store;
        this.gauge = MultiGauge.builder("trellis.dead.letters.open")
                .description("Dead letters waiting for a person to replay or discard them")
                .register(meters);
    }

    public void refresh() {
        Map<String, Long> counts = new TreeMap<>();
        for (Route route : context.getRoutes()) {
            counts.put(route.getRouteId(), 0L);
        }
        counts.putAll(store.openByRoute());
        gauge.register(counts.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("route", e.getKey()), e.getValue()))
                .toList(), true);
    }
}
