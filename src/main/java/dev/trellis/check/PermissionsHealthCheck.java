package dev.trellis.check;

import dev.trellis.check.CheckResult.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN when the latest connection check of a tenant found an enabled feature without its permissions; names the
 * tenants and the features, e.g. {@code tenants lacking permissions: acme (notes: harvest:notes:create)}. A check
 * that could not tell (Greenhouse unreachable) leaves it UP with the reason in the details.
 */
public final class PermissionsHealthCheck extends AbstractHealthCheck {
    private final PermissionRegistry registry;

    public PermissionsHealthCheck(PermissionRegistry registry) {
        super("trellis", "permissions");
        this.registry = registry;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> lacking = new ArrayList<>();
        for (Map.Entry<String, CheckResult> e : new TreeMap<>(registry.all()).entrySet()) {
            List<Row> bad = e.getValue().rows().stream().filter(r -> r.status().unusable()).toList();
            List<Row> unknown = e.getValue().rows().stream()
                    .filter(r -> r.status() == CheckResult.Status.UNKNOWN).toList();
            if (!bad.isEmpty()) {
                lacking.add(e.getKey() + " (" + bad.stream().map(r -> r.feature() + ": " + r.permission())
                        .distinct().collect(Collectors.joining(", ")) + ")");
            }
            builder.detail("tenant." + e.getKey(), bad.isEmpty() && unknown.isEmpty() ? "usable"
                    : bad.size() + " missing, " + unknown.size() + " unknown; checked " + e.getValue().checkedAt());
        }
        if (lacking.isEmpty()) {
            builder.up();
        } else {
            builder.message("tenants lacking permissions: " + String.join("; ", lacking)
                    + " (see trellis check or GET /api/tenants/{tenant}/check)").down();
        }
    }
}
