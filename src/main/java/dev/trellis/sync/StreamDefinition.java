package dev.trellis.sync;

import dev.trellis.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One stream as declared in routes/ YAML: which Harvest v3 resource goes into which table, with which join
 * columns, window and extra query parameters. Built from the route template's parameters ({@link StreamParameter}),
 * each checked with an error that names the parameter and the stream.
 */
public record StreamDefinition(
        String stream,
        String resource,
        String table,
        List<String> joinColumns,
        int perPage,
        Duration lookback,
        Duration lag,
        Optional<Instant> backfillFrom,
        String query,
        boolean deletedRecords,
        Optional<String> cursor) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern QUERY = Pattern.compile("([a-z_]+=[A-Za-z0-9_,|:.-]+)(&[a-z_]+=[A-Za-z0-9_,|:.-]+)*");

    /**
     * The stream named in change events: the table's ({@code gh_} dropped), so a second stream writing the same table
     * (job_posts_deleted into gh_job_posts) keeps that table's records in one ordered stream.
     */
    public String changeStream() {
        return table.startsWith("gh_") ? table.substring(3) : table;
    }

    /** The template's parameters, by name, over their defaults; "none" stands for an empty value. */
    public static StreamDefinition from(Map<String, ?> given) {
        Map<String, String> p = StreamParameter.resolve(given);
        String stream = name(p, "stream", p.get("stream"));
        String resource = name(p, "resource", value(p, "resource").orElse(stream));
        String table = name(p, "table", value(p, "table").orElse("gh_" + stream));
        List<String> joins = value(p, "joinColumns").map(v -> Arrays.stream(v.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).map(c -> name(p, "joinColumns", c)).toList()).orElse(List.of());
        int perPage = (int) number(p, "perPage");
        if (perPage < 1 || perPage > 500) {
            throw bad(p, "perPage", "must be between 1 and 500 (Greenhouse's limit)");
        }
        Optional<Instant> backfill = value(p, "backfillFrom").map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw bad(p, "backfillFrom", "must be an ISO-8601 instant such as 2024-01-01T00:00:00Z, not '" + v + "'");
            }
        });
        String query = value(p, "query").orElse("");
        if (!query.isEmpty() && !QUERY.matcher(query).matches()) {
            throw bad(p, "query", "must look like name=value&name=value, not '" + query + "'");
        }
        Optional<String> cursor = value(p, "cursor").map(c -> name(p, "cursor", c));
        boolean deleted = bool(p, "deletedRecords");
        if (cursor.isEmpty() && deleted) {
            throw bad(p, "cursor", "must be a date field when deletedRecords is true: a full-refresh stream marks "
                    + "what it no longer reads as deleted");
        }
        String window = cursor.orElse("updated_at");
        if (query.contains(window + "=") || query.contains("per_page=") || query.startsWith("cursor=")
                || query.contains("&cursor=")) {
            throw bad(p, "query", "must not set " + window + ", per_page or cursor: the stream sets them");
        }
        return new StreamDefinition(stream, resource, table, joins, perPage,
                Duration.ofMinutes(number(p, "lookbackMinutes")), Duration.ofSeconds(number(p, "lagSeconds")),
                backfill, query, deleted, cursor);
    }

    /** A stream over a resource without a date filter: every run reads it all and marks what vanished. */
    public boolean fullRefresh() {
        return cursor.isEmpty();
    }

    private static Optional<String> value(Map<String, String> p, String key) {
        String v = p.get(key);
        return v == null || v.isBlank() || v.equals("none") ? Optional.empty() : Optional.of(v.trim());
    }

    private static boolean bool(Map<String, String> p, String key) {
        String v = p.get(key).trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw bad(p, key, "must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    static long number(Map<String, String> p, String key) {
        String v = p.get(key).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(p, key, "must be a whole number, not '" + v + "'");
        }
    }

    private static String name(Map<String, String> p, String key, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw bad(p, key, "must be lower-case letters, digits and underscores, not '" + value + "'");
        }
        return value;
    }

    private static ConfigException bad(Map<String, String> p, String key, String problem) {
        return new ConfigException("Stream '" + p.get("stream") + "': template parameter '" + key + "' " + problem);
    }
}
