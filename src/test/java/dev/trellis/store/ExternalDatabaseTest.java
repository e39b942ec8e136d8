package dev.trellis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.config.ConfigException;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trellis.db.url: the hub migrates and uses a PostgreSQL it did not start, and leaves it running. */
class ExternalDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migratesAnExternalServerAndStartsNoEmbeddedOne() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            TestHome home = new TestHome(dir)
                    .property("trellis.db.url", external.getJdbcUrl("postgres", "postgres"))
                    .property("trellis.db.user", "postgres");
            Hub hub = home.start();
            hub.stop();
            assertFalse(Files.exists(dir.resolve("data/pg")), "no embedded server was started");
            try (Connection c = external.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from dead_letter")) {
                assertTrue(rs.next(), "the external server is still up and has the schema");
                assertEquals(0, rs.getInt(1));
            }
        }
    }

    @Test
    void aNonPostgresUrlIsRefusedNamingTheKey() {
        TestHome home = new TestHome(dir).property("trellis.db.url", "jdbc:mysql://db/trellis");
        ConfigException e = assertThrows(ConfigException.class, home::start);
        assertTrue(e.getMessage().contains("'trellis.db.url'"), e.getMessage());
    }
}
