package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.JobBoardClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job import from Candidate Ingestion and the job board, and what a partner reads of the imported jobs. */
public final class JobImport {
    private static final Logger LOG = LoggerFactory.getLogger(JobImport.class);

    private final IngestionTenants tenants;
    private final Db db;
    private final PartnerClient partner;
    private final JobBoardClient board;
    private final MeterRegistry meters;

    public JobImport(IngestionTenants tenants, Db db, PartnerClient partner, JobBoardClient board,
            MeterRegistry meters) {
        this.tenants = tenants;
        this.db = db;
        this.partner = partner;
        this.board = board;
        this.meters = meters;
    }

    /** What one import read: jobs and board posts, with how many went missing since the last. */
    public record Imported(int jobs, int jobsGone, int posts, int postsGone) {
    }

    public Imported importJobs(Tenant tenant) throws InterruptedException, SQLException {
        int jobs = 0;
        int jobsGone = 0;
        int posts = 0;
        int postsGone = 0;
        if (tenant.ingestion().isPresent()) {
            JsonNode list = partner.jobs(tenant);
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                Db.update(c, "create temporary table seen_jobs (id bigint) on commit drop");
                for (JsonNode j : list) {
                    Db.update(c, """
                            insert into ingestion_jobs (tenant, job_id, name, status, public, raw, seen_at, gone_at)
                            values (?, ?, ?, ?, ?, ?::jsonb, now(), null)
                            on conflict (tenant, job_id) do update set name = excluded.name, status = excluded.status,
                                public = excluded.public, raw = excluded.raw, seen_at = now(), gone_at = null""",
                            tenant.id(), j.path("id").asLong(), j.path("name").asText(), j.path("status").asText(null),
                            j.path("public").asBoolean(false), j.toString());
                    Db.update(c, "insert into seen_jobs values (?)", j.path("id").asLong());
                    jobs++;
                }
                jobsGone = Db.update(c, "update ingestion_jobs set gone_at = now() where tenant = ? and gone_at is null "
                        + "and job_id not in (select id from seen_jobs)", tenant.id());
                c.commit();
            }
        }
        if (tenant.jobBoard().isPresent()) {
            JsonNode answer = board.jobs(tenant);
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                Db.update(c, "create temporary table seen_posts (id bigint) on commit drop");
                for (JsonNode p : answer.path("jobs")) {
                    Db.update(c, """
                            insert into ingestion_board_posts (tenant, post_id, internal_job_id, title, location,
                                absolute_url, updated_at, content, departments, offices, raw, seen_at, gone_at)
                            values (?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?::jsonb, ?::jsonb, ?::jsonb, now(), null)
                            on conflict (tenant, post_id) do update set internal_job_id = excluded.internal_job_id,
                                title = excluded.title, location = excluded.location,
                                absolute_url = excluded.absolute_url, updated_at = excluded.updated_at,
                                content = excluded.content, departments = excluded.departments,
                                offices = excluded.offices, raw = excluded.raw, seen_at = now(), gone_at = null""",
                            tenant.id(), p.path("id").asLong(),
                            p.hasNonNull("internal_job_id") ? p.get("internal_job_id").asLong() : null,
                            p.path("title").asText(), p.path("location").path("name").asText(null),
                            p.path("absolute_url").asText(null), p.path("updated_at").asText(null),
                            p.path("content").asText(null), p.path("departments").isArray()
                                    ? p.get("departments").toString() : "[]",
                            p.path("offices").isArray() ? p.get("offices").toString() : "[]", p.toString());
                    Db.update(c, "insert into seen_posts values (?)", p.path("id").asLong());
                    posts++;
                }
                postsGone = Db.update(c, "update ingestion_board_posts set gone_at = now() where tenant = ? "
                        + "and gone_at is null and post_id not in (select id from seen_posts)", tenant.id());
                c.commit();
            }
        }
        meters.counter("trellis.ingestion.jobs.imported", "tenant", tenant.id(), "source", "partner").increment(jobs);
        meters.counter("trellis.ingestion.jobs.imported", "tenant", tenant.id(), "source", "board").increment(posts);
        return new Imported(jobs, jobsGone, posts, postsGone);
    }

    public void importAll() throws InterruptedException {
        for (Tenant t : tenants.ingestionTenants()) {
            try {
                Imported i = importJobs(t);
                LOG.info("Job import of tenant {}: {} jobs ({} gone), {} board posts ({} gone)", t.id(), i.jobs(),
                        i.jobsGone(), i.posts(), i.postsGone());
            } catch (SQLException | RuntimeException e) {
                throw new IllegalStateException("Job import of tenant " + t.id() + " failed: " + e.getMessage(), e);
            }
        }
    }

    public List<Map<String, Object>> jobs(Tenant tenant) throws SQLException {
        return db.rows("""
                select j.job_id, j.name, j.status, j.public, j.gone_at, l.partner_job_ref as linked_to,
                       (select count(*) from ingestion_board_posts p where p.tenant = j.tenant
                         and p.internal_job_id = j.job_id and p.gone_at is null) as board_posts
                from ingestion_jobs j left join ingestion_job_links l on l.tenant = j.tenant and l.job_id = j.job_id
                where j.tenant = ? order by j.gone_at nulls first, j.name, j.job_id""", tenant.id());
    }

    /** What a partner needs to create its own job for a Greenhouse job: name, status, board posts with content. */
    public Map<String, Object> partnerJob(Tenant tenant, long jobId) throws SQLException {
        List<Map<String, Object>> job = db.rows("select job_id, name, status, public, seen_at, gone_at from "
                + "ingestion_jobs where tenant = ? and job_id = ?", tenant.id(), jobId);
        List<Map<String, Object>> posts = db.rows("""
                select post_id, title, location, absolute_url, updated_at, content, departments, offices
                from ingestion_board_posts where tenant = ? and internal_job_id = ? and gone_at is null
                order by post_id""", tenant.id(), jobId);
        if (job.isEmpty() && posts.isEmpty()) {
            throw new NotFound("Greenhouse job " + jobId + " is not among the imported jobs of tenant " + tenant.id()
                    + " (GET /api/tenants/" + tenant.id() + "/ingestion/jobs lists them; POST .../ingestion/import "
                    + "imports now)");
        }
        Map<String, Object> j = job.isEmpty() ? new LinkedHashMap<>() : job.get(0);
        Map<String, Object> first = posts.isEmpty() ? Map.of() : posts.get(0);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("job_id", jobId);
        create.put("name", j.getOrDefault("name", first.get("title")));
        create.put("title", first.getOrDefault("title", j.get("name")));
        create.put("location", first.get("location"));
        create.put("departments", first.get("departments"));
        create.put("offices", first.get("offices"));
        create.put("description_html", first.get("content") == null ? null
                : unescape(String.valueOf(first.get("content"))));
        create.put("apply_url", first.get("absolute_url"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", j.isEmpty() ? null : j);
        out.put("board_posts", posts);
        out.put("partner_job", create);
        out.put("linked_to", db.rows("select partner_job_ref from ingestion_job_links where tenant = ? and job_id = ?",
                tenant.id(), jobId).stream().map(r -> r.get("partner_job_ref")).toList());
        return out;
    }

    /** The board escapes its HTML content (docs/greenhouse.md#job-board); the partner gets the HTML back. */
    static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
