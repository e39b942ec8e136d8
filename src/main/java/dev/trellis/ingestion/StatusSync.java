package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The status sync: what Candidate Ingestion shows of the pushed candidates, and why one disappeared. */
public final class StatusSync {
    private static final Logger LOG = LoggerFactory.getLogger(StatusSync.class);

    private final Tenants tenants;
    private final Db db;
    private final PartnerClient partner;
    private final GreenhouseGateway harvest;
    private final MeterRegistry meters;

    public StatusSync(Tenants tenants, Db db, PartnerClient partner, GreenhouseGateway harvest, MeterRegistry meters) {
        this.tenants = tenants;
        this.db = db;
        this.partner = partner;
        this.harvest = harvest;
        this.meters = meters;
    }

    /** What one status sync saw. */
    public record Synced(int candidates, int changes, int gone) {
    }

    public Synced syncStatus(Tenant tenant) throws InterruptedException, SQLException {
        List<Map<String, Object>> pushed = db.rows("select external_id, candidate_id from ingestion_candidates where "
                + "tenant = ? and candidate_id is not null and gone_at is null order by candidate_id", tenant.id());
        if (pushed.isEmpty()) {
            return new Synced(0, 0, 0);
        }
        Map<Long, String> byId = new LinkedHashMap<>();
        pushed.forEach(r -> byId.put(((Number) r.get("candidate_id")).longValue(), (String) r.get("external_id")));
        List<JsonNode> seen = partner.candidates(tenant, new ArrayList<>(byId.keySet()));
        Map<Long, JsonNode> seenById = new HashMap<>();
        seen.forEach(c -> seenById.put(c.path("id").asLong(), c));
        int changes = 0;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            Map<Long, String[]> known = new HashMap<>();
            for (Map<String, Object> r : Db.readAll(c, "select application_id, status, stage from ingestion_applications "
                    + "where tenant = ?", tenant.id())) {
                known.put(((Number) r.get("application_id")).longValue(),
                        new String[] {(String) r.get("status"), (String) r.get("stage")});
            }
            for (JsonNode cand : seen) {
                long id = cand.path("id").asLong();
                String ext = byId.get(id);
                if (ext == null) {
                    continue;
                }
                for (JsonNode app : cand.path("applications")) {
                    long appId = app.path("id").asLong();
                    String status = app.path("status").asText(null);
                    String stage = app.path("stage").asText(null);
                    String[] before = known.get(appId);
                    boolean changed = before == null || !Objects.equals(before[0], status)
                            || !Objects.equals(before[1], stage);
                    Db.update(c, """
                            insert into ingestion_applications (tenant, application_id, external_id, candidate_id, job,
                                status, stage, profile_url)
                            values (?, ?, ?, ?, ?, ?, ?, ?)
                            on conflict (tenant, application_id) do update set job = excluded.job,
                                status = excluded.status, stage = excluded.stage, profile_url = excluded.profile_url,
                                changed_at = case when ingestion_applications.status is distinct from excluded.status
                                    or ingestion_applications.stage is distinct from excluded.stage
                                    then now() else ingestion_applications.changed_at end""",
                            tenant.id(), appId, ext, id, app.path("job").asText(null), status, stage,
                            app.path("profile_url").asText(null));
                    if (changed) {
                        Db.update(c, """
                                insert into ingestion_status_history (tenant, external_id, candidate_id, application_id,
                                    from_status, to_status, from_stage, to_stage)
                                values (?, ?, ?, ?, ?, ?, ?, ?)""", tenant.id(), ext, id, appId,
                                before == null ? null : before[0], status, before == null ? null : before[1], stage);
                        if (before != null) {
                            changes++;
                        }
                    }
                }
                Db.update(c, "update ingestion_candidates set checked_at = now() where tenant = ? and external_id = ?",
                        tenant.id(), ext);
            }
            c.commit();
        }
        int gone = 0;
        boolean allGone = seen.isEmpty() && byId.size() > 1;
        for (Map.Entry<Long, String> e : byId.entrySet()) {
            if (!seenById.containsKey(e.getKey())) {
                String reason = allGone ? "access lost: " + tenant.ingestion().map(i -> i.userEmail()).orElse("the user")
                        + " sees none of the pushed candidates any more (deactivated, or permissions reduced); run "
                        + "POST /api/tenants/" + tenant.id() + "/ingestion/connect" : reason(tenant, e.getKey());
                gone += db.update("update ingestion_candidates set gone_at = now(), gone_reason = ?, checked_at = now() "
                        + "where tenant = ? and external_id = ? and gone_at is null", reason, tenant.id(), e.getValue());
                LOG.info("Candidate {} (external id {}) of tenant {} disappeared: {}", e.getKey(), e.getValue(),
                        tenant.id(), reason);
            }
        }
        meters.counter("trellis.ingestion.status.changes", "tenant", tenant.id()).increment(changes);
        if (gone > 0) {
            meters.counter("trellis.ingestion.candidates.gone", "tenant", tenant.id()).increment(gone);
        }
        return new Synced(seen.size(), changes, gone);
    }

    /** Why Candidate Ingestion no longer shows a candidate: asks Harvest when the tenant has it (docs/greenhouse.md#ingestion-status). */
    String reason(Tenant tenant, long candidateId) throws InterruptedException {
        if (harvest != null && tenant.harvest().isPresent()) {
            try {
                GreenhouseGateway.Answer a = harvest.get(tenant, tenant.harvest().get().userId(),
                        "/v3/candidates?ids=" + candidateId);
                if (a.body() == null || a.body().isEmpty()) {
                    return "deleted or merged: Greenhouse has no candidate " + candidateId + " any more (a merge gives "
                            + "the candidate a new id, which Candidate Ingestion does not announce)";
                }
                return "hidden from the partner: candidate " + candidateId + " is still in Greenhouse, but its "
                        + "application's source was changed away from the partner, or "
                        + tenant.ingestion().map(i -> i.userEmail()).orElse("the user") + " lost access to its job "
                        + "(needs Job Admin; prospects need 'manage unattached prospects')";
            } catch (RuntimeException e) {
                LOG.debug("Harvest lookup of candidate {} failed: {}", candidateId, e.getMessage());
            }
        }
        return "deleted, merged into another candidate, moved to another source, or no longer visible to "
                + tenant.ingestion().map(i -> i.userEmail()).orElse("the user")
                + " (Candidate Ingestion does not say which; with Harvest credentials Trellis tells deleted from hidden)";
    }

    public void syncAll() throws InterruptedException {
        for (Tenant t : tenants.all()) {
            if (t.ingestion().isEmpty()) {
                continue;
            }
            try {
                Synced s = syncStatus(t);
                if (s.changes() > 0 || s.gone() > 0) {
                    LOG.info("Status sync of tenant {}: {} candidates seen, {} changes, {} gone", t.id(),
                            s.candidates(), s.changes(), s.gone());
                }
            } catch (SQLException | RuntimeException e) {
                throw new IllegalStateException("Status sync of tenant " + t.id() + " failed: " + e.getMessage(), e);
            }
        }
    }
}
