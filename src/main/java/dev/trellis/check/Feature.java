package dev.trellis.check;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Trellis does for a tenant, and the permissions each thing needs: the one table the check, the pauses and the
 * fix text are read from. A permission is a Harvest v3 scope (docs/greenhouse.md#scopes) with the old Harvest
 * permission name that vendors' setup guides still use (same section), or a non-Harvest requirement (Candidate
 * Ingestion, Job Board, webhooks).
 */
public enum Feature {
    /** One per stream route (sync:&lt;stream&gt;); its permission is the list scope of the stream's resource. */
    SYNC("sync", "Sync of a Harvest stream into PostgreSQL", List.of()),
    NOTES("notes", "Notes written back to Greenhouse", List.of(
            new Need("harvest:notes:create", "POST: Add Note", "notes are not written to candidates' activity feeds"))),
    EMAILS("emails", "E-mails logged on candidates in Greenhouse", List.of(
            new Need("harvest:notes:create", "POST: Add Email", "e-mails are not logged on candidates"))),
    INTERVIEWS("interviews", "Interviews recorded, moved and cancelled in Greenhouse", List.of(
            new Need("harvest:interviews:create", "POST: Create Scheduled Interview",
                    "new interviews are not recorded in Greenhouse"),
            new Need("harvest:interviews:update", "PATCH: Update Scheduled Interview",
                    "moved or re-staffed interviews keep their old time and panel in Greenhouse"),
            new Need("harvest:interviews:destroy", "DELETE: Delete Scheduled Interview",
                    "cancelled interviews stay scheduled in Greenhouse"))),
    INGESTION("ingestion", "Candidates pushed in through Candidate Ingestion", List.of(
            new Need("ingestion:credentials", null,
                    "nothing reaches Greenhouse through Candidate Ingestion (the API key or the user e-mail is refused)"),
            new Need("ingestion:candidates.create", null, "sourced candidates are not created in Greenhouse"),
            new Need("ingestion:candidates.view", null,
                    "the status and stage of pushed candidates cannot be read back"),
            new Need("ingestion:jobs.view", null, "the jobs a candidate can be pushed to cannot be listed"))),
    JOB_BOARD("job-board", "The public Job Board", List.of(
            new Need("job-board:token", null, "job posts of the board cannot be read"))),
    WEBHOOKS("webhooks", "Greenhouse webhooks received and verified", List.of(
            new Need("webhooks:secret", null, "webhook signatures cannot be verified, so every delivery is refused")));

    /** One permission a feature needs, the name setup guides use for it (null if none), and what stops without it. */
    public record Need(String permission, String harvestName, String impact) {
    }

    private final String id;
    private final String title;
    private final List<Need> needs;

    Feature(String id, String title, List<Need> needs) {
        this.id = id;
        this.title = title;
        this.needs = needs;
    }

    /** The id used in configuration, the API and the outbox, e.g. {@code notes}. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** The permissions (for {@link #SYNC}: see {@link #syncNeed}). */
    public List<Need> needs() {
        return needs;
    }

    /**
     * Old Harvest permission names of the v3 list scopes the streams read (a stream of a resource not named here is
     * shown as "GET: List &lt;Resource&gt;"). Hiring team, openings: part of the job in v1; stage history and notes:
     * the activity feed (docs/greenhouse.md#scopes).
     */
    static final Map<String, String> LIST_NAMES = Map.ofEntries(
            Map.entry("applications", "GET: List Applications"),
            Map.entry("candidates", "GET: List Candidates"),
            Map.entry("users", "GET: List Users"),
            Map.entry("jobs", "GET: List Jobs"),
            Map.entry("job_posts", "GET: List Job Posts"),
            Map.entry("job_interview_stages", "GET: List Job Stages"),
            Map.entry("application_stages", "GET: Retrieve Activity Feed"),
            Map.entry("notes", "GET: Retrieve Activity Feed"),
            Map.entry("interviews", "GET: List Scheduled Interviews"),
            Map.entry("interviewers", "GET: List Scheduled Interviews"),
            Map.entry("offices", "GET: List Offices"),
            Map.entry("departments", "GET: List Departments"),
            Map.entry("sources", "GET: List Sources"),
            Map.entry("rejection_reasons", "GET: List Rejection Reasons"),
            Map.entry("offers", "GET: List Offers"),
            Map.entry("scorecards", "GET: List Scorecards"),
            Map.entry("job_owners", "GET: List Jobs (hiring team)"),
            Map.entry("job_hiring_managers", "GET: List Jobs (hiring team)"),
            Map.entry("openings", "GET: List Job Openings"),
            Map.entry("custom_fields", "GET: List Custom Fields"),
            Map.entry("custom_field_options", "GET: List Custom Field Options"),
            Map.entry("candidate_tags", "GET: List Candidate Tags"),
            Map.entry("applied_candidate_tags", "GET: List tags applied to candidate"));

    /** The feature id of one stream, e.g. {@code sync:candidates}: what disabled-features and pauses name. */
    public static String syncId(String stream) {
        return "sync:" + stream;
    }

    /** The permission of the stream {@code stream} reading {@code /v3/<resource>}. */
    public static Need syncNeed(String stream, String resource, String table) {
        String name = LIST_NAMES.getOrDefault(resource, "GET: List " + title(resource));
        return new Need("harvest:" + resource + ":list", name, table + " stops updating (stream " + stream
                + " is paused)");
    }

    private static String title(String resource) {
        StringBuilder out = new StringBuilder();
        for (String word : resource.split("_")) {
            out.append(out.length() == 0 ? "" : " ").append(word.substring(0, 1).toUpperCase(Locale.ROOT))
                    .append(word.substring(1));
        }
        return out.toString();
    }

    /** The feature of an id: {@code notes}, or {@code sync} for {@code sync:<stream>}. */
    public static Feature of(String featureId) {
        String base = featureId.startsWith("sync:") ? "sync" : featureId;
        for (Feature f : values()) {
            if (f.id.equals(base)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown feature '" + featureId + "' (known: sync:<stream>, notes, emails, "
                + "interviews, ingestion, job-board, webhooks)");
    }
}
