package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Derives every generated record from (seed, resource, index) alone, so nothing is stored for untouched records.
 * Relations are computed, not looked up: a child's parent comes from {@link Timeline#parentIndex}.
 */
final class OrgGenerator {
    /** Users with fixed roles; the rest get roles from their hash. */
    static final long SITE_ADMIN = 1;
    static final long NON_ADMIN = 2;
    static final long SERVICE_ACCOUNT = 3;
    static final long PARTNER_USER = 4;
    static final long BASIC_USER = 5;
    static final long DEACTIVATED_USER = 6;
    static final long INTERVIEWER_USER = 7;
    /** Source index used for candidates created through the Candidate Ingestion API. */
    static final long PARTNER_SOURCE = 1;
    /** Source index used for applications posted to the Job Board. */
    static final long JOB_BOARD_SOURCE = 2;
    /** Rejection reasons with these indexes are Greenhouse defaults (listed only with include_defaults=true). */
    static final long DEFAULT_REJECTION_REASONS = 4;
    static final long EXTERNAL_BOARD_ID = 90_001;
    static final long INTERNAL_BOARD_ID = 90_002;

    /** Permission level of a user, used by the Candidate Ingestion rules (docs/greenhouse.md#ingestion-auth). */
    enum Permission { SITE_ADMIN, JOB_ADMIN, INTERVIEWER, BASIC }

    /** The facts about an application that other records depend on. */
    record ApplicationFacts(long candidateIndex, long jobIndex, int stageOrder, String status) {
    }

    private final long seed;
    private final Timeline time;
    private final String boardToken;
    private final ResourceAreas areas;

    OrgGenerator(long seed, Timeline time, String boardToken) {
        this.seed = seed;
        this.time = time;
        this.boardToken = boardToken;
        this.areas = new ResourceAreas(seed, time, this);
    }

    Timeline timeline() {
        return time;
    }

    static long id(Resource r, long index) {
        return r.idBase() + index;
    }

    long size(Resource r) {
        return time.size(r);
    }

    private Gen gen(Resource r, long index) {
        return new Gen(seed, r.ordinal() + 1, index);
    }

    ObjectNode generate(Resource r, long i) {
        ObjectNode o = Json.object();
        o.put("id", id(r, i));
        switch (r) {
            case USERS -> user(o, i);
            case OFFICES -> office(o, i);
            case DEPARTMENTS -> department(o, i);
            case SOURCES -> source(o, i);
            case REJECTION_REASONS -> rejectionReason(o, i);
            case CUSTOM_FIELDS -> customField(o, i);
            case CUSTOM_FIELD_OPTIONS -> customFieldOption(o, i);
            case CANDIDATE_TAGS -> o.put("name", cycle(Names.TAGS, i));
            case JOBS -> job(o, i);
            case JOB_POSTS -> jobPost(o, i);
            case JOB_INTERVIEW_STAGES -> jobStage(o, i);
            case JOB_OWNERS -> jobOwner(o, i);
            case JOB_HIRING_MANAGERS -> jobHiringManager(o, i);
            case OPENINGS -> opening(o, i);
            case CANDIDATES -> candidate(o, i);
            case APPLICATIONS -> application(o, i);
            case APPLICATION_STAGES -> applicationStage(o, i);
            case INTERVIEWS -> interview(o, i);
            case INTERVIEWERS -> interviewer(o, i);
            case SCORECARDS -> scorecard(o, i);
            case OFFERS -> offer(o, i);
            case NOTES -> note(o, i);
            case APPLIED_CANDIDATE_TAGS -> appliedTag(o, i);
            default -> {
                // the resources added by area stamp their own dates (some have none)
                return areas.generate(r, i, o);
            }
        }
        long created = time.created(r, i);
        o.put("created_at", Timeline.iso(created));
        o.put("updated_at", Timeline.iso(time.updated(r, i, created)));
        return o;
    }

    private static String cycle(String[] values, long i) {
        int n = values.length;
        long round = (i - 1) / n;
        String v = values[(int) ((i - 1) % n)];
        return round == 0 ? v : v + " " + (round + 1);
    }

    // ---- users -------------------------------------------------------------------------------------------------

