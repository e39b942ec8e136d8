package dev.trellis.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code sync_run} history: one row per run, updated as pages arrive so status shows progress. A run is
 * 'running' while its owner instance holds the stream's lock; found without it, it is 'interrupted' until an
 * instance continues it (resumed_at).
 */
final class SyncRuns {
    /** The status of a run that yielded its worker after its time slice and waits in the queue to go on. */
    static final String QUEUED = "queued";

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

    static long start(Connection c, String tenant, String stream, String kind, Instant from, Instant to, String owner)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into sync_run (tenant, stream, kind, window_start, "
                + "window_end, owner) values (?, ?, ?, ?, ?, ?) returning id")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.setString(3, kind);
            ps.setTimestamp(4, StreamState.ts(from));
            ps.setTimestamp(5, StreamState.ts(to));
            ps.setString(6, owner);
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

    /** The run yields its worker at the end of its time slice; the worker that claims it next continues it. */
    static void yieldToQueue(Connection c, long runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update sync_run set status = 'queued' where id = ?")) {
            ps.setLong(1, runId);
            ps.executeUpdate();
        }
    }

    /** Whether a run with this status has not ended: its instance runs it, or died while running it. */
    static boolean isUnfinished(String status) {
        return "running".equals(status) || "interrupted".equals(status);
    }

    /**
     * The caller, holding the stream's lock, continues the run: a run still marked unfinished lost its instance, so
     * it becomes a resumed one; a failed one simply runs again. Returns the status it had.
     */
    static String resume(Connection c, long runId, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update sync_run r set status = 'running', ended_at = null, "
                + "error = null, owner = ?, "
                + "interrupted_at = case when old.status in ('running', 'interrupted') "
                + "then coalesce(r.interrupted_at, now()) else r.interrupted_at end, "
                + "resumed_at = case when old.status in ('running', 'interrupted') then now() else r.resumed_at end "
                + "from sync_run old where old.id = r.id and r.id = ? returning old.status")) {
            ps.setString(1, owner);
            ps.setLong(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "gone";
            }
        }
    }

    /**
     * Marks a running run interrupted (true): its owner is dead (the caller took the run's lock) or is shutting down.
     * Ends it when it cannot be continued (a sweep, or a run its stream no longer points at).
     */
    static boolean interrupt(Connection c, long runId, boolean ends) throws SQLException {
        int marked;
        try (PreparedStatement ps = c.prepareStatement("update sync_run set status = 'interrupted', "
                + "interrupted_at = now() where id = ? and status = 'running'")) {
            ps.setLong(1, runId);
            marked = ps.executeUpdate();
        }
        if (ends) {
            try (PreparedStatement ps = c.prepareStatement(
                    "update sync_run set ended_at = now() where id = ? and ended_at is null")) {
                ps.setLong(1, runId);
                ps.executeUpdate();
            }
        }
        return marked == 1;
    }
}
