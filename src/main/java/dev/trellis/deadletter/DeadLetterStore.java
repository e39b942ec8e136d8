package dev.trellis.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The dead-letter table: plain, parameterised SQL. */
public final class DeadLetterStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, tenant, route_id, endpoint, body, body_format, headers::text, exception_class, "
            + "exception_message, attempts, first_failed_at, last_failed_at, status, status_changed_at, replays";

    private final DataSource dataSource;

    public DeadLetterStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What failed, already masked, ready to store. */
    public record Failure(String tenant, String routeId, String endpoint, String body, DeadLetter.BodyFormat bodyFormat,
            Map<String, String> headers,
            String exceptionClass, String exceptionMessage, int attempts) {
    }

    /** A filter for {@link #list}: null fields match everything; {@code before} pages by descending id. */
    public record Query(DeadLetter.Status status, String routeId, String tenant, Long before, int limit) {
    }

    public long insert(Failure f) {
        String sql = "insert into dead_letter (tenant, route_id, endpoint, body, body_format, headers, "
                + "exception_class, exception_message, attempts) values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) returning id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, f.tenant());
            ps.setString(2, f.routeId());
            ps.setString(3, f.endpoint());
            ps.setString(4, f.body());
            ps.setString(5, f.bodyFormat().name());
            ps.setString(6, toJson(f.headers()));
            ps.setString(7, f.exceptionClass());
            ps.setString(8, f.exceptionMessage());
            ps.setInt(9, f.attempts());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot store dead letter of route " + f.routeId() + ": " + e.getMessage(), e);
        }
    }

    /** A replay failed again: the dead letter stays open and records the new failure. */
    public void recordReplayFailure(long id, Failure f) {
        update("update dead_letter set endpoint = ?, exception_class = ?, exception_message = ?, "
                + "attempts = attempts + ?, last_failed_at = now(), replays = replays + 1 where id = ?",
                f.endpoint(), f.exceptionClass(), f.exceptionMessage(), f.attempts(), id);
    }

    public boolean markReplayed(long id) {
        return update("update dead_letter set status = 'replayed', status_changed_at = now(), replays = replays + 1 "
                + "where id = ? and status = 'open'", id) == 1;
    }

    public boolean discard(long id) {
        return update("update dead_letter set status = 'discarded', status_changed_at = now() "
                + "where id = ? and status = 'open'", id) == 1;
    }

    public Optional<DeadLetter> find(long id) {
        List<DeadLetter> found = select("select " + COLUMNS + " from dead_letter where id = ?", List.of(id));
        return found.stream().findFirst();
    }

    public List<DeadLetter> list(Query q) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from dead_letter where true");
        List<Object> args = new ArrayList<>();
        if (q.status() != null) {
            sql.append(" and status = ?");
            args.add(q.status().name());
        }
        if (q.routeId() != null) {
            sql.append(" and route_id = ?");
            args.add(q.routeId());
        }
        if (q.tenant() != null) {
            sql.append(" and tenant = ?");
            args.add(q.tenant());
        }
        if (q.before() != null) {
            sql.append(" and id < ?");
            args.add(q.before());
        }
        sql.append(" order by id desc limit ?");
        args.add(q.limit());
        return select(sql.toString(), args);
    }

    /** Open dead letters per route id. */
    public Map<String, Long> openByRoute() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select route_id, count(*) from dead_letter where status = 'open' group by route_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count open dead letters: " + e.getMessage(), e);
        }
        return counts;
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Dead-letter update failed: " + e.getMessage(), e);
        }
    }

    private List<DeadLetter> select(String sql, List<Object> args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<DeadLetter> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), DeadLetter.BodyFormat.valueOf(rs.getString(6)), fromJson(rs.getString(7)),
                            rs.getString(8), rs.getString(9), rs.getInt(10), rs.getObject(11, OffsetDateTime.class),
                            rs.getObject(12, OffsetDateTime.class), DeadLetter.Status.valueOf(rs.getString(13)),
                            rs.getObject(14, OffsetDateTime.class), rs.getInt(15)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Dead-letter query failed: " + e.getMessage(), e);
        }
    }

    private static String toJson(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return JSON.readValue(json, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Corrupt dead-letter headers: " + e.getMessage(), e);
        }
    }
}
