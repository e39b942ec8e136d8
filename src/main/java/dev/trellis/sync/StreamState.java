package dev.trellis.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** A stream's row in {@code sync_stream}: its watermark and, while a run is under way, where that run is. */
public record StreamState(String tenant, String stream, Instant watermark, Instant windowStart, Instant windowEnd,
        String nextUrl, Long runId, String pausedReason, Instant lastSweepAt) {

    public boolean inProgress() {
        return nextUrl != null;
    }

    static StreamState load(Connection c, String tenant, String stream) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement(
                "insert into sync_stream (tenant, stream) values (?, ?) on conflict do nothing")) {
            ins.setString(1, tenant);
            ins.setString(2, stream);
            ins.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("select watermark, window_start, window_end, next_url, run_id, "
                + "paused_reason, last_sweep_at from sync_stream where tenant = ? and stream = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StreamState(tenant, stream, instant(rs, 1), instant(rs, 2), instant(rs, 3), rs.getString(4),
                        (Long) rs.getObject(5), rs.getString(6), instant(rs, 7));
            }
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
