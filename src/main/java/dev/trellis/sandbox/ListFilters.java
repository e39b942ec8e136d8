package dev.trellis.sandbox;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which query parameters each v3 list endpoint accepts (docs/greenhouse.md#filters), and what kind of filter each is.
 */
final class ListFilters {
    enum Kind {
        /** Comma list of at most 50 ids matched against a numeric field. */
        IDS,
        /** Pipe-operator date window on a timestamp field. */
        DATE,
        /** Exact string match. */
        TEXT,
        /** Exact numeric match. */
        NUMBER,
        /** true / false match on a boolean field. */
        BOOLEAN,
        /** One of a fixed set of values. */
        ENUM,
        /** Handled by name in {@link ListQuery}. */
        SPECIAL
    }

    record Filter(String param, Kind kind, String field, List<String> values) {
    }

    private static final Map<Resource, Map<String, Filter>> FILTERS = new EnumMap<>(Resource.class);

    static {
        for (Resource r : Resource.values()) {
            Map<String, Filter> m = new LinkedHashMap<>();
            add(m, "ids", Kind.IDS, "id");
            add(m, "created_at", Kind.DATE, "created_at");
            add(m, "updated_at", Kind.DATE, "updated_at");
            FILTERS.put(r, m);
        }
        Map<String, Filter> m = FILTERS.get(Resource.CANDIDATES);
        add(m, "last_activity_at", Kind.DATE, "last_activity_at");
        add(m, "email", Kind.SPECIAL, "email_addresses");

        m = FILTERS.get(Resource.APPLICATIONS);
        add(m, "candidate_ids", Kind.IDS, "candidate_id");
        add(m, "job_ids", Kind.IDS, "job_id");
        add(m, "job_post_ids", Kind.IDS, "job_post_id");
        add(m, "source_ids", Kind.IDS, "source_id");
        add(m, "stage_ids", Kind.IDS, "stage_id");
        add(m, "last_activity_at", Kind.DATE, "last_activity_at");
        add(m, "prospect", Kind.BOOLEAN, "prospect");
        // the query says active, the data says in_process (docs/greenhouse.md#harvest-v3)
        m.put("status", new Filter("status", Kind.ENUM, "status", List.of("active", "rejected", "hired", "converted")));

        m = FILTERS.get(Resource.USERS);
        add(m, "show_service_accounts", Kind.SPECIAL, null);
        add(m, "email", Kind.SPECIAL, "emails");

        m = FILTERS.get(Resource.JOBS);
        m.put("status", new Filter("status", Kind.ENUM, "status", List.of("draft", "open", "closed")));
        add(m, "department_id", Kind.NUMBER, "department_id");
        add(m, "office_id", Kind.SPECIAL, "office_ids");
        add(m, "requisition_id", Kind.TEXT, "requisition_id");
        add(m, "confidential", Kind.BOOLEAN, "confidential");

        m = FILTERS.get(Resource.JOB_POSTS);
        add(m, "job_ids", Kind.IDS, "job_id");
        add(m, "job_board_ids", Kind.IDS, "job_board_id");
        add(m, "active", Kind.SPECIAL, "active");
        add(m, "live", Kind.BOOLEAN, "live");
        add(m, "internal", Kind.BOOLEAN, "internal");
        add(m, "featured", Kind.BOOLEAN, "featured");

        for (Resource r : List.of(Resource.JOB_INTERVIEW_STAGES, Resource.JOB_OWNERS, Resource.JOB_HIRING_MANAGERS,
                Resource.OPENINGS)) {
            add(FILTERS.get(r), "job_ids", Kind.IDS, "job_id");
        }
        add(FILTERS.get(Resource.JOB_OWNERS), "user_ids", Kind.IDS, "user_id");
        add(FILTERS.get(Resource.JOB_HIRING_MANAGERS), "user_ids", Kind.IDS, "user_id");
        add(FILTERS.get(Resource.OPENINGS), "open", Kind.BOOLEAN, "open");

        for (Resource r : List.of(Resource.OFFICES, Resource.DEPARTMENTS)) {
            add(FILTERS.get(r), "parent_id", Kind.NUMBER, "parent_id");
            add(FILTERS.get(r), "external_id", Kind.TEXT, "external_id");
        }

        m = FILTERS.get(Resource.INTERVIEWS);
        add(m, "application_ids", Kind.IDS, "application_id");
        add(m, "job_ids", Kind.IDS, "job_id");
        add(m, "external_event_id", Kind.TEXT, "external_event_id");
        add(m, "starts_at", Kind.DATE, "starts_at");
        m.put("status", new Filter("status", Kind.ENUM, "status", List.of("to_be_scheduled", "scheduled",
                "awaiting_feedback", "complete", "skipped", "collect_feedback", "to_be_sent", "sent", "received")));

        m = FILTERS.get(Resource.INTERVIEWERS);
        add(m, "interview_ids", Kind.IDS, "interview_id");
        add(m, "user_ids", Kind.IDS, "user_id");

        m = FILTERS.get(Resource.NOTES);
        add(m, "candidate_ids", Kind.IDS, "candidate_id");
        add(m, "application_ids", Kind.IDS, "application_id");
        add(m, "user_ids", Kind.IDS, "user_id");

        add(FILTERS.get(Resource.APPLICATION_STAGES), "application_ids", Kind.IDS, "application_id");
        add(FILTERS.get(Resource.REJECTION_REASONS), "include_defaults", Kind.SPECIAL, null);
        m = FILTERS.get(Resource.CUSTOM_FIELDS);
        add(m, "field_type", Kind.TEXT, "field_type");
        add(m, "active", Kind.BOOLEAN, "active");
        add(m, "name", Kind.TEXT, "name");
        add(m, "name_key", Kind.TEXT, "name_key");

        m = FILTERS.get(Resource.CUSTOM_FIELD_OPTIONS);
        add(m, "custom_field_ids", Kind.IDS, "custom_field_id");
        add(m, "active", Kind.BOOLEAN, "active");
        // the parent field's name_key: how v3 serves degrees, schools and disciplines (docs/greenhouse.md#filters)
        add(m, "custom_field_key", Kind.SPECIAL, "custom_field_id");

        m = FILTERS.get(Resource.JOB_OWNERS);
        m.put("type", new Filter("type", Kind.ENUM, "type", List.of("sourcer", "recruiter", "coordinator")));
        add(FILTERS.get(Resource.JOB_INTERVIEW_STAGES), "active", Kind.BOOLEAN, "active");
        add(FILTERS.get(Resource.OPENINGS), "application_ids", Kind.IDS, "application_id");
        add(FILTERS.get(Resource.OPENINGS), "close_reason_ids", Kind.IDS, "close_reason_id");
        add(FILTERS.get(Resource.APPLICATION_STAGES), "current", Kind.BOOLEAN, "current");
        add(FILTERS.get(Resource.APPLICATION_STAGES), "job_interview_stage_ids", Kind.IDS, "job_interview_stage_id");
        add(FILTERS.get(Resource.INTERVIEWERS), "scorecard_ids", Kind.IDS, "scorecard_id");
        FILTERS.get(Resource.INTERVIEWERS).put("response_status", new Filter("response_status", Kind.ENUM,
                "response_status", List.of("needs_action", "declined", "tentative", "accepted")));
        add(FILTERS.get(Resource.OFFERS), "opening_ids", Kind.IDS, "opening_id");
        add(FILTERS.get(Resource.OFFERS), "resolved_at", Kind.DATE, "resolved_at");
        add(FILTERS.get(Resource.OPENINGS), "opened_at", Kind.DATE, "opened_at");
        add(FILTERS.get(Resource.OPENINGS), "closed_at", Kind.DATE, "closed_at");
        add(FILTERS.get(Resource.OPENINGS), "opening_id", Kind.TEXT, "opening_id");
        add(FILTERS.get(Resource.JOBS), "opened_at", Kind.DATE, "opened_at");
        add(FILTERS.get(Resource.JOBS), "closed_at", Kind.DATE, "closed_at");
        add(FILTERS.get(Resource.USERS), "primary_email", Kind.TEXT, "primary_email");
        add(FILTERS.get(Resource.USERS), "deactivated", Kind.BOOLEAN, "deactivated");
        add(FILTERS.get(Resource.APPLICATIONS), "referrer_ids", Kind.IDS, "referrer_id");
        add(FILTERS.get(Resource.APPLICATIONS), "stage_name", Kind.TEXT, "stage_name");
        add(FILTERS.get(Resource.INTERVIEWS), "job_interview_ids", Kind.IDS, "job_interview_id");
        add(FILTERS.get(Resource.INTERVIEWS), "organizer_ids", Kind.IDS, "organizer_id");
        add(FILTERS.get(Resource.INTERVIEWS), "ends_at", Kind.DATE, "ends_at");
        add(FILTERS.get(Resource.SCORECARDS), "interview_kit_ids", Kind.IDS, "interview_kit_id");
        add(FILTERS.get(Resource.SCORECARDS), "interviewed_at", Kind.DATE, "interviewed_at");
        add(FILTERS.get(Resource.SCORECARDS), "submitted_at", Kind.DATE, "submitted_at");
        FILTERS.get(Resource.NOTES).put("type", new Filter("type", Kind.ENUM, "type", List.of("NOTE", "ACTIVITY",
                "INTERVIEW", "EMAIL", "FOLLOW_UP", "TAKE_HOME_TEST", "LINKEDIN_NOTE", "LINKEDIN_INMAIL",
                "AVAILABILITY_REQUEST", "MIGRATION_ERROR", "TOUCHPOINT", "FORM", "FEEDBACK")));
        FILTERS.get(Resource.NOTES).put("visibility", new Filter("visibility", Kind.ENUM, "visibility",
                List.of("admin_only_visible", "privately_visible", "publicly_visible")));

        m = FILTERS.get(Resource.OFFERS);
        add(m, "application_ids", Kind.IDS, "application_id");
        add(m, "candidate_ids", Kind.IDS, "candidate_id");
        add(m, "job_ids", Kind.IDS, "job_id");
        m.put("status", new Filter("status", Kind.ENUM, "status", List.of("Created", "Accepted", "Rejected",
                "Deprecated")));

        m = FILTERS.get(Resource.SCORECARDS);
        add(m, "application_ids", Kind.IDS, "application_id");
        add(m, "interviewer_ids", Kind.IDS, "interviewer_id");
        add(m, "submitter_ids", Kind.IDS, "submitter_id");
        m.put("status", new Filter("status", Kind.ENUM, "status", List.of("draft", "complete")));

        m = FILTERS.get(Resource.APPLIED_CANDIDATE_TAGS);
        add(m, "candidate_ids", Kind.IDS, "candidate_id");
        add(m, "candidate_tag_ids", Kind.IDS, "candidate_tag_id");

        AreaFilters.declare(FILTERS);
    }

    private ListFilters() {
    }

    private static void add(Map<String, Filter> m, String param, Kind kind, String field) {
        m.put(param, new Filter(param, kind, field, List.of()));
    }

    static Map<String, Filter> of(Resource r) {
        return FILTERS.get(r);
    }
}
