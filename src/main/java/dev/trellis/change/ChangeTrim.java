package dev.trellis.change;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Retention: deletes change events older than the retention, oldest first, {@link #BATCH} per statement (so no
 * transaction holds many locks or much WAL), always a prefix of seq, and records the highest seq trimmed in
 * {@code change_trim}, which the API compares cursors with.
 */
public final class ChangeTrim {
    static final int BATCH = 10_000;

    // the batch is the oldest events; it stops before the first one young enough to keep, so what is left is a suffix
    private static final String TRIM = "with batch as (select seq, seen_at from change_event order by seq limit "
            + BATCH + "), keep as (select min(seq) as seq from batch where seen_at >= ?), "
            + "gone as (delete from change_event e using batch b where e.seq = b.seq and b.seq <= ? "
            + "and b.seq < coalesce((select seq from keep), 9223372036854775807) returning e.seq), "
            + "mark as (update change_trim set trimmed_through = greatest(trimmed_through, (select max(seq) from gone)) "
            + "where exists (select 1 from gone)) "
            + "select count(*) from gone";

    private final DataSource dataSource;
    private final Duration retention;
    private final Clock clock;

    public ChangeTrim(DataSource dataSource, Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.clock = clock;
    }

    /** Trims every event older than the retention; returns how many were deleted. */
    public long trim() throws SQLException {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(retention));
        long total = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TRIM)) {
            int deleted;
            do {
                ps.setTimestamp(1, cutoff);
                // never past an event that may still commit (V14): it would land below trimmed_through, unseen
                ps.setLong(2, bound(c));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    deleted = rs.getInt(1);
                }
                total += deleted;
            } while (deleted == BATCH);
        }
        return total;
    }

    /** change_event_bound(), in a statement of its own as V14 asks. */
    private static long bound(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select change_event_bound()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The highest seq retention has deleted (0: none). */
    static long trimmedThrough(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select trimmed_through from change_trim");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
