package dev.trellis.greenhouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The requests a tenant may still make in the current fixed 30-second window, counted in PostgreSQL so that every
 * route of every Trellis instance on the database draws from the same budget. The budget is the configured one,
 * or Greenhouse's announced limit when that is lower; Remaining and Retry-After answers tighten it further.
 */
public final class RateBudget {
    static final long WINDOW_MS = 30_000;

    private final DataSource dataSource;
    private final Clock clock;
    private final int configured;
    private final Map<String, Integer> usedNow = new ConcurrentHashMap<>();
    private final Map<String, Integer> limitNow = new ConcurrentHashMap<>();

    public RateBudget(DataSource dataSource, Clock clock, int configuredPerWindow) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.configured = configuredPerWindow;
    }

    /**
     * A budget counted in this process only, for the command-line check: it runs without the hub's database, and its
     * few dozen requests stay well inside the window (a 429 is still obeyed through {@link #block}).
     */
    public static RateBudget inMemory(Clock clock, int configuredPerWindow) {
        return new RateBudget(null, clock, configuredPerWindow);
    }

    private final Map<String, long[]> local = new ConcurrentHashMap<>();

    /** The in-memory path: {window start, used, blocked until} per tenant, under the map's lock. */
    private long tryAcquireLocal(String tenant) {
        long now = clock.millis();
        long[] out = new long[1];
        local.compute(tenant, (k, s) -> {
            long windowStart = now - Math.floorMod(now, WINDOW_MS);
            int budget = Math.min(configured, limitNow.getOrDefault(tenant, configured));
            s = s == null ? new long[] {windowStart, 0, 0} : s;
            if (s[2] > now) {
                out[0] = s[2] - now;
                return s;
            }
            if (s[0] < windowStart) {
                s[0] = windowStart;
                s[1] = 0;
            }
            if (s[1] >= budget) {
                out[0] = windowStart + WINDOW_MS - now;
                return s;
            }
            s[1]++;
            usedNow.put(tenant, (int) s[1]);
            return s;
        });
        return out[0];
    }

    /** Blocks until the tenant may make one request, and counts it. */
    public void acquire(String tenant) throws InterruptedException {
        while (true) {
            long wait = tryAcquire(tenant);
            if (wait <= 0) {
                return;
            }
            // a little jitter so instances waking at the window edge do not stampede
            Thread.sleep(wait + ThreadLocalRandom.current().nextLong(25, 250));
        }
    }

    /** 0 when a permit was taken, else the milliseconds until one may be. */
    long tryAcquire(String tenant) {
        if (dataSource == null) {
            return tryAcquireLocal(tenant);
        }
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            State state = state(c, tenant);
            if (state != null && state.blockedUntil != null && state.blockedUntil.toEpochMilli() > now) {
                return state.blockedUntil.toEpochMilli() - now;
            }
            int phase = state == null ? 0 : state.phaseMs;
            long windowStart = now - Math.floorMod(now - phase, WINDOW_MS);
            int budget = state == null || state.serverLimit == null ? configured : Math.min(configured, state.serverLimit);
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into rate_budget (tenant, window_start, used) values (?, ?, 1)
                    on conflict (tenant) do update set
                        window_start = greatest(rate_budget.window_start, excluded.window_start),
                        used = case when rate_budget.window_start < excluded.window_start then 1
                                    else rate_budget.used + 1 end
                    where rate_budget.window_start < excluded.window_start or rate_budget.used < ?
                    returning used""")) {
                ps.setString(1, tenant);
                ps.setTimestamp(2, new Timestamp(windowStart));
                ps.setInt(3, budget);
                try (ResultSet rs = ps.executeQuery()) {
                    limitNow.put(tenant, budget);
                    if (rs.next()) {
                        usedNow.put(tenant, rs.getInt(1));
                        return 0;
                    }
                    usedNow.put(tenant, budget);
                    return windowStart + WINDOW_MS - now;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Rate budget of tenant " + tenant + " unavailable: " + e.getMessage(), e);
        }
    }

    /** Learns from Greenhouse's X-RateLimit-* headers: the limit, the window phase, and what others used. */
    public void observe(String tenant, Integer limit, Integer remaining, Long resetEpochSeconds) {
        if (limit == null && remaining == null && resetEpochSeconds == null) {
            return;
        }
        if (dataSource == null) {
            if (limit != null) {
                limitNow.put(tenant, Math.min(configured, limit));
            }
            return;
        }
        long now = clock.millis();
        Integer phase = resetEpochSeconds == null ? null : (int) Math.floorMod(resetEpochSeconds * 1000, WINDOW_MS);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        update rate_budget set
                            server_limit = coalesce(?, server_limit),
                            phase_ms = coalesce(?, phase_ms),
                            used = case when ?::int is null or ?::int is null then used
                                        else greatest(used, ?::int - ?::int) end
                        where tenant = ? and window_start > ?""")) {
            ps.setObject(1, limit);
            ps.setObject(2, phase);
            ps.setObject(3, limit);
            ps.setObject(4, remaining);
            ps.setObject(5, limit);
            ps.setObject(6, remaining);
            ps.setString(7, tenant);
            // only the current window; a stale answer must not charge the next one
            ps.setTimestamp(8, new Timestamp(now - WINDOW_MS));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Rate budget of tenant " + tenant + " unavailable: " + e.getMessage(), e);
        }
    }

    /** A 429: nobody sends for this tenant until {@code until}. */
    public void block(String tenant, Instant until) {
        if (dataSource == null) {
            local.compute(tenant, (k, s) -> {
                s = s == null ? new long[] {0, 0, 0} : s;
                s[2] = Math.max(s[2], until.toEpochMilli());
                return s;
            });
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        update rate_budget set blocked_until = greatest(coalesce(blocked_until, ?), ?)
                        where tenant = ?""")) {
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setTimestamp(2, Timestamp.from(until));
            ps.setString(3, tenant);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Rate budget of tenant " + tenant + " unavailable: " + e.getMessage(), e);
        }
    }

    /** Requests used in the current window, as this instance last saw it. */
    public int used(String tenant) {
        return usedNow.getOrDefault(tenant, 0);
    }

    /** Requests left in the current window, as this instance last saw it. */
    public int remaining(String tenant) {
        return Math.max(0, limitNow.getOrDefault(tenant, configured) - used(tenant));
    }

    private record State(Integer serverLimit, int phaseMs, Instant blockedUntil) {
    }

    private static State state(Connection c, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select server_limit, phase_ms, blocked_until from rate_budget where tenant = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp blocked = rs.getTimestamp(3);
                return new State((Integer) rs.getObject(1), rs.getInt(2), blocked == null ? null : blocked.toInstant());
            }
        }
    }
}
