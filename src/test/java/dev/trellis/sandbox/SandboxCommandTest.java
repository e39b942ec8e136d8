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
    void aBadPartnerRedirectUriOrOrgCountIsAUsageErrorNamingTheOptionNotAStackTrace() {
        for (List<String> args : List.of(List.of("--partner-redirect-uri", "callback"), List.of("--orgs", "0"),
                List.of("--partner-token-ttl", "0"))) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new Trellis()).setErr(new PrintWriter(err));
            List<String> all = new java.util.ArrayList<>(List.of("sandbox", "--port", "0"));
            all.addAll(args);
            assertEquals(2, cli.execute(all.toArray(String[]::new)), args.toString());
            assertTrue(err.toString().contains(args.get(0)), err.toString());
            assertTrue(!err.toString().contains("Exception"), err.toString());
        }
    }

    @Test
    void sandboxHelpListsThePartnerOptions() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Trellis()).setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("sandbox", "--help"));
        assertTrue(out.toString().contains("--partner-redirect-uri") && out.toString().contains("--partner-token-ttl"));
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