    boolean isSiteAdmin(long userIndex) {
        if (userIndex <= INTERVIEWER_USER) {
            return userIndex == SITE_ADMIN || userIndex == PARTNER_USER;
        }
        return Math.floorMod(Gen.hash(seed, 3001, userIndex), 10) == 0;
    }

    boolean isDeactivated(long userIndex) {
        if (userIndex <= INTERVIEWER_USER) {
            return userIndex == DEACTIVATED_USER;
        }
        return Math.floorMod(Gen.hash(seed, 3002, userIndex), 20) == 0;
    }

    boolean isServiceAccount(long userIndex) {
        if (userIndex <= INTERVIEWER_USER) {
            return userIndex == SERVICE_ACCOUNT;
        }
        return Math.floorMod(Gen.hash(seed, 3003, userIndex), 50) == 0;
    }

    Permission permission(long userIndex) {
        if (isSiteAdmin(userIndex)) {
            return Permission.SITE_ADMIN;
        }
        if (userIndex == BASIC_USER) {
            return Permission.BASIC;
        }
        if (userIndex == INTERVIEWER_USER) {
            return Permission.INTERVIEWER;
        }
        if (userIndex <= INTERVIEWER_USER) {
            return Permission.JOB_ADMIN;
        }
        return Permission.values()[1 + Math.floorMod(Gen.hash(seed, 3004, userIndex), 3)];
    }

    /** A user who can be a recruiter, interviewer or author: never the service account. */
    long humanUserIndex(Gen g) {
        long users = size(Resource.USERS);
        long u = 1 + g.nextLong(users);
        return isServiceAccount(u) ? SITE_ADMIN : u;
    }

    String userEmail(long userIndex) {
        if (userIndex == PARTNER_USER) {
            return "partner.integration@sandbox.example.com";
        }
        if (userIndex == SERVICE_ACCOUNT) {
            return "harvest.isu@sandbox.example.com";
        }
        Gen g = gen(Resource.USERS, userIndex);
        String first = g.pick(Names.FIRST);
        String last = g.pick(Names.LAST);
        return Names.ascii(first) + "." + Names.ascii(last) + userIndex + "@sandbox.example.com";
    }

    private void user(ObjectNode o, long i) {
        Gen g = gen(Resource.USERS, i);
        String first = g.pick(Names.FIRST);
        String last = g.pick(Names.LAST);
        if (i == PARTNER_USER) {
            first = "Partner";
            last = "Integration";
        } else if (i == SERVICE_ACCOUNT) {
            first = "Harvest API";
            last = "Integration Service User";
        }
        String email = userEmail(i);
        o.put("first_name", first);
        o.put("last_name", last);
        o.put("name", first + " " + last);
        o.put("job_title", g.pick(Names.TITLES));
        o.put("primary_email", email);
        o.putArray("emails").add(email);
        o.put("deactivated", isDeactivated(i));
        o.put("site_admin", isSiteAdmin(i));
        o.put("employee_id", "E" + (1000 + i));
        o.putNull("agency_id");
        o.putArray("office_ids").add(id(Resource.OFFICES, 1 + g.nextLong(size(Resource.OFFICES))));
        o.putArray("department_ids").add(id(Resource.DEPARTMENTS, 1 + g.nextLong(size(Resource.DEPARTMENTS))));
        o.putArray("linked_candidate_ids");
        ArrayNode tags = o.putArray("interviewer_tags");
        if (g.chance(0.3)) {
            tags.addObject().put("id", 800 + g.nextInt(5)).put("name", g.pick(new String[] {"Java", "System design",
                "Culture", "Leadership", "Frontend"}));
        }
        o.putObject("custom_fields");
    }

    // ---- reference data ----------------------------------------------------------------------------------------

    private void office(ObjectNode o, long i) {
        o.put("name", cycle(Names.OFFICES, i));
        o.put("location", cycle(Names.CITIES, i));
        if (i > 2) {
            o.put("parent_id", id(Resource.OFFICES, 1 + (i % 2)));
        } else {
            o.putNull("parent_id");
        }
        o.put("external_id", "OFF-" + i);
        o.put("primary_in_house_contact_user_id", id(Resource.USERS, SITE_ADMIN));
    }

    private void department(ObjectNode o, long i) {
        o.put("name", cycle(Names.DEPARTMENTS, i));
        if (i > 3) {
            o.put("parent_id", id(Resource.DEPARTMENTS, 1 + (i % 3)));
        } else {
            o.putNull("parent_id");
        }
        o.put("external_id", "DEP-" + i);
    }

