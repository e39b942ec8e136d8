package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.JsonFields;
import dev.trellis.check.CheckResult;
import dev.trellis.check.ConnectionCheck;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.JobBoardClient;
import dev.trellis.outbound.InvalidItem;
import dev.trellis.outbound.ItemValidator;
import dev.trellis.outbound.Kind;
import dev.trellis.outbound.Outbox;
import dev.trellis.outbound.OutboxIntake;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sourcing partners: the connect check (shared with {@code trellis check}), job import from Candidate Ingestion and
 * the job board, job links with suggestions, the push of candidates through the outbox, and the status sync.
 */
public final class IngestionService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestionService.class);
    public static final String BEAN = "ingestionService";

    private final Tenants tenants;
    private final Db db;
    private final PartnerClient partner;
    private final JobBoardClient board;
    private final GreenhouseGateway harvest;
    private final ConnectionCheck check;
    private final OutboxIntake intake;
    private final MeterRegistry meters;
    private final Map<String, Double> connected = new ConcurrentHashMap<>();

    public IngestionService(Tenants tenants, javax.sql.DataSource dataSource, PartnerClient partner,
            JobBoardClient board, GreenhouseGateway harvest, ConnectionCheck check, OutboxIntake intake,
            MeterRegistry meters) {
        this.tenants = tenants;
        this.db = new Db(dataSource);
        this.partner = partner;
        this.board = board;
        this.harvest = harvest;
        this.check = check;
        this.intake = intake;
        this.meters = meters;
        for (Tenant t : tenants.all()) {
            if (t.ingestion().isPresent()) {
                Gauge.builder("trellis.ingestion.connect", connected, m -> m.getOrDefault(t.id(), Double.NaN))
                        .tag("tenant", t.id())
                        .description("Candidate Ingestion connect check: 1 usable, 0 refused, NaN not known yet")
                        .register(meters);
            }
        }
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

    // ---- connect check --------------------------------------------------------------------------------------

    /** Step 4 of the connection check (the same code as {@code trellis check}): key, e-mail, permissions, board. */
    public CheckResult connect(Tenant tenant) throws InterruptedException {
        CheckResult result = check.checkIngestion(tenant);
        boolean ingestionRows = result.rows().stream().anyMatch(r -> r.feature().equals("ingestion"));
        if (ingestionRows) {
            boolean unknown = result.rows().stream().anyMatch(r -> r.status() == CheckResult.Status.UNKNOWN);
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
        for (Tenant t : ingestionTenants()) {
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

    // ---- job import -----------------------------------------------------------------------------------------

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
        for (Tenant t : ingestionTenants()) {
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

    // ---- job links ------------------------------------------------------------------------------------------

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

    // ---- push -----------------------------------------------------------------------------------------------

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
                payload = ItemValidator.validate(Kind.ingest_candidate, fields);
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
            Outbox.Accepted accepted = intake.accept(tenant.id(), Kind.ingest_candidate, payload.deepCopy(), null);
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

    // ---- status sync ----------------------------------------------------------------------------------------

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

    /** Why Candidate Ingestion no longer shows a candidate: asks Harvest when the tenant has it (§6.4). */
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

    /** 400 naming the field. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The board escapes its HTML content (§7); the partner gets the HTML back. */
    static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
