package dev.trellis.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs whose instance died: a run row still unfinished while nobody holds its stream's lock (PostgreSQL drops a
 * session's locks when the process dies). Each check marks them interrupted and continues each stream's run from its
 * saved next link through the queue (ahead of a lapsing claim), without waiting for the stream's schedule. The hub
 * checks at start-up and then periodically, so a run of a dead peer is taken over within one period. A run that
 * yielded after its time slice ('queued') is not unfinished here: it waits in the queue.
 */
public final class InterruptedRuns {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptedRuns.class);

    private final DataSource dataSource;
    private final StreamApi streams;
    private final SyncQueue queue;

    InterruptedRuns(DataSource dataSource, StreamApi streams, SyncQueue queue) {
        this.dataSource = dataSource;
        this.streams = streams;
        this.queue = queue;
    }

    /** An unfinished run row; {@code current} when it is its stream's run in progress (it can be continued). */
    private record Unfinished(long id, String tenant, String stream, String kind, String status, boolean current,
            String owner, String paused) {
    }

    /** One check; returns the tenant/stream pairs whose interrupted run it set going. */
    public List<String> check() throws SQLException {
        List<String> resumed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Unfinished u : unfinished(c)) {
                String lock = u.kind().equals("sweep") ? "sweep" : "sync";
                if (!StreamSync.lock(c, lock, u.tenant(), u.stream(), true)) {
                    continue; // its instance is alive and running it (or another instance is resuming it)
                }
                boolean current;
                try {
                    // read again under the lock: the run may have ended between the list and the lock
                    Optional<Unfinished> still = unfinished(c, u.id());
                    if (still.isEmpty()) {
                        continue;
                    }
                    current = still.get().current();
                    if (SyncRuns.interrupt(c, u.id(), !current)) {
                        LOG.warn("Run {} of stream {} of tenant {} was interrupted: its instance {} is gone{}", u.id(),
                                u.stream(), u.tenant(), u.owner(), current ? "" : " (it is not continued)");
                    }
                } finally {
                    StreamSync.lock(c, lock, u.tenant(), u.stream(), false);
                }
                if (current && u.paused() == null && resume(u.tenant(), u.stream())) {
                    resumed.add(u.tenant() + "/" + u.stream());
                }
            }
        }
        return resumed;
    }

    private static List<Unfinished> unfinished(Connection c) throws SQLException {
        return unfinished(c, "", null);
    }

    /** The run, if it is still unfinished. */
    private static Optional<Unfinished> unfinished(Connection c, long runId) throws SQLException {
        return unfinished(c, "and r.id = ? ", runId).stream().findFirst();
    }

    private static List<Unfinished> unfinished(Connection c, String and, Long runId) throws SQLException {
        List<Unfinished> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select r.id, r.tenant, r.stream, r.kind, r.status, "
                + "coalesce(s.run_id = r.id and s.next_url is not null, false), r.owner, s.paused_reason "
                + "from sync_run r left join sync_stream s on s.tenant = r.tenant and s.stream = r.stream "
                + "where r.ended_at is null and r.status in ('running', 'interrupted') " + and + "order by r.id")) {
            if (runId != null) {
                ps.setLong(1, runId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Unfinished(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    /**
     * Queues the stream for the tenant, taking the pair back from a claim (whose run is dead); false when the stream
     * or the tenant is not served here, or the pair already waits in the queue.
     */
    private boolean resume(String tenant, String stream) throws SQLException {
        boolean served = streams.targets().stream()
                .anyMatch(t -> t.tenant().id().equals(tenant) && t.stream().equals(stream));
        if (!served || !queue.resume(tenant, stream)) {
            return false;
        }
        LOG.info("Stream {} of tenant {}: resuming its interrupted run now", stream, tenant);
        return true;
    }
}