    private void source(ObjectNode o, long i) {
        o.put("name", cycle(Names.SOURCES, i));
        int t = (int) ((i - 1) % Names.SOURCE_TYPES.length);
        o.putObject("type").put("id", 100 + t).put("name", Names.SOURCE_TYPES[t]);
    }

    private void rejectionReason(ObjectNode o, long i) {
        o.put("name", cycle(Names.REJECTION_REASONS, i));
        int t = (int) ((i - 1) % Names.REJECTION_KEYS.length);
        String key = Names.REJECTION_KEYS[t];
        o.putObject("type").put("id", 200 + key.hashCode() % 7 + 7).put("key", key)
                .put("name", key.charAt(0) + key.substring(1).toLowerCase().replace('_', ' '));
    }

    boolean isDefaultRejectionReason(long index) {
        return index <= DEFAULT_REJECTION_REASONS;
    }

    private void customField(ObjectNode o, long i) {
        String name = cycle(Names.CUSTOM_FIELDS, i);
        o.put("name", name);
        o.put("field_type", i % 3 == 0 ? "application" : i % 3 == 1 ? "candidate" : "job");
        o.put("value_type", "single_select");
        o.put("private", i % 4 == 0);
        o.put("required", false);
        o.put("active", true);
        o.put("name_key", Names.ascii(name.replace(' ', '_')) + "_" + i);
        o.put("description", "Sandbox field «" + name + "»");
    }

    private void customFieldOption(ObjectNode o, long i) {
        long field = time.parentIndex(Resource.CUSTOM_FIELD_OPTIONS, i);
        long first = time.firstChild(Resource.CUSTOM_FIELD_OPTIONS, field);
        o.put("custom_field_id", id(Resource.CUSTOM_FIELDS, field));
        o.put("name", "Option " + (char) ('A' + (i - first) % 26));
        o.put("sort_order", i - first);
        o.put("external_id", "CFO-" + i);
    }

    // ---- jobs --------------------------------------------------------------------------------------------------

    String jobStatus(long jobIndex) {
        int h = Math.floorMod(Gen.hash(seed, 3010, jobIndex), 100);
        return h < 70 ? "open" : h < 95 ? "closed" : "draft";
    }

    String jobName(long jobIndex) {
        Gen g = gen(Resource.JOBS, jobIndex);
        return g.pick(Names.JOB_NAMES) + " (" + g.pick(Names.CITIES) + ")";
    }

    private void job(ObjectNode o, long i) {
        Gen g = gen(Resource.JOBS, i);
        String status = jobStatus(i);
        long created = time.created(Resource.JOBS, i);
        o.put("name", jobName(i));
        o.put("requisition_id", String.format("REQ-%05d", i));
        o.put("notes", "<p>Hiring plan for <b>" + jobName(i) + "</b> &amp; team.</p>");
        o.put("confidential", g.chance(0.05));
        o.put("status", status);
        if (status.equals("draft")) {
            o.putNull("opened_at");
        } else {
            o.put("opened_at", Timeline.iso(created + Timeline.DAY));
        }
        if (status.equals("closed")) {
            o.put("closed_at", Timeline.iso(created + 40 * Timeline.DAY));
        } else {
            o.putNull("closed_at");
        }
        o.put("is_template", false);
        o.putNull("copied_from_id");
        o.put("department_id", id(Resource.DEPARTMENTS, 1 + g.nextLong(size(Resource.DEPARTMENTS))));
        o.putArray("office_ids").add(id(Resource.OFFICES, 1 + g.nextLong(size(Resource.OFFICES))));
        o.putObject("custom_fields");
    }

