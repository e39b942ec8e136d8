package dev.trellis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the embedded server: it may wait a long time for crash recovery, so a server that cannot start at all must
 * be reported at once with the reason from its log, not after the wait; and the owner file names the running Trellis.
 */
class EmbeddedStartTest {
    @TempDir
    Path dir;

    @Test
    void aServerThatCannotStartIsReportedAtOnceWithItsReason() throws Exception {
        Path data = dir.resolve("pg");
        try (Database db = Database.open(null, null, null, 2, data, 0)) {
            assertEquals(String.valueOf(ProcessHandle.current().pid()),
                    Files.readString(dir.resolve("pg.owner")).trim(), "the owner file names this process");
        }
        assertTrue(Files.notExists(dir.resolve("pg.owner")), "a clean stop removes the owner file");
        Files.writeString(data.resolve("postgresql.conf"), "\nshared_buffers = 'plenty'\n", StandardOpenOption.APPEND);

        long t0 = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class, () -> Database.open(null, null, null, 2, data, 0));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("exited while starting"), e.getMessage());
        assertTrue(e.getMessage().contains("shared_buffers"), "the server's own reason: " + e.getMessage());
        assertTrue(seconds < 8, "reported at once, not after the start-up wait: " + seconds + " s");
        assertTrue(!Thread.currentThread().isInterrupted(), "the interrupt that cut the wait short is cleared");
    }
}
