package dev.trellis.sandbox;

import java.util.Locale;

/**
 * The Harvest v3 list resources the sandbox serves ({@code GET /v3/<path>}), with the id range they are
 * generated in and the parent they hang from (children of one parent have contiguous generated ids).
 */
public enum Resource {
    USERS("users", 100_000L, null, null),
    OFFICES("offices", 10_000L, null, null),
    DEPARTMENTS("departments", 20_000L, null, null),
    SOURCES("sources", 30_000L, null, null),
    REJECTION_REASONS("rejection_reasons", 40_000L, null, null),
    CUSTOM_FIELDS("custom_fields", 50_000L, null, null),
    CUSTOM_FIELD_OPTIONS("custom_field_options", 60_000L, "CUSTOM_FIELDS", "custom_field_id"),
    CANDIDATE_TAGS("candidate_tags", 70_000L, null, null),
    JOBS("jobs", 2_000_000L, null, null),
    JOB_POSTS("job_posts", 3_000_000L, "JOBS", "job_id"),
    JOB_INTERVIEW_STAGES("job_interview_stages", 4_000_000L, "JOBS", "job_id"),
    JOB_OWNERS("job_owners", 5_000_000L, "JOBS", "job_id"),
    JOB_HIRING_MANAGERS("job_hiring_managers", 6_000_000L, "JOBS", "job_id"),
    OPENINGS("openings", 7_000_000L, "JOBS", "job_id"),
    CANDIDATES("candidates", 10_000_000L, null, null),
    APPLICATIONS("applications", 200_000_000L, "CANDIDATES", "candidate_id"),
    APPLICATION_STAGES("application_stages", 400_000_000L, "APPLICATIONS", "application_id"),
    INTERVIEWS("interviews", 700_000_000L, "APPLICATIONS", "application_id"),
    INTERVIEWERS("interviewers", 800_000_000L, "INTERVIEWS", "interview_id"),
    SCORECARDS("scorecards", 900_000_000L, "APPLICATIONS", "application_id"),
    OFFERS("offers", 1_000_000_000L, "APPLICATIONS", "application_id"),
    NOTES("notes", 1_100_000_000L, "CANDIDATES", "candidate_id"),
    APPLIED_CANDIDATE_TAGS("applied_candidate_tags", 1_300_000_000L, "CANDIDATES", "candidate_id");

    private final String path;
    private final long idBase;
    private final String parentName;
    private final String parentField;

    Resource(String path, long idBase, String parentName, String parentField) {
        this.path = path;
        this.idBase = idBase;
        this.parentName = parentName;
        this.parentField = parentField;
    }

    /** The path segment and the name used in scopes, e.g. {@code candidates}. */
    public String path() {
        return path;
    }

    /** Generated record {@code i} (1-based) has id {@code idBase + i}. */
    long idBase() {
        return idBase;
    }

    /** The parent resource, or null for a root. */
    Resource parent() {
        return parentName == null ? null : Resource.valueOf(parentName);
    }

    /** The field that holds the parent id, or null. */
    String parentField() {
        return parentField;
    }

    /** The scope needed to list this resource, e.g. {@code harvest:candidates:list}. */
    public String listScope() {
        return "harvest:" + path + ":list";
    }

    /** The resource for a path segment, or null. */
    public static Resource fromPath(String path) {
        for (Resource r : values()) {
            if (r.path.equals(path)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return path.toLowerCase(Locale.ROOT);
    }
}
