package dev.trellis.sync;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code sync_queue} table: (tenant, stream) runs waiting for a worker or being run, shared by every instance on
 * the database. Claims go round-robin across tenants: the tenant with the fewest runs going first, then the pair
 * queued longest ago; a tenant never has more than {@code tenantConcurrency} claimed at once.
 */
final class SyncQueue {
    /** A queued pair. */
    record Key(String tenant, String stream) {
    }

    /** A row a worker of this instance claimed; {@code id} tells its claim from a later one of the same pair. */
    record Claim(String tenant, String stream, String reason, long id) {
    }

    /** How many pairs wait (not claimed, or claimed by a dead instance), and how long the oldest has waited. */
    record Waiting(long depth, double oldestSeconds) {
    }

    private static final String STALE = "renewed_at <= now() - make_interval(secs => ?)";

    private final DataSource dataSource;
    private final String owner;
    private final Duration lease;
    private final int tenantConcurrency;
    private volatile Runnable onEnqueue = () -> { };

    SyncQueue(DataSource dataSource, String owner, Duration lease, int tenantConcurrency) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.lease = lease;
        this.tenantConcurrency = tenantConcurrency;
    }

    /** Called after each enqueue here, so this instance's workers start at once instead of at their next poll. */
    void onEnqueue(Runnable listener) {
        onEnqueue = listener;
    }

    /** Queues each pair; a pair already queued or running stays as it is. Returns how many were newly queued. */
    int enqueue(List<Key> keys, String reason) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        int added;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into sync_queue (tenant, stream, reason) select k.tenant, k.stream, ? "
                        + "from unnest(?::text[], ?::text[]) as k(tenant, stream) on conflict do nothing")) {
            ps.setString(1, reason);
            ps.setArray(2, array(c, keys.stream().map(Key::tenant).toList()));
            ps.setArray(3, array(c, keys.stream().map(Key::stream).toList()));
            added = ps.executeUpdate();
        }
        onEnqueue.run();
        return added;
    }

    /**
     * Queues the pair of a run that is not going on (its instance is dead, the caller holds its lock), taking it back
     * from whoever claimed it: a claim whose run is dead is not worth waiting a lease for. The place in line stays.
     */
    boolean resume(String tenant, String stream) throws SQLException {
        int changed;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into sync_queue (tenant, stream, reason) values (?, ?, 'resume') on conflict (tenant, stream) "
                        + "do update set reason = 'resume', claimed_by = null, claim_id = null, claimed_at = null, "
                        + "renewed_at = null where sync_queue.claimed_by is not null")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            changed = ps.executeUpdate();
        }
        onEnqueue.run();
        return changed == 1;
    }

    /**
     * In the caller's transaction (the one that saves the run's last page of its slice): queues the pair again at the
     * back of the line, letting go of the claim it ran under.
     */
    static void requeue(Connection c, String tenant, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into sync_queue (tenant, stream, reason) "
                + "values (?, ?, 'slice') on conflict (tenant, stream) do update set reason = 'slice', queued_at = now(), "
                + "claimed_by = null, claim_id = null, claimed_at = null, renewed_at = null")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.executeUpdate();
        }
    }

    /** Claims the next pair for this instance, or nothing when none waits or every waiting tenant is at its limit. */
    Optional<Claim> claim() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // claims one at a time across instances, so two cannot both take a tenant's last free place
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_advisory_xact_lock(hashtext('sync-queue/claim'))");
                }
                // a claim updates the row rather than deleting it: the row counts the tenant's runs going, and the
                // claim of an instance that dies lapses back into the queue instead of being lost with it
                try (PreparedStatement ps = c.prepareStatement("update sync_queue set claimed_by = null, "
                        + "claim_id = null, claimed_at = null, renewed_at = null where claimed_by is not null and "
                        + STALE)) {
                    ps.setLong(1, lease.toSeconds());
                    ps.executeUpdate();
                }
                // the tenants with runs going are few (at most every instance's workers): read them first, then walk
                // the waiting rows in queue order through the index, for a tenant with nothing going, else for one
                // below its limit; a scan and sort of every waiting row took 70 ms at 20,000 and starved the workers
                Map<String, Integer> running = new HashMap<>();
                try (PreparedStatement ps = c.prepareStatement("select tenant, count(*) from sync_queue "
                        + "where claimed_by is not null group by tenant");
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        running.put(rs.getString(1), rs.getInt(2));
                    }
                }
                List<String> below = running.entrySet().stream().filter(e -> e.getValue() < tenantConcurrency)
                        .map(Map.Entry::getKey).toList();
                Optional<Key> chosen = waiting(c, "not (tenant = any(?))", List.copyOf(running.keySet()));
                if (chosen.isEmpty() && !below.isEmpty()) {
                    chosen = waiting(c, "tenant = any(?)", below);
                }
                Optional<Claim> claim = Optional.empty();
                if (chosen.isPresent()) {
                    try (PreparedStatement ps = c.prepareStatement("update sync_queue set claimed_by = ?, "
                            + "claim_id = nextval('sync_queue_claim'), claimed_at = now(), renewed_at = now() "
                            + "where tenant = ? and stream = ? returning tenant, stream, reason, claim_id")) {
                        ps.setString(1, owner);
                        ps.setString(2, chosen.get().tenant());
                        ps.setString(3, chosen.get().stream());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                claim = Optional.of(new Claim(rs.getString(1), rs.getString(2), rs.getString(3),
                                        rs.getLong(4)));
                            }
                        }
                    }
                }
                c.commit();
                return claim;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The claim's run is over: the pair leaves the queue (unless it was queued again meanwhile: then it stays). */
    void finish(Claim claim) throws SQLException {
        update("delete from sync_queue where tenant = ? and stream = ? and claim_id = ?", claim);
    }

    /** The first waiting pair in queue order whose tenant matches {@code condition} (one text[] parameter). */
    private static Optional<Key> waiting(Connection c, String condition, List<String> tenants) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select tenant, stream from sync_queue where claimed_by is null "
                + "and " + condition + " order by queued_at, tenant, stream limit 1 for update skip locked")) {
            ps.setArray(1, c.createArrayOf("text", tenants.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Key(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The hub stops before the claim's run ended: the pair waits again in its place, for any instance. */
    void release(Claim claim) throws SQLException {
        update("update sync_queue set claimed_by = null, claim_id = null, claimed_at = null, renewed_at = null "
                + "where tenant = ? and stream = ? and claim_id = ?", claim);
    }

    private void update(String sql, Claim claim) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, claim.tenant());
            ps.setString(2, claim.stream());
            ps.setLong(3, claim.id());
            ps.executeUpdate();
        }
    }

    /** Keeps this instance's claims alive: one statement per instance, whatever the number of runs. */
    void renew() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update sync_queue set renewed_at = now() where claimed_by = ?")) {
            ps.setString(1, owner);
            ps.executeUpdate();
        }
    }

    Waiting waiting() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select count(*), "
                + "coalesce(extract(epoch from now() - min(queued_at)), 0) from sync_queue "
                + "where claimed_by is null or " + STALE)) {
            ps.setLong(1, lease.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Waiting(rs.getLong(1), rs.getDouble(2));
            }
        }
    }

    /** Every stream of a tenant that waits in the queue (or whose claim is stale), by stream: since when and why. */
    Map<String, Map<String, Object>> describeTenant(Connection c, String tenant) throws SQLException {
        Map<String, Map<String, Object>> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select stream, queued_at, reason from sync_queue "
                + "where tenant = ? and (claimed_by is null or " + STALE + ")")) {
            ps.setString(1, tenant);
            ps.setLong(2, lease.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    Instant at = StreamState.instant(rs, 2);
                    m.put("since", at == null ? null : at.toString());
                    m.put("reason", rs.getString(3));
                    out.put(rs.getString(1), m);
                }
            }
        }
        return out;
    }

    private static Array array(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }
}
