package dev.trellis.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Every shipped kind refuses a bad payload naming the field, and normalises a good one. */
class ItemValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OutboundKinds KINDS = OutboundKinds.load();

    private static ObjectNode valid(String kind, String payload) throws Exception {
        return ItemValidator.validate(KINDS.find(kind).orElseThrow(), JSON.readTree(payload));
    }

    /** Asserts the refusal names {@code field} and says {@code problem}. */
    private static void refused(String kind, String payload, String field, String problem) throws Exception {
        JsonNode p = JSON.readTree(payload);
        InvalidItem e = assertThrows(InvalidItem.class, () -> ItemValidator.validate(KINDS.find(kind).orElseThrow(), p),
                kind + " " + payload);
        assertEquals(field, e.field(), kind + " " + payload + ": " + e.getMessage());
        assertTrue(e.problem().contains(problem), kind + " " + payload + ": " + e.getMessage());
    }

    @Test
    void everyKindRefusesWhatIsNotAnObjectAndFieldsItDoesNotHave() throws Exception {
        for (OutboundKind kind : KINDS.all()) {
            refused(kind.name(), "[1]", "payload", "must be a JSON object");
            refused(kind.name(), "{\"colour\": \"red\"}", "colour", "is not a field of a " + kind.name()
                    + " item (fields: " + String.join(", ", kind.fields().stream().sorted().toList()) + ")");
        }
        InvalidItem e = assertThrows(InvalidItem.class, () -> ItemValidator.validate(KINDS.find("note").orElseThrow(),
                null));
        assertEquals("payload", e.field());
    }

    @Test
    void textPostgresCannotStoreIsRefusedNamingTheField() throws Exception {
        refused("note", "{\"candidate_id\": 1, \"body\": \"a\\u0000b\"}", "body", "NUL");
        refused("email", "{\"candidate_id\": 1, \"subject\": \"s\", \"body\": \"b\", \"from\": \"a@b.io\","
                + " \"to\": [\"c@d.io\", \"x\\ud800@d.io\"]}", "to[1]", "surrogate");
    }

    @Test
    void note() throws Exception {
        ObjectNode ok = valid("note", "{\"candidate_id\": 5, \"body\": \"hello\"}");
        assertEquals("{\"candidate_id\":5,\"body\":\"hello\",\"visibility\":\"admin_only\"}", ok.toString(),
                "Greenhouse's own default visibility filled in");
        refused("note", "{\"body\": \"x\"}", "candidate_id", "is required");
        refused("note", "{\"candidate_id\": \"5\", \"body\": \"x\"}", "candidate_id", "must be an id");
        refused("note", "{\"candidate_id\": 0, \"body\": \"x\"}", "candidate_id", "must be an id");
        refused("note", "{\"candidate_id\": 5, \"application_id\": 1.5, \"body\": \"x\"}", "application_id",
                "must be an id");
        refused("note", "{\"candidate_id\": 5}", "body", "is required");
        refused("note", "{\"candidate_id\": 5, \"body\": \"  \"}", "body", "must be a non-empty string");
        refused("note", "{\"candidate_id\": 5, \"body\": \"x\", \"visibility\": \"everyone\"}", "visibility",
                "must be one of admin_only, private, public, not 'everyone'");
    }

    @Test
    void email() throws Exception {
        String good = "\"candidate_id\": 5, \"body\": \"b\", \"subject\": \"Hi\"";
        ObjectNode ok = valid("email", "{" + good + ", \"from\": \" a@b.io \", \"to\": \"c@d.io\"}");
        assertEquals("a@b.io", ok.get("from").asText());
        assertEquals("[\"c@d.io\"]", ok.get("to").toString(), "one address becomes a list");
        assertEquals("[]", ok.get("cc").toString());
        refused("email", "{\"candidate_id\": 5, \"body\": \"b\", \"from\": \"a@b.io\", \"to\": \"c@d.io\"}",
                "subject", "is required");
        refused("email", "{" + good + ", \"to\": \"c@d.io\"}", "from", "is required");
        refused("email", "{" + good + ", \"from\": [\"a@b.io\", \"e@f.io\"], \"to\": \"c@d.io\"}", "from",
                "must be one e-mail address");
        refused("email", "{" + good + ", \"from\": \"a@b.io\", \"to\": [\"c@d.io\", \"not an address\"]}", "to",
                "\"not an address\" is not one");
        refused("email", "{" + good + ", \"from\": \"a@b.io\", \"to\": []}", "to", "at least one");
        refused("email", "{" + good + ", \"from\": \"a@b.io\", \"to\": \"c@d.io\", \"cc\": 7}", "cc",
                "must hold e-mail addresses only");
    }

    @Test
    void interviewCreate() throws Exception {
        String good = "\"application_id\": 3, \"external_event_id\": \"ev-1\"";
        ObjectNode ok = valid("interview_create", "{" + good + ", \"starts_at\": \"2026-12-01T15:00:00+01:00\","
                + " \"ends_at\": \"2026-12-01T15:30:00+01:00\", \"interviewers\": [{\"user_id\": 4},"
                + " {\"email\": \" i@x.io \"}]}");
        assertEquals("2026-12-01T14:00:00Z", ok.get("starts_at").asText(), "times in UTC");
        assertEquals("[{\"user_id\":4},{\"email\":\"i@x.io\"}]", ok.get("interviewers").toString());
        String times = ", \"starts_at\": \"2026-12-01T14:00:00Z\", \"ends_at\": \"2026-12-01T15:00:00Z\"";
        refused("interview_create", "{\"external_event_id\": \"e\"" + times + "}", "application_id", "is required");
        refused("interview_create", "{\"application_id\": 3" + times + "}", "external_event_id", "is required");
        refused("interview_create", "{" + good + ", \"starts_at\": \"2026-12-01 14:00\", \"ends_at\": "
                + "\"2026-12-01T15:00:00Z\"}", "starts_at", "must be an ISO-8601 time with an offset");
        refused("interview_create", "{" + good + ", \"starts_at\": \"2026-12-01T14:00:00Z\", \"ends_at\": "
                + "\"2026-12-01T14:00:00Z\"}", "ends_at", "must be after starts_at");
        refused("interview_create", "{" + good + times + ", \"video_conferencing_url\": \"ftp://x.io/room\"}",
                "video_conferencing_url", "must be an http(s) URL");
        refused("interview_create", "{" + good + times + ", \"interviewers\": {\"user_id\": 4}}", "interviewers",
                "must be an array");
        refused("interview_create", "{" + good + times + ", \"interviewers\": [{\"user_id\": 4}, {\"email\": \"x\"}]}",
                "interviewers[1]", "must be {\"user_id\": <id>} or {\"email\": \"<e-mail address>\"}");
        refused("interview_create", "{" + good + times + ", \"interviewers\": [{\"user_id\": -4}]}",
                "interviewers[0].user_id", "must be an id");
        refused("interview_create", "{" + good + times + ", \"job_interview_id\": \"kit\"}", "job_interview_id",
                "must be an id");
    }

    @Test
    void interviewUpdate() throws Exception {
        assertEquals("{\"interview\":\"outbox-12\",\"location\":\"Room 1\"}",
                valid("interview_update", "{\"interview\": \"outbox-12\", \"location\": \"Room 1\"}").toString());
        assertEquals("77", valid("interview_update", "{\"interview\": 77, \"location\": \"R\"}").get("interview")
                .asText());
        refused("interview_update", "{\"location\": \"R\"}", "interview", "is required");
        refused("interview_update", "{\"interview\": \"outbox-x\", \"location\": \"R\"}", "interview",
                "must be a Greenhouse interview id or outbox-<item id>");
        refused("interview_update", "{\"interview\": \"outbox-99999999999999999999\", \"location\": \"R\"}",
                "interview", "must be a Greenhouse interview id or outbox-<item id>");
        refused("interview_update", "{\"interview\": 77}", "payload", "has nothing to update");
        refused("interview_update", "{\"interview\": 77, \"starts_at\": \"2026-12-01T15:00:00Z\", "
                + "\"ends_at\": \"2026-12-01T14:00:00Z\"}", "ends_at", "must be after starts_at");
    }

    @Test
    void interviewDelete() throws Exception {
        assertEquals("{\"interview\":\"5\"}", valid("interview_delete", "{\"interview\": 5}").toString());
        refused("interview_delete", "{}", "interview", "is required");
        refused("interview_delete", "{\"interview\": 0}", "interview", "must be an id");
        refused("interview_delete", "{\"interview\": 5, \"reason\": \"x\"}", "reason", "is not a field");
    }

    @Test
    void ingestCandidate() throws Exception {
        String names = "\"first_name\": \"Ada\", \"last_name\": \"L\", \"external_id\": \"x-1\"";
        ObjectNode ok = valid("ingest_candidate", "{" + names + "}");
        assertEquals(true, ok.get("prospect").asBoolean(), "Greenhouse's default: a prospect");
        assertEquals("ingest:x-1", KINDS.find("ingest_candidate").orElseThrow().payloadKey(ok).orElseThrow());
        refused("ingest_candidate", "{\"last_name\": \"L\", \"external_id\": \"x\"}", "first_name", "is required");
        refused("ingest_candidate", "{\"first_name\": \"A\", \"last_name\": \"L\"}", "external_id", "is required");
        refused("ingest_candidate", "{" + names + ", \"prospect\": \"yes\"}", "prospect", "must be true or false");
        refused("ingest_candidate", "{" + names + ", \"prospect\": false}", "job_id", "is required");
        refused("ingest_candidate", "{" + names + ", \"resume\": \"file:///etc/passwd\"}", "resume",
                "must be a URL Greenhouse can fetch");
        refused("ingest_candidate", "{" + names + ", \"emails\": [\"a@b.io\"]}", "emails", "must be an array of objects");
        refused("ingest_candidate", "{" + names + ", \"referrer\": {\"name\": \"Bob\"}}", "referrer",
                "must be {\"email\"");
        refused("ingest_candidate", "{" + names + ", \"prospect\": false, \"job_id\": 4, "
                + "\"prospect_owner_email\": \"o@x.io\"}", "prospect_owner_email", "is for prospects only");
        refused("ingest_candidate", "{" + names + ", \"prospect_owner_email\": \"owner\"}", "prospect_owner_email",
                "must be an e-mail address");
        refused("ingest_candidate", "{" + names + ", \"prospect_pool_id\": \"3\"}", "prospect_pool_id",
                "must be an id");
    }
}
