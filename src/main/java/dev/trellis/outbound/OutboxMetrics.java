package dev.trellis.outbound;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * trellis_outbox_depth and trellis_outbox_oldest_age_seconds by kind (from the table, refreshed by the dispatcher,
 * so they count every instance's work), trellis_outbox_deliveries_total by kind and outcome, and
 * trellis_outbox_delivery_latency_seconds (acceptance to delivery) by kind, and trellis_outbox_id_conflicts_total by
 * kind (deliveries whose Greenhouse id an older item already held).
 */
final class OutboxMetrics {
    private final MeterRegistry meters;
    private final Map<String, Outbox.Depth> depth = new ConcurrentHashMap<>();

    OutboxMetrics(MeterRegistry meters, OutboundKinds kinds) {
        this.meters = meters;
        for (OutboundKind kind : kinds.all()) {
            String k = kind.name();
            Gauge.builder("trellis.outbox.depth", depth, d -> d.containsKey(k) ? d.get(k).items() : 0)
                    .tag("kind", k).description("Outbox items not yet delivered (queued or sending)").register(meters);
            Gauge.builder("trellis.outbox.oldest.age", depth, d -> d.containsKey(k) ? d.get(k).oldestSeconds() : 0)
                    .tag("kind", k).baseUnit("seconds").description("Age of the oldest undelivered outbox item")
                    .register(meters);
        }
    }

    void depth(List<Outbox.Depth> now) {
        Map<String, Outbox.Depth> fresh = new java.util.HashMap<>();
        now.forEach(d -> fresh.put(d.kind(), d));
        depth.keySet().retainAll(fresh.keySet());
        depth.putAll(fresh);
    }

    /** Outcomes: delivered, reconciled, retry, ambiguous, dead. */
    void outcome(String kind, String outcome) {
        meters.counter("trellis.outbox.deliveries", "kind", kind, "outcome", outcome).increment();
    }

    /** A delivery whose Greenhouse id an older item already held (recorded, flagged, not sent again). */
    void idConflict(String kind) {
        meters.counter("trellis.outbox.id.conflicts", "kind", kind).increment();
    }

    void latency(String kind, Duration acceptanceToDelivery) {
        Timer.builder("trellis.outbox.delivery.latency").tag("kind", kind)
                .description("From acceptance to delivery in Greenhouse").publishPercentiles(0.5, 0.99)
                .register(meters).record(acceptanceToDelivery);
    }
}
