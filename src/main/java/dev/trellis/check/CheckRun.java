package dev.trellis.check;

import dev.trellis.check.CheckResult.Row;
import dev.trellis.check.CheckResult.Status;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.ErrorBody;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One check run of one tenant: the rows so far and what the fix needs to say. */
final class CheckRun {
    static final String WHERE = "Configure > Dev Center > API Credential Management";

    final Tenant tenant;
    final List<Row> rows = new ArrayList<>();
    final List<String> fixes = new ArrayList<>();
    final Set<String> missingScopes = new LinkedHashSet<>();
    private final SecretMasker masker;

    CheckRun(Tenant tenant, SecretMasker masker) {
        this.tenant = tenant;
        this.masker = masker;
    }

    void add(int step, String feature, String permission, String harvestName, Status status, String detail,
            String impact) {
        rows.add(new Row(step, feature, permission, harvestName, status, masker.mask(detail), impact));
    }

    /** An answer for a row: its status and the start of its body. */
    static String answered(int status, String body) {
        String t = ErrorBody.truncate(body, 120);
        return "HTTP " + status + (t.isEmpty() ? "" : " " + t);
    }

    List<String> fix() {
        List<String> out = new ArrayList<>();
        if (!missingScopes.isEmpty()) {
            Tenant.Harvest h = tenant.harvest().orElseThrow();
            StringBuilder s = new StringBuilder("Scopes: in Greenhouse go to " + WHERE + ", open the credential of "
                    + "type Harvest V3 (OAuth) with Client ID " + h.clientId() + ", tick these scopes and save:");
            for (String scope : missingScopes) {
                s.append("\n     - ").append(scope).append(" (").append(harvestNames(scope)).append(")");
            }
            s.append("\n   Then run `trellis check --tenant ").append(tenant.id()).append("` again. A new "
                    + "credential must also be of type Harvest V3 (OAuth), created by a Site Admin whose user id is "
                    + "harvest.user-id (the token's sub).");
            out.add(s.toString());
        }
        out.addAll(fixes);
        if (!out.isEmpty()) {
            out.add("Paused streams resume by themselves after the next passing check (hourly, at start-up, or "
                    + "GET /api/tenants/" + tenant.id() + "/check).");
        }
        return out;
    }

    String harvestNames(String scope) {
        Set<String> names = new LinkedHashSet<>();
        for (Row r : rows) {
            if (r.permission().equals(scope) && r.harvestName() != null) {
                names.add(r.harvestName());
            }
        }
        return "was " + String.join(" / ", names);
    }
}
