package dev.trellis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import dev.trellis.hub.TestHome;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of /api on Camel's own HTTP server, with one route behind it that echoes the Content-Type it
 * got: one server with a token, one without.
 */
class ApiGateTest {
    private static final String TOKEN = "gate-token-3c4d5e";
    private static final long MAX_BODY = 100;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    static DefaultCamelContext guarded;
    static DefaultCamelContext open;
    static int guardedPort;
    static int openPort;

    @BeforeAll
    static void start() throws Exception {
        guardedPort = TestHome.freePort();
        openPort = TestHome.freePort();
        guarded = server(TOKEN, guardedPort);
        open = server(null, openPort);
    }

    @AfterAll
    static void stop() throws Exception {
        guarded.close();
        open.close();
    }

    private static DefaultCamelContext server(String token, int port) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        MainHttpServer http = new MainHttpServer();
        http.setCamelContext(context);
        http.setHost("127.0.0.1");
        http.setPort(port);
        http.setMaxBodySize(MAX_BODY);
        // started now, as camel-main does, so that the gate finds its router when the routes start
        context.addService(http, true, true);
        ApiGate gate = new ApiGate(token, MAX_BODY, new SecretMasker(List.of("secret"), List.of()));
        gate.setCamelContext(context);
        context.getManagementStrategy().addEventNotifier(gate);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/api/echo").setBody(simple("{\"type\":\"${header.Content-Type}\"}"));
            }
        });
        context.start();
        return context;
    }

    private record Answer(int status, String body, HttpResponse<String> response) {
        String error() throws Exception {
            return JSON.readTree(body).path("error").asText();
        }
    }

    private static Answer send(int port, String method, HttpRequest.BodyPublisher body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/echo"))
                .method(method, body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    private static Answer get(int port, String... headers) throws Exception {
        return send(port, "GET", HttpRequest.BodyPublishers.noBody(), headers);
    }

    @Test
    void withoutTheTokenOrWithAWrongOneTheAnswerIs401() throws Exception {
        List<String[]> wrong = List.of(new String[0], new String[] {"Authorization", "Bearer nope"},
                new String[] {"Authorization", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)},
                new String[] {"Authorization", "Bearer " + TOKEN + "x"},
                new String[] {"Authorization", "bearer " + TOKEN.toUpperCase()},
                new String[] {"Authorization", TOKEN});
        for (String[] headers : wrong) {
            Answer a = get(guardedPort, headers);
            assertEquals(401, a.status(), List.of(headers) + ": " + a.body());
            assertEquals("Bearer", a.response().headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals("Missing or wrong bearer token (Authorization: Bearer <TRELLIS_API_TOKEN>)", a.error());
            assertTrue(a.response().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        }
        // a wrong token is refused before anything else is judged
        Answer xml = send(guardedPort, "POST", HttpRequest.BodyPublishers.ofString("<a/>"), "Content-Type",
                "application/xml");
        assertEquals(401, xml.status());
    }

    @Test
    void theRightTokenPasses() throws Exception {
        Answer a = get(guardedPort, "Authorization", "Bearer " + TOKEN);
        assertEquals(200, a.status(), a.body());
    }

    @Test
    void withoutAConfiguredTokenNoneIsAsked() throws Exception {
        assertEquals(200, get(openPort).status());
        assertEquals(200, get(openPort, "Authorization", "Bearer anything").status());
    }

    @Test
    void aBodyThatIsNotJsonIs415NamingTheHeader() throws Exception {
        for (String type : List.of("application/xml", "multipart/form-data; boundary=x", "text/html")) {
            Answer a = send(guardedPort, "POST", HttpRequest.BodyPublishers.ofString("{}"), "Authorization",
                    "Bearer " + TOKEN, "Content-Type", type);
            assertEquals(415, a.status(), type);
            assertEquals("Header 'Content-Type': the API takes JSON (application/json), not " + type.split(";")[0],
                    a.error());
        }
    }

    @Test
    void jsonAndWhatCurlSendsAreTakenAsJson() throws Exception {
        for (String type : List.of("application/json; charset=utf-8", "application/merge-patch+json",
                "application/x-www-form-urlencoded", "text/plain")) {
            Answer a = send(openPort, "POST", HttpRequest.BodyPublishers.ofString("{\"a\":1}"), "Content-Type", type);
            assertEquals(200, a.status(), type + ": " + a.body());
            String expected = type.startsWith("application/x-www") || type.startsWith("text/") ? "application/json"
                    : type;
            assertEquals(expected, JSON.readTree(a.body()).get("type").asText(), type);
        }
        // no Content-Type at all, as curl -d with -H "Content-Type:" sends it
        Answer none = send(openPort, "PATCH", HttpRequest.BodyPublishers.ofString("{}"));
        assertEquals("application/json", JSON.readTree(none.body()).get("type").asText());
    }

    @Test
    void aBodyOverTheLimitIs413NamingTheSetting() throws Exception {
        String big = "{\"body\":\"" + "x".repeat(200) + "\"}";
        Answer declared = send(openPort, "POST", HttpRequest.BodyPublishers.ofString(big), "Content-Type",
                "application/json");
        assertEquals(413, declared.status(), declared.body());
        assertEquals("The request body is larger than the limit of 100 bytes (camel.server.max-body-size)",
                declared.error());
        // sent in chunks, without a Content-Length: the server's body limit refuses it, and the gate words the answer
        Answer chunked = send(openPort, "POST", HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big.getBytes())), "Content-Type", "application/json");
        assertEquals(413, chunked.status(), chunked.body());
        assertEquals("The request body is larger than the limit of 100 bytes (camel.server.max-body-size)",
                chunked.error());
        // at the limit it passes
        Answer small = send(openPort, "POST", HttpRequest.BodyPublishers.ofString("{\"b\":\"" + "x".repeat(92) + "\"}"),
                "Content-Type", "application/json");
        assertEquals(200, small.status(), small.body());
    }
}
