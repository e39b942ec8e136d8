package dev.trellis.check;

import dev.trellis.check.CheckResult.Row;
import dev.trellis.check.CheckResult.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The latest connection check of every tenant, bound in the registry as {@value #BEAN}: what the streams' pauses,
 * the health check, the metrics and the outbox read. The outbox asks {@link #pausedReason(String, Feature)} (or
 * {@link #pausedReason(String, String)} with a scope such as {@code harvest:interviews:destroy}) before it sends,
 * and holds a kind back while the answer is present.
 */
public final class PermissionRegistry {
    public static final String BEAN = "permissions";
    /** Pause reasons the check writes start with this, so it only ever lifts its own pauses. */
    public static final String PREFIX = "[check] ";

    private final Map<String, CheckResult> latest = new ConcurrentHashMap<>();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;

    public PermissionRegistry(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Keeps a tenant's new result, and registers a gauge for each (tenant, permission) seen for the first time. */
    public void record(CheckResult result) {
        latest.put(result.tenant(), result);
        for (Row row : result.rows()) {
            String tenant = result.tenant();
            String permission = row.permission();
            if (gauged.add(tenant + "\n" + permission)) {
                Gauge.builder("trellis.check.permission", this, r -> r.value(tenant, permission))
                        .tags("tenant", tenant, "permission", permission)
                        .description("Connection check: 1 when the tenant's credential has the permission, 0 when "
                                + "it is missing, NaN when it could not be told")
                        .register(meters);
            }
        }
    }

    /** Drops a removed tenant's result and its gauges. */
    public void forget(String tenant) {
        latest.remove(tenant);
        gauged.removeIf(key -> {
            if (!key.startsWith(tenant + "\n")) {
                return false;
            }
            meters.find("trellis.check.permission").tags("tenant", tenant,
                    "permission", key.substring(tenant.length() + 1)).meters().forEach(meters::remove);
            return true;
        });
    }

    public Optional<CheckResult> latest(String tenant) {
        return Optional.ofNullable(latest.get(tenant));
    }

    public Map<String, CheckResult> all() {
        return Map.copyOf(latest);
    }

    /**
     * The rows of a feature (an id such as {@code notes} or {@code sync:candidates}) that the latest check found
     * unusable (missing, or blocked by refused credentials or a user who is not a Site Admin). Empty when usable,
     * when the feature is not checked for the tenant, and before the first check.
     */
    public List<Row> missing(String tenant, String featureId) {
        CheckResult r = latest.get(tenant);
        return r == null ? List.of() : r.rows(featureId).stream().filter(row -> row.status().unusable()).toList();
    }

    public List<Row> missing(String tenant, Feature feature) {
        return missing(tenant, feature.id());
    }

    /** Why work of this feature for this tenant should wait (starting with {@value #PREFIX}), or empty. */
    public Optional<String> pausedReason(String tenant, Feature feature) {
        return reason(tenant, missing(tenant, feature));
    }

    public Optional<String> pausedReason(String tenant, String featureIdOrScope) {
        List<Row> rows = featureIdOrScope.startsWith("harvest:")
                ? rowsOfPermission(tenant, featureIdOrScope).stream().filter(r -> r.status().unusable()).toList()
                : missing(tenant, featureIdOrScope);
        return reason(tenant, rows);
    }

    /** Whether the latest check found the permission (a scope or a requirement name) granted; empty if unknown. */
    public Optional<Boolean> granted(String tenant, String permission) {
        double v = value(tenant, permission);
        return Double.isNaN(v) ? Optional.empty() : Optional.of(v == 1.0);
    }

    /** 1 granted, 0 missing or blocked, NaN unknown or never checked. */
    double value(String tenant, String permission) {
        List<Row> rows = rowsOfPermission(tenant, permission);
        if (rows.isEmpty() || rows.stream().anyMatch(r -> r.status() == Status.UNKNOWN)
                && rows.stream().noneMatch(r -> r.status().unusable())) {
            return Double.NaN;
        }
        return rows.stream().allMatch(r -> r.status() == Status.OK) ? 1.0 : 0.0;
    }

    private List<Row> rowsOfPermission(String tenant, String permission) {
        CheckResult r = latest.get(tenant);
        return r == null ? List.of() : r.rows().stream().filter(row -> row.permission().equals(permission)).toList();
    }

    static Optional<String> reason(String tenant, List<Row> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PREFIX + rows.stream().map(r -> r.permission()
                + (r.harvestName() == null ? "" : " (" + r.harvestName() + ")") + " " + r.status().label() + ": "
                + r.detail()).distinct().collect(Collectors.joining("; ")) + " -- see trellis check --tenant " + tenant);
    }
}
