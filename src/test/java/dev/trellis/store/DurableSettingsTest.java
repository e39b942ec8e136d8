package dev.trellis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server keeps PostgreSQL's durable defaults (the embedded library starts it with fsync off and
 * asynchronous commit), and the pool's connections do not turn them off either: a commit is on disk when it returns.
 */
class DurableSettingsTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedServerAndThePoolCommitDurably() throws Exception {
        try (Database db = Database.open(null, null, null, 2, dir.resolve("pg"), 0)) {
            assertEquals(Map.of("fsync", "on", "full_page_writes", "on", "synchronous_commit", "on"),
                    settings(db, "show fsync", "show full_page_writes", "show synchronous_commit"));
        }
    }

    private static Map<String, String> settings(Database db, String... queries) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String q : queries) {
                try (ResultSet rs = s.executeQuery(q)) {
                    rs.next();
                    out.put(q.substring("show ".length()), rs.getString(1));
                }
            }
        }
        return out;
    }
}
