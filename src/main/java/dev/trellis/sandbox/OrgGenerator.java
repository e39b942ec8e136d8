package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    OrgGenerator(long seed, Timeline time, String boardToken) {
        this.seed = seed;
        this.time = time;
        this.boardToken = boardToken;
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
            default -> throw new IllegalArgumentException(r.path());
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
            // a service account has no e-mail: primary_email "" (docs/greenhouse.md#resources-and-fields)
            return "";
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
        ArrayNode emails = o.putArray("emails");
        if (!email.isEmpty()) {
            emails.add(email);
        }
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

    /**
     * The first custom fields are Greenhouse's own education fields, whose options v3 serves as degrees, schools and
     * disciplines ({@code custom_field_key}); the rest are org-defined select fields
     * (docs/greenhouse.md#resources-and-fields).
     */
    private static final String[][] SYSTEM_FIELDS = {{"degree", "Degree"}, {"school_name", "School Name"},
        {"discipline", "Discipline"}};
    private static final String[][] SYSTEM_OPTIONS = {
        {"Bachelor's Degree", "Master's Degree", "Doctor of Philosophy (Ph.D.)", "Associate's Degree"},
        {"Universitetet i Oslo", "ETH Zürich", "Université de Montréal", "Stanford University"},
        {"Computer Science", "Mathematics", "Økonomi", "Mechanical Engineering"}};
    /** Org-defined fields (name, field_type), their option labels in ORG_OPTIONS. */
    private static final String[][] ORG_FIELDS = {{"Desired Salary", "candidate"}, {"Notice Period", "application"},
        {"Cost Center", "job"}, {"Seniority", "job"}, {"Remote OK", "opening"}};
    private static final String[][] ORG_OPTIONS = {{"< 50k €", "50–80k €", "80–120k €", "> 120k €"},
        {"None", "1 month", "2 months", "3 months"}, {"CC-100 Engineering", "CC-200 Sales", "CC-300 Operations",
            "CC-400 People"}, {"Junior", "Mid", "Senior", "Principal"}, {"Yes", "No", "Hybrid"}};
    /** Index of the org-defined candidate field "Desired Salary", which every generated candidate fills in. */
    static final long DESIRED_SALARY_FIELD = SYSTEM_FIELDS.length + 1;

    private String customFieldName(long i) {
        if (i <= SYSTEM_FIELDS.length) {
            return SYSTEM_FIELDS[(int) i - 1][1];
        }
        long k = i - SYSTEM_FIELDS.length;
        long round = (k - 1) / ORG_FIELDS.length;
        String name = ORG_FIELDS[(int) ((k - 1) % ORG_FIELDS.length)][0];
        return round == 0 ? name : name + " " + (round + 1);
    }

    /** The field's name_key: a system field's key, else the lower-case name with underscores. */
    String customFieldKey(long i) {
        if (i <= SYSTEM_FIELDS.length) {
            return SYSTEM_FIELDS[(int) i - 1][0];
        }
        StringBuilder key = new StringBuilder();
        for (String word : customFieldName(i).split(" ")) {
            String w = Names.ascii(word);
            if (!w.isEmpty()) {
                key.append(key.length() == 0 ? "" : "_").append(w);
            }
        }
        return key.toString();
    }

    private static String customFieldType(long i) {
        return i <= SYSTEM_FIELDS.length ? "candidate"
                : ORG_FIELDS[(int) ((i - SYSTEM_FIELDS.length - 1) % ORG_FIELDS.length)][1];
    }

    private void customField(ObjectNode o, long i) {
        String type = customFieldType(i);
        boolean system = i <= SYSTEM_FIELDS.length;
        boolean job = type.equals("job");
        o.put("name", customFieldName(i));
        o.put("field_type", type);
        o.put("value_type", "single_select");
        o.put("private", !system && i % 4 == 0);
        o.put("required", false);
        o.put("active", true);
        o.put("name_key", customFieldKey(i));
        o.put("description", system ? null : "Sandbox field «" + customFieldName(i) + "»");
        o.put("sort_order", i - 1);
        if (system) {
            o.put("internal_type", customFieldKey(i));
        } else {
            o.putNull("internal_type");
        }
        // flags Greenhouse documents for one field type only are null on the others
        putFlag(o, "api_only", job, false);
        o.put("application_type", type.equals("application") ? "all_applications" : null);
        o.putNull("default_value");
        putFlag(o, "expose_in_job_board_api", job, i % 2 == 0);
        o.putNull("placeholder");
        putFlag(o, "require_approval", job || type.equals("opening"), false);
        o.putNull("template_token_string");
        putFlag(o, "trigger_new_version", type.equals("offer"), false);
        if (system) {
            o.putNull("updated_by_id");
        } else {
            o.put("updated_by_id", id(Resource.USERS, SITE_ADMIN));
        }
        putFlag(o, "use_for_job_approvals", job, false);
        putFlag(o, "use_for_offer_approvals", job, false);
    }

    private static void putFlag(ObjectNode o, String name, boolean applies, boolean value) {
        if (applies) {
            o.put(name, value);
        } else {
            o.putNull(name);
        }
    }

    /** Label of the {@code nth} (0-based) option of custom field {@code field}. */
    String customFieldOptionName(long field, long nth) {
        String[] labels = field <= SYSTEM_FIELDS.length ? SYSTEM_OPTIONS[(int) field - 1]
                : ORG_OPTIONS[(int) ((field - SYSTEM_FIELDS.length - 1) % ORG_OPTIONS.length)];
        return nth < labels.length ? labels[(int) nth] : "Option " + (nth + 1);
    }

    private void customFieldOption(ObjectNode o, long i) {
        long field = time.parentIndex(Resource.CUSTOM_FIELD_OPTIONS, i);
        long nth = i - time.firstChild(Resource.CUSTOM_FIELD_OPTIONS, field);
        o.put("custom_field_id", id(Resource.CUSTOM_FIELDS, field));
        o.put("name", customFieldOptionName(field, nth));
        o.put("sort_order", nth);
        o.put("external_id", "CFO-" + i);
        // an option deleted in Greenhouse stays listed, inactive, so old values still resolve
        o.put("active", Math.floorMod(Gen.hash(seed, 3050, i), 10) != 0);
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
        // the hiring-team role is "type"; a sourcer is never responsible (docs/greenhouse.md#resources-and-fields)
        o.put("type", nth == 0 ? "recruiter" : nth == 1 ? "coordinator" : "sourcer");
        o.put("responsible", nth < 2);
    }

    private void jobHiringManager(ObjectNode o, long i) {
        Gen g = gen(Resource.JOB_HIRING_MANAGERS, i);
        o.put("job_id", id(Resource.JOBS, time.parentIndex(Resource.JOB_HIRING_MANAGERS, i)));
        o.put("user_id", id(Resource.USERS, humanUserIndex(g)));
    }

    /** Greenhouse-style close reasons: names starting "Hire -" are hires (docs/greenhouse.md#resources-and-fields). */
    static final long HIRE_CLOSE_REASON = 701;
    static final long NON_HIRE_CLOSE_REASON = 703;

    private void opening(ObjectNode o, long i) {
        long job = time.parentIndex(Resource.OPENINGS, i);
        long nth = i - time.firstChild(Resource.OPENINGS, job);
        String status = jobStatus(job);
        long created = time.created(Resource.OPENINGS, i);
        long[] filled = hires().getOrDefault(job, NO_HIRES);
        o.put("job_id", id(Resource.JOBS, job));
        o.put("opening_id", "OPN-" + job + "-" + (nth + 1));
        o.put("sort_order", nth);
        // opened when its job opened: a draft job's openings have not been
        if (status.equals("draft")) {
            o.putNull("opened_at");
        } else {
            o.put("opened_at", Timeline.iso(created));
        }
        if (nth < filled.length) {
            // filled by a hire: closed, with a hire close reason and the application that filled it
            long a = filled[(int) nth];
            long hired = hiredAt(a, created);
            o.put("open", false);
            o.put("closed_at", Timeline.iso(hired));
            o.put("close_reason_id", HIRE_CLOSE_REASON + Math.floorMod(i, 2));
            o.put("application_id", id(Resource.APPLICATIONS, a));
            o.put("target_start_on", Timeline.iso(hired + 30 * Timeline.DAY).substring(0, 10));
        } else if (status.equals("closed")) {
            o.put("open", false);
            o.put("closed_at", Timeline.iso(created + 40 * Timeline.DAY));
            o.put("close_reason_id", NON_HIRE_CLOSE_REASON + Math.floorMod(i, 2));
            o.putNull("application_id");
            o.putNull("target_start_on");
        } else {
            o.put("open", true);
            o.putNull("closed_at");
            o.putNull("close_reason_id");
            o.putNull("application_id");
            if (Math.floorMod(Gen.hash(seed, 3070, i), 2) == 0) {
                o.put("target_start_on", Timeline.iso(created + 90 * Timeline.DAY).substring(0, 10));
            } else {
                o.putNull("target_start_on");
            }
        }
        o.putObject("custom_fields");
    }

    /** When application {@code a} was hired: its last activity, never before the opening it filled opened. */
    private long hiredAt(long a, long openingCreated) {
        long created = time.created(Resource.APPLICATIONS, a);
        return Math.max(openingCreated + Timeline.DAY, time.updated(Resource.APPLICATIONS, a, created));
    }

    private static final long[] NO_HIRES = new long[0];
    private volatile Map<Long, long[]> hires;

    /** Per job index, its hired application indexes, ascending: the k-th fills the job's k-th opening. */
    private Map<Long, long[]> hires() {
        Map<Long, long[]> h = hires;
        if (h == null) {
            synchronized (this) {
                if (hires == null) {
                    hires = computeHires();
                }
                h = hires;
            }
        }
        return h;
    }

    /**
     * A hire fills an opening of its job, and an open job keeps at least one opening open (a job closes when its last
     * opening does): applications drawn as hired beyond what their job's openings allow stay in process at the Offer
     * stage. One pass over the drawn applications, done once per organisation.
     */
    private Map<Long, long[]> computeHires() {
        Map<Long, List<Long>> byJob = new HashMap<>();
        long n = size(Resource.APPLICATIONS);
        for (long a = 1; a <= n; a++) {
            ApplicationFacts f = drawnFacts(a);
            if (f.status().equals("hired")) {
                List<Long> list = byJob.computeIfAbsent(f.jobIndex(), k -> new ArrayList<>());
                if (list.size() < hireCapacity(f.jobIndex())) {
                    list.add(a);
                }
            }
        }
        Map<Long, long[]> out = new HashMap<>();
        byJob.forEach((job, list) -> out.put(job, list.stream().mapToLong(Long::longValue).toArray()));
        return out;
    }

    private long hireCapacity(long job) {
        long openings = Math.max(0, time.lastChild(Resource.OPENINGS, job) - time.firstChild(Resource.OPENINGS, job) + 1);
        return switch (jobStatus(job)) {
            case "draft" -> 0;
            case "open" -> Math.max(0, openings - 1);
            default -> openings;
        };
    }

    /** Rank of a hired application among its job's hires (= the opening it filled), or -1 when not hired. */
    private int hireRank(long a, long job) {
        long[] filled = hires().getOrDefault(job, NO_HIRES);
        int k = Arrays.binarySearch(filled, a);
        return k >= 0 ? k : -1;
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
        // the value is one of the options of the candidate field it names, as Greenhouse keys it (by name_key)
        long field = DESIRED_SALARY_FIELD;
        if (size(Resource.CUSTOM_FIELDS) >= field) {
            long options = time.lastChild(Resource.CUSTOM_FIELD_OPTIONS, field)
                    - time.firstChild(Resource.CUSTOM_FIELD_OPTIONS, field) + 1;
            cf.putObject(customFieldKey(field)).put("name", customFieldName(field)).put("type", "single_select")
                    .put("value", options > 0 ? customFieldOptionName(field, g.nextLong(options)) : null);
        }
    }

    private long appliedTagIndex(long appliedIndex) {
        return 1 + Math.floorMod(Gen.hash(seed, 3020, appliedIndex), size(Resource.CANDIDATE_TAGS));
    }

    private void appliedTag(ObjectNode o, long i) {
        o.put("candidate_id", id(Resource.CANDIDATES, time.parentIndex(Resource.APPLIED_CANDIDATE_TAGS, i)));
        o.put("candidate_tag_id", id(Resource.CANDIDATE_TAGS, appliedTagIndex(i)));
    }

    ApplicationFacts applicationFacts(long a) {
        ApplicationFacts f = drawnFacts(a);
        if (f.status().equals("hired") && hireRank(a, f.jobIndex()) < 0) {
            // no opening left to fill: the offer is still out (see computeHires)
            return new ApplicationFacts(f.candidateIndex(), f.jobIndex(), OrgSizes.JOB_STAGES - 1, "in_process");
        }
        return f;
    }

    private ApplicationFacts drawnFacts(long a) {
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
        // a rejected or hired application is in no stage: no stage ids (docs/greenhouse.md#resources-and-fields)
        boolean terminal = f.status().equals("rejected") || f.status().equals("hired");
        if (terminal) {
            o.putNull("stage_id");
        } else {
            o.put("stage_id", id(Resource.APPLICATION_STAGES, time.lastChild(Resource.APPLICATION_STAGES, a)));
        }
        o.put("stage_name", Names.STAGES[f.stageOrder()]);
        if (terminal) {
            o.putNull("job_interview_stage_id");
        } else {
            o.put("job_interview_stage_id", jobStageId(f.jobIndex(), f.stageOrder()));
        }
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
        boolean decision = g.chance(0.2);
        o.put("needs_decision", decision && !terminal);
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
        o.put("entered_at", Timeline.iso(current ? exitFirst : appCreated));
        if (current) {
            o.putNull("exited_at");
            // counts up to now: Organisation fills it in when the record is read
            o.putNull("days_in_stage");
        } else {
            o.put("exited_at", Timeline.iso(exitFirst));
            o.put("days_in_stage", 2);
        }
        o.put("current", current);
    }

    /** Whole days from entered to {@code untilMillis} (exited, or now for the current stage). */
    static Long daysInStage(String enteredAt, long untilMillis) {
        if (enteredAt == null) {
            return null;
        }
        return Math.max(0, (untilMillis - java.time.Instant.parse(enteredAt).toEpochMilli()) / Timeline.DAY);
    }

    static final String[] INTERVIEW_STATUSES = {"scheduled", "awaiting_feedback", "complete", "complete", "complete",
        "skipped", "to_be_scheduled", "collect_feedback"};

    String interviewStatus(long i) {
        return INTERVIEW_STATUSES[(int) Math.floorMod(Gen.hash(seed, 3040, i), INTERVIEW_STATUSES.length)];
    }

    private long interviewStart(long i) {
        return time.created(Resource.INTERVIEWS, i) + (1 + Math.floorMod(Gen.hash(seed, 3041, i), 10)) * Timeline.DAY;
    }

    private void interview(ObjectNode o, long i) {
        Gen g = gen(Resource.INTERVIEWS, i);
        long a = time.parentIndex(Resource.INTERVIEWS, i);
        ApplicationFacts f = applicationFacts(a);
        String status = interviewStatus(i);
        // an interview waiting to be scheduled has no time, calendar event or organizer yet
        boolean scheduled = !status.equals("to_be_scheduled");
        long starts = interviewStart(i);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("job_id", id(Resource.JOBS, f.jobIndex()));
        o.put("job_interview_id", jobStageId(f.jobIndex(), f.stageOrder()) * 10 + 1);
        o.put("starts_at", scheduled ? Timeline.iso(starts) : null);
        o.put("ends_at", scheduled ? Timeline.iso(starts + 3_600_000L) : null);
        o.putNull("all_day_start_on");
        o.putNull("all_day_end_on");
        String room = "Room " + (1 + g.nextInt(9)) + (char) ('A' + g.nextInt(4));
        String meet = "https://meet.example.com/" + Long.toString(g.next() & 0xffffffffL, 36);
        o.put("location", scheduled ? room : null);
        o.put("video_conferencing_url", scheduled ? meet : null);
        if (scheduled && g.chance(0.5)) {
            o.put("external_event_id", "gcal-" + Long.toHexString(g.next()));
        } else {
            o.putNull("external_event_id");
        }
        long organizer = humanUserIndex(g);
        if (scheduled) {
            o.put("organizer_id", id(Resource.USERS, organizer));
        } else {
            o.putNull("organizer_id");
        }
        o.put("status", status);
        o.put("scheduled_at", scheduled ? Timeline.iso(time.created(Resource.INTERVIEWS, i)) : null);
        o.putNull("availability_received_at");
    }

    /** The user on interviewer row {@code i}, or -1 for an attendee outside Greenhouse. */
    private long interviewerUser(long i) {
        Gen g = gen(Resource.INTERVIEWERS, i);
        return g.chance(0.1) ? -1 : humanUserIndex(g);
    }

    private void interviewer(ObjectNode o, long i) {
        Gen g = gen(Resource.INTERVIEWERS, i);
        long u = g.chance(0.1) ? -1 : humanUserIndex(g);
        o.put("interview_id", id(Resource.INTERVIEWS, time.parentIndex(Resource.INTERVIEWERS, i)));
        if (u < 0) {
            o.putNull("user_id");
            o.put("email", "external.panel" + i + "@partner.example.net");
        } else {
            o.put("user_id", id(Resource.USERS, u));
            o.put("email", userEmail(u));
        }
        o.put("response_status", g.pick(new String[] {"accepted", "accepted", "tentative", "declined", "needs_action"}));
        // each user on the panel has a scorecard, outsiders none (docs/greenhouse.md#resources-and-fields)
        if (u < 0) {
            o.putNull("scorecard_id");
        } else {
            o.put("scorecard_id", id(Resource.SCORECARDS, i));
        }
    }

    String userName(long userIndex) {
        Gen g = gen(Resource.USERS, userIndex);
        return g.pick(Names.FIRST) + " " + g.pick(Names.LAST);
    }

    /**
     * Scorecard {@code i} is interviewer row {@code i}'s: a draft until its interview is complete. When that row is an
     * outsider, the scorecard is one a user filled in by hand for the same application (Greenhouse has those too).
     */
    private void scorecard(ObjectNode o, long i) {
        Gen g = gen(Resource.SCORECARDS, i);
        long iv = time.parentIndex(Resource.INTERVIEWERS, i);
        long a = time.parentIndex(Resource.INTERVIEWS, iv);
        long u = interviewerUser(i);
        boolean manual = u < 0;
        if (manual) {
            u = humanUserIndex(g);
        }
        String interviewStatus = interviewStatus(iv);
        boolean complete = manual || interviewStatus.equals("complete");
        long interviewed = interviewStart(iv);
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("interviewer_id", id(Resource.USERS, u));
        if (complete) {
            o.put("submitter_id", id(Resource.USERS, u));
        } else {
            o.putNull("submitter_id");
        }
        o.put("interview_kit_id", 5000 + g.nextInt(50));
        String rating = g.pick(new String[] {"strong_no", "no", "yes", "strong_yes", "no_decision"});
        o.put("candidate_rating", complete ? rating : null);
        o.put("status", complete ? "complete" : "draft");
        boolean hasTime = manual || !interviewStatus.equals("to_be_scheduled");
        o.put("interviewed_at", hasTime ? Timeline.iso(interviewed) : null);
        o.put("submitted_at", complete ? Timeline.iso(interviewed + (1 + g.nextInt(48)) * 3_600_000L) : null);
        long mentioned = humanUserIndex(g);
        String name = userName(mentioned);
        String tag = "@[" + name + "](user:" + id(Resource.USERS, mentioned) + ")";
        notes(o, "notes", complete, "<p>Solid fundamentals; «would hire». Loop in %s.</p>", name, tag);
        notes(o, "private_notes", complete, "Compensation expectations high; %s knows.", name, tag);
        notes(o, "public_notes", complete, "Good communication, as %s noted.", name, tag);
    }

    /** A note and its {@code _with_tags} twin: the mention as a plain name, and as Greenhouse's user tag. */
    private static void notes(ObjectNode o, String field, boolean present, String text, String name, String tag) {
        o.put(field, present ? String.format(text, "@" + name) : null);
        o.put(field + "_with_tags", present ? String.format(text, tag) : null);
    }

    private void offer(ObjectNode o, long i) {
        long a = time.parentIndex(Resource.OFFERS, i);
        ApplicationFacts f = applicationFacts(a);
        long created = time.created(Resource.OFFERS, i);
        long updated = time.updated(Resource.OFFERS, i, created);
        long first = time.firstChild(Resource.OFFERS, a);
        boolean latest = i == time.lastChild(Resource.OFFERS, a);
        // the latest version follows its application; earlier versions were superseded
        String status = !latest ? "Deprecated" : switch (f.status()) {
            case "hired" -> "Accepted";
            case "rejected" -> "Rejected";
            default -> "Created";
        };
        o.put("application_id", id(Resource.APPLICATIONS, a));
        o.put("candidate_id", id(Resource.CANDIDATES, f.candidateIndex()));
        o.put("job_id", id(Resource.JOBS, f.jobIndex()));
        long firstOpening = time.firstChild(Resource.OPENINGS, f.jobIndex());
        int rank = status.equals("Accepted") ? hireRank(a, f.jobIndex()) : -1;
        if (rank >= 0) {
            o.put("opening_id", id(Resource.OPENINGS, firstOpening + rank));
        } else if (firstOpening <= time.lastChild(Resource.OPENINGS, f.jobIndex())) {
            o.put("opening_id", id(Resource.OPENINGS, firstOpening));
        } else {
            o.putNull("opening_id");
        }
        o.put("version", i - first + 1);
        o.put("status", status);
        o.put("sent_on", Timeline.iso(created).substring(0, 10));
        o.put("starts_on", Timeline.iso(created + 60 * Timeline.DAY).substring(0, 10));
        // resolved when accepted or rejected, between the offer's creation and its last update
        if (status.equals("Accepted") || status.equals("Rejected")) {
            o.put("resolved_at", Timeline.iso(created + (updated - created) / 2));
        } else {
            o.putNull("resolved_at");
        }
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
