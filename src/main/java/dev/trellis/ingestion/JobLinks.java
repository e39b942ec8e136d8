package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.JsonFields;
import dev.trellis.config.Tenant;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Links from a partner's jobs to Greenhouse jobs, with suggestions by name for the unlinked. */
public final class JobLinks {
    private final Db db;

    public JobLinks(Db db) {
        this.db = db;
    }

    /**
     * {@code PUT job-links/{ref}}: {@code {"job_id": n, "name": "..."}} links the partner job to a Greenhouse job;
     * without {@code job_id} it records the partner job unlinked (so that suggestions can be made for it).
     */
    public Map<String, Object> putLink(Tenant tenant, String ref, JsonNode body) throws SQLException {
        checkRef(ref);
        Long jobId = JsonFields.id(body, "job_id", false);
        if (jobId != null) {
            if (db.rows("select 1 from ingestion_jobs where tenant = ? and job_id = ? and gone_at is null",
                    tenant.id(), jobId).isEmpty()) {
                throw new Refused("Field 'job_id': Greenhouse job " + jobId + " is not among the open jobs "
                        + tenant.ingestion().map(i -> i.userEmail()).orElse("the user") + " can see (GET /api/tenants/"
                        + tenant.id() + "/ingestion/jobs; POST .../ingestion/import to import them now)");
            }
        }
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && (!name.isTextual() || name.asText().isBlank()
                || name.asText().length() > 255)) {
            throw new Refused("Field 'name': must be the partner job's name (1 to 255 characters)");
        }
        if (!body.has("job_id") && !body.has("name")) {
            throw new Refused("Field 'body': give job_id (null unlinks), name, or both");
        }
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("job_id") && !f.equals("name")) {
                throw new Refused("Field '" + f + "': not a field of a job link (fields: job_id, name)");
            }
        }
        db.update("""
                insert into ingestion_job_links (tenant, partner_job_ref, partner_name, job_id)
                values (?, ?, ?, ?)
                on conflict (tenant, partner_job_ref) do update set
                    partner_name = coalesce(excluded.partner_name, ingestion_job_links.partner_name),
                    job_id = excluded.job_id, updated_at = now()""",
                tenant.id(), ref, name == null || name.isNull() ? null : name.asText(), jobId);
        return link(tenant, ref).orElseThrow();
    }

    public boolean deleteLink(Tenant tenant, String ref) throws SQLException {
        return db.update("delete from ingestion_job_links where tenant = ? and partner_job_ref = ?", tenant.id(), ref) > 0;
    }

    Optional<Map<String, Object>> link(Tenant tenant, String ref) throws SQLException {
        return links(tenant).stream().filter(l -> ref.equals(l.get("partner_job_ref"))).findFirst();
    }

    /** Every link; unlinked partner jobs carry suggestions: Greenhouse jobs with the same or a close name. */
    public List<Map<String, Object>> links(Tenant tenant) throws SQLException {
        List<Map<String, Object>> links = db.rows("""
                select l.partner_job_ref, l.partner_name, l.job_id, j.name as job_name, j.gone_at as job_gone_at,
                       l.created_at, l.updated_at
                from ingestion_job_links l left join ingestion_jobs j on j.tenant = l.tenant and j.job_id = l.job_id
                where l.tenant = ? order by l.partner_job_ref""", tenant.id());
        List<Map<String, Object>> jobs = null;
        for (Map<String, Object> l : links) {
            l.put("linked", l.get("job_id") != null);
            if (l.get("job_id") != null) {
                continue;
            }
            if (jobs == null) {
                jobs = db.rows("select job_id, name from ingestion_jobs where tenant = ? and gone_at is null",
                        tenant.id());
            }
            String name = (String) l.get("partner_name");
            List<Map<String, Object>> suggestions = new ArrayList<>();
            if (name != null) {
                for (Map<String, Object> j : jobs) {
                    double score = JobMatch.score(name, (String) j.get("name"));
                    if (score >= JobMatch.CLOSE) {
                        Map<String, Object> s = new LinkedHashMap<>();
                        s.put("job_id", j.get("job_id"));
                        s.put("name", j.get("name"));
                        s.put("match", score >= 1.0 ? "exact" : "close");
                        s.put("score", Math.round(score * 100) / 100.0);
                        suggestions.add(s);
                    }
                }
            }
            suggestions.sort(Comparator.comparingDouble((Map<String, Object> s) -> -(double) s.get("score"))
                    .thenComparing(s -> String.valueOf(s.get("name"))));
            l.put("suggestions", suggestions.size() > 5 ? suggestions.subList(0, 5) : suggestions);
        }
        return links;
    }

    private static void checkRef(String ref) {
        if (ref == null || ref.isBlank() || ref.length() > 255) {
            throw new Refused("Parameter 'partnerJobRef': must be 1 to 255 characters");
        }
    }
}
