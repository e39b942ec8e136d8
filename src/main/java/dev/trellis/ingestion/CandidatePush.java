package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import dev.trellis.outbound.InvalidItem;
import dev.trellis.outbound.ItemValidator;
import dev.trellis.outbound.OutboundKinds;
import dev.trellis.outbound.Outbox;
import dev.trellis.outbound.OutboxIntake;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The push of candidates and prospects through the outbox, and the REST view of what was pushed. */
public final class CandidatePush {
    private final Db db;
    private final OutboxIntake intake;
    private final MeterRegistry meters;

    public CandidatePush(Db db, OutboxIntake intake, MeterRegistry meters) {
        this.db = db;
        this.intake = intake;
        this.meters = meters;
    }

    /** One accepted candidate: its outbox item, and whether the external id had been pushed before. */
    public record Pushed(String externalId, long outboxId, String status, boolean repeated) {
    }

    /**
     * Accepts candidates and prospects (one object or an array): resolves each one's partner job ({@code job}) to
     * the linked Greenhouse job, checks them all first (nothing is queued when one is refused), then queues each as
     * an {@code ingest_candidate} outbox item keyed by its external id.
     */
    public List<Pushed> push(Tenant tenant, JsonNode body) throws SQLException {
        List<JsonNode> inputs = new ArrayList<>();
        if (body != null && body.isArray()) {
            body.forEach(inputs::add);
        } else if (body != null && body.isObject()) {
            inputs.add(body);
        } else {
            throw new Refused("Field 'body': must be a candidate object or an array of them");
        }
        if (inputs.isEmpty()) {
            throw new Refused("Field 'body': the array is empty");
        }
        List<ObjectNode> payloads = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        Set<String> externalIds = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            String at = inputs.size() > 1 || body.isArray() ? "[" + i + "]." : "";
            JsonNode in = inputs.get(i);
            if (!in.isObject()) {
                throw new Refused("Field '" + at.replace(".", "") + "': each candidate must be a JSON object");
            }
            ObjectNode fields = ((ObjectNode) in).deepCopy();
            JsonNode jobRef = fields.remove("job");
            String ref = null;
            if (jobRef != null && !jobRef.isNull()) {
                if (!jobRef.isTextual() || jobRef.asText().isBlank()) {
                    throw new Refused("Field '" + at + "job': must be your job reference (a non-empty string), not "
                            + jobRef);
                }
                ref = jobRef.asText();
                List<Map<String, Object>> link = db.rows("select job_id from ingestion_job_links where tenant = ? "
                        + "and partner_job_ref = ?", tenant.id(), ref);
                if (link.isEmpty() || link.get(0).get("job_id") == null) {
                    throw new Refused("Field '" + at + "job': partner job '" + ref + "' is " + (link.isEmpty()
                            ? "unknown" : "not linked") + " to a Greenhouse job. Link it first: PUT /api/tenants/"
                            + tenant.id() + "/job-links/" + ref + " {\"job_id\": <Greenhouse job id>} (GET /api/tenants/"
                            + tenant.id() + "/job-links shows suggestions)");
                }
                if (fields.hasNonNull("job_id")) {
                    throw new Refused("Field '" + at + "job_id': give either job (the partner job, linked) or job_id, "
                            + "not both");
                }
                fields.put("job_id", ((Number) link.get(0).get("job_id")).longValue());
                if (!fields.has("prospect")) {
                    // a candidate for a job is an application, not a prospect, unless said otherwise
                    fields.put("prospect", false);
                }
            }
            ObjectNode payload;
            try {
                payload = ItemValidator.validate(OutboundKinds.INGEST_CANDIDATE, fields);
            } catch (InvalidItem e) {
                throw new Refused("Field '" + at + e.field() + "': " + e.getMessage());
            }
            if (!externalIds.add(payload.get("external_id").asText())) {
                throw new Refused("Field '" + at + "external_id': " + payload.get("external_id").asText()
                        + " appears twice in this request");
            }
            payloads.add(payload);
            refs.add(ref);
        }
        List<Pushed> out = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            ObjectNode payload = payloads.get(i);
            String ext = payload.get("external_id").asText();
            Outbox.Accepted accepted = intake.accept(tenant.id(), OutboundKinds.INGEST_CANDIDATE, payload.deepCopy(), null);
            db.update("""
                    insert into ingestion_candidates (tenant, external_id, outbox_id, prospect, partner_job_ref, job_id)
                    values (?, ?, ?, ?, ?, ?) on conflict (tenant, external_id) do nothing""",
                    tenant.id(), ext, accepted.item().id(), payload.get("prospect").asBoolean(), refs.get(i),
                    payload.hasNonNull("job_id") ? payload.get("job_id").asLong() : null);
            meters.counter("trellis.ingestion.candidates.pushed", "tenant", tenant.id(), "outcome",
                    accepted.repeated() ? "repeated" : "accepted").increment();
            out.add(new Pushed(ext, accepted.item().id(), accepted.item().status(), accepted.repeated()));
        }
        return out;
    }

    void refused(Tenant tenant) {
        meters.counter("trellis.ingestion.candidates.pushed", "tenant", tenant.id(), "outcome", "refused").increment();
    }

    /** The REST view of one external id: what was pushed, what Greenhouse answered, applications and history. */
    public Map<String, Object> candidate(Tenant tenant, String externalId) throws SQLException {
        List<Map<String, Object>> rows = db.rows("""
                select c.*, o.status as outbox_status, o.last_error as outbox_error
                from ingestion_candidates c left join outbox o on o.id = c.outbox_id
                where c.tenant = ? and c.external_id = ?""", tenant.id(), externalId);
        if (rows.isEmpty()) {
            throw new NotFound("No candidate with external id '" + externalId + "' was pushed for tenant " + tenant.id());
        }
        Map<String, Object> out = rows.get(0);
        out.remove("tenant");
        out.put("applications", db.rows("select application_id, job, status, stage, profile_url, first_seen_at, "
                + "changed_at from ingestion_applications where tenant = ? and external_id = ? order by application_id",
                tenant.id(), externalId));
        out.put("history", db.rows("select application_id, from_status, to_status, from_stage, to_stage, seen_at from "
                + "ingestion_status_history where tenant = ? and external_id = ? order by id", tenant.id(), externalId));
        return out;
    }

    public List<Map<String, Object>> candidates(Tenant tenant, int limit) throws SQLException {
        return db.rows("""
                select c.external_id, c.prospect, c.partner_job_ref, c.job_id, c.candidate_id, c.application_id,
                       c.profile_url, c.pushed_at, c.delivered_at, c.gone_at, c.gone_reason, o.status as outbox_status
                from ingestion_candidates c left join outbox o on o.id = c.outbox_id
                where c.tenant = ? order by c.pushed_at desc, c.external_id limit ?""", tenant.id(), limit);
    }
}
