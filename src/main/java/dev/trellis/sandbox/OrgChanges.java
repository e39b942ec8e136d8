package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The organisation's meaningful changes (what a recruiter or Greenhouse would do), each written through
 * {@link Organisation} and announced as the matching webhook (docs/greenhouse.md#webhook-events). Used by churn, the
 * control API, the Candidate Ingestion API and the Job Board.
 */
final class OrgChanges {
    private final Organisation org;
    private final OrgGenerator gen;
    private final WebhookEmitter hooks;

    OrgChanges(Organisation org, WebhookEmitter hooks) {
        this.org = org;
        this.gen = org.generator();
        this.hooks = hooks;
    }

    // ---- payloads ----------------------------------------------------------------------------------------------

    /** Application as webhooks show it: status active instead of in_process, with candidate and jobs embedded. */
    ObjectNode applicationPayload(ObjectNode app) {
        ObjectNode a = app.deepCopy();
        if ("in_process".equals(a.path("status").asText())) {
            a.put("status", "active");
        }
        ObjectNode candidate = org.get(Resource.CANDIDATES, app.path("candidate_id").asLong());
        a.set("candidate", candidate);
        ArrayNode jobs = a.putArray("jobs");
        if (!app.path("job_id").isNull()) {
            ObjectNode job = org.get(Resource.JOBS, app.path("job_id").asLong());
            if (job != null) {
                jobs.add(job);
            }
        }
        ObjectNode payload = Json.object();
        payload.set("application", a);
        return payload;
    }

    private static ObjectNode wrap(String key, ObjectNode value) {
        ObjectNode p = Json.object();
        p.set(key, value);
        return p;
    }

    // ---- candidates and applications ---------------------------------------------------------------------------

    ObjectNode updateCandidate(long id, Random rnd) {
        ObjectNode c = org.update(Resource.CANDIDATES, id, rec -> {
            rec.put("title", Names.TITLES[rnd.nextInt(Names.TITLES.length)]);
            rec.put("company", Names.COMPANIES[rnd.nextInt(Names.COMPANIES.length)]);
            rec.put("last_activity_at", org.now());
        });
        if (c != null) {
            hooks.emit("update_candidate", wrap("candidate", c));
        }
        return c;
    }

    /** Moves an active application to its job's next stage (rejects it when already at the last stage). */
    ObjectNode moveApplication(long id) {
        ObjectNode app = org.get(Resource.APPLICATIONS, id);
        if (app == null || app.path("job_id").isNull() || !"in_process".equals(app.path("status").asText())) {
            return null;
        }
        long[] stages = org.childIds(Resource.JOB_INTERVIEW_STAGES, app.path("job_id").asLong());
        int order = List.of(Names.STAGES).indexOf(app.path("stage_name").asText());
        if (stages.length == 0 || order + 1 >= stages.length) {
            return rejectApplication(id);
        }
        long nextStage = stages[order + 1];
        String nextName = org.get(Resource.JOB_INTERVIEW_STAGES, nextStage).path("name").asText();
        String now = org.now();
        long oldStage = app.path("stage_id").asLong();
        org.update(Resource.APPLICATION_STAGES, oldStage, s -> {
            s.put("exited_at", now);
            s.put("current", false);
            Long days = OrgGenerator.daysInStage(s.path("entered_at").textValue(), Instant.parse(now).toEpochMilli());
            if (days == null) {
                s.putNull("days_in_stage");
            } else {
                s.put("days_in_stage", days);
            }
        });
        ObjectNode stage = org.create(Resource.APPLICATION_STAGES, stageRecord(id, nextStage));
        ObjectNode moved = org.update(Resource.APPLICATIONS, id, a -> {
            a.put("stage_id", stage.get("id").asLong());
            a.put("stage_name", nextName);
            a.put("job_interview_stage_id", nextStage);
            a.put("last_activity_at", now);
        });
        hooks.emit("candidate_stage_change", applicationPayload(moved));
        return moved;
    }

    ObjectNode rejectApplication(long id) {
        ObjectNode app = org.get(Resource.APPLICATIONS, id);
        if (app == null || !"in_process".equals(app.path("status").asText())) {
            return null;
        }
        String now = org.now();
        ObjectNode rejected = org.update(Resource.APPLICATIONS, id, a -> {
            a.put("status", "rejected");
            a.putNull("stage_id");
            a.putNull("job_interview_stage_id");
            a.put("needs_decision", false);
            a.put("rejection_reason_id", OrgGenerator.id(Resource.REJECTION_REASONS, 1));
            a.put("rejected_at", now);
            a.put("last_activity_at", now);
        });
        hooks.emit("reject_candidate", applicationPayload(rejected));
        return rejected;
    }

    private ObjectNode stageRecord(long applicationId, long jobStageId) {
        ObjectNode s = Json.object();
        s.put("application_id", applicationId);
        s.put("job_interview_stage_id", jobStageId);
        s.put("entered_at", org.now());
        s.putNull("exited_at");
        s.putNull("days_in_stage");
        s.put("current", true);
        return s;
    }

    /** What a new candidate looks like before ids: same fields as generated candidates. */
    static ObjectNode candidateFields(String first, String last, String company, String title) {
        ObjectNode c = Json.object();
        c.put("first_name", first);
        c.put("last_name", last);
        c.putNull("preferred_name");
        c.put("company", company);
        c.put("title", title);
        c.put("private", false);
        c.put("can_email", true);
        c.putArray("tags");
        c.put("time_zone", "UTC");
        c.putNull("last_activity_at");
        c.putArray("linked_user_ids");
        c.putArray("phone_numbers");
        c.putArray("addresses");
        c.putArray("email_addresses");
        c.putArray("website_addresses");
        c.putArray("social_media_addresses");
        c.putObject("custom_fields");
        return c;
    }

    /** A created candidate and its application. */
    record Created(ObjectNode candidate, ObjectNode application) {
    }

    /**
     * Creates a candidate with one application (on {@code jobId}, or a prospect application when {@code prospect}),
     * credited to {@code sourceIndex}, and announces it.
     */
    synchronized Created createCandidate(ObjectNode candidateFields, Long jobId, boolean prospect, long sourceIndex,
            long recruiterUserId, Long jobPostId) {
        candidateFields.put("last_activity_at", org.now());
        ObjectNode candidate = org.create(Resource.CANDIDATES, candidateFields);
        long candidateId = candidate.get("id").asLong();
        ObjectNode a = Json.object();
        a.put("candidate_id", candidateId);
        boolean jobless = prospect || jobId == null;
        if (jobless) {
            a.putNull("job_id");
            a.putNull("job_post_id");
        } else {
            a.put("job_id", jobId);
            if (jobPostId != null) {
                a.put("job_post_id", jobPostId);
            } else {
                long[] posts = org.childIds(Resource.JOB_POSTS, jobId);
                if (posts.length > 0) {
                    a.put("job_post_id", posts[0]);
                } else {
                    a.putNull("job_post_id");
                }
            }
        }
        a.put("prospect", prospect);
        ArrayNode prospective = a.putArray("prospective_job_ids");
        if (prospect && jobId != null) {
            prospective.add(jobId);
        }
        a.put("status", "in_process");
        a.putNull("stage_id");
        a.putNull("stage_name");
        a.putNull("job_interview_stage_id");
        a.put("recruiter_id", recruiterUserId);
        a.putNull("coordinator_id");
        a.putNull("referrer_id");
        a.put("source_id", OrgGenerator.id(Resource.SOURCES, sourceIndex));
        a.putNull("rejection_reason_id");
        a.putNull("rejected_at");
        a.put("last_activity_at", org.now());
        a.putNull("location_address");
        a.put("needs_decision", false);
        a.putArray("answers");
        a.putNull("agency_note_id");
        a.putObject("custom_fields");
        ObjectNode app = org.create(Resource.APPLICATIONS, a);
        long appId = app.get("id").asLong();
        if (!jobless) {
            long[] stages = org.childIds(Resource.JOB_INTERVIEW_STAGES, jobId);
            if (stages.length > 0) {
                ObjectNode stage = org.create(Resource.APPLICATION_STAGES,
                        stageRecord(appId, stages[0]));
                app = org.update(Resource.APPLICATIONS, appId, x -> {
                    x.put("stage_id", stage.get("id").asLong());
                    x.put("stage_name", Names.STAGES[0]);
                    x.put("job_interview_stage_id", stages[0]);
                });
            }
        }
        hooks.emit(prospect ? "new_prospect_application" : "new_candidate_application", applicationPayload(app));
        return new Created(candidate, app);
    }

    /** Deletes a candidate with its applications and everything under them. */
    Map<Resource, List<Long>> deleteCandidate(long id) {
        ObjectNode c = org.get(Resource.CANDIDATES, id);
        if (c == null) {
            return Map.of();
        }
        for (long app : org.childIds(Resource.APPLICATIONS, id)) {
            releaseOpening(org.get(Resource.APPLICATIONS, app));
        }
        Map<Resource, List<Long>> deleted = org.delete(Resource.CANDIDATES, id);
        ObjectNode person = Json.object();
        person.put("id", id);
        person.set("first_name", c.get("first_name"));
        person.set("last_name", c.get("last_name"));
        ArrayNode apps = person.putArray("deleted_application_ids");
        deleted.getOrDefault(Resource.APPLICATIONS, List.of()).forEach(apps::add);
        hooks.emit("delete_candidate", wrap("person", person));
        return deleted;
    }

    /** A deleted hire no longer names the opening it filled; the opening stays closed. */
    private void releaseOpening(ObjectNode app) {
        if (app == null || !"hired".equals(app.path("status").asText()) || app.path("job_id").isNull()) {
            return;
        }
        long appId = app.get("id").asLong();
        for (long opening : org.childIds(Resource.OPENINGS, app.get("job_id").asLong())) {
            ObjectNode o = org.get(Resource.OPENINGS, opening);
            if (o != null && o.path("application_id").asLong() == appId) {
                org.update(Resource.OPENINGS, opening, x -> x.putNull("application_id"));
            }
        }
    }

    // ---- jobs --------------------------------------------------------------------------------------------------

    ObjectNode createJob(Random rnd) {
        ObjectNode j = Json.object();
        String name = Names.JOB_NAMES[rnd.nextInt(Names.JOB_NAMES.length)] + " (" + Names.CITIES[rnd.nextInt(
                Names.CITIES.length)] + ")";
        j.put("name", name);
        j.put("requisition_id", "REQ-N" + (1000 + rnd.nextInt(9000)));
        j.put("notes", "<p>New opening: <b>" + name + "</b></p>");
        j.put("confidential", false);
        j.put("status", "open");
        j.put("opened_at", org.now());
        j.putNull("closed_at");
        j.put("is_template", false);
        j.putNull("copied_from_id");
        j.put("department_id", OrgGenerator.id(Resource.DEPARTMENTS, 1));
        j.putArray("office_ids").add(OrgGenerator.id(Resource.OFFICES, 1));
        j.putObject("custom_fields");
        ObjectNode job = org.create(Resource.JOBS, j);
        long jobId = job.get("id").asLong();
        for (int order = 0; order < OrgSizes.JOB_STAGES; order++) {
            ObjectNode s = Json.object();
            s.put("job_id", jobId);
            s.put("name", Names.STAGES[order]);
            s.put("sort_order", order);
            s.put("active", true);
            org.create(Resource.JOB_INTERVIEW_STAGES, s);
        }
        // a job is open while it has an open opening (docs/greenhouse.md#resources-and-fields)
        ObjectNode opening = Json.object();
        opening.put("job_id", jobId);
        opening.put("opening_id", "OPN-N" + jobId + "-1");
        opening.put("sort_order", 0);
        opening.put("opened_at", org.now());
        opening.put("open", true);
        opening.putNull("closed_at");
        opening.putNull("close_reason_id");
        opening.putNull("application_id");
        opening.putNull("target_start_on");
        opening.putObject("custom_fields");
        org.create(Resource.OPENINGS, opening);
        hooks.emit("job_created", wrap("job", job));
        ObjectNode template = gen.generate(Resource.JOB_POSTS, 1);
        template.remove(List.of("id", "created_at", "updated_at"));
        template.put("job_id", jobId);
        template.put("title", name);
        template.put("job_board_id", OrgGenerator.EXTERNAL_BOARD_ID);
        template.put("internal", false);
        template.put("live", true);
        template.put("first_published_at", org.now());
        ObjectNode post = org.create(Resource.JOB_POSTS, template);
        String url = post.path("public_url").asText();
        ObjectNode fixed = org.update(Resource.JOB_POSTS, post.get("id").asLong(), p ->
                p.put("public_url", url.substring(0, url.lastIndexOf('/') + 1) + p.get("id").asLong()));
        // Greenhouse sends job post creates and updates flat, the post itself as the payload (deletes are wrapped)
        hooks.emit("job_post_created", fixed.deepCopy());
        return job;
    }

    ObjectNode updateJob(long id, Random rnd) {
        ObjectNode job = org.update(Resource.JOBS, id, j -> {
            j.put("notes", "<p>Updated plan #" + rnd.nextInt(1000) + "</p>");
            if ("open".equals(j.path("status").asText()) && rnd.nextInt(4) == 0) {
                j.put("status", "closed");
                j.put("closed_at", org.now());
            }
        });
        if (job != null && "closed".equals(job.path("status").asText())) {
            // a closed job has no open opening: closing the job closes them, without a hire
            for (long opening : org.childIds(Resource.OPENINGS, id)) {
                ObjectNode o = org.get(Resource.OPENINGS, opening);
                if (o != null && o.path("open").asBoolean()) {
                    org.update(Resource.OPENINGS, opening, x -> {
                        x.put("open", false);
                        x.put("closed_at", job.path("closed_at").asText());
                        x.put("close_reason_id", OrgGenerator.NON_HIRE_CLOSE_REASON);
                    });
                }
            }
        }
        if (job != null) {
            hooks.emit("job_updated", wrap("job", job));
        }
        return job;
    }

    ObjectNode updateJobPost(long id, Random rnd) {
        ObjectNode post = org.update(Resource.JOB_POSTS, id, p -> p.put("featured", rnd.nextBoolean()));
        if (post != null) {
            hooks.emit("job_post_updated", post.deepCopy());
        }
        return post;
    }

    Map<Resource, List<Long>> deleteJobPost(long id) {
        Map<Resource, List<Long>> deleted = org.delete(Resource.JOB_POSTS, id);
        if (!deleted.isEmpty()) {
            hooks.emit("job_post_deleted", wrap("job_post", Json.object().put("id", id)));
        }
        return deleted;
    }

    // ---- interviews --------------------------------------------------------------------------------------------

    static boolean deletable(JsonNode interview) {
        String s = interview.path("status").asText();
        return s.equals("scheduled") || s.equals("awaiting_feedback");
    }

    Map<Resource, List<Long>> deleteInterview(long id) {
        Map<Resource, List<Long>> deleted = org.delete(Resource.INTERVIEWS, id);
        if (!deleted.isEmpty()) {
            hooks.emit("interview_deleted", wrap("interview", Json.object().put("id", id)));
        }
        return deleted;
    }

    // ---- generic (control API) ---------------------------------------------------------------------------------

    /** A change to any record: the resource's meaningful change where there is one, else a fresh updated_at. */
    ObjectNode touch(Resource r, long id, Random rnd) {
        return switch (r) {
            case CANDIDATES -> updateCandidate(id, rnd);
            case APPLICATIONS -> {
                ObjectNode moved = moveApplication(id);
                yield moved != null ? moved : org.update(r, id, a -> a.put("last_activity_at", org.now()));
            }
            case JOBS -> updateJob(id, rnd);
            case JOB_POSTS -> updateJobPost(id, rnd);
            default -> org.update(r, id, x -> { });
        };
    }

    /** Deletes a record as Greenhouse would announce it; only resources that can be deleted there. */
    Map<Resource, List<Long>> delete(Resource r, long id) {
        return switch (r) {
            case CANDIDATES -> deleteCandidate(id);
            case JOB_POSTS -> deleteJobPost(id);
            case INTERVIEWS -> deleteInterview(id);
            // an admin removes a demographic question (with its options) or an option
            case DEMOGRAPHIC_QUESTIONS, DEMOGRAPHIC_ANSWER_OPTIONS -> org.delete(r, id);
            default -> throw ApiException.of(422, Json.errors("Deleting " + r.path() + " is not supported; delete "
                    + "candidates, interviews, job_posts, demographic_questions or demographic_answer_options"));
        };
    }
}
