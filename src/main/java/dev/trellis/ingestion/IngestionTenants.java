package dev.trellis.ingestion;

import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import java.util.List;

/** The tenants of the sourcing-partner module: by id, and those with Candidate Ingestion or a job board. */
public final class IngestionTenants {
    private final Tenants tenants;

    public IngestionTenants(Tenants tenants) {
        this.tenants = tenants;
    }

    public Tenant tenant(String id) {
        return tenants.find(id).orElseThrow(() -> new NotFound("Unknown tenant '" + id + "'"));
    }

    public Tenant ingestionTenant(String id) {
        Tenant t = tenant(id);
        if (t.ingestion().isEmpty()) {
            throw new Refused("Tenant '" + id + "' has no Candidate Ingestion key: set ingestion.api-key and "
                    + "ingestion.user-email in " + t.source());
        }
        return t;
    }

    public List<Tenant> ingestionTenants() {
        return tenants.all().stream().filter(t -> t.ingestion().isPresent() || t.jobBoard().isPresent()).toList();
    }
}
