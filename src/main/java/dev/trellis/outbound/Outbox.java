package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code outbox} table: accepting items (idempotently), claiming due ones for a dispatcher, recording outcomes,
 * and finding items orphaned by a dispatcher that died while sending.
 */
public final class Outbox {
    /** First key of the session advisory locks by which dispatchers show they are alive (second key: claimer id). */
    static final int LOCK_CLASS = 0x0B0C5;
    static final String CHANNEL = "trellis_outbox";

    /** Earlier items of the same ordering key that are not finished; a dead create also blocks (its id is missing). */
    private static final String BLOCKED_BY_EARLIER = """
            exists (select 1 from outbox p where p.tenant = c.tenant and p.ordering_key = c.ordering_key
                    and p.id < c.id and (p.status in ('queued', 'sending')
                                         or (p.status = 'dead' and p.kind = 'interview_create')))""";

    private final DataSource dataSource;

    public Outbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * An accepted item; {@code repeated} when its idempotency key had been used before, and then
     * {@code sameRequest} when that first item has the same kind, acting user and payload (compared as jsonb, so
     * key order and number spelling do not matter).
     */
    public record Accepted(OutboxItem item, boolean repeated, boolean sameRequest) {
    }

    public Accepted insert(String tenant, OutboundKind kind, JsonNode payload, Long actingUser, String idempotencyKey)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into outbox (tenant, kind, payload, acting_user, idempotency_key)
                    values (?, ?, ?::jsonb, ?, ?)
                    on conflict (tenant, idempotency_key) do nothing
                    returning *""")) {
                ps.setString(1, tenant);
                ps.setString(2, kind.name());
                ps.setString(3, payload.toString());
                ps.setObject(4, actingUser);
                ps.setString(5, idempotencyKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Accepted(OutboxItem.from(rs), false, true);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select *, kind = ? and payload = ?::jsonb and acting_user is not distinct from ? as same_request
                    from outbox where tenant = ? and idempotency_key = ?""")) {
                ps.setString(1, kind.name());
                ps.setString(2, payload.toString());
                ps.setObject(3, actingUser);
                ps.setString(4, tenant);
                ps.setString(5, idempotencyKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("outbox item with idempotency key vanished");
                    }
                    return new Accepted(OutboxItem.from(rs), true, rs.getBoolean("same_request"));
                }
            }
        }
    }

    public Optional<OutboxItem> find(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select * from outbox where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(OutboxItem.from(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Claims the oldest due item that no other dispatcher holds and that no earlier item of its ordering key is
     * waiting for; it is 'sending' from now on, and the attempt is counted before anything is sent.
     */
    public Optional<OutboxItem> claim(int claimer, List<String> paused) throws SQLException {
        return one("""
                update outbox o set status = 'sending', attempts = o.attempts + 1, claimed_by = ?, claimed_at = now(),
                       updated_at = now()
                where o.id = (select c.id from outbox c
                              where c.status = 'queued' and c.next_attempt_at <= now()
                                and not (c.tenant || '/' || c.kind) = any(?::text[])
                                and (c.ordering_key is null or not %s)
                              order by c.next_attempt_at, c.id
                              limit 1
                              for update skip locked)
                returning o.*""".formatted(BLOCKED_BY_EARLIER), claimer, paused.toArray(String[]::new));
    }

    /**
     * Claims up to {@code limit} more due items of the same tenant and kind as one just claimed, for a kind that
     * Greenhouse accepts as an array ({@link OutboundKind#partner()}); items with an ordering key are never batched.
     */
    public List<OutboxItem> claimMore(int claimer, String tenant, String kind, int limit) throws SQLException {
        List<OutboxItem> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); Durable claim = new Durable(c);
                PreparedStatement ps = c.prepareStatement("""
                update outbox o set status = 'sending', attempts = o.attempts + 1, claimed_by = ?, claimed_at = now(),
                       updated_at = now()
                where o.id in (select c.id from outbox c
                               where c.status = 'queued' and c.next_attempt_at <= now() and c.tenant = ?
                                 and c.kind = ? and c.ordering_key is null
                               order by c.next_attempt_at, c.id
                               limit ?
                               for update skip locked)
                returning o.*""")) {
            ps.setInt(1, claimer);
            ps.setString(2, tenant);
            ps.setString(3, kind);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(OutboxItem.from(rs));
                }
            }
            claim.commit();
        }
        out.sort(java.util.Comparator.comparingLong(OutboxItem::id));
        return out;
    }

    /** Claims one dead item for a replay; empty when it is not dead (any more) or another dispatcher has it. */
    public Optional<OutboxItem> claimDead(long id, int claimer) throws SQLException {
        return one("""
                update outbox o set status = 'sending', attempts = o.attempts + 1, claimed_by = ?, claimed_at = now(),
                       updated_at = now()
                where o.id = (select c.id from outbox c where c.id = ? and c.status = 'dead' for update skip locked)
                returning o.*""", claimer, id);
    }

    /** Whether an earlier item of the same ordering key must go first. */
    public boolean blocked(OutboxItem item) throws SQLException {
        if (item.orderingKey() == null) {
            return false;
        }
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement(
                        "select " + BLOCKED_BY_EARLIER + " from outbox c where c.id = ?")) {
            ps.setLong(1, item.id());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Puts a dead item back in the queue, due now (a replay that has to wait for an earlier item). */
    public void requeue(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update outbox set status = 'queued', next_attempt_at = now(), "
                        + "updated_at = now() where id = ? and status = 'dead'")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Thrown when the Greenhouse record is already the record of another item. */
    public static final class RecordTaken extends SQLException {
        RecordTaken(String message, SQLException cause) {
            super(message, cause);
        }
    }

    /**
     * Marks an item delivered, on the caller's connection (so the synced-table upsert commits with it). Greenhouse
     * has it, so this holds whoever has the item now: a claim lost to orphan recovery, or a dead mark, does not undo
     * a write that was answered. {@code heldBy} names the older item that already holds this Greenhouse id (null:
     * none). Returns the delivery time, or empty when the item was delivered already.
     */
    public Optional<Instant> delivered(Connection c, OutboxItem item, Long greenhouseId, Long heldBy, String warning)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update outbox set status = 'delivered', greenhouse_id = ?, record_held_by = ?, delivered_at = now(),
                       updated_at = now(), last_error = ?
                where id = ? and status <> 'delivered'
                returning delivered_at""")) {
            ps.setObject(1, greenhouseId);
            ps.setObject(2, heldBy);
            ps.setString(3, warning);
            ps.setLong(4, item.id());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new RecordTaken("Greenhouse record " + greenhouseId + " already belongs to another outbox item", e);
            }
            throw e;
        }
    }

    /** Back to the queue after a failed attempt, due at {@code next}; {@code ambiguous} sticks once set. */
    public void retry(OutboxItem item, Instant next, boolean ambiguous, String error, boolean countAttempt)
            throws SQLException {
        finish(item, "queued", next, ambiguous, error, countAttempt);
    }

    /** Given up: the dead-letter queue has it. */
    public void dead(OutboxItem item, boolean ambiguous, String error) throws SQLException {
        finish(item, "dead", null, ambiguous, error, true);
    }

    private void finish(OutboxItem item, String status, Instant next, boolean ambiguous, String error,
            boolean countAttempt) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        update outbox set status = ?, next_attempt_at = coalesce(?, next_attempt_at),
                               ambiguous = ambiguous or ?, last_error = ?, updated_at = now(),
                               attempts = attempts - ?
                        where id = ? and claimed_by = ? and status = 'sending'""")) {
            ps.setString(1, status);
            ps.setTimestamp(2, next == null ? null : Timestamp.from(next));
            ps.setBoolean(3, ambiguous);
            ps.setString(4, error);
            ps.setInt(5, countAttempt ? 0 : 1);
            ps.setLong(6, item.id());
            ps.setInt(7, item.claimedBy());
            ps.executeUpdate();
        }
    }

    /**
     * Items left 'sending' by a dispatcher whose session is gone (kill -9, lost connection) go back to the queue as
     * ambiguous: they may have reached Greenhouse, so their next attempt looks before it writes.
     */
    public int recoverOrphans() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        update outbox o set status = 'queued', ambiguous = true, next_attempt_at = now(), updated_at = now(),
                               last_error = coalesce(last_error || '; ', '') || 'its dispatcher stopped while sending'
                        where o.status = 'sending'
                          and not exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted
                                          and l.classid = ?::int::oid and l.objid = o.claimed_by::oid and l.objsubid = 2)""")) {
            ps.setInt(1, LOCK_CLASS);
            return ps.executeUpdate();
        }
    }

    /** The Greenhouse id an update or delete is about: numeric refs are Greenhouse ids, outbox-N the id item N got. */
    public sealed interface Target permits Target.Known, Target.Pending, Target.Invalid {
        record Known(long greenhouseId) implements Target {
        }

        /** The create it names has not been delivered yet. */
        record Pending(String why) implements Target {
        }

        record Invalid(String why) implements Target {
        }
    }

    public Target resolve(String tenant, String ref, String createdBy) throws SQLException {
        if (!ref.startsWith("outbox-")) {
            return new Target.Known(Long.parseLong(ref));
        }
        long id = Long.parseLong(ref.substring("outbox-".length()));
        Optional<OutboxItem> origin = find(id);
        if (origin.isEmpty() || !origin.get().tenant().equals(tenant)
                || !origin.get().kind().equals(createdBy)) {
            return new Target.Invalid("names " + ref + ", which is not an " + createdBy + " item of tenant " + tenant);
        }
        OutboxItem o = origin.get();
        if (o.status().equals("delivered") && o.greenhouseId() != null) {
            return new Target.Known(o.greenhouseId());
        }
        return new Target.Pending(ref + " is " + o.status() + ", not delivered yet");
    }

    /** The item of one of {@code kinds} that holds this Greenhouse record (note, interview...) as its own, if any. */
    public Optional<OutboxItem> holder(String tenant, List<String> kinds, long greenhouseId, long exceptItem)
            throws SQLException {
        if (kinds.isEmpty()) {
            return Optional.empty();
        }
        // the kinds as literals, so the planner uses the partial unique index of those kinds
        String in = String.join(", ", kinds.stream().map(k -> "'" + k.replace("'", "''") + "'").toList());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select * from outbox where tenant = ? and greenhouse_id = ? "
                        + "and id <> ? and record_held_by is null and kind in (" + in + ") order by id limit 1")) {
            ps.setString(1, tenant);
            ps.setLong(2, greenhouseId);
            ps.setLong(3, exceptItem);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(OutboxItem.from(rs)) : Optional.empty();
            }
        }
    }

    /** Unfinished items by kind: how many and the age of the oldest, for the gauges. */
    public record Depth(String kind, long items, double oldestSeconds) {
    }

    public List<Depth> depth() throws SQLException {
        List<Depth> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select kind, count(*), extract(epoch from now() - min(created_at))
                        from outbox where status in ('queued', 'sending') group by kind""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Depth(rs.getString(1), rs.getLong(2), rs.getDouble(3)));
            }
        }
        return out;
    }

    /** A page of items, newest first, for the API's list: each filter optional; ids below {@code before}. */
    public List<OutboxItem> list(String tenant, String status, String kind, Long before, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("select * from outbox where id < ?");
        List<Object> args = new ArrayList<>();
        args.add(before == null ? Long.MAX_VALUE : before);
        if (tenant != null) {
            sql.append(" and tenant = ?");
            args.add(tenant);
        }
        if (status != null) {
            sql.append(" and status = ?");
            args.add(status);
        }
        if (kind != null) {
            sql.append(" and kind = ?");
            args.add(kind);
        }
        sql.append(" order by id desc limit ?");
        args.add(limit);
        List<OutboxItem> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(OutboxItem.from(rs));
                }
            }
        }
        return out;
    }

    /** Milliseconds until the next queued item falls due (after now), or -1 when none is waiting for a time. */
    public long millisToNextDue() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select ceil(extract(epoch from min(next_attempt_at) - now()) * 1000)
                        from outbox where status = 'queued' and next_attempt_at > now()""");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            long ms = rs.getLong(1);
            return rs.wasNull() ? -1 : Math.max(1, ms);
        }
    }

    /** Runs a claim: the claimer, then the item id (a Long) or the paused tenant/kind pairs (a String[]). */
    private Optional<OutboxItem> one(String sql, int claimer, Object second) throws SQLException {
        try (Connection c = dataSource.getConnection(); Durable claim = new Durable(c);
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, claimer);
            if (second instanceof Long id) {
                ps.setLong(2, id);
            } else if (second instanceof String[] pairs) {
                ps.setArray(2, c.createArrayOf("text", pairs));
            }
            Optional<OutboxItem> item;
            try (ResultSet rs = ps.executeQuery()) {
                item = rs.next() ? Optional.of(OutboxItem.from(rs)) : Optional.empty();
            }
            claim.commit();
            return item;
        }
    }

    /**
     * A claim's transaction, committed durably whatever the server's synchronous_commit: a claim lost to a crash of
     * the database after the item was sent would put it back in the queue as never tried, and it would be sent twice.
     * Closing it without {@link #commit} rolls back.
     */
    private static final class Durable implements AutoCloseable {
        private final Connection c;
        private boolean done;

        Durable(Connection c) throws SQLException {
            this.c = c;
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.execute("set local synchronous_commit = on");
            }
        }

        void commit() throws SQLException {
            c.commit();
            done = true;
        }

        @Override
        public void close() throws SQLException {
            try {
                if (!done) {
                    c.rollback();
                }
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
