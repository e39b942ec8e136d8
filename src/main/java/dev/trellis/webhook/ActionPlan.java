package dev.trellis.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one Greenhouse webhook asks of the synced tables (docs/webhooks.md): records to mark deleted at once, and
 * records to re-read from Harvest v3 by {@code ids=} (or by a parent's ids) so the table holds the v3 record, not
 * the webhook's shape. Built from the action and the payload shapes of GH-docs {@code webhooks/_*_events.md}.
 */
record ActionPlan(String action, List<Target> deletes, List<Target> reads) {

    /** Ids of one stream: marked deleted, or re-read with {@code param=<ids>} ({@code ids} or a parent filter). */
    record Target(String stream, String param, long id) {
    }

    /** Deletions: the payload object holding the id, and the stream it is deleted from. */
    private static final Map<String, String[]> DELETIONS = Map.ofEntries(
            Map.entry("delete_application", new String[] {"application", "applications"}),
            Map.entry("interview_deleted", new String[] {"interview", "interviews"}),
            Map.entry("job_post_deleted", new String[] {"job_post", "job_posts"}),
            Map.entry("job_deleted", new String[] {"job", "jobs"}),
            Map.entry("scorecard_deleted", new String[] {"scorecard", "scorecards"}),
            Map.entry("offer_deleted", new String[] {"offer", "offers"}),
            Map.entry("department_deleted", new String[] {"department", "departments"}),
            Map.entry("office_deleted", new String[] {"office", "offices"}),
            Map.entry("job_interview_stage_deleted", new String[] {"job_interview_stage", "job_interview_stages"}));

    /** Actions whose payload is {@code {application: {id, candidate: {id}}}}. */
    private static final Set<String> APPLICATION_EVENTS = Set.of("new_candidate_application",
            "new_prospect_application", "application_updated", "candidate_stage_change", "reject_candidate",
            "unreject_candidate", "hire_candidate", "unhire_candidate");

    private static final Set<String> OFFER_EVENTS = Set.of("offer_created", "offer_approved", "offer_updated");
    private static final Set<String> JOB_EVENTS = Set.of("job_created", "job_updated", "job_approved");
    private static final Set<String> JOB_POST_EVENTS = Set.of("job_post_created", "job_post_updated");

    /** Every action with a plan (metrics tag others as "other"). */
    static boolean known(String action) {
        return DELETIONS.containsKey(action) || APPLICATION_EVENTS.contains(action) || OFFER_EVENTS.contains(action)
                || JOB_EVENTS.contains(action) || JOB_POST_EVENTS.contains(action) || action.equals("delete_candidate")
                || action.equals("merge_candidate") || action.equals("update_candidate")
                || action.equals("candidate_anonymized");
    }

    /** The plan of a delivery; an action Trellis does not know has an empty plan. */
    static ActionPlan of(String action, JsonNode payload) {
        List<Target> deletes = new ArrayList<>();
        List<Target> reads = new ArrayList<>();
        String[] deletion = DELETIONS.get(action);
        if (deletion != null) {
            deletes.add(new Target(deletion[1], "ids", id(payload, deletion[0], "id")));
        } else if (action.equals("delete_candidate")) {
            deletes.add(new Target("candidates", "ids", id(payload, "person", "id")));
            for (long app : ids(payload, "person", "deleted_application_ids")) {
                deletes.add(new Target("applications", "ids", app));
            }
        } else if (action.equals("merge_candidate")) {
            // the losing record is gone; the winner now holds its applications, so they are read by candidate
            deletes.add(new Target("candidates", "ids", id(payload, "person", "id")));
            for (long app : ids(payload, "person", "deleted_application_ids")) {
                deletes.add(new Target("applications", "ids", app));
            }
            long winner = id(payload, "person", "new_candidate_id");
            reads.add(new Target("candidates", "ids", winner));
            reads.add(new Target("applications", "candidate_ids", winner));
        } else if (action.equals("update_candidate")) {
            reads.add(new Target("candidates", "ids", id(payload, "candidate", "id")));
        } else if (action.equals("candidate_anonymized")) {
            // anonymising rewrites the candidate and what hangs off it: read both again
            long candidate = topId(payload, "candidate_id");
            reads.add(new Target("candidates", "ids", candidate));
            reads.add(new Target("applications", "candidate_ids", candidate));
        } else if (APPLICATION_EVENTS.contains(action)) {
            long app = id(payload, "application", "id");
            reads.add(new Target("applications", "ids", app));
            reads.add(new Target("application_stages", "application_ids", app));
            JsonNode candidate = payload.path("application").path("candidate").path("id");
            if (candidate.canConvertToLong() && candidate.asLong() > 0) {
                reads.add(new Target("candidates", "ids", candidate.asLong()));
            }
        } else if (OFFER_EVENTS.contains(action)) {
            // offer events carry the offer flat; accept it wrapped too
            JsonNode offer = payload.has("offer") ? payload.get("offer") : payload;
            reads.add(new Target("offers", "ids", id(offer.path("id"), payload.has("offer") ? "payload.offer.id"
                    : "payload.id")));
            JsonNode app = offer.path("application_id");
            if (app.canConvertToLong() && app.asLong() > 0) {
                reads.add(new Target("applications", "ids", app.asLong()));
            }
        } else if (JOB_EVENTS.contains(action)) {
            reads.add(new Target("jobs", "ids", id(payload, "job", "id")));
        } else if (JOB_POST_EVENTS.contains(action)) {
            // Greenhouse sends these flat (the post is the payload); accept the wrapped form too
            JsonNode post = payload.has("job_post") ? payload.get("job_post") : payload;
            reads.add(new Target("job_posts", "ids", id(post.path("id"), payload.has("job_post")
                    ? "payload.job_post.id" : "payload.id")));
        }
        return new ActionPlan(action, List.copyOf(deletes), List.copyOf(reads));
    }

    /** 'delete' (applied at once), 'read' (needs Greenhouse), 'none' (nothing to do: unknown action). */
    String kind() {
        return !reads.isEmpty() ? "read" : !deletes.isEmpty() ? "delete" : "none";
    }

    private static long id(JsonNode payload, String object, String field) {
        return id(payload.path(object).path(field), "payload." + object + "." + field);
    }

    private static long topId(JsonNode payload, String field) {
        return id(payload.path(field), "payload." + field);
    }

    private static long id(JsonNode node, String name) {
        if (!node.isIntegralNumber() && !(node.isTextual() && node.asText().matches("[0-9]{1,18}"))) {
            throw new BadDelivery("Field '" + name + "' must be a Greenhouse id (a positive whole number)"
                    + (node.isMissingNode() ? ", and it is missing" : ""));
        }
        long id = node.asLong();
        if (id <= 0) {
            throw new BadDelivery("Field '" + name + "' must be a Greenhouse id (a positive whole number)");
        }
        return id;
    }

    private static List<Long> ids(JsonNode payload, String object, String field) {
        JsonNode list = payload.path(object).path(field);
        String name = "payload." + object + "." + field;
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new BadDelivery("Field '" + name + "' must be a list of Greenhouse ids");
        }
        List<Long> out = new ArrayList<>();
        for (JsonNode item : list) {
            out.add(id(item, name + "[]"));
        }
        return out;
    }
}
