package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A candidate or prospect for the Candidate Ingestion API ({@code POST /v1/partner/candidates},
 * docs/greenhouse.md#ingestion-endpoints), sent with the tenant's partner key, several at once; one external id is
 * one item, found again by that id.
 */
final class IngestCandidateKind implements OutboundKind {
    private static final Set<String> LISTS = Set.of("phone_numbers", "emails", "addresses", "social_media", "websites");

    @Override
    public String name() {
        return "ingest_candidate";
    }

    @Override
    public Set<String> fields() {
        return Set.of("prospect", "job_id", "first_name", "last_name", "external_id", "company", "title", "resume",
                "phone_numbers", "emails", "addresses", "social_media", "websites", "referrer", "notes",
                "prospect_pool_id", "prospect_pool_stage_id", "prospect_owner_email");
    }

    @Override
    public String scope() {
        return "ingestion";
    }

    @Override
    public boolean partner() {
        return true;
    }

    @Override
    public String creates() {
        return "candidate";
    }

    /** Always the external id: the same external id pushed twice is the same item, and so one candidate. */
    @Override
    public Optional<String> payloadKey(ObjectNode payload) {
        return Optional.of("ingest:" + payload.get("external_id").asText());
    }

    /** Lists and the referrer are passed on as given. */
    @Override
    public ObjectNode normalise(JsonNode p) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode prospectNode = p.get("prospect");
        if (prospectNode != null && !prospectNode.isNull() && !prospectNode.isBoolean()) {
            throw new InvalidItem("prospect", "must be true or false, not " + prospectNode);
        }
        // Greenhouse's default is a prospect (docs/greenhouse.md#ingestion-endpoints)
        boolean prospect = prospectNode == null || prospectNode.isNull() || prospectNode.asBoolean();
        out.put("prospect", prospect);
        Long job = PayloadFields.id(p, "job_id", !prospect);
        if (job != null) {
            out.put("job_id", job);
        }
        out.put("first_name", PayloadFields.text(p, "first_name", true, 255));
        out.put("last_name", PayloadFields.text(p, "last_name", true, 255));
        out.put("external_id", PayloadFields.text(p, "external_id", true, 255));
        for (String f : List.of("company", "title", "notes")) {
            String v = PayloadFields.text(p, f, false, f.equals("notes") ? 100_000 : 255);
            if (v != null) {
                out.put(f, v);
            }
        }
        String resume = PayloadFields.text(p, "resume", false, 2000);
        if (resume != null) {
            if (!resume.startsWith("https://") && !resume.startsWith("http://")) {
                throw new InvalidItem("resume", "must be a URL Greenhouse can fetch, not '" + resume + "'");
            }
            out.put("resume", resume);
        }
        for (String f : LISTS) {
            JsonNode v = p.get(f);
            if (v != null && !v.isNull()) {
                if (!v.isArray() || !PayloadFields.list(v).stream().allMatch(JsonNode::isObject)) {
                    throw new InvalidItem(f, "must be an array of objects");
                }
                out.set(f, v.deepCopy());
            }
        }
        JsonNode referrer = p.get("referrer");
        if (referrer != null && !referrer.isNull()) {
            if (!referrer.isObject() || !referrer.hasNonNull("email")) {
                throw new InvalidItem("referrer", "must be {\"email\": ..., \"first_name\": ..., \"last_name\": ...}");
            }
            out.set("referrer", referrer.deepCopy());
        }
        for (String f : List.of("prospect_pool_id", "prospect_pool_stage_id")) {
            Long v = PayloadFields.id(p, f, false);
            if (v != null) {
                out.put(f, v);
            }
        }
        String owner = PayloadFields.text(p, "prospect_owner_email", false, 255);
        if (owner != null) {
            if (!prospect) {
                throw new InvalidItem("prospect_owner_email", "is for prospects only (prospect is false)");
            }
            if (!PayloadFields.EMAIL.matcher(owner.trim()).matches()) {
                throw new InvalidItem("prospect_owner_email", "must be an e-mail address, not '" + owner + "'");
            }
            out.put("prospect_owner_email", owner.trim());
        }
        return out;
    }

    /** The payload is the POST body; the dispatcher sends several items' bodies as one array. */
    @Override
    public Request request(ObjectNode payload, Long target) {
        return new Request("POST", "/v1/partner/candidates", payload.deepCopy());
    }

    /** The candidate this item created, as the partner API finds it by external id. */
    @Override
    public Optional<Reconciler.Match> reconcile(Reconciler r, Tenant tenant, OutboxItem item, ObjectNode payload,
            long actingUser, Long target) throws InterruptedException, SQLException, ContestedRecord {
        String external = payload.get("external_id").asText();
        Optional<JsonNode> found = r.partner().findCreated(tenant, external, item.createdAt().minusSeconds(300));
        String asked = item.payload().path("external_id").asText();
        return r.choose(tenant.id(), item, this, "candidate", found.stream().toList(), (holder, candidate) ->
                holder.payload().path("external_id").asText().equals(asked));
    }

    /**
     * Its ids and profile URL go to {@code ingestion_candidates} against the external id (a row inserted by the
     * ingestion intake, or created here for an item inserted by SQL).
     */
    @Override
    public void writeSynced(SyncedRecords synced, Connection c, OutboxItem item, JsonNode record)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into ingestion_candidates (tenant, external_id, outbox_id, prospect, job_id, candidate_id,
                                                  application_id, profile_url, delivered_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (tenant, external_id) do update set outbox_id = excluded.outbox_id,
                    candidate_id = excluded.candidate_id, application_id = excluded.application_id,
                    profile_url = excluded.profile_url, delivered_at = now(), gone_at = null, gone_reason = null""")) {
            JsonNode p = item.payload();
            ps.setString(1, item.tenant());
            ps.setString(2, record.hasNonNull("external_id") ? record.get("external_id").asText()
                    : p.path("external_id").asText());
            ps.setLong(3, item.id());
            ps.setBoolean(4, !p.has("prospect") || p.get("prospect").asBoolean(true));
            ps.setObject(5, p.hasNonNull("job_id") ? p.get("job_id").asLong() : null);
            ps.setLong(6, record.get("id").asLong());
            ps.setObject(7, record.hasNonNull("application_id") ? record.get("application_id").asLong() : null);
            ps.setString(8, record.path("profile_url").asText(null));
            ps.executeUpdate();
        }
    }
}
