package dev.trellis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Step 4 sends its Candidate Ingestion requests through the same client and gateway loop as the push and the status
 * sync: a passing 503 is retried like everywhere else, and a lasting one is reported after the gateway gave up.
 */
class CheckThroughClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(20).rateLimit(0).build());
        SandboxCredentials c = sandbox.credentials();
        System.setProperty("CHECK_CLIENTS_TEST_KEY", c.partnerApiKey());
        new TestHome(dir).tenant("partner", """
                ingestion.base-url = %s
                ingestion.api-key = env:CHECK_CLIENTS_TEST_KEY
                ingestion.user-email = %s
                """.formatted(c.baseUrl(), c.partnerUserEmail()));
        Files.copy(Path.of("routes/streams.camel.yaml"), dir.resolve("routes/streams.camel.yaml"));
    }

    @AfterEach
    void clear() {
        sandbox.faults().clear();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static JsonNode check() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CheckCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.execute("--home", dir.toString(), "--tenant", "partner", "--json");
        JsonNode all = JSON.readTree(out.toString());
        return all.has("tenants") ? CheckCommandTest.tenant(all, "partner") : all;
    }

    @Test
    void aPassingServerErrorOfCandidateIngestionIsRetried() throws Exception {
        sandbox.faults().failNext(1);
        JsonNode t = check();
        assertTrue(t.get("usable").asBoolean(), t.toPrettyString());
        assertEquals("ok", CheckCommandTest.status(t, "ingestion", "ingestion:credentials"));
    }

    @Test
    void aLastingServerErrorIsReportedAfterTheRetries() throws Exception {
        sandbox.faults().failNext(3);
        JsonNode t = check();
        assertFalse(t.get("usable").asBoolean(), t.toPrettyString());
        JsonNode row = CheckCommandTest.row(t, "ingestion", "ingestion:credentials");
        assertEquals("unknown", row.get("status").asText(), row.toPrettyString());
        assertTrue(row.get("detail").asText().contains("answered 503")
                && row.get("detail").asText().contains("gave up after 3 attempts"), row.toPrettyString());
    }
}
