package dev.trellis.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * trellis_webhook_deliveries_total{tenant, action, outcome}, trellis_webhook_signature_failures_total{tenant} and
 * trellis_webhook_delay_seconds{action} (received → its rows and change events committed). Actions Trellis does not
 * know are tagged "other", and tenants not configured "unknown", so a caller cannot grow the label sets.
 */
final class WebhookMetrics {
    private final MeterRegistry meters;

    WebhookMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** outcome: stored, duplicate, ping, unknown (action), bad-request, unavailable, applied, failed, skipped. */
    void delivery(String tenant, String action, String outcome) {
        meters.counter("trellis.webhook.deliveries", "tenant", tenant, "action", tag(action), "outcome", outcome)
                .increment();
    }

    void signatureFailure(String tenant) {
        meters.counter("trellis.webhook.signature.failures", "tenant", tenant).increment();
    }

    void delay(String action, Duration delay) {
        Timer.builder("trellis.webhook.delay").tag("action", tag(action))
                .description("From a webhook's receipt to the commit of its table rows and change events")
                .publishPercentiles(0.5, 0.99).register(meters).record(delay);
    }

    static String tag(String action) {
        return action.equals("ping") || ActionPlan.known(action) ? action : "other";
    }
}
