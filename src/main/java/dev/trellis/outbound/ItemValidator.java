package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import dev.trellis.api.JsonFields;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an item's payload against its kind and returns it normalised (defaults filled, times in UTC, single
 * addresses as lists). The same check runs when the REST API or a route accepts an item and when the dispatcher
 * picks up a row that was inserted by SQL, so a bad row fails with the same message naming the field. Ids are read
 * by {@link JsonFields} (JSON integers in 1..2^63-1 only), and no string may hold a NUL or a lone surrogate.
 */
public final class ItemValidator {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>(),;:\"]+@[^@\\s<>(),;:\"]+\\.[^@\\s<>(),;:\".]+");
    private static final Pattern REF = Pattern.compile("[1-9][0-9]{0,18}|outbox-[1-9][0-9]{0,18}");
    /** Greenhouse's write values (docs/greenhouse.md#writes); the read values are *_visible. */
    public static final List<String> VISIBILITIES = List.of("admin_only", "private", "public");
    /**
     * Greenhouse's own default on create (docs/greenhouse.md#writes), so an item without one is as private as a
     * Greenhouse note.
     */
    public static final String DEFAULT_VISIBILITY = "admin_only";

    private static final Map<Kind, Set<String>> FIELDS = Map.of(
            Kind.note, Set.of("candidate_id", "application_id", "body", "visibility"),
            Kind.email, Set.of("candidate_id", "application_id", "body", "visibility", "subject", "from", "to", "cc"),
            Kind.interview_create, Set.of("application_id", "external_event_id", "starts_at", "ends_at",
                    "job_interview_id", "location", "video_conferencing_url", "interviewers"),
            Kind.interview_update, Set.of("interview", "external_event_id", "starts_at", "ends_at", "location",
                    "video_conferencing_url", "interviewers"),
            Kind.interview_delete, Set.of("interview"),
            // POST /v1/partner/candidates (docs/greenhouse.md#ingestion-endpoints)
            Kind.ingest_candidate, Set.of("prospect", "job_id", "first_name", "last_name", "external_id", "company",
                    "title", "resume", "phone_numbers", "emails", "addresses", "social_media", "websites", "referrer",
                    "notes", "prospect_pool_id", "prospect_pool_stage_id", "prospect_owner_email"));
    private static final Set<String> LISTS = Set.of("phone_numbers", "emails", "addresses", "social_media", "websites");

    private ItemValidator() {
    }

    public static ObjectNode validate(Kind kind, JsonNode payload) {
        try {
            return checked(kind, payload);
        } catch (InvalidItem e) {
            throw e;
        } catch (BadField e) {
            // the shared readers name the field the same way; callers (the dispatcher too) expect an InvalidItem
            throw new InvalidItem(e.field(), e.problem());
        }
    }

    private static ObjectNode checked(Kind kind, JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidItem("payload", "must be a JSON object");
        }
        for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.get(kind).contains(f)) {
                throw new InvalidItem(f, "is not a field of a " + kind + " item (fields: "
                        + String.join(", ", FIELDS.get(kind).stream().sorted().toList()) + ")");
            }
        }
        JsonBody.checkText(payload, "");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        switch (kind) {
            case note, email -> note(kind, payload, out);
            case interview_create -> {
                out.put("application_id", id(payload, "application_id", true));
                out.put("external_event_id", text(payload, "external_event_id", true, 255));
                String starts = time(payload, "starts_at", true);
                String ends = time(payload, "ends_at", true);
                order(starts, ends);
                out.put("starts_at", starts);
                out.put("ends_at", ends);
                Long kit = id(payload, "job_interview_id", false);
                if (kit != null) {
                    out.put("job_interview_id", kit);
                }
                interviewDetails(payload, out);
            }
            case interview_update -> {
                out.put("interview", ref(payload));
                if (payload.has("external_event_id")) {
                    out.put("external_event_id", text(payload, "external_event_id", true, 255));
                }
                String starts = time(payload, "starts_at", false);
                String ends = time(payload, "ends_at", false);
                if (starts != null && ends != null) {
                    order(starts, ends);
                }
                if (starts != null) {
                    out.put("starts_at", starts);
                }
                if (ends != null) {
                    out.put("ends_at", ends);
                }
                interviewDetails(payload, out);
                if (out.size() == 1) {
                    throw new InvalidItem("payload", "has nothing to update: give starts_at, ends_at, location, "
                            + "video_conferencing_url, interviewers or external_event_id");
                }
            }
            case interview_delete -> out.put("interview", ref(payload));
            case ingest_candidate -> candidate(payload, out);
        }
        return out;
    }

    private static void note(Kind kind, JsonNode p, ObjectNode out) {
        out.put("candidate_id", id(p, "candidate_id", true));
        Long app = id(p, "application_id", false);
        if (app != null) {
            out.put("application_id", app);
        }
        if (kind == Kind.email) {
            out.put("subject", text(p, "subject", true, 1000));
        }
        out.put("body", text(p, "body", true, 1_000_000));
        String visibility = text(p, "visibility", false, 20);
        if (visibility != null && !VISIBILITIES.contains(visibility)) {
            throw new InvalidItem("visibility", "must be one of " + String.join(", ", VISIBILITIES) + ", not '"
                    + visibility + "'");
        }
        out.put("visibility", visibility == null ? DEFAULT_VISIBILITY : visibility);
        if (kind == Kind.email) {
            ArrayNode from = addresses(p, "from", true);
            if (from.size() != 1) {
                throw new InvalidItem("from", "must be one e-mail address");
            }
            out.put("from", from.get(0).asText());
            out.set("to", addresses(p, "to", true));
            out.set("cc", p.has("cc") && !p.get("cc").isNull() ? addresses(p, "cc", false)
                    : JsonNodeFactory.instance.arrayNode());
        }
    }

    /** A candidate or prospect for Candidate Ingestion; lists and the referrer are passed on as given. */
    private static void candidate(JsonNode p, ObjectNode out) {
        JsonNode prospectNode = p.get("prospect");
        if (prospectNode != null && !prospectNode.isNull() && !prospectNode.isBoolean()) {
            throw new InvalidItem("prospect", "must be true or false, not " + prospectNode);
        }
        // Greenhouse's default is a prospect (docs/greenhouse.md#ingestion-endpoints)
        boolean prospect = prospectNode == null || prospectNode.isNull() || prospectNode.asBoolean();
        out.put("prospect", prospect);
        Long job = id(p, "job_id", !prospect);
        if (job != null) {
            out.put("job_id", job);
        }
        out.put("first_name", text(p, "first_name", true, 255));
        out.put("last_name", text(p, "last_name", true, 255));
        out.put("external_id", text(p, "external_id", true, 255));
        for (String f : List.of("company", "title", "notes")) {
            String v = text(p, f, false, f.equals("notes") ? 100_000 : 255);
            if (v != null) {
                out.put(f, v);
            }
        }
        String resume = text(p, "resume", false, 2000);
        if (resume != null) {
            if (!resume.startsWith("https://") && !resume.startsWith("http://")) {
                throw new InvalidItem("resume", "must be a URL Greenhouse can fetch, not '" + resume + "'");
            }
            out.put("resume", resume);
        }
        for (String f : LISTS) {
            JsonNode v = p.get(f);
            if (v != null && !v.isNull()) {
                if (!v.isArray() || !iterable(v).stream().allMatch(JsonNode::isObject)) {
                    throw new InvalidItem(f, "must be an array of objects");
                }
                out.set(f, v.deepCopy());
            }
        }
        JsonNode referrer = p.get("referrer");
        if (referrer != null && !referrer.isNull()) {
            if (!referrer.isObject() || !referrer.hasNonNull("email")) {
                throw new InvalidItem("referrer", "must be {\"email\": ..., \"first_name\": ..., \"last_name\": ...}");
            }
            out.set("referrer", referrer.deepCopy());
        }
        for (String f : List.of("prospect_pool_id", "prospect_pool_stage_id")) {
            Long v = id(p, f, false);
            if (v != null) {
                out.put(f, v);
            }
        }
        String owner = text(p, "prospect_owner_email", false, 255);
        if (owner != null) {
            if (!prospect) {
                throw new InvalidItem("prospect_owner_email", "is for prospects only (prospect is false)");
            }
            if (!EMAIL.matcher(owner.trim()).matches()) {
                throw new InvalidItem("prospect_owner_email", "must be an e-mail address, not '" + owner + "'");
            }
            out.put("prospect_owner_email", owner.trim());
        }
    }

    private static void interviewDetails(JsonNode p, ObjectNode out) {
        String location = text(p, "location", false, 1000);
        if (location != null) {
            out.put("location", location);
        }
        String url = text(p, "video_conferencing_url", false, 2000);
        if (url != null) {
            try {
                URI u = new URI(url);
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    throw new InvalidItem("video_conferencing_url", "must be an http(s) URL, not '" + url + "'");
                }
            } catch (java.net.URISyntaxException e) {
                throw new InvalidItem("video_conferencing_url", "must be an http(s) URL, not '" + url + "'");
            }
            out.put("video_conferencing_url", url);
        }
        JsonNode panel = p.get("interviewers");
        if (panel != null && !panel.isNull()) {
            if (!panel.isArray()) {
                throw new InvalidItem("interviewers", "must be an array of {\"user_id\": n} or {\"email\": \"...\"}");
            }
            ArrayNode list = out.putArray("interviewers");
            for (int i = 0; i < panel.size(); i++) {
                JsonNode one = panel.get(i);
                String field = "interviewers[" + i + "]";
                if (one.isObject() && one.has("user_id") && one.size() == 1) {
                    list.addObject().put("user_id", JsonFields.id(one.get("user_id"), field + ".user_id"));
                } else if (one.hasNonNull("email") && one.size() == 1 && one.get("email").isTextual()
                        && EMAIL.matcher(one.get("email").asText().trim()).matches()) {
                    list.addObject().put("email", one.get("email").asText().trim());
                } else {
                    throw new InvalidItem(field, "must be {\"user_id\": <id>} or "
                            + "{\"email\": \"<e-mail address>\"}");
                }
            }
        }
    }

    private static String ref(JsonNode p) {
        JsonNode v = p.get("interview");
        if (v == null || v.isNull()) {
            throw new InvalidItem("interview", "is required: a Greenhouse interview id or outbox-<item id>");
        }
        if (v.isNumber()) {
            return Long.toString(JsonFields.id(v, "interview"));
        }
        // a ref is text in the REST path, so a string of digits is taken here (and only here)
        String ref = v.isTextual() ? v.asText().trim() : "";
        if (!REF.matcher(ref).matches() || !fitsLong(ref.substring(ref.lastIndexOf('-') + 1))) {
            throw new InvalidItem("interview", "must be a Greenhouse interview id or outbox-<item id> (ids from 1 to "
                    + Long.MAX_VALUE + "), not " + v);
        }
        return ref;
    }

    private static boolean fitsLong(String digits) {
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void order(String starts, String ends) {
        if (!Instant.parse(ends).isAfter(Instant.parse(starts))) {
            throw new InvalidItem("ends_at", "must be after starts_at (" + ends + " is not after " + starts + ")");
        }
    }

    private static Long id(JsonNode p, String field, boolean required) {
        return JsonFields.id(p, field, required);
    }

    private static String text(JsonNode p, String field, boolean required, int max) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidItem(field, "is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidItem(field, "must be a non-empty string");
        }
        if (v.asText().length() > max) {
            throw new InvalidItem(field, "is longer than " + max + " characters");
        }
        return v.asText();
    }

    private static String time(JsonNode p, String field, boolean required) {
        String v = text(p, field, required, 64);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.trim()).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw new InvalidItem(field, "must be an ISO-8601 time with an offset, e.g. 2026-12-01T14:00:00Z, not '"
                    + v + "'");
        }
    }

    /** One address as a string, or several as an array; every one must look like an e-mail address. */
    private static ArrayNode addresses(JsonNode p, String field, boolean required) {
        JsonNode v = p.get(field);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidItem(field, "is required (an e-mail address, or an array of them)");
            }
            return out;
        }
        List<JsonNode> values = v.isArray() ? iterable(v) : List.of(v);
        for (JsonNode e : values) {
            String address = e.isTextual() ? e.asText().trim() : null;
            if (address == null || !EMAIL.matcher(address).matches()) {
                throw new InvalidItem(field, "must hold e-mail addresses only, and " + e + " is not one");
            }
            out.add(address);
        }
        if (out.isEmpty() && required) {
            throw new InvalidItem(field, "must hold at least one e-mail address");
        }
        return out;
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
