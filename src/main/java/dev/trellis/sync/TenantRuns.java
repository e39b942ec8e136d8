package dev.trellis.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The runs of one tenant on every instance, seen through their locks: a removed tenant's purge waits until they have
 * stopped (each stops after its current page once its instance no longer serves the tenant), so no page is written
 * after the purge.
 */
public final class TenantRuns {
    private TenantRuns() {
    }

    /** Waits until no sync or sweep of the tenant holds its lock; false when some still did after {@code max}. */
    public static boolean awaitStopped(DataSource dataSource, String tenant, Duration max)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        try (Connection c = dataSource.getConnection()) {
            List<String> streams = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select stream from sync_stream where tenant = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        streams.add(rs.getString(1));
                    }
                }
            }
            while (true) {
                boolean going = false;
                for (String stream : streams) {
                    going |= StreamSync.held(c, "sync", tenant, stream) || StreamSync.held(c, "sweep", tenant, stream);
                }
                if (!going) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(100);
            }
        }
    }
}
