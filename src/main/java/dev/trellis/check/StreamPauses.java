package dev.trellis.check;

import dev.trellis.check.CheckResult.Row;
import dev.trellis.check.CheckResult.Status;
import dev.trellis.sync.StreamCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Pauses a tenant's streams whose permission the check found missing (sync_stream.paused_reason, which the stream
 * runner honours and /api/streams and {@code trellis status} show), and lifts the pauses it set once a check
 * passes. A stream whose permission could not be told keeps its state: an outage pauses nothing.
 */
public final class StreamPauses {
    private final DataSource dataSource;

    public StreamPauses(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What changed: streams paused and streams resumed. */
    public record Changes(List<String> paused, List<String> resumed) {
    }

    /** {@code streams}: every stream route covering the tenant, checked or not (a disabled check lifts a pause). */
    public Changes apply(CheckResult result, List<StreamCatalog.Entry> streams) throws SQLException {
        List<String> paused = new ArrayList<>();
        List<String> resumed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (StreamCatalog.Entry s : streams) {
                List<Row> rows = result.rows(Feature.syncId(s.stream()));
                if (rows.stream().anyMatch(r -> r.status() == Status.UNKNOWN)) {
                    continue;
                }
                Optional<String> reason = PermissionRegistry.reason(result.tenant(),
                        rows.stream().filter(r -> r.status().unusable()).toList());
                if (reason.isPresent()) {
                    try (PreparedStatement ps = c.prepareStatement("insert into sync_stream (tenant, stream, "
                            + "paused_reason) values (?, ?, ?) on conflict (tenant, stream) do update set paused_reason "
                            + "= excluded.paused_reason where sync_stream.paused_reason is distinct from "
                            + "excluded.paused_reason and (sync_stream.paused_reason is null "
                            + "or sync_stream.paused_reason like ?)")) {
                        ps.setString(1, result.tenant());
                        ps.setString(2, s.stream());
                        ps.setString(3, reason.get());
                        ps.setString(4, like());
                        if (ps.executeUpdate() > 0) {
                            paused.add(s.stream());
                        }
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement("update sync_stream set paused_reason = null "
                            + "where tenant = ? and stream = ? and paused_reason like ?")) {
                        ps.setString(1, result.tenant());
                        ps.setString(2, s.stream());
                        ps.setString(3, like());
                        if (ps.executeUpdate() > 0) {
                            resumed.add(s.stream());
                        }
                    }
                }
            }
        }
        return new Changes(paused, resumed);
    }

    private static String like() {
        return PermissionRegistry.PREFIX.replace("[", "\\[").replace("_", "\\_") + "%";
    }
}
