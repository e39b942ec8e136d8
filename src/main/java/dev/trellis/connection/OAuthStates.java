package dev.trellis.connection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code state} of an authorization round trip ({@code oauth_state}): random, bound to a tenant and a return_to,
 * single use and short-lived. Only its SHA-256 is stored, so a database read does not give a usable state.
 */
final class OAuthStates {
    private final DataSource dataSource;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    OAuthStates(DataSource dataSource, Clock clock, Duration lifetime) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** What a state was bound to; {@code expired} when it was taken too late. */
    record Pending(String tenant, GrantApi api, String returnTo, boolean expired) {
    }

    /** A new state for {@code tenant}; expired ones are cleared on the way. */
    String create(String tenant, GrantApi api, String returnTo) throws SQLException {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try (Connection c = dataSource.getConnection();
                PreparedStatement clear = c.prepareStatement("delete from oauth_state where expires_at < ?");
                PreparedStatement ps = c.prepareStatement(
                        "insert into oauth_state (state_hash, tenant, api, return_to, expires_at) values (?, ?, ?, ?, ?)")) {
            clear.setTimestamp(1, Timestamp.from(clock.instant().minus(Duration.ofDays(1))));
            clear.executeUpdate();
            ps.setBytes(1, hash(state));
            ps.setString(2, tenant);
            ps.setString(3, api.label);
            ps.setString(4, returnTo);
            ps.setTimestamp(5, Timestamp.from(clock.instant().plus(lifetime)));
            ps.executeUpdate();
        }
        return state;
    }

    /** Takes a state: it is gone afterwards, whatever the outcome. Empty when unknown or taken already. */
    Optional<Pending> take(String state) throws SQLException {
        if (state == null || state.isEmpty() || state.length() > 200) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "delete from oauth_state where state_hash = ? returning tenant, api, return_to, expires_at")) {
            ps.setBytes(1, hash(state));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Instant expires = rs.getTimestamp(4).toInstant();
                return Optional.of(new Pending(rs.getString(1), GrantApi.of(rs.getString(2)).orElseThrow(),
                        rs.getString(3), !clock.instant().isBefore(expires)));
            }
        }
    }

    private static byte[] hash(String state) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
