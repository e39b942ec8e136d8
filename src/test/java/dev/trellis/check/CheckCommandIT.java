package dev.trellis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.TestHome;
import dev.trellis.hub.TrellisJar;
import dev.trellis.sandbox.ClientCredentials;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar target/trellis.jar check} as a user runs it: a home, secrets in the environment, no hub. */
class CheckCommandIT {
    @TempDir
    Path dir;

    @Test
    void theJarChecksAHomeWithoutAHub() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(100).build())) {
            SandboxCredentials c = sandbox.credentials();
            ClientCredentials noNotes = sandbox.createClient(Scopes.allExcept(Scopes.NOTES_CREATE));
            new TestHome(dir).tenant("acme", """
                    harvest.base-url = %s
                    harvest.token-url = %s
                    harvest.client-id = %s
                    harvest.client-secret = env:ACME_HARVEST_CLIENT_SECRET
                    harvest.user-id = %d
                    """.formatted(c.baseUrl(), c.tokenUrl(), noNotes.clientId(), c.siteAdminUserId()));
            Files.copy(Path.of("routes/streams.camel.yaml"), dir.resolve("routes/streams.camel.yaml"));

            Path out = dir.resolve("out.txt");
            assertEquals(2, java(out, noNotes.clientSecret(), "check"));
            String text = Files.readString(out);
            assertTrue(text.startsWith("Tenant acme: 2 problem(s)"), text);
            assertTrue(text.contains("harvest:notes:create (was POST: Add Note / POST: Add Email)"), text);
            assertFalse(text.contains(noNotes.clientSecret()), "no secret printed");

            assertEquals(0, java(out, noNotes.clientSecret(), "check", "--json", "-P",
                    "trellis.check.disabled-features=notes,emails"));
            JsonNode json = new ObjectMapper().readTree(Files.readString(out));
            assertTrue(json.get("usable").asBoolean(), json.toPrettyString());

            assertEquals(0, java(out, null, "check", "--help"));
            assertTrue(Files.readString(out).contains("--tenant"));
        }
    }

    private int java(Path out, String secret, String... args) throws Exception {
        Map<String, String> env = secret == null ? Map.of() : Map.of("ACME_HARVEST_CLIENT_SECRET", secret);
        Process p = TrellisJar.start(dir, out, env, List.of(args));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check finished");
        return p.exitValue();
    }
}
