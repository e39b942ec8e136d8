package dev.trellis.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code tenant} and {@code tenant_secret} tables (V11): connections, their status, their sealed secrets. */
final class TenantStore {
    private final DataSource dataSource;
    private final SecretBox box;

    TenantStore(DataSource dataSource, SecretBox box) {
        this.dataSource = dataSource;
        this.box = box;
    }

    /** One row; {@code spec} only when asked for (it opens the secrets). */
    record Row(String id, String name, String source, String file, String status, List<Map<String, Object>> reasons,
            JsonNode lastCheck, Instant checkedAt, Instant createdAt, Instant updatedAt, long revision,
            ObjectNode settings) {
    }

    Optional<Row> find(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + " where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** A page of rows by id, optionally only those whose id or name contains {@code search}, or of one status. */
    List<Row> list(String search, String status, String after, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + " where (?::text is null or id > ?) "
                        + "and (?::text is null or status = ?) "
                        + "and (?::text is null or strpos(id, ?) > 0 or strpos(lower(coalesce(name, '')), lower(?)) > 0) "
                        + "order by id limit ?")) {
            ps.setString(1, after);
            ps.setString(2, after);
            ps.setString(3, status);
            ps.setString(4, status);
            ps.setString(5, search);
            ps.setString(6, search);
            ps.setString(7, search);
            ps.setInt(8, limit);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    /** Tenants by status (for the metric) and in all. */
    Map<String, Integer> countByStatus() throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select status, count(*) from tenant group by status");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /** (id, revision) of every row: what an instance compares with what it applied. */
    Map<String, Long> revisions() throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select id, revision from tenant");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Inserts a new API connection with its sealed secrets; false when the id is taken. */
    boolean insert(ConnectionSpec spec, ConnectionStatus status, JsonNode check, Instant checkedAt) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("insert into tenant (id, name, source, spec, status, "
                        + "reasons, last_check, checked_at) values (?, ?, 'api', ?::jsonb, ?, ?::jsonb, ?::jsonb, ?) "
                        + "on conflict (id) do nothing")) {
                    ps.setString(1, spec.id());
                    ps.setString(2, spec.name());
                    ps.setString(3, spec.settings().toString());
                    ps.setString(4, status.status());
                    ps.setString(5, json(status.reasons()));
                    ps.setString(6, check == null ? null : check.toString());
                    ps.setTimestamp(7, ts(checkedAt));
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return false;
                    }
                }
                writeSecrets(c, spec);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Replaces an API connection's settings and secrets, and its status when given; false when it is gone. */
    boolean update(ConnectionSpec spec, String status, List<Map<String, Object>> reasons, JsonNode check,
            Instant checkedAt) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("update tenant set name = ?, spec = ?::jsonb, "
                        + "status = ?, reasons = ?::jsonb, last_check = ?::jsonb, checked_at = ?, updated_at = now(), "
                        + "revision = revision + 1 where id = ? and source = 'api'")) {
                    ps.setString(1, spec.name());
                    ps.setString(2, spec.settings().toString());
                    ps.setString(3, status);
                    ps.setString(4, json(reasons));
                    ps.setString(5, check == null ? null : check.toString());
                    ps.setTimestamp(6, ts(checkedAt));
                    ps.setString(7, spec.id());
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return false;
                    }
                }
                // a partner grant's tokens are the grant's, not the settings'
                try (PreparedStatement ps = c.prepareStatement("delete from tenant_secret where tenant = ? "
                        + "and name not like 'oauth.%'")) {
                    ps.setString(1, spec.id());
                    ps.executeUpdate();
                }
                writeSecrets(c, spec);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** SQL run inside a store transaction. */
    interface InTransaction {
        void run(Connection c) throws SQLException;
    }

    /**
     * Saves a partner connection and its grant in one transaction: a new row (as {@code active} until its check
     * says otherwise), or an API connection's settings replaced (its streams' state stays). False when the id is
     * taken by a file or the demo.
     */
    boolean savePartner(ConnectionSpec spec, GrantApi api, InTransaction grant) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("insert into tenant (id, name, source, spec, status) "
                        + "values (?, ?, 'api', ?::jsonb, 'active') on conflict (id) do update set spec = excluded.spec, "
                        + "updated_at = now(), revision = tenant.revision + 1 where tenant.source = 'api'")) {
                    ps.setString(1, spec.id());
                    ps.setString(2, spec.name());
                    ps.setString(3, spec.settings().toString());
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return false;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("delete from tenant_secret where tenant = ? "
                        + "and name = ?")) {
                    ps.setString(1, spec.id());
                    ps.setString(2, ConnectionSpec.SECRET_OF.get(api.label));
                    ps.executeUpdate();
                }
                grant.run(c);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** A new status (and the check that gave it, when there is one); bumps the revision so every instance applies it. */
    void status(String id, String status, List<Map<String, Object>> reasons, JsonNode check, Instant checkedAt)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update tenant set status = ?, reasons = ?::jsonb, "
                        + "last_check = coalesce(?::jsonb, last_check), checked_at = coalesce(?, checked_at), "
                        + "updated_at = now(), revision = revision + 1 where id = ?")) {
            ps.setString(1, status);
            ps.setString(2, json(reasons));
            ps.setString(3, check == null ? null : check.toString());
            ps.setTimestamp(4, ts(checkedAt));
            ps.setString(5, id);
            ps.executeUpdate();
        }
    }

    /** Records a tenant of a file (or the demo) so its status is kept and listed; false when the API owns the id. */
    boolean upsertFileTenant(String id, String source, String file) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into tenant (id, source, file, status) "
                        + "values (?, ?, ?, 'active') on conflict (id) do update set file = excluded.file, "
                        + "source = excluded.source where tenant.source <> 'api'")) {
            ps.setString(1, id);
            ps.setString(2, source);
            ps.setString(3, file);
            return ps.executeUpdate() > 0;
        }
    }

    /** Deletes the row and, with it, the sealed secrets; false when there was none. */
    boolean delete(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from tenant where id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    /** The stored connection with its secrets opened. */
    ConnectionSpec spec(Row row) throws SQLException, SecretBox.Unreadable {
        Map<String, String> secrets = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select name, key_id, nonce, sealed from tenant_secret where tenant = ? and name not like 'oauth.%'")) {
            ps.setString(1, row.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    secrets.put(rs.getString(1), box.open(row.id(),
                            new SecretBox.Sealed(rs.getString(2), rs.getBytes(3), rs.getBytes(4))));
                }
            }
        }
        return new ConnectionSpec(row.id(), row.name(), row.settings(), secrets);
    }

    String currentKeyId() {
        return box.keys().currentId();
    }

    /** Secrets per key id: after {@code keys rotate}, only the current key's id is left. */
    Map<String, Integer> keyUse() throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select key_id, count(*) from tenant_secret group by key_id order by key_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /**
     * Re-seals every value not sealed with the current key, one row per transaction (a row locked meanwhile is
     * skipped and done on the next call); returns how many were re-sealed and which tenants could not be opened.
     */
    Rotation rotate() throws SQLException {
        int resealed = 0;
        List<String> unreadable = new ArrayList<>();
        String current = box.keys().currentId();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            while (true) {
                String tenant;
                String name;
                try (PreparedStatement ps = c.prepareStatement("select tenant, name, key_id, nonce, sealed "
                        + "from tenant_secret where key_id <> ? and not (tenant = any(?)) "
                        + "limit 1 for update skip locked")) {
                    ps.setString(1, current);
                    ps.setArray(2, c.createArrayOf("text", unreadable.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.commit();
                            break;
                        }
                        tenant = rs.getString(1);
                        name = rs.getString(2);
                        String value;
                        try {
                            value = box.open(tenant, new SecretBox.Sealed(rs.getString(3), rs.getBytes(4), rs.getBytes(5)));
                        } catch (SecretBox.Unreadable e) {
                            unreadable.add(tenant);
                            c.rollback();
                            continue;
                        }
                        SecretBox.Sealed sealed = box.seal(tenant, value);
                        try (PreparedStatement up = c.prepareStatement("update tenant_secret set key_id = ?, "
                                + "nonce = ?, sealed = ? where tenant = ? and name = ?")) {
                            up.setString(1, sealed.keyId());
                            up.setBytes(2, sealed.nonce());
                            up.setBytes(3, sealed.sealed());
                            up.setString(4, tenant);
                            up.setString(5, name);
                            up.executeUpdate();
                        }
                    }
                }
                c.commit();
                resealed++;
            }
        }
        return new Rotation(resealed, unreadable);
    }

    record Rotation(int resealed, List<String> unreadable) {
    }

    private void writeSecrets(Connection c, ConnectionSpec spec) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into tenant_secret (tenant, name, key_id, nonce, sealed) values (?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, String> s : spec.secrets().entrySet()) {
                SecretBox.Sealed sealed = box.seal(spec.id(), s.getValue());
                ps.setString(1, spec.id());
                ps.setString(2, s.getKey());
                ps.setString(3, sealed.keyId());
                ps.setBytes(4, sealed.nonce());
                ps.setBytes(5, sealed.sealed());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static final String SELECT = "select id, name, source, file, status, reasons, last_check, checked_at, "
            + "created_at, updated_at, revision, spec from tenant";

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                reasons(rs.getString(6)), tree(rs.getString(7)), instant(rs.getTimestamp(8)),
                instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)), rs.getLong(11),
                (ObjectNode) tree(rs.getString(12)));
    }

    private static List<Map<String, Object>> reasons(String text) {
        try {
            return text == null ? List.of() : ConnectionSpec.JSON.readValue(text, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tenant.reasons is not JSON", e);
        }
    }

    private static JsonNode tree(String text) {
        try {
            return text == null ? null : ConnectionSpec.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tenant column is not JSON", e);
        }
    }

    private static String json(Object value) {
        try {
            return ConnectionSpec.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
