package dev.trellis.outbound;

import dev.trellis.check.PermissionRegistry;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Outbox kinds the connection check found unusable for a tenant (their scope missing): their items wait, queued, with
 * the reason in {@code GET /api/outbox/{id}}, instead of failing into the dead-letter queue; a passing check lets
 * them go.
 */
final class OutboxPauses {
    private final Tenants tenants;
    private final PermissionRegistry permissions;
    private final OutboundKinds kinds;

    OutboxPauses(Tenants tenants, PermissionRegistry permissions, OutboundKinds kinds) {
        this.tenants = tenants;
        this.kinds = kinds;
        this.permissions = permissions;
    }

    Optional<String> reason(String tenant, String kind) {
        String waiting = tenants.waiting().get(tenant);
        if (waiting != null) {
            // a paused or disconnected connection: its items wait for it to resume
            return Optional.of("tenant " + tenant + " is " + waiting);
        }
        return permissions == null ? Optional.empty()
                : kinds.find(kind).flatMap(k -> permissions.pausedReason(tenant, k.scope()));
    }

    /** "tenant/kind" pairs not to claim now. */
    List<String> pausedPairs() {
        List<String> pairs = new ArrayList<>();
        for (String waiting : tenants.waiting().keySet()) {
            for (OutboundKind kind : kinds.all()) {
                pairs.add(waiting + "/" + kind.name());
            }
        }
        for (Tenant tenant : tenants.all()) {
            for (OutboundKind kind : kinds.all()) {
                if (reason(tenant.id(), kind.name()).isPresent()) {
                    pairs.add(tenant.id() + "/" + kind.name());
                }
            }
        }
        return pairs;
    }
}
