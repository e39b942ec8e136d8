package dev.trellis.connection;

import dev.trellis.config.Tenants;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The tenants that do not run here, each with why (paused, disconnected with the reason, secrets unreadable). UP all
 * the same: one customer's revoked credential is that connection's problem, not the hub's.
 */
final class ConnectionsHealthCheck extends AbstractHealthCheck {
    private static final int MAX_DETAILS = 50;
    private final Tenants tenants;

    ConnectionsHealthCheck(Tenants tenants) {
        super("trellis", "connections");
        this.tenants = tenants;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> waiting = new TreeMap<>(tenants.waiting());
        builder.detail("tenants.running", tenants.size());
        builder.detail("tenants.waiting", waiting.size());
        waiting.entrySet().stream().limit(MAX_DETAILS).forEach(e -> builder.detail("tenant." + e.getKey(), e.getValue()));
        if (!waiting.isEmpty()) {
            builder.message(waiting.size() + " tenant(s) not running: " + String.join(", ",
                    waiting.keySet().stream().limit(10).toList()) + (waiting.size() > 10 ? ", ..." : "")
                    + " (GET /api/tenants?status=disconnected)");
        }
        builder.up();
    }
}