    private void jobPost(ObjectNode o, long i) {
        Gen g = gen(Resource.JOB_POSTS, i);
        long job = time.parentIndex(Resource.JOB_POSTS, i);
        boolean external = i == time.firstChild(Resource.JOB_POSTS, job);
        boolean open = jobStatus(job).equals("open");
        String title = jobName(job);
        o.put("job_id", id(Resource.JOBS, job));
        o.put("job_board_id", external ? EXTERNAL_BOARD_ID : INTERNAL_BOARD_ID);
        o.put("title", title);
        o.put("content", "<h2>" + title + "</h2><p>Join us — we value <b>curiosity</b> &amp; care.</p>");
        o.put("internal_content", external ? null : "<p>Internal transfer only.</p>");
        o.put("internal", !external);
        o.put("active", true);
        o.put("live", open && g.chance(0.9));
        o.put("featured", g.chance(0.1));
        o.put("first_published_at", Timeline.iso(time.created(Resource.JOB_POSTS, i) + Timeline.DAY));
        o.put("language", "en");
        o.put("public_url", "https://boards.greenhouse.io/" + boardToken + "/jobs/" + id(Resource.JOB_POSTS, i));
        o.putNull("demographic_question_set_id");
        ArrayNode questions = o.putArray("questions");
        question(questions, 1, "First Name", "first_name", "input_text", true);
        question(questions, 2, "Last Name", "last_name", "input_text", true);
        question(questions, 3, "Email", "email", "input_text", true);
        question(questions, 4, "Resume/CV", "resume", "input_file", false);
        ObjectNode q = question(questions, 5, "Do you need a visa?", "question_" + (i * 10 + 5),
                "multi_value_single_select", false);
        q.putArray("options").add(Json.object().put("id", 1).put("label", "Yes"))
                .add(Json.object().put("id", 0).put("label", "No"));
    }

    private static ObjectNode question(ArrayNode questions, long id, String label, String name, String type,
            boolean required) {
        ObjectNode q = questions.addObject();
        q.put("id", id).put("label", label).put("name", name).put("answer_type", type).put("required", required)
                .put("private", false).putNull("description");
        q.putArray("options");
        return q;
    }

    private void jobStage(ObjectNode o, long i) {
        long job = time.parentIndex(Resource.JOB_INTERVIEW_STAGES, i);
        int order = (int) ((i - 1) % OrgSizes.JOB_STAGES);
        o.put("job_id", id(Resource.JOBS, job));
        o.put("name", Names.STAGES[order]);
        o.put("sort_order", order);
        o.put("active", true);
    }

    /** Id of the job stage with the given sort order (0 = Application Review). */
    static long jobStageId(long jobIndex, int order) {
        return id(Resource.JOB_INTERVIEW_STAGES, (jobIndex - 1) * OrgSizes.JOB_STAGES + order + 1);
    }

    private void jobOwner(ObjectNode o, long i) {
        Gen g = gen(Resource.JOB_OWNERS, i);
        long job = time.parentIndex(Resource.JOB_OWNERS, i);
        long nth = i - time.firstChild(Resource.JOB_OWNERS, job);
        o.put("job_id", id(Resource.JOBS, job));
        o.put("user_id", id(Resource.USERS, humanUserIndex(g)));
        o.put("role", nth == 0 ? "recruiter" : nth == 1 ? "coordinator" : "sourcer");
        o.put("responsible", nth < 2);
    }

    private void jobHiringManager(ObjectNode o, long i) {
        Gen g = gen(Resource.JOB_HIRING_MANAGERS, i);
        o.put("job_id", id(Resource.JOBS, time.parentIndex(Resource.JOB_HIRING_MANAGERS, i)));
        o.put("user_id", id(Resource.USERS, humanUserIndex(g)));
    }

    private void opening(ObjectNode o, long i) {
        long job = time.parentIndex(Resource.OPENINGS, i);
        boolean open = !jobStatus(job).equals("closed");
        long created = time.created(Resource.OPENINGS, i);
        o.put("job_id", id(Resource.JOBS, job));
        o.put("opening_id", "OPN-" + job + "-" + (i - time.firstChild(Resource.OPENINGS, job) + 1));
        o.put("open", open);
        o.put("opened_at", Timeline.iso(created));
        if (open) {
            o.putNull("closed_at");
            o.putNull("close_reason_id");
        } else {
            o.put("closed_at", Timeline.iso(created + 40 * Timeline.DAY));
            o.put("close_reason_id", 700 + i % 3);
        }
        o.putNull("application_id");
    }

    // ---- candidates and their children -------------------------------------------------------------------------

