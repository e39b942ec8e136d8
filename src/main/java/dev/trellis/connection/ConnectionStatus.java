package dev.trellis.connection;

import dev.trellis.check.CheckResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a check result means for a connection. A new or changed connection is only saved when something works and
 * no credential given was refused (a mistyped key is fixed now, not kept as "needs attention"). Then: {@code active} (everything enabled works), {@code needs_attention}
 * (part works; the reasons say what waits and why), {@code disconnected} (Greenhouse refused every credential
 * given), or nothing usable at all (a new connection is refused; an existing one keeps its status when Greenhouse
 * could not be asked).
 */
public record ConnectionStatus(String status, boolean usable, boolean refused, boolean undecided,
        List<Map<String, Object>> reasons) {
    public static final String ACTIVE = "active";
    public static final String NEEDS_ATTENTION = "needs_attention";
    public static final String PAUSED = "paused";
    public static final String DISCONNECTED = "disconnected";
    /** The rows that say whether a credential itself (not a permission of it) was accepted. */
    private static final Set<String> CREDENTIAL_ROWS = Set.of("client-credentials", "site-admin-user",
            "ingestion:credentials", "job-board:token", "partner-grant");

    static ConnectionStatus of(CheckResult result) {
        Map<String, Boolean> featureOk = new LinkedHashMap<>();
        boolean anyUnknown = false;
        int credentials = 0;
        int refused = 0;
        for (CheckResult.Row r : result.rows()) {
            if (CREDENTIAL_ROWS.contains(r.permission())) {
                credentials++;
                if (r.status().unusable()) {
                    refused++;
                }
            }
            anyUnknown |= r.status() == CheckResult.Status.UNKNOWN;
            if (!r.feature().equals("credentials")) {
                featureOk.merge(r.feature(), r.status() == CheckResult.Status.OK, Boolean::logicalAnd);
            }
        }
        List<Map<String, Object>> reasons = new ArrayList<>();
        for (CheckResult.Row r : result.problems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("feature", r.feature());
            m.put("permission", r.permission());
            m.put("status", r.status().label());
            m.put("detail", r.detail());
            m.put("impact", r.impact());
            reasons.add(m);
        }
        boolean someUsable = featureOk.values().stream().anyMatch(ok -> ok);
        if (result.usable()) {
            return new ConnectionStatus(ACTIVE, true, false, false, List.of());
        }
        if (credentials > 0 && refused == credentials) {
            return new ConnectionStatus(DISCONNECTED, false, true, false, reasons);
        }
        if (someUsable) {
            return new ConnectionStatus(NEEDS_ATTENTION, true, refused > 0, false, reasons);
        }
        // nothing works, but not because Greenhouse said no to the credentials: unknown, or every permission missing
        return new ConnectionStatus(NEEDS_ATTENTION, false, refused > 0, anyUnknown, reasons);
    }

    /** The features that wait, one line each: what the API and the console show as "waiting". */
    static List<String> waiting(List<Map<String, Object>> reasons) {
        Set<String> out = new LinkedHashSet<>();
        for (Map<String, Object> r : reasons) {
            if (r.get("feature") != null && !"credentials".equals(r.get("feature"))) {
                out.add(r.get("feature") + ": " + r.get("permission") + " " + r.get("status"));
            }
        }
        return List.copyOf(out);
    }
}
