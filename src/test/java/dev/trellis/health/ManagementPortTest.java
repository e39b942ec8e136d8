package dev.trellis.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.ListeningSockets;
import dev.trellis.hub.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without an API token the management port answers this machine only, and never shows the machine's details. */
class ManagementPortTest {
    @TempDir
    Path dir;

    @Test
    void withoutATokenTheManagementPortListensOnLoopbackOnlyAndHasNoInfo() throws Exception {
        TestHome home = new TestHome(dir);
        // the shipped configuration, as a user runs it
        Files.copy(Path.of("config/application.properties"), dir.resolve("config/application.properties"));
        Hub hub = home.start();
        try {
            assertEquals(Set.of("127.0.0.1"), ListeningSockets.addresses(home.managementPort()));
            assertEquals(Set.of("127.0.0.1"), ListeningSockets.addresses(home.port()));
            assertEquals(200, HttpCalls.get(home.managementUrl() + "/observe/health").status());
            HttpCalls.Answer metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "Prometheus text");
            for (String hidden : new String[] {"/observe/info", "/observe/jolokia", "/q/dev", "/observe/send"}) {
                assertEquals(404, HttpCalls.get(home.managementUrl() + hidden).status(), hidden);
            }
        } finally {
            hub.stop();
        }
    }
}
