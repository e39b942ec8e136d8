package dev.trellis.hub;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Without per-tenant labels ({@code trellis.metrics.tenant-label=false}, for hubs with hundreds of tenants): counters
 * and timers are summed over tenants, and per-tenant gauges (lag, permissions, budget) are left out, since a gauge
 * cannot be summed; per tenant, the API answers instead. Every meter of Trellis is bounded then, whatever the tenants.
 */
final class TenantLabels implements MeterFilter {
    private static final String TENANT = "tenant";

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return id.getType() == Meter.Type.GAUGE && id.getTag(TENANT) != null ? MeterFilterReply.DENY
                : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getTag(TENANT) == null || id.getType() == Meter.Type.GAUGE) {
            return id;
        }
        return id.replaceTags(id.getTags().stream().filter(t -> !t.getKey().equals(TENANT)).toList());
    }
}
