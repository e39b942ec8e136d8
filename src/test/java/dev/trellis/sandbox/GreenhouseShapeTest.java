package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The records, filters and protocol details the v3 reference documents (docs/greenhouse.md#resources-and-fields):
 * each resource has exactly the reference's fields, the documented filters are accepted, refusals stay visible.
 */
class GreenhouseShapeTest {
    static Sandbox sb;
    static SandboxHttp http;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(16).candidates(400).rateLimit(0).build());
        http = new SandboxHttp(sb);
        token = http.adminToken();
    }

    @AfterAll
    static void stop() {
        sb.close();
    }

    /** The v3 reference's response fields per resource (every one also has id, created_at and updated_at). */
    static Map<Resource, String> reference() {
        Map<Resource, String> m = new EnumMap<>(Resource.class);
        m.put(Resource.USERS, "agency_id,custom_fields,deactivated,department_ids,emails,employee_id,first_name,"
                + "interviewer_tags,job_title,last_name,linked_candidate_ids,name,office_ids,primary_email,site_admin");
        m.put(Resource.OFFICES, "external_id,location,name,parent_id,primary_in_house_contact_user_id");
        m.put(Resource.DEPARTMENTS, "external_id,name,parent_id");
        m.put(Resource.SOURCES, "name,type");
        m.put(Resource.REJECTION_REASONS, "name,type");
        m.put(Resource.CUSTOM_FIELDS, "active,api_only,application_type,default_value,description,"
                + "expose_in_job_board_api,field_type,internal_type,name,name_key,placeholder,private,require_approval,"
                + "required,sort_order,template_token_string,trigger_new_version,updated_by_id,use_for_job_approvals,"
                + "use_for_offer_approvals,value_type");
        m.put(Resource.CUSTOM_FIELD_OPTIONS, "active,custom_field_id,external_id,name,sort_order");
        m.put(Resource.CANDIDATE_TAGS, "name");
        m.put(Resource.JOBS, "closed_at,confidential,copied_from_id,custom_fields,department_id,is_template,name,"
                + "notes,office_ids,opened_at,requisition_id,status");
        m.put(Resource.JOB_POSTS, "active,content,demographic_question_set_id,featured,first_published_at,internal,"
                + "internal_content,job_board_id,job_id,language,live,public_url,questions,title");
        m.put(Resource.JOB_INTERVIEW_STAGES, "active,job_id,name,sort_order");
        m.put(Resource.JOB_OWNERS, "job_id,responsible,type,user_id");
        m.put(Resource.JOB_HIRING_MANAGERS, "job_id,user_id");
        m.put(Resource.OPENINGS, "application_id,close_reason_id,closed_at,custom_fields,job_id,open,opened_at,"
                + "opening_id,sort_order,target_start_on");
        m.put(Resource.CANDIDATES, "addresses,can_email,company,custom_fields,email_addresses,first_name,"
                + "last_activity_at,last_name,linked_user_ids,phone_numbers,preferred_name,private,"
                + "social_media_addresses,tags,time_zone,title,website_addresses");
        // job_interview_stage_id: in airbyte's schema, not in the reference's list (docs/greenhouse.md)
        m.put(Resource.APPLICATIONS, "agency_note_id,answers,candidate_id,coordinator_id,custom_fields,job_id,"
                + "job_interview_stage_id,job_post_id,last_activity_at,location_address,needs_decision,prospect,"
                + "prospective_job_ids,recruiter_id,referrer_id,rejected_at,rejection_reason_id,source_id,stage_id,"
                + "stage_name,status");
        m.put(Resource.APPLICATION_STAGES, "application_id,current,days_in_stage,entered_at,exited_at,"
                + "job_interview_stage_id");
        m.put(Resource.INTERVIEWS, "all_day_end_on,all_day_start_on,application_id,availability_received_at,"
                + "ends_at,external_event_id,job_id,job_interview_id,location,organizer_id,scheduled_at,starts_at,"
                + "status,video_conferencing_url");
        m.put(Resource.INTERVIEWERS, "email,interview_id,response_status,scorecard_id,user_id");
        m.put(Resource.SCORECARDS, "application_id,candidate_rating,interview_kit_id,interviewed_at,interviewer_id,"
                + "notes,notes_with_tags,private_notes,private_notes_with_tags,public_notes,public_notes_with_tags,"
                + "status,submitted_at,submitter_id");
        m.put(Resource.OFFERS, "application_id,candidate_id,custom_fields,job_id,opening_id,resolved_at,sent_on,"
                + "starts_on,status,version");
        m.put(Resource.NOTES, "application_id,body,body_with_tags,candidate_id,email_attachment_file_names,email_cc,"
                + "email_from,email_to,import_hash,subject,type,user_id,visibility");
        m.put(Resource.APPLIED_CANDIDATE_TAGS, "candidate_id,candidate_tag_id");
        return m;
    }

    @Test
    void everyResourceHasExactlyTheFieldsOfTheV3Reference() {
        Map<Resource, String> reference = reference();
        List<String> wrong = new ArrayList<>();
        for (Resource r : Resource.values()) {
            String fields = reference.get(r);
            if (fields == null) {
                continue; // a resource added after this list: its own tests hold it to the reference
            }
            Set<String> expected = new TreeSet<>(List.of(fields.split(",")));
            expected.addAll(List.of("id", "created_at", "updated_at"));
            String path = "/v3/" + r.path() + "?per_page=1" + (r == Resource.USERS ? "&show_service_accounts=true" : "");
            JsonNode rec = http.get(token, path).json().get(0);
            Set<String> actual = new TreeSet<>();
            rec.fieldNames().forEachRemaining(actual::add);
            if (!actual.equals(expected)) {
                wrong.add(r.path() + ": has " + actual + ", reference " + expected);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void customFieldKeySelectsTheOptionsOfTheFieldWithThatKey() {
        SandboxHttp.Answer degrees = http.get(token, "/v3/custom_field_options?custom_field_key=degree&per_page=500");
        assertEquals(200, degrees.status(), degrees.body());
        assertTrue(degrees.json().size() > 0, degrees.body());
        JsonNode field = http.get(token, "/v3/custom_fields?name_key=degree").json().get(0);
        assertEquals("degree", field.get("internal_type").asText());
        for (JsonNode o : degrees.json()) {
            assertEquals(field.get("id").asLong(), o.get("custom_field_id").asLong(), o.toString());
        }
        for (String key : List.of("school_name", "discipline")) {
            assertTrue(http.all(token, "/v3/custom_field_options?custom_field_key=" + key).size() > 0, key);
        }
        // with custom_field_ids too, both must hold
        long other = http.get(token, "/v3/custom_fields?name_key=discipline").json().get(0).get("id").asLong();
        assertEquals(0, http.get(token, "/v3/custom_field_options?custom_field_key=degree&custom_field_ids=" + other)
                .json().size());
        SandboxHttp.Answer none = http.get(token, "/v3/custom_field_options?custom_field_key=no_such_field");
        assertEquals(200, none.status());
        assertEquals(0, none.json().size());
        assertEquals(200, http.get(token, "/v3/custom_field_options?active=true").status());
    }

    @Test
    void documentedFiltersOfExistingResourcesAreAccepted() {
        for (String path : List.of("/v3/job_owners?type=sourcer", "/v3/custom_fields?active=true",
                "/v3/openings?application_ids=1", "/v3/openings?close_reason_ids=701",
                "/v3/application_stages?current=true", "/v3/interviewers?scorecard_ids=1",
                "/v3/interviewers?response_status=accepted", "/v3/scorecards?status=draft",
                "/v3/scorecards?submitter_ids=1", "/v3/offers?opening_ids=1", "/v3/job_interview_stages?active=true",
                "/v3/offers?resolved_at=gte%7C2019-01-01T00:00:00Z", "/v3/openings?opened_at=gte%7C2019-01-01T00:00:00Z",
                "/v3/openings?closed_at=lt%7C2030-01-01T00:00:00Z", "/v3/openings?opening_id=OPN-1-1",
                "/v3/jobs?opened_at=gte%7C2019-01-01T00:00:00Z", "/v3/jobs?closed_at=gte%7C2019-01-01T00:00:00Z",
                "/v3/users?primary_email=x%40example.com", "/v3/users?deactivated=false",
                "/v3/applications?referrer_ids=1", "/v3/applications?stage_name=Offer",
                "/v3/interviews?job_interview_ids=1", "/v3/interviews?organizer_ids=1",
                "/v3/interviews?ends_at=gte%7C2019-01-01T00:00:00Z", "/v3/scorecards?interview_kit_ids=5001",
                "/v3/scorecards?interviewed_at=gte%7C2019-01-01T00:00:00Z",
                "/v3/scorecards?submitted_at=gte%7C2019-01-01T00:00:00Z", "/v3/notes?type=EMAIL",
                "/v3/notes?visibility=privately_visible")) {
            SandboxHttp.Answer a = http.get(token, path);
            assertEquals(200, a.status(), path + " " + a.body());
        }
        List<JsonNode> recruiters = http.all(token, "/v3/job_owners?type=recruiter&per_page=500");
        assertFalse(recruiters.isEmpty());
        assertTrue(recruiters.stream().allMatch(o -> o.get("type").asText().equals("recruiter")));
        assertEquals(422, http.get(token, "/v3/job_owners?type=hiring_manager").status());
        List<JsonNode> resolved = http.all(token, "/v3/offers?per_page=500&resolved_at=gte%7C2000-01-01T00:00:00Z");
        assertTrue(resolved.stream().allMatch(o -> !o.get("resolved_at").isNull()), resolved.toString());
        List<JsonNode> emails = http.all(token, "/v3/notes?per_page=500&type=EMAIL");
        assertFalse(emails.isEmpty());
        assertTrue(emails.stream().allMatch(n -> n.get("type").asText().equals("EMAIL")));
    }

    @Test
    void aRefusedParameterStaysVisibleInTheRequestCounters() {
        assertEquals(422, http.get(token, "/v3/custom_field_options?bogus=1&per_page=5").status());
        assertEquals(1, sb.state().requests("GET /v3/custom_field_options?bogus=1&per_page=5 422"),
                sb.state().requestCounts().toString());
        // answered requests keep the path alone, so totals by path still add up
        http.get(token, "/v3/custom_field_options?per_page=5");
        assertTrue(sb.state().requests("GET /v3/custom_field_options 200") >= 1);
    }

    @Test
    void aThrottledAnswerHasItsReasonPhrase() throws Exception {
        try (Sandbox limited = Sandbox.start(SandboxSettings.builder().seed(1).candidates(50).rateLimit(1).build())) {
            String t = new SandboxHttp(limited).adminToken();
            String first = statusLine(limited, t);
            String second = statusLine(limited, t);
            assertTrue(first.startsWith("HTTP/1.1 200 OK"), first);
            assertEquals("HTTP/1.1 429 Too Many Requests", second);
        }
    }

    private static String statusLine(Sandbox s, String t) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /v3/offices HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + t + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.write(c);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void clientCredentialsInTheFormBodyAreRefusedNamingBasic() {
        SandboxCredentials c = sb.credentials();
        SandboxHttp.Answer a = http.send(HttpRequest.newBuilder(URI.create(sb.baseUrl() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                        + SandboxHttp.enc(c.clientId()) + "&client_secret=" + SandboxHttp.enc(c.clientSecret()))));
        assertEquals(401, a.status());
        assertEquals("invalid_client", a.json().get("error").asText());
        assertTrue(a.json().get("error_description").asText().contains("HTTP Basic"), a.body());
        assertFalse(a.body().contains(c.clientSecret()), "the secret is not echoed");
    }

    @Test
    void theTokenEndpointIsGenerousByDefault() {
        assertEquals(600, SandboxSettings.builder().build().tokenRateLimit());
        for (int i = 0; i < 60; i++) {
            assertEquals(200, http.tokenAnswer(sb.credentials().clientId(), sb.credentials().clientSecret(),
                    "grant_type=client_credentials").status(), "token " + i);
        }
    }
}
