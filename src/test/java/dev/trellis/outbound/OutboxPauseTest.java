package dev.trellis.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kind whose scope the connection check found missing waits, queued, with the reason; nothing is sent. */
class OutboxPauseTest {

    @TempDir
    Path dir;

    @Test
    void notesWaitWhileTheirScopeIsMissing() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxSettings.builder().seed(8).candidates(100).rateLimit(0).build())) {
            var limited = sandbox.createClient(Scopes.allExcept(Scopes.NOTES_CREATE));
            TestHome home = new TestHome(dir)
                    .sandboxTenant("acme", sandbox, limited.clientId(), limited.clientSecret(), "PAUSE_TEST_SECRET")
                    .property("trellis.check.on-startup", "true")
                    .property("trellis.check.startup-delay-ms", "10")
                    .property("trellis.outbox.poll-ms", "200");
            Hub hub = home.start();
            try {
                // the start-up check has run when its result is in
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (HttpCalls.get(home.apiUrl() + "/api/tenants/acme/check").status() != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(500);
                long candidate = sandbox.record(Resource.CANDIDATES, 10_000_001L).get("id").asLong();
                HttpCalls.Answer accepted = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/acme/notes",
                        "{\"candidate_id\": " + candidate + ", \"body\": \"hi\"}");
                assertEquals(202, accepted.status(), accepted.body());
                long id = accepted.json().get("id").asLong();
                Thread.sleep(1_500);
                JsonNode item = HttpCalls.get(home.apiUrl() + "/api/outbox/" + id).json();
                assertEquals("queued", item.get("status").asText(), item.toString());
                assertTrue(item.get("paused").asText().contains("harvest:notes:create"), item.toString());
                assertEquals(0, sandbox.state().requestCounts().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("POST /v3/notes 2")).count(), "nothing written");
            } finally {
                hub.stop();
            }
        }
    }
}