    private void candidate(ObjectNode o, long i) {
        Gen g = gen(Resource.CANDIDATES, i);
        String first = g.pick(Names.FIRST);
        String last = g.pick(Names.LAST);
        long created = time.created(Resource.CANDIDATES, i);
        o.put("first_name", first);
        o.put("last_name", last);
        if (g.chance(0.1)) {
            o.put("preferred_name", first.substring(0, Math.min(3, first.length())));
        } else {
            o.putNull("preferred_name");
        }
        o.put("company", g.pick(Names.COMPANIES));
        o.put("title", g.pick(Names.TITLES));
        o.put("private", g.chance(0.05));
        o.put("can_email", g.chance(0.95));
        ArrayNode tags = o.putArray("tags");
        for (long t = time.firstChild(Resource.APPLIED_CANDIDATE_TAGS, i);
                t <= time.lastChild(Resource.APPLIED_CANDIDATE_TAGS, i); t++) {
            tags.add(cycle(Names.TAGS, appliedTagIndex(t)));
        }
        o.put("time_zone", g.pick(new String[] {"Europe/Oslo", "America/New_York", "Asia/Tokyo", "UTC"}));
        o.put("last_activity_at", Timeline.iso(time.updated(Resource.CANDIDATES, i, created)));
        o.putArray("linked_user_ids");
        o.putArray("phone_numbers").addObject().put("value", "+47 " + (40_000_000 + g.nextInt(9_999_999)))
                .put("type", "mobile");
        o.putArray("addresses").addObject().put("value", g.pick(Names.CITIES)).put("type", "home");
        o.putArray("email_addresses").addObject()
                .put("value", Names.ascii(first) + "." + Names.ascii(last) + "." + i + "@example.org")
                .put("type", "personal");
        ArrayNode sites = o.putArray("website_addresses");
        if (g.chance(0.3)) {
            sites.addObject().put("value", "https://" + Names.ascii(last) + ".example.net").put("type", "personal");
        }
        o.putArray("social_media_addresses").addObject()
                .put("value", "https://linkedin.example.com/in/" + Names.ascii(first + last) + i);
        ObjectNode cf = o.putObject("custom_fields");
        cf.putObject("desired_salary").put("name", "Desired Salary").put("type", "short_text")
                .put("value", (50 + g.nextInt(100)) + "k €");
    }

    private long appliedTagIndex(long appliedIndex) {
        return 1 + Math.floorMod(Gen.hash(seed, 3020, appliedIndex), size(Resource.CANDIDATE_TAGS));
    }

    private void appliedTag(ObjectNode o, long i) {
        o.put("candidate_id", id(Resource.CANDIDATES, time.parentIndex(Resource.APPLIED_CANDIDATE_TAGS, i)));
        o.put("candidate_tag_id", id(Resource.CANDIDATE_TAGS, appliedTagIndex(i)));
    }

    ApplicationFacts applicationFacts(long a) {
        Gen g = new Gen(seed, 3030, a);
        long candidate = time.parentIndex(Resource.APPLICATIONS, a);
        long jobs = size(Resource.JOBS);
        // only jobs created before the application: job timelines run on the same root span
        long older = Math.max(1, (long) ((double) jobs * a / size(Resource.APPLICATIONS)));
        long job = 1 + g.nextLong(older);
        int roll = g.nextInt(100);
        String status = roll < 70 ? "in_process" : roll < 92 ? "rejected" : roll < 98 ? "hired" : "converted";
        int stage = status.equals("hired") ? OrgSizes.JOB_STAGES - 1 : 1 + g.nextInt(OrgSizes.JOB_STAGES - 2);
        return new ApplicationFacts(candidate, job, stage, status);
    }

