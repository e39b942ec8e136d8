package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.Trellis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SandboxCommandTest {

    @Test
    void sandboxIsASubcommandWithTheDocumentedOptions() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Trellis()).setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("sandbox", "--help"));
        for (String option : List.of("--port", "--host", "--seed", "--candidates", "--jobs", "--rate-limit",
                "--token-ttl", "--churn", "--webhook-url", "--orgs")) {
            assertTrue(out.toString().contains(option), option);
        }
    }

    @Test
    void readyMessageNamesEverythingAClientNeeds() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().candidates(10).build())) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SandboxCommand.print(sb, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String printed = bytes.toString(StandardCharsets.UTF_8);
            SandboxCredentials c = sb.credentials();
            for (String value : List.of(c.baseUrl(), c.clientId(), c.clientSecret(), Long.toString(c.siteAdminUserId()),
                    c.partnerApiKey(), c.partnerUserEmail(), c.jobBoardToken(), c.webhookSecret())) {
                assertTrue(printed.contains(value), value);
            }
            assertTrue(printed.startsWith("Greenhouse sandbox ready (seed 42, 10 candidates)\n"), printed);
            assertTrue(!printed.contains("organisations"), printed);
        }
    }

    @Test
    void withSeveralOrgsTheReadyMessageSaysHowManyAndWhereTheirCredentialsAre() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().orgs(5).candidates(10).build())) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SandboxCommand.print(sb, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("10 candidates in each of 5 organisations; organisation 0 below"), printed);
            assertTrue(printed.contains("  client id             " + sb.credentials(0).clientId()), printed);
            assertTrue(printed.contains("organisations         5   (0..4; every one's credentials: " + sb.baseUrl()
                    + "/_sandbox/orgs)"), printed);
        }
    }
}
