package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Candidate Ingestion API under {@code /v1/partner/} (docs/greenhouse.md#candidate-ingestion): HTTP Basic with the
 * partner API key (empty password) and {@code On-Behalf-Of: <e-mail of a Greenhouse user>} on every request; missing or
 * unknown e-mail is 401, a deactivated user 403, and Basic-permission users cannot read candidates or make tracking
 * links (403). Errors are {@code {"errors":[{"message", "field"}]}}.
 */
final class IngestionHandler implements Handler {
    private final Organisation org;
    private final OrgGenerator gen;
    private final OrgChanges changes;
    private final String apiKey;
    private final String boardToken;
    private final Map<String, Long> usersByEmail = new HashMap<>();
    /** Candidates created through this API, with the partner's external_id. */
    private final Map<Long, String> externalIds = new ConcurrentHashMap<>();

    IngestionHandler(Organisation org, OrgChanges changes, String apiKey, String boardToken) {
        this.org = org;
        this.gen = org.generator();
        this.changes = changes;
        this.apiKey = apiKey;
        this.boardToken = boardToken;
        for (long u = 1; u <= gen.size(Resource.USERS); u++) {
            String email = gen.userEmail(u);
            if (!email.isEmpty()) {
                usersByEmail.put(email.toLowerCase(Locale.ROOT), u);
            }
        }
    }

    static ApiException error(int status, String message, String field) {
        ObjectNode e = Json.object().put("message", message);
        if (field == null) {
            e.putNull("field");
        } else {
            e.put("field", field);
        }
        return ApiException.of(status, Json.object().set("errors", Json.array().add(e)));
    }

    @Override
    public Reply handle(SandboxRequest req) {
        String[] basic = TokenIssuer.basic(req.header("Authorization"));
        if (basic == null || !basic[0].equals(apiKey)) {
            throw error(401, "Invalid Basic Auth credentials (use the partner API key as user name, empty password)", null);
        }
        String onBehalfOf = req.header("On-Behalf-Of");
        if (onBehalfOf == null || onBehalfOf.isBlank()) {
            throw error(401, "On-Behalf-Of header with a Greenhouse user's e-mail is required", "On-Behalf-Of");
        }
        Long userIndex = usersByEmail.get(onBehalfOf.trim().toLowerCase(Locale.ROOT));
        if (userIndex == null || !org.exists(Resource.USERS, OrgGenerator.id(Resource.USERS, userIndex))) {
            throw error(401, "No Greenhouse user with e-mail " + onBehalfOf, "On-Behalf-Of");
        }
        if (gen.isDeactivated(userIndex)) {
            throw error(403, "User " + onBehalfOf + " is deactivated", "On-Behalf-Of");
        }
        return route(req, userIndex, null);
    }

    /**
     * A request with a partner OAuth token (docs/greenhouse.md#ingestion-auth): it acts as the user who authorized,
     * On-Behalf-Of is not needed (and ignored), and each endpoint needs its scope.
     */
    Reply handleBearer(SandboxRequest req, TokenIssuer.Token token) {
        long userIndex = org.table(Resource.USERS).indexOf(token.subUserId());
        if (userIndex < 1 || gen.isDeactivated(userIndex)) {
            throw error(403, "The authorizing user is not an active user", null);
        }
        return route(req, userIndex, token.client().scopes());
    }

    /** Candidate Ingestion: Bearer tokens from /oauth/token go to their organisation, Basic keys to theirs. */
    static Reply dispatch(SandboxRequest req, Orgs orgs, TokenIssuer ingestionTokens) {
        String auth = req.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            TokenIssuer.Token t = ingestionTokens.check(auth);
            if (t == null) {
                throw error(401, "Invalid, expired or revoked access token", null);
            }
            return orgs.get(t.org()).ingestion.handleBearer(req, t);
        }
        return orgs.byPartnerKey(req).ingestion.handle(req);
    }

    /** {@code scopes}: the OAuth token's, or null for Basic auth (scopes do not apply to it). */
    private Reply route(SandboxRequest req, long userIndex, Set<String> scopes) {
        String route = req.method + " " + req.path.substring("/v1/partner/".length());
        return switch (route) {
            case "GET current_user" -> currentUser(userIndex);
            case "GET jobs" -> {
                requireScope(scopes, Scopes.INGESTION_JOBS_VIEW);
                yield jobs(userIndex);
            }
            case "GET candidates" -> {
                requireScope(scopes, Scopes.INGESTION_CANDIDATES_VIEW);
                yield candidates(req, userIndex);
            }
            case "POST candidates" -> {
                requireScope(scopes, Scopes.INGESTION_CANDIDATES_CREATE);
                yield createCandidates(req, userIndex);
            }
            case "GET prospect_pools" -> {
                requireScope(scopes, Scopes.INGESTION_PROSPECT_POOLS_VIEW);
                yield Reply.json(200, prospectPools());
            }
            case "POST tracking_link" -> trackingLink(req, userIndex);
            default -> throw error(404, "Not found: " + req.method + " " + req.path, null);
        };
    }

    private static void requireScope(Set<String> scopes, String scope) {
        if (scopes != null && !scopes.contains(scope)) {
            throw error(403, "Missing required scope: " + scope, null);
        }
    }

    private Reply currentUser(long userIndex) {
        ObjectNode u = org.get(Resource.USERS, OrgGenerator.id(Resource.USERS, userIndex));
        ObjectNode o = Json.object();
        o.set("full_name", u.get("name"));
        o.set("first_name", u.get("first_name"));
        o.set("last_name", u.get("last_name"));
        o.set("email", u.get("primary_email"));
        o.set("id", u.get("id"));
        return Reply.json(200, o);
    }

    private Reply jobs(long userIndex) {
        boolean basic = gen.permission(userIndex) == OrgGenerator.Permission.BASIC;
        Map<Long, Boolean> publicJobs = new HashMap<>();
        org.forEach(Resource.JOB_POSTS, p -> {
            if (p.path("live").asBoolean() && p.path("job_board_id").asLong() == OrgGenerator.EXTERNAL_BOARD_ID) {
                publicJobs.put(p.path("job_id").asLong(), true);
            }
        });
        ArrayNode out = Json.array();
        org.forEach(Resource.JOBS, j -> {
            long id = j.get("id").asLong();
            boolean isPublic = publicJobs.containsKey(id);
            if ("open".equals(j.path("status").asText()) && (!basic || isPublic)) {
                out.addObject().put("id", id).put("name", j.path("name").asText()).put("status", "open")
                        .put("public", isPublic);
            }
        });
        return Reply.json(200, out);
    }

    private void requireCanRead(long userIndex, String what) {
        if (gen.permission(userIndex) == OrgGenerator.Permission.BASIC) {
            throw error(403, "Users with Basic permissions cannot " + what, null);
        }
    }

    private Reply candidates(SandboxRequest req, long userIndex) {
        requireCanRead(userIndex, "retrieve candidates");
        String ids = req.query.get("candidate_ids");
        if (ids == null || ids.isBlank()) {
            throw error(422, "candidate_ids is required", "candidate_ids");
        }
        ArrayNode out = Json.array();
        for (String part : ids.split(",")) {
            long id;
            try {
                id = Long.parseLong(part.trim());
            } catch (NumberFormatException e) {
                throw error(422, "candidate_ids must be a comma-separated list of ids", "candidate_ids");
            }
            ObjectNode c = org.get(Resource.CANDIDATES, id);
            String external = externalIds.get(id);
            // only live candidates this partner created and still credited to the partner source
            // (docs/greenhouse.md#ingestion-status)
            if (c == null || external == null) {
                continue;
            }
            ArrayNode apps = Json.array();
            boolean credited = false;
            for (long appId : org.childIds(Resource.APPLICATIONS, id)) {
                ObjectNode a = org.get(Resource.APPLICATIONS, appId);
                credited |= a.path("source_id").asLong() == OrgGenerator.id(Resource.SOURCES, OrgGenerator.PARTNER_SOURCE);
                ObjectNode job = a.path("job_id").isNull() ? null : org.get(Resource.JOBS, a.path("job_id").asLong());
                ObjectNode row = apps.addObject();
                row.put("id", appId);
                row.put("job", job == null ? null : job.path("name").asText());
                row.put("status", status(a.path("status").asText()));
                row.set("stage", a.get("stage_name"));
                row.put("profile_url", profileUrl(id, appId));
            }
            if (!credited) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("id", id);
            o.put("name", c.path("first_name").asText() + " " + c.path("last_name").asText());
            o.put("external_id", external);
            o.set("applications", apps);
        }
        return Reply.json(200, out);
    }

    private static String status(String harvestStatus) {
        return switch (harvestStatus) {
            case "in_process" -> "Active";
            case "rejected" -> "Rejected";
            case "hired" -> "Hired";
            default -> "Converted";
        };
    }

    private static String profileUrl(long candidateId, long appId) {
        return "https://app.greenhouse.io/people/" + candidateId + "?application_id=" + appId;
    }

    private Reply createCandidates(SandboxRequest req, long userIndex) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(req.body);
        } catch (java.io.IOException e) {
            throw error(400, "Request body is not valid JSON", null);
        }
        if (body == null || !(body.isObject() || body.isArray())) {
            throw error(400, "Request body must be a candidate object or an array of them", null);
        }
        List<JsonNode> inputs = new java.util.ArrayList<>();
        if (body.isArray()) {
            body.forEach(inputs::add);
        } else {
            inputs.add(body);
        }
        for (JsonNode in : inputs) {
            validate(in);
        }
        ArrayNode out = Json.array();
        for (JsonNode in : inputs) {
            out.add(create((ObjectNode) in, userIndex));
        }
        return Reply.json(200, body.isArray() ? out : out.get(0));
    }

    private void validate(JsonNode in) {
        if (!in.isObject()) {
            throw error(422, "Each candidate must be an object", null);
        }
        for (String f : List.of("first_name", "last_name", "external_id")) {
            if (!in.hasNonNull(f) || in.get(f).asText().isBlank()) {
                throw error(422, f + " is required", f);
            }
        }
        boolean prospect = !in.has("prospect") || in.get("prospect").asBoolean(true);
        if (!prospect && !in.hasNonNull("job_id")) {
            throw error(422, "job_id is required when prospect is false", "job_id");
        }
        if (in.hasNonNull("job_id")) {
            ObjectNode job = org.get(Resource.JOBS, in.get("job_id").asLong());
            if (job == null || !"open".equals(job.path("status").asText())) {
                throw error(404, "Job " + in.get("job_id").asText() + " not found or not open", "job_id");
            }
        }
    }

    private ObjectNode create(ObjectNode in, long userIndex) {
        boolean prospect = !in.has("prospect") || in.get("prospect").asBoolean(true);
        ObjectNode fields = OrgChanges.candidateFields(in.get("first_name").asText(), in.get("last_name").asText(),
                in.path("company").isTextual() ? in.get("company").asText() : null,
                in.path("title").isTextual() ? in.get("title").asText() : null);
        copyList(in, "emails", "email", fields.withArray("email_addresses"), true);
        copyList(in, "phone_numbers", "phone_number", fields.withArray("phone_numbers"), true);
        copyList(in, "addresses", "address", fields.withArray("addresses"), true);
        copyList(in, "websites", "url", fields.withArray("website_addresses"), true);
        copyList(in, "social_media", "url", fields.withArray("social_media_addresses"), false);
        Long jobId = in.hasNonNull("job_id") ? in.get("job_id").asLong() : null;
        long userId = OrgGenerator.id(Resource.USERS, userIndex);
        OrgChanges.Created c = changes.createCandidate(fields, jobId, prospect, OrgGenerator.PARTNER_SOURCE, userId,
                null);
        long candidateId = c.candidate().get("id").asLong();
        long appId = c.application().get("id").asLong();
        externalIds.put(candidateId, in.get("external_id").asText());
        if (in.hasNonNull("notes") && !in.get("notes").asText().isBlank()) {
            ObjectNode note = Json.object();
            note.put("candidate_id", candidateId);
            note.put("application_id", appId);
            note.put("user_id", userId);
            note.put("type", "NOTE");
            note.put("body", in.get("notes").asText());
            note.putNull("body_with_tags");
            note.putNull("subject");
            note.putNull("email_from");
            note.putNull("email_to");
            note.putArray("email_cc");
            note.putNull("email_attachment_file_names");
            note.put("visibility", "publicly_visible");
            note.putNull("import_hash");
            org.create(Resource.NOTES, note);
        }
        ObjectNode o = Json.object();
        o.put("id", candidateId);
        o.put("application_id", appId);
        o.put("external_id", in.get("external_id").asText());
        o.put("profile_url", profileUrl(candidateId, appId));
        return o;
    }

    private static void copyList(JsonNode in, String from, String valueKey, ArrayNode to, boolean typed) {
        for (JsonNode item : in.path(from)) {
            ObjectNode o = to.addObject();
            o.put("value", item.path(valueKey).asText());
            if (typed) {
                o.put("type", item.path("type").asText("other"));
            }
        }
    }

    private static ArrayNode prospectPools() {
        ArrayNode pools = Json.array();
        String[][] names = {{"Future Engineering", "New", "Contacted", "Interested"},
            {"Sales Talent", "New", "Reached out", "Warm"}, {"Silver Medalists", "Keep in touch"}};
        for (int p = 0; p < names.length; p++) {
            ObjectNode pool = pools.addObject().put("id", 501 + p).put("name", names[p][0]);
            ArrayNode stages = pool.putArray("stages");
            for (int s = 1; s < names[p].length; s++) {
                stages.addObject().put("id", (501 + p) * 10 + s).put("name", names[p][s]);
            }
        }
        return pools;
    }

    private Reply trackingLink(SandboxRequest req, long userIndex) {
        requireCanRead(userIndex, "create tracking links");
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(req.body);
        } catch (java.io.IOException e) {
            throw error(400, "Request body is not valid JSON", null);
        }
        if (body == null || !body.hasNonNull("job_id")) {
            throw error(422, "job_id is required", "job_id");
        }
        long jobId = body.get("job_id").asLong();
        ObjectNode job = org.get(Resource.JOBS, jobId);
        if (job == null) {
            throw error(404, "Job " + jobId + " not found", "job_id");
        }
        long[] posts = org.childIds(Resource.JOB_POSTS, jobId);
        String token = Long.toHexString(Gen.hash(userIndex, 77, jobId));
        String link = posts.length == 0 ? "https://boards.greenhouse.io/" + boardToken + "?gh_src=" + token
                : "https://boards.greenhouse.io/" + boardToken + "/jobs/" + posts[0] + "?gh_src=" + token;
        ObjectNode user = org.get(Resource.USERS, OrgGenerator.id(Resource.USERS, userIndex));
        ObjectNode o = Json.object();
        o.put("tracking_link", link);
        o.putObject("job").put("id", jobId).set("name", job.get("name"));
        ObjectNode source = org.get(Resource.SOURCES, OrgGenerator.id(Resource.SOURCES, OrgGenerator.PARTNER_SOURCE));
        o.putObject("source").put("id", source.get("id").asLong()).set("name", source.get("name"));
        o.putObject("referrer").put("id", user.get("id").asLong()).set("name", user.get("name"));
        return Reply.json(200, o);
    }
}
