package dev.trellis.check;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the check found for one tenant: one row per step and permission, and the fix spelled out. */
public record CheckResult(String tenant, Instant checkedAt, List<Row> rows, List<String> fix) {

    /** How a permission stands. */
    public enum Status {
        /** Granted and working. */
        OK,
        /** Greenhouse refused it. */
        MISSING,
        /** Cannot work because an earlier step failed (credentials refused, user not active or not a Site Admin). */
        BLOCKED,
        /** Could not be told (Greenhouse did not answer, or answered something unexpected): not paused for it. */
        UNKNOWN;

        public String label() {
            return name().toLowerCase();
        }

        /** Definitely not usable: pauses what depends on it. */
        public boolean unusable() {
            return this == MISSING || this == BLOCKED;
        }
    }

    /**
     * One line of the table. {@code step} is 1..5 as in the check's order; {@code feature} a feature id
     * ({@code credentials} for steps 1 and 2); {@code permission} a v3 scope or a requirement name;
     * {@code harvestName} the old Harvest permission name, or null; {@code detail} what was seen (never a secret);
     * {@code impact} what stops working without it.
     */
    public record Row(int step, String feature, String permission, String harvestName, Status status, String detail,
            String impact) {
    }

    public CheckResult {
        rows = List.copyOf(rows);
        fix = List.copyOf(fix);
    }

    /** True when everything enabled is usable. */
    public boolean usable() {
        return rows.stream().allMatch(r -> r.status() == Status.OK);
    }

    public List<Row> problems() {
        return rows.stream().filter(r -> r.status() != Status.OK).toList();
    }

    /** The rows of one feature id (e.g. {@code notes}, {@code sync:candidates}). */
    public List<Row> rows(String featureId) {
        return rows.stream().filter(r -> r.feature().equals(featureId)).toList();
    }

    /** Back from {@link #toMap()} as stored (another instance's check of a tenant). */
    public static CheckResult fromJson(com.fasterxml.jackson.databind.JsonNode m) {
        List<Row> rows = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : m.path("rows")) {
            rows.add(new Row(r.path("step").asInt(), r.path("feature").asText(), r.path("permission").asText(),
                    r.path("harvestPermission").isNull() ? null : r.path("harvestPermission").asText(null),
                    Status.valueOf(r.path("status").asText("unknown").toUpperCase(java.util.Locale.ROOT)),
                    r.path("detail").asText(null), r.path("impact").asText(null)));
        }
        List<String> fix = new ArrayList<>();
        m.path("fix").forEach(f -> fix.add(f.asText()));
        return new CheckResult(m.path("tenant").asText(), Instant.parse(m.path("checkedAt").asText()), rows, fix);
    }

    /** As JSON-ready maps (the REST answer and {@code check --json}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", tenant);
        m.put("usable", usable());
        m.put("checkedAt", checkedAt.toString());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", r.step());
            row.put("feature", r.feature());
            row.put("permission", r.permission());
            row.put("harvestPermission", r.harvestName());
            row.put("status", r.status().label());
            row.put("detail", r.detail());
            row.put("impact", r.impact());
            list.add(row);
        }
        m.put("rows", list);
        m.put("fix", fix);
        return m;
    }
}
