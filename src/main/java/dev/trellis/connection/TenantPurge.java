package dev.trellis.connection;

import dev.trellis.api.ApiException;
import dev.trellis.sync.TenantRuns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Removes what a removed tenant left: its synced rows, outbox, stream state, runs, dead letters, ingestion rows —
 * every table with a {@code tenant} column — a few thousand rows per transaction, so no table is locked for long and
 * a purge cut short is finished by asking again.
 */
final class TenantPurge {
    private static final int BATCH = 5000;
    /** each run stops after its current page; an instance that learns of the removal late adds a refresh period */
    private static final Duration RUNS_STOP = Duration.ofSeconds(60);
    private final DataSource dataSource;

    TenantPurge(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows deleted per table (tables with none left out), once the tenant's runs have stopped everywhere. */
    Map<String, Long> purge(String tenant) throws SQLException, InterruptedException {
        if (!TenantRuns.awaitStopped(dataSource, tenant, RUNS_STOP)) {
            throw new ApiException(409, "A run of tenant " + tenant + " is still going after " + RUNS_STOP.toSeconds()
                    + " s; its secrets are erased and it stops after its current page: ask again to purge");
        }
        Map<String, Long> deleted = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            for (String table : tables(c)) {
                long n = 0;
                int batch;
                // ctid batches: a plain delete of a million rows would hold its locks and WAL in one transaction
                String sql = "delete from " + quote(table) + " where ctid = any(array(select ctid from " + quote(table)
                        + " where tenant = ? limit " + BATCH + "))";
                do {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setString(1, tenant);
                        batch = ps.executeUpdate();
                    }
                    n += batch;
                } while (batch > 0);
                if (n > 0) {
                    deleted.put(table, n);
                }
            }
        }
        return deleted;
    }

    /** True when some table still has rows of the tenant (a removal whose purge was not asked for, or cut short). */
    boolean hasRows(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (String table : tables(c)) {
                try (PreparedStatement ps = c.prepareStatement("select 1 from " + quote(table) + " where tenant = ? limit 1")) {
                    ps.setString(1, tenant);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select c.table_name from information_schema.columns c "
                + "join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name "
                + "where c.table_schema = current_schema() and c.column_name = 'tenant' and t.table_type = 'BASE TABLE' "
                + "and c.table_name not in ('tenant', 'tenant_secret') order by c.table_name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
