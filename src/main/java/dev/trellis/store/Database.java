package dev.trellis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.trellis.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PostgreSQL: an external server when a JDBC URL is given, otherwise an embedded PostgreSQL 17 whose data
 * survives restarts. Opening it applies the Flyway migrations; closing it closes the pool, then the embedded server.
 */
public final class Database implements AutoCloseable {
    /** The hub's DataSource in the Camel registry. */
    public static final String BEAN = "dataSource";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Duration STARTUP_WAIT = Duration.ofHours(1);
    private static final long MAX_SERVER_LOG_BYTES = 10_000_000;

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final String description;

    private final Path embeddedDir;

    private Database(EmbeddedPostgres embedded, Path embeddedDir, HikariDataSource pool, String description) {
        this.embedded = embedded;
        this.embeddedDir = embeddedDir;
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
        Database db = new Database(embedded, embeddedDir, pool, description);
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
            LeftoverServer.stopIfOrphaned(dir);
            Path serverLog = serverLog(dir);
            startNewLogIfLarge(serverLog);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.toFile())
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // PostgreSQL's durable defaults, which the embedded library turns off (its -F and
                    // synchronous_commit=off): an accepted item must survive a crash and a power loss
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    // crash recovery takes as long as the write-ahead log to replay; StartupWatch reports progress
                    .setPGStartupWait(STARTUP_WAIT);
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres embedded;
            try (StartupWatch watch = new StartupWatch(dir, serverLog)) {
                embedded = builder.start();
                if (watch.serverExited()) {
                    closeQuietly(embedded);
                    throw new ConfigException("The embedded PostgreSQL in " + dir + " exited while starting; the end "
                            + "of its log " + serverLog + ":\n" + watch.lastLines(10));
                }
            }
            Files.writeString(LeftoverServer.ownerFile(dir), ProcessHandle.current().pid() + "\n");
            return embedded;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException c) {
                throw c;
            }
            throw new ConfigException("Cannot start the embedded PostgreSQL in " + dir
                    + " (trellis.db.embedded-dir; see its log " + serverLog(dir) + "): " + e.getMessage(), e);
        }
    }

    /** {@code <data dir>.log}: the embedded server's own log, next to its data. */
    private static Path serverLog(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".log");
    }

    private static void startNewLogIfLarge(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > MAX_SERVER_LOG_BYTES) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".old"), StandardCopyOption.REPLACE_EXISTING);
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
            try {
                Files.deleteIfExists(LeftoverServer.ownerFile(embeddedDir));
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", LeftoverServer.ownerFile(embeddedDir), e.getMessage());
            }
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
