package dev.trellis.sync;

import dev.trellis.config.ConfigException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The parameters of the harvest-stream template, declared once (as a kamelet declares its properties): the
 * template, the definition, the catalog and the check all read them from here.
 */
public enum StreamParameter {
    STREAM("stream", null, "state key; also the resource (/v3/<stream>) and the table (gh_<stream>) unless given"),
    SCHEDULE("schedule", null, "Quartz cron (second minute hour day-of-month month day-of-week [year])"),
    RESOURCE("resource", "none", "the /v3/ resource to read, when it differs from stream"),
    TABLE("table", "none", "the PostgreSQL table, created on the first run"),
    JOIN_COLUMNS("joinColumns", "none", "record fields that become indexed bigint columns, comma-separated"),
    QUERY("query", "none", "extra query parameters for every request, e.g. show_service_accounts=true"),
    PER_PAGE("perPage", "500", "records per page, 1..500"),
    LOOKBACK_MINUTES("lookbackMinutes", "60", "each window re-reads this much before the watermark"),
    LAG_SECONDS("lagSeconds", "60", "each window ends this long before now"),
    BACKFILL_FROM("backfillFrom", "none", "the first run reads from this instant (ISO-8601) instead of from the beginning"),
    SWEEP_HOURS("sweepHours", "24", "how often the id sweep that finds deletions runs (0 = never)"),
    CURSOR("cursor", "updated_at", "the date field each run's window filters on (submitted_at for eeoc); none for a "
            + "resource without one: a full-refresh stream, whose every run reads all and marks what vanished"),
    DELETED_RECORDS("deletedRecords", "false", "true when the resource lists deleted records (kept with deleted_at set)"),
    TENANTS("tenants", "all", "comma-separated tenant ids, or all");

    /** The name in YAML. */
    public final String key;
    /** The value when the YAML leaves it out ("none" stands for no value); null for a required parameter. */
    public final String defaultValue;
    public final String description;

    StreamParameter(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /**
     * The given parameters over the defaults, by name. A name the template does not declare (a typo such as
     * {@code perpage}) is refused with its name; Camel's own dash-case copies of the names are dropped.
     */
    static Map<String, String> resolve(Map<String, ?> given) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StreamParameter p : values()) {
            Object v = given.get(p.key);
            out.put(p.key, v == null ? p.defaultValue : v.toString());
        }
        given.forEach((name, value) -> {
            if (out.containsKey(name)) {
                return;
            }
            // Camel adds a dash-case copy of every parameter (per-page for perPage); one with its own value is a typo
            Optional<StreamParameter> dashed = Arrays.stream(values()).filter(p -> dashed(p.key).equals(name)).findFirst();
            if (dashed.isPresent() && String.valueOf(value).equals(out.get(dashed.get().key))) {
                return;
            }
            throw new ConfigException("Stream '" + given.get(STREAM.key) + "': unknown template parameter '" + name
                    + "'" + dashed.or(() -> like(name)).map(p -> " (did you mean '" + p.key + "'?)").orElse("")
                    + "; the parameters are " + Arrays.stream(values()).map(p -> p.key).collect(Collectors.joining(", ")));
        });
        return out;
    }

    private static Optional<StreamParameter> like(String name) {
        String plain = name.replace("-", "").replace("_", "");
        return Arrays.stream(values()).filter(p -> p.key.equalsIgnoreCase(plain)).findFirst();
    }

    private static String dashed(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