    private void application(ObjectNode o, long a) {
        Gen g = gen(Resource.APPLICATIONS, a);
        ApplicationFacts f = applicationFacts(a);
        long created = time.created(Resource.APPLICATIONS, a);
        long updated = time.updated(Resource.APPLICATIONS, a, created);
        o.put("candidate_id", id(Resource.CANDIDATES, f.candidateIndex()));
        o.put("job_id", id(Resource.JOBS, f.jobIndex()));
        o.put("job_post_id", id(Resource.JOB_POSTS, time.firstChild(Resource.JOB_POSTS, f.jobIndex())));
        o.put("prospect", false);
        o.putArray("prospective_job_ids");
        o.put("status", f.status());
        o.put("stage_id", id(Resource.APPLICATION_STAGES, time.lastChild(Resource.APPLICATION_STAGES, a)));
        o.put("stage_name", Names.STAGES[f.stageOrder()]);
        o.put("job_interview_stage_id", jobStageId(f.jobIndex(), f.stageOrder()));
        o.put("recruiter_id", id(Resource.USERS, humanUserIndex(g)));
        if (g.chance(0.5)) {
            o.put("coordinator_id", id(Resource.USERS, humanUserIndex(g)));
        } else {
            o.putNull("coordinator_id");
        }
        o.putNull("referrer_id");
        o.put("source_id", id(Resource.SOURCES, 3 + g.nextLong(Math.max(1, size(Resource.SOURCES) - 2))));
        if (f.status().equals("rejected")) {
            o.put("rejection_reason_id", id(Resource.REJECTION_REASONS, 1 + g.nextLong(size(Resource.REJECTION_REASONS))));
            o.put("rejected_at", Timeline.iso(updated));
        } else {
            o.putNull("rejection_reason_id");
            o.putNull("rejected_at");
        }
        o.put("last_activity_at", Timeline.iso(updated));
        o.put("location_address", g.pick(Names.CITIES));
        o.put("needs_decision", g.chance(0.2));
        ArrayNode answers = o.putArray("answers");
        if (g.chance(0.5)) {
            answers.addObject().put("question", "Do you need a visa?").put("answer", g.chance(0.3) ? "Yes" : "No");
        }
        o.putNull("agency_note_id");
        o.putObject("custom_fields");
    }

    private void applicationStage(ObjectNode o, long i) {
        long a = time.parentIndex(Resource.APPLICATION_STAGES, i);
        ApplicationFacts f = applicationFacts(a);
        boolean current = i == time.lastChild(Resource.APPLICATION_STAGES, a);
        long appCreated = time.created(Resource.APPLICATIONS, a);
        long exitFirst = appCreated + 2 * Timeline.DAY;
        o.put("application_id", id(Resource.APPLICATIONS, a));
        int order = current ? f.stageOrder() : 0;
        o.put("job_interview_stage_id", jobStageId(f.jobIndex(), order));
        o.put("name", Names.STAGES[order]);
        o.put("entered_at", Timeline.iso(current ? exitFirst : appCreated));
        if (current) {
            o.putNull("exited_at");
            o.putNull("days_in_stage");
        } else {
            o.put("exited_at", Timeline.iso(exitFirst));
            o.put("days_in_stage", 2);
        }
        o.put("current", current);
    }

    static final String[] INTERVIEW_STATUSES = {"scheduled", "awaiting_feedback", "complete", "complete", "complete",
        "skipped", "to_be_scheduled", "collect_feedback"};

    private void interview(ObjectNode o, long i) {
        Gen g = gen(Resource.INTERVIEWS, i);
        long a = time.parentIndex(Resource.INTERVIEWS, i);
        ApplicationFacts f = applicationFacts(a);
        long starts = time.created(Resource.INTERVIEWS, i) + (1 + g.nextInt(10)) * Timeline.DAY;
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("job_id", id(Resource.JOBS, f.jobIndex()));
        o.put("job_interview_id", jobStageId(f.jobIndex(), f.stageOrder()) * 10 + 1);
        o.put("starts_at", Timeline.iso(starts));
        o.put("ends_at", Timeline.iso(starts + 3_600_000L));
        o.putNull("all_day_start_on");
        o.putNull("all_day_end_on");
        o.put("location", "Room " + (1 + g.nextInt(9)) + (char) ('A' + g.nextInt(4)));
        o.put("video_conferencing_url", "https://meet.example.com/" + Long.toString(g.next() & 0xffffffffL, 36));
        if (g.chance(0.5)) {
            o.put("external_event_id", "gcal-" + Long.toHexString(g.next()));
        } else {
            o.putNull("external_event_id");
        }
        o.put("organizer_id", id(Resource.USERS, humanUserIndex(g)));
        o.put("status", g.pick(INTERVIEW_STATUSES));
        o.put("scheduled_at", Timeline.iso(time.created(Resource.INTERVIEWS, i)));
        o.putNull("availability_received_at");
    }

