package dev.trellis.outbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's own database session: it LISTENs on {@code trellis_outbox} (the insert trigger NOTIFYs), so a new
 * item wakes the threads at once, and it holds the advisory lock that proves this dispatcher alive to the others.
 * Between notifications it wakes them when the next retry falls due, or after the slow poll at the latest, and
 * returns items orphaned by a dead dispatcher to the queue.
 */
final class OutboxListener implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxListener.class);

    /** Opens a connection that is not from the pool: it stays open for the life of the dispatcher. */
    interface Connector {
        Connection open() throws SQLException;
    }

    /** Longest single wait for a notification, so that stopping never waits long. */
    private static final long MAX_BLOCK_MS = 500;

    private final Connector connector;
    private final Outbox outbox;
    private final Wakeup wakeup;
    private final OutboxMetrics metrics;
    private final long pollMs;
    private volatile boolean running = true;
    private volatile int claimer;
    private volatile Connection session;

    OutboxListener(Connector connector, Outbox outbox, Wakeup wakeup, OutboxMetrics metrics, long pollMs) {
        this.connector = connector;
        this.outbox = outbox;
        this.wakeup = wakeup;
        this.metrics = metrics;
        this.pollMs = pollMs;
    }

    /** This dispatcher's claimer id while its session holds the lock; 0 while it has none. */
    int claimer() {
        return session == null ? 0 : claimer;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        long lastHousekeeping = 0;
        long lastWake = 0;
        while (running) {
            try {
                if (session == null) {
                    connect();
                    lastHousekeeping = 0;
                }
                long now = System.currentTimeMillis();
                if (now - lastHousekeeping >= pollMs) {
                    if (outbox.recoverOrphans() > 0) {
                        LOG.warn("Outbox: returned items of a stopped dispatcher to the queue; they are checked in "
                                + "Greenhouse before being sent again");
                    }
                    metrics.depth(outbox.depth());
                    lastHousekeeping = now;
                }
                long due = outbox.millisToNextDue();
                long untilPoll = Math.max(1, lastWake + pollMs - now);
                long wait = Math.min(untilPoll, due < 0 ? MAX_BLOCK_MS : Math.min(due, MAX_BLOCK_MS));
                PGNotification[] notes = session.unwrap(PGConnection.class).getNotifications((int) Math.max(1, wait));
                now = System.currentTimeMillis();
                boolean notified = notes != null && notes.length > 0;
                if (notified || (due >= 0 && due <= wait) || now - lastWake >= pollMs) {
                    // an insert, a retry falling due, or the slow poll: the threads look
                    wakeup.wake();
                    lastWake = now;
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("Outbox listener lost its database session ({}); reconnecting", e.getMessage());
                }
                closeSession();
                sleep(1000);
            } catch (RuntimeException e) {
                LOG.error("Outbox listener failed", e);
                sleep(1000);
            }
        }
        closeSession();
    }

    private void connect() throws SQLException {
        Connection c = connector.open();
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("listen " + Outbox.CHANNEL);
            }
            // keep the same id after a reconnect when we can, so our in-flight items still match their claim
            int id = claimer != 0 ? claimer : 0;
            while (id == 0 || !lock(c, id)) {
                id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            }
            claimer = id;
            session = c;
            LOG.info("Outbox dispatcher {} listening on {}", id, Outbox.CHANNEL);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static boolean lock(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, Outbox.LOCK_CLASS);
            ps.setInt(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void closeSession() {
        Connection c = session;
        session = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken session
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
