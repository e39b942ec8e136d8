package dev.trellis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every REST endpoint of the hub gets malformed JSON, wrong types, huge and tiny numbers, NUL, lone surrogates,
 * unknown and duplicate fields, a 5 MB body, no or a form Content-Type, and junk path and query parameters. Each
 * answer must be a 4xx whose JSON error names what is wrong, never a 5xx or a Java/database message, and the hub
 * must stay healthy.
 */
class RestFuzzTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an answer must never show: Java classes, stack traces, PostgreSQL's own words. */
    private static final Pattern LEAK = Pattern.compile("Exception|\\bat [a-z]+\\.|java\\.|org\\.|ERROR:|Detail:|SQL|"
            + "postgres|jackson|vertx|fasterxml|NullPointer", Pattern.CASE_INSENSITIVE);
    /** An answer names something: a quoted field, parameter, header or value, or the size key. */
    private static final Pattern NAMES = Pattern.compile("'[^']+'|max-body-size");

    /** Values that are wrong for every field they replace (no valid id, text, time, address or list). */
    private static final List<String> BAD_VALUES = List.of("99999999999999999999999", "-9223372036854775809", "1e400",
            "-1e400", "1e-400", "1e30", "1.5", "-0", "0", "true", "false", "{}", "{\"a\": 1}", "[null]", "[1, 2]",
            "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"x\\udfff\"", "\"\\ud83d\"", "\"\"", "\"   \"");
    /** Whole bodies that are no usable request of any endpoint. */
    private static final List<String> BAD_BODIES = List.of("", " ", "{", "}", "[", "]", "{\"a\":}", "{\"a\" 1}",
            "{'a': 1}", "nul", "null", "true", "0", "-1", "1e400", "\"text\"", "[]", "[{}]", "{}", "{\"\\u0000\": 1}",
            "\u0000", "\"\\ud800\"", "{\"a\": 1} {\"b\": 2}", "{\"a\": 1}}", "[".repeat(100_000), "{\"a\":".repeat(5000),
            "\u00ff\u00fe", "<xml/>", "a=1&b=2", "{\"candidate_id\": 5, \"candidate_id\": 6}");

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static final List<String> problems = new ArrayList<>();
    static int requests;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(4).candidates(20).rateLimit(0).build());
        home = new TestHome(dir)
                .sandboxPartnerTenant("acme", sandbox)
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0");
        hub = home.start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
        sandbox.close();
    }

    /** Sends one request and records what is wrong with its answer. */
    static void expectRefusal(String method, String path, String body, String contentType) {
        requests++;
        String what = method + " " + path + " [" + contentType + "] " + shorten(body);
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(home.apiUrl() + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = JSON.readTree(r.body());
            } catch (Exception notJson) {
                // reported below
            }
            String error = json != null && json.path("error").isTextual() ? json.get("error").asText() : null;
            if (r.statusCode() < 400 || r.statusCode() >= 500) {
                problems.add(what + " -> " + r.statusCode() + " " + shorten(r.body()));
            } else if (error == null || !NAMES.matcher(error).find()) {
                problems.add(what + " -> " + r.statusCode() + " names nothing: " + shorten(r.body()));
            } else if (LEAK.matcher(error).find()) {
                problems.add(what + " -> " + r.statusCode() + " shows internals: " + shorten(error));
            }
        } catch (Exception e) {
            problems.add(what + " -> " + e);
        }
    }

    static String shorten(String s) {
        if (s == null) {
            return "(no body)";
        }
        return s.length() > 120 ? s.substring(0, 117) + "..." + " (" + s.length() + " chars)" : s;
    }

    /** The body endpoints with a valid request each; the fuzz breaks one field (or the whole body) at a time. */
    static Map<String, String> bodyEndpoints() {
        String time = "\"starts_at\": \"2026-12-01T14:00:00Z\", \"ends_at\": \"2026-12-01T15:00:00Z\"";
        Map<String, String> m = new LinkedHashMap<>();
        m.put("POST /api/tenants/acme/notes", "{\"candidate_id\": 5, \"body\": \"x\", \"user_id\": 7}");
        m.put("POST /api/tenants/acme/emails", "{\"candidate_id\": 5, \"subject\": \"s\", \"body\": \"x\", "
                + "\"from\": \"a@example.org\", \"to\": \"b@example.org\"}");
        m.put("POST /api/tenants/acme/interviews", "{\"application_id\": 5, \"external_event_id\": \"e\", " + time
                + ", \"interviewers\": [{\"user_id\": 3}]}");
        m.put("PATCH /api/tenants/acme/interviews/5", "{\"location\": \"Room 4\"}");
        m.put("PUT /api/tenants/acme/job-links/r1", "{\"job_id\": 5, \"name\": \"Engineer\"}");
        m.put("POST /api/tenants/acme/ingestion/candidates", "{\"external_id\": \"c1\", \"first_name\": \"A\", "
                + "\"last_name\": \"B\", \"prospect\": false, \"job_id\": 5}");
        m.put("POST /api/tenants/acme/ingestion/candidates ", "[{\"external_id\": \"c2\", \"first_name\": \"A\", "
                + "\"last_name\": \"B\", \"job\": \"r-unlinked\"}]");
        return m;
    }

    /** Every endpoint with its path parameters written {name}; query parameters are fuzzed on the GETs. */
    static final List<String> ENDPOINTS = List.of(
            "POST /api/tenants/{tenant}/notes", "POST /api/tenants/{tenant}/emails",
            "POST /api/tenants/{tenant}/interviews", "PATCH /api/tenants/{tenant}/interviews/{ref}",
            "DELETE /api/tenants/{tenant}/interviews/{ref}", "GET /api/outbox/{id}",
            "POST /api/tenants/{tenant}/ingestion/connect", "POST /api/tenants/{tenant}/ingestion/import",
            "POST /api/tenants/{tenant}/ingestion/status-sync", "GET /api/tenants/{tenant}/ingestion/jobs",
            "GET /api/tenants/{tenant}/ingestion/jobs/{jobId}", "POST /api/tenants/{tenant}/ingestion/candidates",
            "GET /api/tenants/{tenant}/ingestion/candidates",
            "GET /api/tenants/{tenant}/ingestion/candidates/{externalId}", "GET /api/tenants/{tenant}/job-links",
            "PUT /api/tenants/{tenant}/job-links/{ref}", "DELETE /api/tenants/{tenant}/job-links/{ref}",
            "GET /api/dead-letters/{id}", "POST /api/dead-letters/{id}/replay", "POST /api/dead-letters/{id}/discard",
            "POST /api/streams/{tenant}/{stream}/sync", "POST /api/streams/{tenant}/{stream}/reset",
            "GET /api/streams/{tenant}/{stream}/runs", "GET /api/tenants/{tenant}/check");

    /** Path parameters that name nothing that exists, or cannot be stored. */
    static final List<String> BAD_PARAMS = List.of("%00", "a%00b", "%ED%A0%80", "%F0%9F%98%80", "99999999999999999999999",
            "9223372036854775808", "-1", "0", "1e30", "1.5", "%20", "..%2F..", "x".repeat(3000), "%C0%80", "%FF");

    @Test
    void everyEndpointAnswersBadInputWithA4xxNamingWhatIsWrongAndTheHubStaysUp() throws Exception {
        // 1. bodies: each field of a valid request broken in turn, then whole bodies, with and without Content-Type
        for (Map.Entry<String, String> e : bodyEndpoints().entrySet()) {
            String[] request = e.getKey().split(" ");
            // an array body (a push of several) is broken in its first element
            boolean array = e.getValue().startsWith("[");
            String base = array ? e.getValue().substring(1, e.getValue().length() - 1) : e.getValue();
            ObjectNode valid = (ObjectNode) JSON.readTree(base);
            for (Iterator<String> names = valid.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (field.equals("prospect")) {
                    continue;
                }
                for (String bad : BAD_VALUES) {
                    String body = wrap(array, replace(base, field, bad));
                    expectRefusal(request[0], request[1], body, "application/json");
                }
                // a wrong type sent as curl -d sends it
                expectRefusal(request[0], request[1], wrap(array, replace(base, field, "[1, 2]")),
                        "application/x-www-form-urlencoded");
            }
            expectRefusal(request[0], request[1], wrap(array, base.replaceFirst("\\{", "{\"surprise\": 1, ")), null);
            // one text too long for any field (1 MB): the first field of each request
            expectRefusal(request[0], request[1], wrap(array, replace(base, valid.fieldNames().next(),
                    "\"" + "x".repeat(1_000_001) + "\"")), "application/json");
            for (String body : BAD_BODIES) {
                expectRefusal(request[0], request[1], body, "application/json");
                expectRefusal(request[0], request[1], body, null);
            }
        }
        // 2. every endpoint: a 5 MB body, another content type, and junk path parameters
        String fiveMb = "{\"body\": \"" + "y".repeat(5 * 1024 * 1024) + "\"}";
        for (String endpoint : ENDPOINTS) {
            String[] request = endpoint.split(" ");
            String real = request[1].replace("{tenant}", "acme").replace("{stream}", "users").replace("{ref}", "5")
                    .replace("{id}", "5").replace("{jobId}", "5").replace("{externalId}", "c1");
            expectRefusal(request[0], real, fiveMb, request[0].equals("POST") ? null : "application/json");
            if (!request[0].equals("GET")) {
                expectRefusal(request[0], real, "<note/>", "application/xml");
                expectRefusal(request[0], real, "--x\r\n\r\n--x--", "multipart/form-data; boundary=x");
            }
            for (String param : List.of("{tenant}", "{stream}", "{ref}", "{id}", "{jobId}", "{externalId}")) {
                if (!request[1].contains(param)) {
                    continue;
                }
                for (String bad : BAD_PARAMS) {
                    if (param.equals("{ref}") && request[1].contains("job-links") && !bad.contains("%")) {
                        // any text is a partner job ref: only text PostgreSQL cannot store is refused there
                        continue;
                    }
                    String path = request[1].replace(param, bad).replace("{tenant}", "acme").replace("{stream}", "users")
                            .replace("{ref}", "5").replace("{id}", "5").replace("{jobId}", "5")
                            .replace("{externalId}", "c1");
                    expectRefusal(request[0], path, request[0].equals("GET") ? null : "{}", "application/json");
                }
            }
        }
        // 3. query parameters of the lists
        for (String query : List.of("limit=0", "limit=-1", "limit=1e3", "limit=99999999999999999999", "limit=abc",
                "limit=100000", "before=0", "before=9223372036854775808", "status=bogus", "route=a%00b", "tenant=%00",
                "tenant=%ED%A0%80x%00")) {
            expectRefusal("GET", "/api/dead-letters?" + query, null, null);
            expectRefusal("GET", "/api/changes?" + query, null, null);
            if (query.contains("%00")) {
                expectRefusal("GET", "/api/streams?" + query, null, null);
            }
            if (query.startsWith("limit=") && !query.equals("limit=100000")) {
                expectRefusal("GET", "/api/tenants/acme/ingestion/candidates?" + query, null, null);
            }
            // the console's lists: every one of these is wrong for them
            expectRefusal("GET", "/api/outbox?" + query, null, null);
            if (query.startsWith("limit=") || query.startsWith("before=") || query.contains("%00")) {
                expectRefusal("GET", "/api/streams/acme/users/runs?" + query, null, null);
            }
            if (query.startsWith("limit=") || query.contains("%00")) {
                expectRefusal("POST", "/api/dead-letters/replay?" + query, null, null);
            }
            if (query.contains("%00")) {
                expectRefusal("GET", "/api/streams/freshness?" + query, null, null);
            }
        }

        assertTrue(problems.isEmpty(), problems.size() + " of " + requests + " requests were not refused well:\n"
                + String.join("\n", problems));
        assertTrue(requests > 1000, "the fuzz ran: " + requests + " requests");
        HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(URI.create(home.managementUrl()
                + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"UP\""), health.body());
        HttpResponse<String> list = CLIENT.send(HttpRequest.newBuilder(URI.create(home.apiUrl()
                + "/api/dead-letters")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode(), "the API still answers: " + list.body());
    }

    static String wrap(boolean array, String body) {
        return array ? "[" + body + "]" : body;
    }

    /** The valid body with one field's value replaced by raw JSON text. */
    static String replace(String validBody, String field, String rawValue) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(validBody);
        node.put(field, "\u0001PLACEHOLDER\u0001");
        return node.toString().replace("\"\\u0001PLACEHOLDER\\u0001\"", rawValue);
    }
}
