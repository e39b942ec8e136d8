package dev.trellis.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.check.CheckResult.Status;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GrantTokens;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseRejection;
import dev.trellis.greenhouse.GreenhouseShape;
import dev.trellis.greenhouse.RawAnswer;
import dev.trellis.greenhouse.TokenRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Steps 1 to 3, Harvest: (1) the token endpoint accepts the client id and secret; (2) the {@code sub} user gets a
 * token and is an active Site Admin; (3) every permission of every enabled feature. Tokens are asked fresh (no
 * cache), so a credential fixed in Greenhouse shows up at once.
 */
final class HarvestCheck {
    private static final String EVERYTHING = "every Harvest feature: sync, notes, e-mails, interviews";
    private static final String LIST_IMPACT = "every list read: all sync streams";

    private final CheckRun run;
    private final Tenant tenant;
    private final Tenant.Harvest h;
    private final HttpClient http;
    private final Duration timeout;
    private final HarvestProbes probes;
    private final String user;

    /** Whether the sub is a Site Admin (null: not known yet) and why. */
    private Boolean siteAdmin;
    private String adminDetail;

    HarvestCheck(CheckRun run, HttpClient http, Duration timeout, HarvestProbes probes) {
        this.run = run;
        this.tenant = run.tenant;
        this.h = tenant.harvest().orElseThrow();
        this.http = http;
        this.timeout = timeout;
        this.probes = probes;
        this.user = h.grant() ? "the user who authorized the partner app" : "user " + h.userId()
                + " (harvest.user-id, the token's sub)";
    }

    /** {@code needs}: every permission of the tenant's enabled Harvest features, by feature id. */
    void run(Map<String, List<Feature.Need>> needs) throws InterruptedException {
        if (h.grant()) {
            runGrant(needs);
            return;
        }
        // 1. client id and secret, without a sub: only the credential is judged
        RawAnswer t1 = TokenRequest.fresh(http, h, null, timeout);
        if (!credentialsAccepted(t1, needs) || !subHasToken(needs)) {
            return;
        }
        permissions(needs, granted(t1));
    }

    /** A partner grant: its tokens come from the grant (refreshed as due), its scopes are the ones granted. */
    private void runGrant(Map<String, List<Feature.Need>> needs) throws InterruptedException {
        GrantTokens grants = probes.gateway().tokens().grants();
        try {
            grants.accessToken(tenant.id());
        } catch (GreenhouseRejection e) {
            run.add(1, "credentials", "partner-grant", null, Status.MISSING, e.getMessage(), EVERYTHING);
            blockAll(needs, Status.BLOCKED, "no token: Greenhouse no longer accepts the partner grant");
            run.fixes.add("Partner grant: the customer authorizes the app again: GET /connect/greenhouse?tenant="
                    + tenant.id() + " (docs/connections.md \"Partner connections\").");
            return;
        } catch (GreenhouseException e) {
            run.add(1, "credentials", "partner-grant", null, Status.UNKNOWN, e.getMessage(), EVERYTHING);
            blockAll(needs, Status.UNKNOWN, "not checked: no token (" + e.getMessage() + ")");
            return;
        }
        run.add(1, "credentials", "partner-grant", null, Status.OK, "the partner grant gives tokens ("
                + h.tokenUrl() + ")", EVERYTHING);
        permissions(needs, grants.scopes(tenant.id()));
    }

    /** The scopes the token answer lists, when it lists them. */
    private static Optional<Set<String>> granted(RawAnswer token) {
        if (!token.json().path("scope").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new LinkedHashSet<>(Arrays.asList(token.json().get("scope").asText().trim()
                .split("\\s+"))));
    }

