import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.change.ChangeSource;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.store.Database;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.SyncTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The database side of the change feed's cost: the same pages of sandbox candidates upserted into PostgreSQL by
 * SyncTable.upsert (the row and its change events in one statement) and by the statement it had before the feed
 * (rows only, copied here verbatim), alternating, in one embedded PostgreSQL 17 with Trellis's migrations. Each round
 * runs a create pass (every record new: a first backfill) and an update pass (one field of every record changed).
 *
 * java -cp target/trellis.jar bench/ChangeFeedBench.java <candidates> <rounds>
 */
public class ChangeFeedBench {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int candidates = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<ArrayNode> pages = new ArrayList<>();
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(7).candidates(candidates).rateLimit(0).build())) {
            ArrayNode page = JSON.createArrayNode();
            // generated candidates' ids follow the resource's base (docs/sandbox.md, Data)
            for (long id = 10_000_001L; id <= 10_000_000L + candidates; id++) {
                JsonNode r = sb.record(Resource.CANDIDATES, id);
                if (r != null) {
                    page.add(r);
                }
                if (page.size() == 500) {
                    pages.add(page);
                    page = JSON.createArrayNode();
                }
            }
            if (!page.isEmpty()) {
                pages.add(page);
            }
        }
        List<String> created = pages.stream().map(ArrayNode::toString).toList();
        List<String> updated = pages.stream().map(p -> {
            ArrayNode copy = p.deepCopy();
            copy.forEach(r -> ((ObjectNode) r).put("title", "Changed " + r.get("id").asLong()));
            return copy.toString();
        }).toList();
        long records = pages.stream().mapToLong(ArrayNode::size).sum();
        Path dir = Files.createTempDirectory("change-feed-bench");
        Database database = Database.open(null, "trellis", null, 4, dir.resolve("pg"), 0);
        try {
            DataSource ds = database.dataSource();
            SyncTable tables = new SyncTable(ds);
            StreamDefinition feed = StreamDefinition.from(Map.of("stream", "candidates", "table", "gh_feed"));
            StreamDefinition plain = StreamDefinition.from(Map.of("stream", "candidates", "table", "gh_plain"));
            tables.ensure(feed);
            tables.ensure(plain);
            System.out.printf("%d records in %d pages of up to 500 candidates, %d rounds%n", records, pages.size(), rounds);
            for (int round = 1; round <= rounds; round++) {
                for (boolean withFeed : round % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    StreamDefinition def = withFeed ? feed : plain;
                    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                        s.execute("truncate " + def.table() + ", change_event");
                        s.execute("checkpoint");
                    }
                    double create = pass(ds, tables, def, withFeed, created, true);
                    double update = pass(ds, tables, def, withFeed, updated, false);
                    System.out.printf("round %d %-12s create %8.0f records/s   update %8.0f records/s%n", round,
                            withFeed ? "change feed" : "rows only", records / create, records / update);
                }
            }
        } finally {
            database.close();
        }
    }

    /** Upserts every page, each in its own transaction as StreamSync does; returns the seconds taken. */
    static double pass(DataSource ds, SyncTable tables, StreamDefinition def, boolean withFeed, List<String> pages,
            boolean backfill) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            for (String text : pages) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("set local synchronous_commit = off");
                }
                if (withFeed) {
                    tables.upsert(c, def, "acme", JSON.readTree(text), text, false, ChangeSource.POLL, backfill);
                } else {
                    rowsOnly(c, def.table(), text);
                }
                c.commit();
                c.setAutoCommit(true);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** SyncTable.upsert as it was before the change feed (commit 89e7620), deleted = false. */
    static void rowsOnly(Connection c, String t, String records) throws Exception {
        String sql = "insert into " + t + " (tenant, id, created_at, updated_at, raw, last_seen_at, deleted_at) "
                + "select ?, (r->>'id')::bigint, (r->>'created_at')::timestamptz, (r->>'updated_at')::timestamptz, r, "
                + "now(), null from jsonb_array_elements(?::jsonb) r "
                + "on conflict (tenant, id) do update set created_at = excluded.created_at, "
                + "updated_at = excluded.updated_at, raw = excluded.raw, last_seen_at = excluded.last_seen_at, "
                + "deleted_at = null "
                + "where " + t + ".raw is distinct from excluded.raw or (" + t + ".deleted_at is not null)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "acme");
            ps.setString(2, records);
            ps.executeUpdate();
        }
    }
}
