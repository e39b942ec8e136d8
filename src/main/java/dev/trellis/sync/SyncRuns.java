package dev.trellis.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** The {@code sync_run} history: one row per run, updated as pages arrive so status shows progress. */
final class SyncRuns {
    private SyncRuns() {
    }

    /** What a run has done so far. */
    static final class Counts {
        int pages;
        long fetched;
        long written;
        long unchanged;
        long deleted;
    }

    static long start(Connection c, String tenant, String stream, String kind, Instant from, Instant to)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into sync_run (tenant, stream, kind, window_start, "
                + "window_end) values (?, ?, ?, ?, ?) returning id")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.setString(3, kind);
            ps.setTimestamp(4, StreamState.ts(from));
            ps.setTimestamp(5, StreamState.ts(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Adds this page's counts to the run. */
    static void add(Connection c, long runId, int pages, long fetched, long written, long unchanged, long deleted)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update sync_run set pages = pages + ?, fetched = fetched + ?, "
                + "written = written + ?, unchanged = unchanged + ?, deleted = deleted + ? where id = ?")) {
            ps.setInt(1, pages);
            ps.setLong(2, fetched);
            ps.setLong(3, written);
            ps.setLong(4, unchanged);
            ps.setLong(5, deleted);
            ps.setLong(6, runId);
            ps.executeUpdate();
        }
    }

    static void finish(Connection c, long runId, String status, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update sync_run set ended_at = now(), status = ?, error = ? where id = ?")) {
            ps.setString(1, status);
            ps.setString(2, error);
            ps.setLong(3, runId);
            ps.executeUpdate();
        }
    }
}