    private boolean credentialsAccepted(RawAnswer t1, Map<String, List<Feature.Need>> needs) {
        if (t1.status() == 200 && t1.json() != null && t1.json().hasNonNull("access_token")) {
            run.add(1, "credentials", "client-credentials", null, Status.OK, "client id " + h.clientId()
                    + " and its secret accepted by " + h.tokenUrl(), EVERYTHING);
            return true;
        }
        if (notOAuth(t1)) {
            String detail = HarvestProbes.notGreenhouse(h.tokenUrl().toString(), "POST (token request) answered "
                    + CheckRun.answered(t1.status(), t1.text()));
            run.add(1, "credentials", "client-credentials", null, Status.UNKNOWN, detail, EVERYTHING);
            blockAll(needs, Status.UNKNOWN, "not checked: no token (" + detail + ")");
            run.fixes.add("Token URL: harvest.token-url = " + h.tokenUrl() + " in " + tenant.source() + " does not "
                    + "look like Greenhouse's token endpoint. Greenhouse's is https://auth.greenhouse.io/token.");
            return false;
        }
        Status s = refused(t1) ? Status.MISSING : Status.UNKNOWN;
        run.add(1, "credentials", "client-credentials", null, s, tokenProblem(t1, null), EVERYTHING);
        blockAll(needs, s == Status.MISSING ? Status.BLOCKED : Status.UNKNOWN,
                s == Status.MISSING ? "no token: the client credentials are refused"
                        : "not checked: no token (" + tokenProblem(t1, null) + ")");
        if (s == Status.MISSING) {
            run.fixes.add("Client credentials: the token endpoint " + h.tokenUrl() + " refused client id '"
                    + h.clientId() + "' with the configured secret. Greenhouse does not say which of the two "
                    + "is wrong. In Greenhouse go to " + CheckRun.WHERE + " and find the credential of type Harvest "
                    + "V3 (OAuth): compare its Client ID with harvest.client-id in " + tenant.source()
                    + ". The Client Secret is shown only once, when the credential is created: if the one "
                    + "behind harvest.client-secret is not it, rotate the secret (the old one stays valid up to "
                    + "a week) or create a new credential, and store the new secret where harvest.client-secret "
                    + "points (env: variable or file:), never in the file itself.");
        }
        return false;
    }

    /** 2. the sub gets a token (the token endpoint refuses users that are not active). */
    private boolean subHasToken(Map<String, List<Feature.Need>> needs) throws InterruptedException {
        RawAnswer t2 = TokenRequest.fresh(http, h, h.userId(), timeout);
        if (t2.status() == 200) {
            return true;
        }
        Status s = t2.status() == 400 || refused(t2) ? Status.MISSING : Status.UNKNOWN;
        run.add(2, "credentials", "site-admin-user", null, s, user + " cannot get a token: "
                + tokenProblem(t2, h.userId()), EVERYTHING);
        blockAll(needs, s == Status.MISSING ? Status.BLOCKED : Status.UNKNOWN, "no token for " + user);
        if (s == Status.MISSING) {
            run.fixes.add(subFix("is not an active Greenhouse user"));
        }
        return false;
    }

    /** 2. the sub's own record, then 3. every permission; the Site Admin verdict uses what the lists answered. */
    private void permissions(Map<String, List<Feature.Need>> needs, Optional<Set<String>> granted)
            throws InterruptedException {
        // a grant's user is whoever authorized: its id is not known, so any user record answers
        Probe users = probes.list(h, "users", h.grant() ? null : "ids=" + h.userId());
        judgeRecord(users);
        Map<String, Probe> found = new LinkedHashMap<>();
        if (!users.siteAdminRule()) {
            found.put("harvest:users:list", users);
        }
        boolean anyListWorked = users.status() == Status.OK;
        boolean ruleSeen = users.siteAdminRule();
        for (List<Feature.Need> featureNeeds : needs.values()) {
            for (Feature.Need need : featureNeeds) {
                String scope = need.permission();
                if (found.containsKey(scope)) {
                    continue;
                }
                Probe p = probe(scope, granted);
                if (scope.endsWith(":list")) {
                    anyListWorked |= p.status() == Status.OK;
                    ruleSeen |= p.siteAdminRule();
                }
                found.put(scope, p);
            }
        }
        if (siteAdmin == null) {
            judgeByLists(users, ruleSeen, anyListWorked);
        }
        addSiteAdminRow(needs);
        for (Map.Entry<String, List<Feature.Need>> e : needs.entrySet()) {
            for (Feature.Need need : e.getValue()) {
                Probe p = found.get(need.permission());
                run.add(3, e.getKey(), need.permission(), need.harvestName(), p.status(), p.detail(), need.impact());
                if (p.status() == Status.MISSING) {
                    run.missingScopes.add(need.permission());
                }
            }
        }
    }

    /** A list scope by its cheapest read; a write scope by the token's granted scopes, else by a refused write. */
    private Probe probe(String scope, Optional<Set<String>> granted) throws InterruptedException {
        if (scope.endsWith(":list")) {
            return Boolean.FALSE.equals(siteAdmin) ? new Probe(Status.BLOCKED, user + " is not a Site Admin", null,
                    false) : probes.list(h, HarvestProbes.resource(scope), null);
        }
        if (granted.isPresent()) {
            return granted.get().contains(scope)
                    ? new Probe(Status.OK, "listed in the token's granted scopes", null, false)
                    : new Probe(Status.MISSING, "not among the token's granted scopes", null, false);
        }
        return probes.write(h, scope);
    }

