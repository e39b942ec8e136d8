package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The v3 writes (docs/greenhouse.md#writes): {@code POST /v3/notes}, {@code POST /v3/interviews}, {@code PATCH} and
 * {@code DELETE /v3/interviews/{id}}. The acting user is the token's {@code sub} (the integration service user without
 * one). Validation failures are 422 with a message that starts with the field name.
 */
final class HarvestWrites {
    private static final Map<String, String> VISIBILITY = Map.of(
            "admin_only", "admin_only_visible", "private", "privately_visible", "public", "publicly_visible");

    private final Organisation org;
    private final OrgChanges changes;

    HarvestWrites(Organisation org, OrgChanges changes) {
        this.org = org;
        this.changes = changes;
    }

    private long actingUser(TokenIssuer.Token token) {
        return token.subUserId() != null ? token.subUserId()
                : OrgGenerator.id(Resource.USERS, OrgGenerator.SERVICE_ACCOUNT);
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.harvest(422, field + " " + message);
    }

    private static ObjectNode object(SandboxRequest req) {
        JsonNode body = req.json();
        if (!body.isObject()) {
            throw ApiException.harvest(422, "body must be a JSON object");
        }
        return (ObjectNode) body;
    }

    private static long requiredId(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw invalid(field, "is required");
        }
        if (!v.canConvertToExactIntegral() || v.asLong() <= 0) {
            throw invalid(field, "must be a positive integer");
        }
        return v.asLong();
    }

    private static String requiredText(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw invalid(field, "is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw invalid(field, "must be a non-empty string");
        }
        return v.asText();
    }

    private static List<String> stringArray(ObjectNode body, String field, boolean mayBeEmpty) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw invalid(field, "is required for note_type EMAIL (an array" + (mayBeEmpty ? ", may be empty)" : ")"));
        }
        if (!v.isArray()) {
            throw invalid(field, "must be an array of e-mail addresses");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || !e.asText().contains("@")) {
                throw invalid(field, "must contain e-mail addresses only");
            }
            out.add(e.asText());
        }
        if (out.isEmpty() && !mayBeEmpty) {
            throw invalid(field, "must not be empty");
        }
        return out;
    }

    Reply createNote(SandboxRequest req, TokenIssuer.Token token) {
        HarvestHandler.requireScope(token, Scopes.NOTES_CREATE);
        ObjectNode body = object(req);
        long candidateId = requiredId(body, "candidate_id");
        JsonNode app = body.get("application_id");
        if (app != null && !app.isNull() && (!app.canConvertToExactIntegral() || app.asLong() <= 0)) {
            throw invalid("application_id", "must be a positive integer or null");
        }
        JsonNode typeNode = body.get("note_type");
        if (typeNode == null || typeNode.isNull()) {
            throw invalid("note_type", "is required");
        }
        String type = typeNode.asText();
        if (!List.of("NOTE", "EMAIL", "ACTIVITY").contains(type)) {
            // Greenhouse lists the values in lower case yet accepts upper case only (docs/greenhouse.md#writes)
            throw invalid("note_type", "is not included in the list: note, email, activity (send NOTE, EMAIL or ACTIVITY)");
        }
        String visibility = requiredText(body, "visibility");
        if (!VISIBILITY.containsKey(visibility)) {
            throw invalid("visibility", "must be one of admin_only, private, public");
        }
        String text = requiredText(body, "body");
        ObjectNode note = Json.object();
        note.put("candidate_id", candidateId);
        if (app == null || app.isNull()) {
            note.putNull("application_id");
        } else {
            note.put("application_id", app.asLong());
        }
        note.put("user_id", actingUser(token));
        note.put("type", type);
        note.put("body", text);
        note.putNull("body_with_tags");
        if (type.equals("EMAIL")) {
            String subject = requiredText(body, "subject");
            List<String> from = stringArray(body, "email_from", false);
            List<String> to = stringArray(body, "email_to", false);
            List<String> cc = stringArray(body, "email_cc", true);
            note.put("subject", subject);
            note.put("email_from", String.join(", ", from));
            note.put("email_to", String.join(", ", to));
            ArrayNode ccs = note.putArray("email_cc");
            cc.forEach(ccs::add);
        } else {
            note.putNull("subject");
            note.putNull("email_from");
            note.putNull("email_to");
            note.putArray("email_cc");
        }
        note.putNull("email_attachment_file_names");
        note.put("visibility", VISIBILITY.get(visibility));
        note.putNull("import_hash");
        return Reply.json(201, org.create(Resource.NOTES, note));
    }

    private static String timestamp(ObjectNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(field, "is required");
            }
            return null;
        }
        try {
            return Timeline.iso(OffsetDateTime.parse(v.asText()).toInstant().toEpochMilli());
        } catch (DateTimeParseException e) {
            throw invalid(field, "must be an ISO-8601 timestamp");
        }
    }

    private List<ObjectNode> interviewers(ObjectNode body) {
        JsonNode list = body.get("interviewers");
        List<ObjectNode> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw invalid("interviewers", "must be an array of {user_id} or {email}");
        }
        for (JsonNode i : list) {
            ObjectNode row = Json.object();
            if (i.hasNonNull("user_id")) {
                long u = i.get("user_id").asLong();
                ObjectNode user = org.get(Resource.USERS, u);
                if (user == null) {
                    throw invalid("interviewers", "user_id " + u + " does not exist");
                }
                row.put("user_id", u);
                row.set("email", user.get("primary_email"));
            } else if (i.hasNonNull("email") && i.get("email").asText().contains("@")) {
                row.putNull("user_id");
                row.put("email", i.get("email").asText());
            } else {
                throw invalid("interviewers", "each interviewer needs a user_id or an email");
            }
            row.put("response_status", i.path("response_status").asText("needs_action"));
            row.putNull("scorecard_id");
            out.add(row);
        }
        return out;
    }

    /** Adds the panel; each user on it gets a draft scorecard, as Greenhouse creates one per assigned interviewer. */
    private void addInterviewers(long interviewId, long applicationId, List<ObjectNode> panel) {
        for (ObjectNode row : panel) {
            ObjectNode r = Json.object();
            r.put("interview_id", interviewId);
            r.setAll(row);
            if (!row.path("user_id").isNull()) {
                r.put("scorecard_id", placeholderScorecard(applicationId, row.get("user_id").asLong()));
            }
            org.create(Resource.INTERVIEWERS, r);
        }
    }

    private long placeholderScorecard(long applicationId, long userId) {
        ObjectNode s = Json.object();
        s.put("application_id", applicationId);
        s.put("interviewer_id", userId);
        s.putNull("submitter_id");
        s.putNull("interview_kit_id");
        s.putNull("candidate_rating");
        s.put("status", "draft");
        s.putNull("interviewed_at");
        s.putNull("submitted_at");
        for (String notes : List.of("notes", "private_notes", "public_notes")) {
            s.putNull(notes);
            s.putNull(notes + "_with_tags");
        }
        return org.create(Resource.SCORECARDS, s).get("id").asLong();
    }

    Reply createInterview(SandboxRequest req, TokenIssuer.Token token) {
        HarvestHandler.requireScope(token, Scopes.INTERVIEWS_CREATE);
        ObjectNode body = object(req);
        long appId = requiredId(body, "application_id");
        ObjectNode app = org.get(Resource.APPLICATIONS, appId);
        if (app == null) {
            // a missing record is Greenhouse's 404 naming it (docs/greenhouse.md#errors), not a validation error
            throw notFound("Application " + appId + " not found (application_id)");
        }
        String external = requiredText(body, "external_event_id");
        String starts = timestamp(body, "starts_at", true);
        String ends = timestamp(body, "ends_at", true);
        if (ends.compareTo(starts) <= 0) {
            throw invalid("ends_at", "must be after starts_at");
        }
        JsonNode kit = body.get("job_interview_id");
        if (kit != null && !kit.isNull() && !kit.canConvertToExactIntegral()) {
            throw invalid("job_interview_id", "must be an integer");
        }
        List<ObjectNode> panel = interviewers(body);
        ObjectNode i = Json.object();
        i.put("application_id", appId);
        i.set("job_id", app.get("job_id"));
        if (kit == null || kit.isNull()) {
            i.putNull("job_interview_id");
        } else {
            i.put("job_interview_id", kit.asLong());
        }
        i.put("starts_at", starts);
        i.put("ends_at", ends);
        i.putNull("all_day_start_on");
        i.putNull("all_day_end_on");
        i.put("location", body.path("location").isTextual() ? body.get("location").asText() : null);
        i.put("video_conferencing_url", body.path("video_conferencing_url").isTextual()
                ? body.get("video_conferencing_url").asText() : null);
        i.put("external_event_id", external);
        i.put("organizer_id", actingUser(token));
        i.put("status", "scheduled");
        i.put("scheduled_at", org.now());
        i.putNull("availability_received_at");
        ObjectNode created = org.create(Resource.INTERVIEWS, i);
        addInterviewers(created.get("id").asLong(), appId, panel);
        return Reply.json(201, created);
    }

    private static ApiException notFound(String what) {
        return ApiException.of(404, Json.object().put("message", "Resource not found")
                .set("errors", Json.array().add(what)));
    }

    private ObjectNode existingInterview(long id) {
        ObjectNode i = org.get(Resource.INTERVIEWS, id);
        if (i == null) {
            throw notFound("Interview " + id + " not found");
        }
        return i;
    }

    Reply updateInterview(SandboxRequest req, TokenIssuer.Token token, long id) {
        HarvestHandler.requireScope(token, Scopes.INTERVIEWS_UPDATE);
        ObjectNode current = existingInterview(id);
        ObjectNode body = object(req);
        String starts = body.has("starts_at") ? timestamp(body, "starts_at", true) : current.path("starts_at").asText();
        String ends = body.has("ends_at") ? timestamp(body, "ends_at", true) : current.path("ends_at").asText();
        if (ends.compareTo(starts) <= 0) {
            throw invalid("ends_at", "must be after starts_at");
        }
        if (body.has("external_event_id")) {
            requiredText(body, "external_event_id");
        }
        List<ObjectNode> panel = body.has("interviewers") ? interviewers(body) : null;
        ObjectNode updated = org.update(Resource.INTERVIEWS, id, i -> {
            i.put("starts_at", starts);
            i.put("ends_at", ends);
            for (String f : List.of("location", "video_conferencing_url", "external_event_id")) {
                if (body.has(f)) {
                    i.set(f, body.get(f));
                }
            }
        });
        if (panel != null) {
            // the panel is replaced as a whole (docs/greenhouse.md#writes)
            for (long old : org.childIds(Resource.INTERVIEWERS, id)) {
                org.delete(Resource.INTERVIEWERS, old);
            }
            addInterviewers(id, current.path("application_id").asLong(), panel);
        }
        return Reply.json(200, updated);
    }

    Reply deleteInterview(TokenIssuer.Token token, long id) {
        HarvestHandler.requireScope(token, Scopes.INTERVIEWS_DESTROY);
        ObjectNode current = existingInterview(id);
        if (!OrgChanges.deletable(current)) {
            throw invalid("status", "is " + current.path("status").asText()
                    + "; an interview can only be deleted while scheduled or awaiting_feedback");
        }
        changes.deleteInterview(id);
        return Reply.empty(204);
    }
}
