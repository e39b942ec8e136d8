package dev.trellis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A base URL that is not Greenhouse's Harvest API fails the check naming the URL: the sandbox under a wrong path
 * prefix (every call 404), and a plain server answering GETs 200 {} and everything else 404 Not Found.
 */
class CheckNotGreenhouseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_GREENHOUSE = "this does not look like Greenhouse's Harvest API at ";

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static HttpServer plain;
    static String plainUrl;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(8).candidates(100).rateLimit(0).build());
        SandboxCredentials c = sandbox.credentials();
        plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        plain.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            boolean get = ex.getRequestMethod().equals("GET");
            byte[] body = (get ? "{}" : "Not Found").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", get ? "application/json" : "text/plain");
            ex.sendResponseHeaders(get ? 200 : 404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        plain.start();
        plainUrl = "http://127.0.0.1:" + plain.getAddress().getPort();
        System.setProperty("NOT_GH_TEST_SECRET", c.clientSecret());
        new TestHome(dir)
                .tenant("good", harvest(c.baseUrl(), c.tokenUrl(), c))
                .tenant("prefix", harvest(c.baseUrl() + "/harvest", c.tokenUrl(), c))
                .tenant("plainapi", harvest(plainUrl, c.tokenUrl(), c))
                .tenant("plain", harvest(plainUrl, plainUrl + "/token", c))
                .tenant("plainpartner", """
                        ingestion.base-url = %s
                        ingestion.api-key = env:NOT_GH_TEST_SECRET
                        ingestion.user-email = %s
                        job-board.base-url = %s
                        job-board.token = %s
                        """.formatted(plainUrl, c.partnerUserEmail(), plainUrl, c.jobBoardToken()));
        Files.copy(Path.of("routes/streams.camel.yaml"), dir.resolve("routes/streams.camel.yaml"));
    }

    static String harvest(String base, String tokenUrl, SandboxCredentials c) {
        return """
                harvest.base-url = %s
                harvest.token-url = %s
                harvest.client-id = %s
                harvest.client-secret = env:NOT_GH_TEST_SECRET
                harvest.user-id = %d
                """.formatted(base, tokenUrl, c.clientId(), c.siteAdminUserId());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        plain.stop(0);
    }

    static JsonNode check(String tenant) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CheckCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        // a check reads every stream's resource once (54): more than one window of the default budget
        cli.execute("--home", dir.toString(), "--tenant", tenant, "--json", "-P", "trellis.greenhouse.rate-budget=100000");
        JsonNode all = JSON.readTree(out.toString());
        return all.has("tenants") ? CheckCommandTest.tenant(all, tenant) : all;
    }

    @Test
    void theSandboxUnderAWrongPrefixFailsStepThreeNamingTheUrl() throws Exception {
        JsonNode t = check("prefix");
        assertFalse(t.get("usable").asBoolean(), t.toPrettyString());
        String url = sandbox.credentials().baseUrl() + "/harvest";
        for (String scope : new String[] {"harvest:notes:create", "harvest:interviews:update",
                "harvest:interviews:destroy"}) {
            JsonNode row = CheckCommandTest.row(t, scope.contains("notes") ? "notes" : "interviews", scope);
            assertEquals("unknown", row.get("status").asText(), row.toPrettyString());
            assertTrue(row.get("detail").asText().contains(NOT_GREENHOUSE + url), row.toPrettyString());
        }
        assertTrue(CheckCommandTest.fix(t).contains("harvest.base-url = " + url), CheckCommandTest.fix(t));
    }

    @Test
    void aPlainServerFailsStepThreeOrStepOneNamingTheUrl() throws Exception {
        JsonNode api = check("plainapi");
        assertFalse(api.get("usable").asBoolean(), api.toPrettyString());
        assertEquals("ok", CheckCommandTest.status(api, "credentials", "client-credentials"));
        for (String[] fp : new String[][] {{"sync:candidates", "harvest:candidates:list"},
                {"notes", "harvest:notes:create"}, {"interviews", "harvest:interviews:destroy"}}) {
            JsonNode row = CheckCommandTest.row(api, fp[0], fp[1]);
            assertEquals("unknown", row.get("status").asText(), row.toPrettyString());
            assertTrue(row.get("detail").asText().contains(NOT_GREENHOUSE + plainUrl), row.toPrettyString());
        }

        JsonNode token = check("plain");
        assertFalse(token.get("usable").asBoolean(), token.toPrettyString());
        JsonNode step1 = CheckCommandTest.row(token, "credentials", "client-credentials");
        assertEquals("unknown", step1.get("status").asText());
        assertTrue(step1.get("detail").asText().contains(NOT_GREENHOUSE + plainUrl + "/token"), step1.toPrettyString());
    }

    @Test
    void theSandboxItselfStillPasses() throws Exception {
        JsonNode t = check("good");
        assertTrue(t.get("usable").asBoolean(), t.toPrettyString());
        assertTrue(CheckCommandTest.row(t, "notes", "harvest:notes:create").get("detail").asText()
                .contains("refused by Greenhouse as invalid (422)"));
        assertTrue(CheckCommandTest.row(t, "interviews", "harvest:interviews:destroy").get("detail").asText()
                .contains("for a record that does not exist (404)"));
    }

    @Test
    void aPlainServerAsCandidateIngestionOrJobBoardFailsStepFourNamingTheUrl() throws Exception {
        JsonNode t = check("plainpartner");
        assertFalse(t.get("usable").asBoolean(), t.toPrettyString());
        for (String permission : new String[] {"ingestion:credentials", "ingestion:candidates.create"}) {
            JsonNode row = CheckCommandTest.row(t, "ingestion", permission);
            assertEquals("unknown", row.get("status").asText(), row.toPrettyString());
            assertTrue(row.get("detail").asText().contains("this does not look like Greenhouse's Candidate Ingestion "
                    + "API at " + plainUrl), row.toPrettyString());
        }
        assertTrue(CheckCommandTest.fix(t).contains("ingestion.base-url = " + plainUrl), CheckCommandTest.fix(t));
        JsonNode board = CheckCommandTest.row(t, "job-board", "job-board:token");
        assertEquals("unknown", board.get("status").asText(), board.toPrettyString());
        assertTrue(board.get("detail").asText().contains("Job Board API at " + plainUrl), board.toPrettyString());
    }
}