    /** The Site Admin verdict from the sub's own record, when it could be read. */
    private void judgeRecord(Probe users) {
        if (users.status() == Status.OK) {
            JsonNode record = users.body() != null && users.body().isArray() && users.body().size() > 0
                    ? users.body().get(0) : null;
            if (record == null) {
                siteAdmin = false;
                adminDetail = user + " sees no users at all: v3 lists return nothing for users who are not Site "
                        + "Admins";
            } else if (record.path("deactivated").asBoolean(false) || record.path("disabled").asBoolean(false)) {
                siteAdmin = false;
                adminDetail = user + " is deactivated";
            } else {
                siteAdmin = !record.has("site_admin") || record.get("site_admin").asBoolean();
                adminDetail = siteAdmin ? user + " is an active Site Admin" : user + " is active but not a Site "
                        + "Admin; v3 list endpoints require one";
            }
        } else if (users.siteAdminRule()) {
            siteAdmin = false;
            adminDetail = user + " is not a Site Admin: " + users.detail();
        }
    }

    /** The Site Admin verdict when the record could not be read: from whether any list answered. */
    private void judgeByLists(Probe users, boolean ruleSeen, boolean anyListWorked) {
        if (ruleSeen && !anyListWorked) {
            siteAdmin = false;
            adminDetail = user + " is not a Site Admin: Greenhouse refuses list reads for it";
        } else if (anyListWorked) {
            siteAdmin = true;
            adminDetail = user + " reads lists, so it is an active Site Admin (its own record could not be "
                    + "read: " + users.detail() + ")";
        } else {
            adminDetail = "cannot tell whether " + user + " is a Site Admin: every list was refused ("
                    + users.detail() + ")";
        }
    }

    private void addSiteAdminRow(Map<String, List<Feature.Need>> needs) {
        boolean listsNeeded = needs.values().stream().flatMap(List::stream)
                .anyMatch(n -> n.permission().endsWith(":list"));
        if (!listsNeeded && !Boolean.TRUE.equals(siteAdmin)) {
            // only list reads need a Site Admin, and no stream is enabled
            run.add(2, "credentials", "site-admin-user", null, Status.OK, adminDetail + " (no sync stream is "
                    + "enabled, so none is needed)", LIST_IMPACT);
        } else {
            run.add(2, "credentials", "site-admin-user", null, siteAdmin == null ? Status.UNKNOWN
                    : siteAdmin ? Status.OK : Status.MISSING, adminDetail, LIST_IMPACT);
        }
        if (Boolean.FALSE.equals(siteAdmin) && listsNeeded) {
            run.fixes.add(subFix("is not an active Site Admin"));
        }
    }

    private void blockAll(Map<String, List<Feature.Need>> needs, Status status, String why) {
        for (Map.Entry<String, List<Feature.Need>> e : needs.entrySet()) {
            for (Feature.Need need : e.getValue()) {
                run.add(3, e.getKey(), need.permission(), need.harvestName(), status, why, need.impact());
            }
        }
    }

    private String subFix(String problem) {
        return "The user (sub): harvest.user-id = " + h.userId() + " in " + tenant.source() + " " + problem
                + ". v3 list endpoints answer only for a Site Admin. Set harvest.user-id to the numeric id of an "
                + "active Site Admin (the number in the URL of the user's page in Greenhouse, Configure > Users), "
                + "ideally the Site Admin who creates the Harvest V3 (OAuth) credential, or make user "
                + h.userId() + " a Site Admin.";
    }

    private static boolean refused(RawAnswer t) {
        return t.status() == 401 || t.status() == 403 || t.status() == 400
                && t.json() != null && "invalid_client".equals(t.json().path("error").asText());
    }

    /** An answer that is neither a token nor an OAuth error: some other server is at the token URL. */
    private static boolean notOAuth(RawAnswer t) {
        return t.status() != 0 && t.status() != 429 && t.status() < 500
                && !GreenhouseShape.tokenAnswer(t.status(), t.json());
    }

    private String tokenProblem(RawAnswer t, Long sub) {
        if (t.status() == 0) {
            return "the token endpoint " + h.tokenUrl() + " did not answer (" + t.error() + ")";
        }
        if (t.status() == 429) {
            return "the token endpoint is rate-limiting this client (HTTP 429); try again in a minute";
        }
        if (t.status() == 200) {
            return "the token endpoint answered without an access_token";
        }
        return "HTTP " + t.status() + " from " + h.tokenUrl() + (sub == null ? "" : " for sub " + sub) + ": "
                + t.said();
    }
}