    private void interviewer(ObjectNode o, long i) {
        Gen g = gen(Resource.INTERVIEWERS, i);
        o.put("interview_id", id(Resource.INTERVIEWS, time.parentIndex(Resource.INTERVIEWERS, i)));
        if (g.chance(0.1)) {
            o.putNull("user_id");
            o.put("email", "external.panel" + i + "@partner.example.net");
        } else {
            long u = humanUserIndex(g);
            o.put("user_id", id(Resource.USERS, u));
            o.put("email", userEmail(u));
        }
        o.put("response_status", g.pick(new String[] {"accepted", "accepted", "tentative", "declined", "needs_action"}));
        o.putNull("scorecard_id");
    }

    private void scorecard(ObjectNode o, long i) {
        Gen g = gen(Resource.SCORECARDS, i);
        long a = time.parentIndex(Resource.SCORECARDS, i);
        long created = time.created(Resource.SCORECARDS, i);
        long u = humanUserIndex(g);
        boolean complete = g.chance(0.85);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("interviewer_id", id(Resource.USERS, u));
        o.put("submitter_id", id(Resource.USERS, u));
        o.put("interview_kit_id", 5000 + g.nextInt(50));
        o.put("candidate_rating", g.pick(new String[] {"strong_no", "no", "yes", "strong_yes", "no_decision"}));
        o.put("status", complete ? "complete" : "draft");
        o.put("interviewed_at", Timeline.iso(created));
        if (complete) {
            o.put("submitted_at", Timeline.iso(created + 3_600_000L));
        } else {
            o.putNull("submitted_at");
        }
        o.put("notes", "<p>Solid fundamentals; «would hire».</p>");
        o.put("private_notes", "Compensation expectations high.");
        o.put("public_notes", "Good communication.");
    }

    private void offer(ObjectNode o, long i) {
        Gen g = gen(Resource.OFFERS, i);
        long a = time.parentIndex(Resource.OFFERS, i);
        ApplicationFacts f = applicationFacts(a);
        long created = time.created(Resource.OFFERS, i);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("candidate_id", id(Resource.CANDIDATES, f.candidateIndex()));
        o.put("job_id", id(Resource.JOBS, f.jobIndex()));
        o.put("opening_id", id(Resource.OPENINGS, time.firstChild(Resource.OPENINGS, f.jobIndex())));
        o.put("version", 1 + g.nextInt(2));
        o.put("status", g.pick(new String[] {"Created", "Accepted", "Rejected", "Deprecated"}));
        o.put("sent_on", Timeline.iso(created).substring(0, 10));
        o.put("starts_on", Timeline.iso(created + 60 * Timeline.DAY).substring(0, 10));
        o.putNull("resolved_at");
        o.putObject("custom_fields");
    }

    static final String[] NOTE_VISIBILITIES = {"publicly_visible", "privately_visible", "admin_only_visible"};

    private void note(ObjectNode o, long i) {
        Gen g = gen(Resource.NOTES, i);
        long c = time.parentIndex(Resource.NOTES, i);
        Gen cg = gen(Resource.CANDIDATES, c);
        String candidateFirst = cg.pick(Names.FIRST);
        long u = humanUserIndex(g);
        int roll = g.nextInt(10);
        String type = roll < 7 ? "NOTE" : roll < 9 ? "EMAIL" : "ACTIVITY";
        o.put("candidate_id", id(Resource.CANDIDATES, c));
        if (g.chance(0.7)) {
            o.put("application_id", id(Resource.APPLICATIONS, time.firstChild(Resource.APPLICATIONS, c)));
        } else {
            o.putNull("application_id");
        }
        o.put("user_id", id(Resource.USERS, u));
        o.put("type", type);
        o.put("body", String.format(g.pick(Names.NOTE_BODIES), candidateFirst));
        o.putNull("body_with_tags");
        if (type.equals("EMAIL")) {
            o.put("subject", "Interview invitation – " + candidateFirst);
            o.put("email_from", userEmail(u));
            o.put("email_to", Names.ascii(candidateFirst) + "." + c + "@example.org");
        } else {
            o.putNull("subject");
            o.putNull("email_from");
            o.putNull("email_to");
        }
        o.putArray("email_cc");
        o.putNull("email_attachment_file_names");
        o.put("visibility", g.pick(NOTE_VISIBILITIES));
        o.putNull("import_hash");
    }
}
