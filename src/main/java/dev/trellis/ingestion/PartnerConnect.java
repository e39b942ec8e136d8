package dev.trellis.ingestion;

import dev.trellis.check.CheckResult;
import dev.trellis.check.ConnectionCheck;
import dev.trellis.config.Tenant;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connect check of sourcing partners (step 4 of {@code trellis check}), and its gauge per tenant. */
public final class PartnerConnect {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerConnect.class);

    private final IngestionTenants tenants;
    private final ConnectionCheck check;
    private final Map<String, Double> connected = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public PartnerConnect(IngestionTenants tenants, ConnectionCheck check, MeterRegistry meters) {
        this.tenants = tenants;
        this.check = check;
        this.meters = meters;
    }

    /** The tenant's gauge, from its first connect check on (tenants come and go while the hub runs). */
    private void gauge(String tenant) {
        Gauge.builder("trellis.ingestion.connect", connected, m -> m.getOrDefault(tenant, Double.NaN))
                .tag("tenant", tenant)
                .description("Candidate Ingestion connect check: 1 usable, 0 refused, NaN not known yet")
                .register(meters);
    }

    /** Step 4 of the connection check (the same code as {@code trellis check}): key, e-mail, permissions, board. */
    public CheckResult connect(Tenant tenant) throws InterruptedException {
        CheckResult result = check.checkIngestion(tenant);
        boolean ingestionRows = result.rows().stream().anyMatch(r -> r.feature().equals("ingestion"));
        if (ingestionRows) {
            boolean unknown = result.rows().stream().anyMatch(r -> r.status() == CheckResult.Status.UNKNOWN);
            gauge(tenant.id());
            connected.put(tenant.id(), result.usable() ? 1.0 : unknown && result.problems().stream()
                    .allMatch(r -> r.status() == CheckResult.Status.UNKNOWN) ? Double.NaN : 0.0);
        }
        if (result.usable()) {
            LOG.info("Candidate Ingestion connect check of tenant {}: usable", tenant.id());
        } else {
            LOG.warn("Candidate Ingestion connect check of tenant {}: {} problem(s). Fix: {}", tenant.id(),
                    result.problems().size(), String.join(" | ", result.fix()));
        }
        return result;
    }

    public void connectAll() {
        for (Tenant t : tenants.ingestionTenants()) {
            try {
                connect(t);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Candidate Ingestion connect check of tenant {} failed: {}", t.id(), e.getMessage());
            }
        }
    }
}
