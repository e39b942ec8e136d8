package dev.trellis.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.TestHome;
import dev.trellis.hub.TrellisJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar with a bad value in an environment variable: it stops at once, naming the key and the variable. */
class BadSettingJarIT {
    @TempDir
    Path dir;

    @Test
    void aBadEnvironmentVariableStopsStartUpNamingIt() throws Exception {
        TestHome home = new TestHome(dir);
        Path log = dir.resolve("trellis.log");
        Process hub = TrellisJar.start(dir, log, Map.of("TRELLIS_SYNC_THREADS", "x"),
                TrellisJar.runArgs(home, home.port(), home.managementPort(), List.of()));
        boolean ended = hub.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            hub.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String out = Files.readString(log);
        assertTrue(ended, "still running with a bad trellis.sync.threads:\n" + out);
        assertNotEquals(0, hub.exitValue(), out);
        assertTrue(out.contains("'trellis.sync.threads' must be a whole number from 1 to 64, not 'x' "
                + "(set by the environment variable TRELLIS_SYNC_THREADS)"), out);
        assertFalse(Files.exists(dir.resolve("data/pg")), "started the database first:\n" + out);
    }
}
