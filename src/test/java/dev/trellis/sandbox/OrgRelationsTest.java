package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Values mean what Greenhouse means by them, and records of different resources agree the way Greenhouse's do
 * (docs/greenhouse.md#resources-and-fields), in a generated organisation and after writes and churn.
 */
class OrgRelationsTest {
    private static final long DAY = 86_400_000L;

    @Test
    void relationsHoldInAGeneratedOrganisationAndAfterWritesAndChurn() throws Exception {
        // more openings and offers than by default, so that many hires fill openings and many offers are resolved
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(7).candidates(800).size(Resource.OPENINGS, 48)
                .size(Resource.OFFERS, 520).rateLimit(0).build())) {
            SandboxHttp h = new SandboxHttp(sb);
            String t = h.adminToken();
            Map<Resource, Map<Long, JsonNode>> org = read(h, t);
            assertEquals(List.of(), violations(org, sb.clock().millis()), "generated");
            assertTrue(org.get(Resource.OFFERS).values().stream().anyMatch(o -> o.get("status").asText()
                    .equals("Accepted")), "the organisation has accepted offers to check");
            assertTrue(org.get(Resource.OPENINGS).values().stream().anyMatch(o -> !o.get("application_id").isNull()),
                    "and openings filled by hires");

            // an interview recorded through the API: its panel member gets a scorecard, the outsider none
            long app = org.get(Resource.APPLICATIONS).values().stream()
                    .filter(a -> a.get("status").asText().equals("in_process")).findFirst().orElseThrow()
                    .get("id").asLong();
            long user = sb.credentials().siteAdminUserId();
            SandboxHttp.Answer created = h.json("POST", t, "/v3/interviews", "{\"application_id\":" + app
                    + ",\"external_event_id\":\"rel-1\",\"starts_at\":\"2026-01-05T10:00:00Z\","
                    + "\"ends_at\":\"2026-01-05T11:00:00Z\",\"interviewers\":[{\"user_id\":" + user
                    + "},{\"email\":\"guest@elsewhere.example\"}]}");
            assertEquals(201, created.status(), created.body());
            sb.churn(400);
            Map<Resource, Map<Long, JsonNode>> after = read(h, t);
            assertEquals(List.of(), violations(after, sb.clock().millis()), "after writes and churn");
            long panel = after.get(Resource.INTERVIEWERS).values().stream()
                    .filter(i -> i.get("interview_id").asLong() == created.json().get("id").asLong()).count();
            assertEquals(2, panel);
        }
    }

    static Map<Resource, Map<Long, JsonNode>> read(SandboxHttp h, String t) {
        Map<Resource, Map<Long, JsonNode>> org = new EnumMap<>(Resource.class);
        for (Resource r : Resource.values()) {
            String extra = r == Resource.USERS ? "&show_service_accounts=true"
                    : r == Resource.REJECTION_REASONS ? "&include_defaults=true" : "";
            Map<Long, JsonNode> byId = new LinkedHashMap<>();
            for (JsonNode rec : h.all(t, "/v3/" + r.path() + "?per_page=500" + extra)) {
                byId.put(rec.get("id").asLong(), rec);
            }
            org.put(r, byId);
        }
        return org;
    }

    private static long millis(JsonNode v) {
        return Instant.parse(v.asText()).toEpochMilli();
    }

    /** Every broken rule, described; empty when the organisation is coherent. */
    static List<String> violations(Map<Resource, Map<Long, JsonNode>> org, long now) {
        List<String> bad = new ArrayList<>();
        Map<Long, JsonNode> apps = org.get(Resource.APPLICATIONS);
        Map<Long, JsonNode> jobs = org.get(Resource.JOBS);
        Map<Long, JsonNode> scorecards = org.get(Resource.SCORECARDS);
        Map<Long, JsonNode> openings = org.get(Resource.OPENINGS);

        for (JsonNode o : org.get(Resource.JOB_OWNERS).values()) {
            String type = o.path("type").asText();
            if (!Set.of("recruiter", "coordinator", "sourcer").contains(type) || o.has("role")) {
                bad.add("job owner without a Greenhouse type: " + o);
            }
            if (type.equals("sourcer") && o.get("responsible").asBoolean()) {
                bad.add("a responsible sourcer: " + o);
            }
        }

        Map<Long, JsonNode> fields = org.get(Resource.CUSTOM_FIELDS);
        Set<String> candidateKeys = new HashSet<>();
        fields.values().stream().filter(f -> f.get("field_type").asText().equals("candidate"))
                .forEach(f -> candidateKeys.add(f.get("name_key").asText()));
        for (JsonNode o : org.get(Resource.CUSTOM_FIELD_OPTIONS).values()) {
            JsonNode f = fields.get(o.get("custom_field_id").asLong());
            if (f == null || !f.get("value_type").asText().endsWith("_select")) {
                bad.add("option of a field that has none: " + o);
            }
        }
        for (JsonNode c : org.get(Resource.CANDIDATES).values()) {
            c.get("custom_fields").fieldNames().forEachRemaining(k -> {
                if (!candidateKeys.contains(k)) {
                    bad.add("candidate " + c.get("id") + " custom field " + k + " has no candidate field definition");
                }
            });
        }

        // interviewers and their scorecards: one each for panel members who are users, none for outsiders
        Set<Long> linked = new HashSet<>();
        for (JsonNode i : org.get(Resource.INTERVIEWERS).values()) {
            JsonNode interview = org.get(Resource.INTERVIEWS).get(i.get("interview_id").asLong());
            if (interview == null) {
                bad.add("interviewer of a missing interview: " + i);
                continue;
            }
            if (i.get("user_id").isNull() != i.get("scorecard_id").isNull()) {
                bad.add("scorecard_id must be set exactly for users on the panel: " + i);
            }
            if (!i.get("scorecard_id").isNull()) {
                JsonNode s = scorecards.get(i.get("scorecard_id").asLong());
                if (s == null || s.get("interviewer_id").asLong() != i.get("user_id").asLong()
                        || s.get("application_id").asLong() != interview.get("application_id").asLong()) {
                    bad.add("interviewer " + i + " names scorecard " + s);
                }
                if (!linked.add(i.get("scorecard_id").asLong())) {
                    bad.add("scorecard shared by two interviewers: " + i);
                }
            }
        }
        for (JsonNode s : scorecards.values()) {
            boolean complete = s.get("status").asText().equals("complete");
            if (complete == s.get("submitted_at").isNull() || complete == s.get("candidate_rating").isNull()) {
                bad.add("scorecard status disagrees with submitted_at/candidate_rating: " + s);
            }
            if (!apps.containsKey(s.get("application_id").asLong())) {
                bad.add("scorecard of a missing application: " + s);
            }
            for (String notes : List.of("notes", "private_notes", "public_notes")) {
                if (s.get(notes).isNull() != s.get(notes + "_with_tags").isNull()) {
                    bad.add("scorecard " + notes + " without its tagged twin: " + s);
                }
            }
        }

        // stage history: days_in_stage counts the days spent, up to now for the current stage
        Map<Long, Integer> currentStages = new HashMap<>();
        for (JsonNode s : org.get(Resource.APPLICATION_STAGES).values()) {
            if (s.get("entered_at").isNull()) {
                continue;
            }
            long until = s.get("current").asBoolean() ? now : millis(s.get("exited_at"));
            long expected = (until - millis(s.get("entered_at"))) / DAY;
            JsonNode days = s.get("days_in_stage");
            if (days.isNull() || Math.abs(days.asLong() - expected) > (s.get("current").asBoolean() ? 1 : 0)) {
                bad.add("days_in_stage should be " + expected + ": " + s);
            }
            if (s.get("current").asBoolean()) {
                currentStages.merge(s.get("application_id").asLong(), 1, Integer::sum);
            }
        }
        currentStages.forEach((app, n) -> {
            if (n > 1) {
                bad.add("application " + app + " has " + n + " current stages");
            }
        });
        for (JsonNode a : apps.values()) {
            boolean terminal = Set.of("rejected", "hired").contains(a.get("status").asText());
            if (terminal && (!a.get("stage_id").isNull() || !a.get("job_interview_stage_id").isNull()
                    || a.get("needs_decision").asBoolean())) {
                bad.add("a rejected or hired application is in no stage and needs no decision: " + a);
            }
            if (!a.get("stage_id").isNull()) {
                JsonNode stage = org.get(Resource.APPLICATION_STAGES).get(a.get("stage_id").asLong());
                if (stage == null || !stage.get("current").asBoolean()
                        || stage.get("application_id").asLong() != a.get("id").asLong()) {
                    bad.add("application stage_id is not its current stage: " + a.get("id") + " -> " + stage);
                }
            }
        }

        for (JsonNode i : org.get(Resource.INTERVIEWS).values()) {
            boolean unscheduled = i.get("status").asText().equals("to_be_scheduled");
            if (unscheduled != i.get("starts_at").isNull() || unscheduled != i.get("ends_at").isNull()) {
                bad.add("starts_at/ends_at must be null exactly while to_be_scheduled: " + i);
            } else if (!unscheduled && millis(i.get("ends_at")) <= millis(i.get("starts_at"))) {
                bad.add("interview ends before it starts: " + i);
            }
        }

        // hires fill openings; offers follow their application
        Map<Long, Long> filledBy = new HashMap<>();
        Map<Long, List<JsonNode>> openingsByJob = new HashMap<>();
        for (JsonNode o : openings.values()) {
            openingsByJob.computeIfAbsent(o.get("job_id").asLong(), k -> new ArrayList<>()).add(o);
            boolean open = o.get("open").asBoolean();
            if (open != o.get("closed_at").isNull() || open && !o.get("close_reason_id").isNull()
                    || open && !o.get("application_id").isNull()) {
                bad.add("opening open/closed_at/close_reason_id/application_id disagree: " + o);
            }
            if (!o.get("application_id").isNull()) {
                JsonNode a = apps.get(o.get("application_id").asLong());
                if (a == null || !a.get("status").asText().equals("hired")
                        || a.get("job_id").asLong() != o.get("job_id").asLong()) {
                    bad.add("opening filled by an application that is not a hire on its job: " + o + " <- " + a);
                } else if (filledBy.put(a.get("id").asLong(), o.get("id").asLong()) != null) {
                    bad.add("application fills two openings: " + a.get("id"));
                }
            }
        }
        for (JsonNode a : apps.values()) {
            if (a.get("status").asText().equals("hired") && !a.get("job_id").isNull()
                    && !filledBy.containsKey(a.get("id").asLong())) {
                bad.add("hired application that filled no opening: " + a.get("id"));
            }
        }
        for (JsonNode j : jobs.values()) {
            List<JsonNode> own = openingsByJob.getOrDefault(j.get("id").asLong(), List.of());
            boolean anyOpen = own.stream().anyMatch(o -> o.get("open").asBoolean());
            String status = j.get("status").asText();
            if (status.equals("open") && !anyOpen || status.equals("closed") && anyOpen) {
                bad.add("job " + status + " but its openings say otherwise: " + j.get("id") + " " + own);
            }
            if (status.equals("draft") && own.stream().anyMatch(o -> !o.get("opened_at").isNull())) {
                bad.add("opening opened on a draft job: " + j.get("id"));
            }
        }
        for (JsonNode o : org.get(Resource.OFFERS).values()) {
            String status = o.get("status").asText();
            boolean resolved = status.equals("Accepted") || status.equals("Rejected");
            if (resolved == o.get("resolved_at").isNull()) {
                bad.add("resolved_at must be set exactly on accepted and rejected offers: " + o);
            } else if (resolved && (millis(o.get("resolved_at")) < millis(o.get("created_at"))
                    || millis(o.get("resolved_at")) > millis(o.get("updated_at")))) {
                bad.add("offer resolved outside its lifetime: " + o);
            }
            JsonNode a = apps.get(o.get("application_id").asLong());
            if (a == null || a.get("candidate_id").asLong() != o.get("candidate_id").asLong()
                    || a.get("job_id").asLong() != o.get("job_id").asLong()) {
                bad.add("offer disagrees with its application: " + o + " / " + a);
                continue;
            }
            if (status.equals("Accepted") && (!a.get("status").asText().equals("hired")
                    || filledBy.get(a.get("id").asLong()) == null
                    || filledBy.get(a.get("id").asLong()) != o.get("opening_id").asLong())) {
                bad.add("accepted offer whose application is not the hire of its opening: " + o);
            }
            if (status.equals("Rejected") && !a.get("status").asText().equals("rejected")) {
                bad.add("rejected offer on an application that is not rejected: " + o);
            }
        }
        return bad;
    }
}
