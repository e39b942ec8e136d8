package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.JsonFields;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the scheduled-interview kinds share ({@code /v3/interviews}, docs/greenhouse.md#writes): the checks of the
 * interview's details, the {@code interview} reference of updates and deletes, and the synced table
 * {@code gh_interviews}.
 */
abstract class GreenhouseInterviewKind implements OutboundKind {
    static final String STREAM = "interviews";
    /** Update and delete name an interview: a Greenhouse id or the interview_create item that made it. */
    static final Ref INTERVIEW = new Ref("interview", "interview_create");
    private static final Pattern REF = Pattern.compile("[1-9][0-9]{0,18}|outbox-[1-9][0-9]{0,18}");

    @Override
    public Optional<String> syncedStream() {
        return Optional.of(STREAM);
    }

    /** Location, video URL and panel, when given. */
    static void details(JsonNode p, ObjectNode out) {
        String location = PayloadFields.text(p, "location", false, 1000);
        if (location != null) {
            out.put("location", location);
        }
        String url = PayloadFields.text(p, "video_conferencing_url", false, 2000);
        if (url != null) {
            try {
                URI u = new URI(url);
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    throw new InvalidItem("video_conferencing_url", "must be an http(s) URL, not '" + url + "'");
                }
            } catch (URISyntaxException e) {
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
                        && PayloadFields.EMAIL.matcher(one.get("email").asText().trim()).matches()) {
                    list.addObject().put("email", one.get("email").asText().trim());
                } else {
                    throw new InvalidItem(field, "must be {\"user_id\": <id>} or "
                            + "{\"email\": \"<e-mail address>\"}");
                }
            }
        }
    }

    /** The {@code interview} field: a Greenhouse interview id or {@code outbox-<item id>}, as text. */
    static String ref(JsonNode p) {
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
}
