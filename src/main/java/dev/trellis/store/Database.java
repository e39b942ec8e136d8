package dev.trellis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.trellis.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PostgreSQL: an external server when a JDBC URL is given, otherwise an embedded PostgreSQL 17 whose data
 * survives restarts. Opening it applies the Flyway migrations; closing it closes the pool, then the embedded server.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final String description;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
        this.embedded = embedded;
        this.pool = pool;
        this.description = description;
    }

    /** Connects to {@code url}, or starts the embedded server in {@code embeddedDir} when url is null. */
    public static Database open(String url, String user, String password, int poolSize, Path embeddedDir,
            int embeddedPort) {
        EmbeddedPostgres embedded = null;
        String jdbcUrl = url;
        String description;
        if (url == null) {
            embedded = startEmbedded(embeddedDir, embeddedPort);
            jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
            user = "postgres";
            password = null;
            description = "embedded PostgreSQL on port " + embedded.getPort() + ", data in " + embeddedDir;
        } else {
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new ConfigException("Configuration key 'trellis.db.url' must be a PostgreSQL JDBC URL "
                        + "(jdbc:postgresql://host:port/database), not '" + url + "'");
            }
            description = "PostgreSQL at " + url.replaceAll("password=[^&]*", "password=****");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("trellis");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            if (embedded != null) {
                closeQuietly(embedded);
            }
            throw new ConfigException("Cannot connect to " + description + " (trellis.db.url, trellis.db.user, "
                    + "TRELLIS_DB_PASSWORD): " + e.getMessage(), e);
        }
        Database db = new Database(embedded, pool, description);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static EmbeddedPostgres startEmbedded(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.toFile())
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            return builder.start();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("Cannot start the embedded PostgreSQL in " + dir
                    + " (trellis.db.embedded-dir; is another Trellis using it?): " + e.getMessage(), e);
        }
    }

    static void migrate(DataSource dataSource) {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("Database schema migrated to version {} ({} migrations applied)",
                    result.targetSchemaVersion, result.migrationsExecuted);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            closeQuietly(embedded);
        }
        LOG.info("Database closed ({})", description);
    }

    private static void closeQuietly(EmbeddedPostgres embedded) {
        try {
            embedded.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
