package dev.trellis.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.check.CheckResult.Row;
import dev.trellis.check.CheckResult.Status;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseRejection;
import dev.trellis.greenhouse.GreenhouseShape;
import dev.trellis.greenhouse.MissingPermission;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks one tenant, in order: (1) the token endpoint accepts the client id and secret; (2) the {@code sub} user is
 * active and a Site Admin; (3) every permission of every enabled feature: list scopes with the cheapest request
 * ({@code per_page=1&fields=id}), write scopes from the token's granted scopes when the token answer lists them,
 * else with a request that fails validation before it could write; (4) the Candidate Ingestion key and user
 * e-mail, and the job board token; (5) the webhook secret. Harvest requests go through the gateway, so they count
 * against the tenant's rate budget. Nothing is ever written; no secret is ever put in a row.
 */
public final class ConnectionCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String WHERE = "Configure > Dev Center > API Credential Management";

    /** Which features are switched off (trellis.check.disabled-features) and which tenants receive webhooks. */
    public record Options(List<String> disabledFeatures, List<String> webhookTenants) {
        /** An entry is a feature id ({@code notes}, {@code sync:offers}, {@code sync:*}), optionally {@code tenant/}. */
        public boolean enabled(String tenant, String featureId) {
            for (String entry : disabledFeatures) {
                String pattern = entry;
                int slash = entry.indexOf('/');
                if (slash >= 0) {
                    if (!entry.substring(0, slash).equals(tenant)) {
                        continue;
                    }
                    pattern = entry.substring(slash + 1);
                }
                if (pattern.equals(featureId) || pattern.endsWith("*")
                        && featureId.startsWith(pattern.substring(0, pattern.length() - 1))) {
                    return false;
                }
            }
            return true;
        }

        public boolean webhooks(Tenant tenant) {
            return enabled(tenant.id(), Feature.WEBHOOKS.id()) && (tenant.webhookSecret().isPresent()
                    || webhookTenants.contains("all") || webhookTenants.contains(tenant.id()));
        }
    }

    private final HttpClient http;
    private final Supplier<GreenhouseGateway> gateways;
    private final SecretMasker masker;
    private final Duration timeout;
    private final Clock clock;
    private final Options options;

    /**
     * {@code gateways} gives a gateway with a fresh token cache for each check, so a credential fixed in Greenhouse
     * shows up at once; it shares the rate budget of the hub (or of the command line).
     */
    public ConnectionCheck(HttpClient http, Supplier<GreenhouseGateway> gateways, SecretMasker masker, Duration timeout,
            Clock clock, Options options) {
        this.http = http;
        this.gateways = gateways;
        this.masker = masker;
        this.timeout = timeout;
        this.clock = clock;
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** The streams of {@code streams} that cover the tenant and whose check is enabled. */
    public List<Streams.Ref> enabledStreams(Tenant tenant, List<Streams.Ref> streams) {
        if (tenant.harvest().isEmpty()) {
            return List.of();
        }
        return streams.stream().filter(s -> s.covers(tenant.id()) && options.enabled(tenant.id(), s.featureId()))
                .toList();
    }

    public CheckResult check(Tenant tenant, List<Streams.Ref> streams) throws InterruptedException {
        Run run = new Run(tenant);
        if (tenant.harvest().isPresent()) {
            run.harvest(enabledStreams(tenant, streams));
        }
        if (tenant.ingestion().isPresent() && options.enabled(tenant.id(), Feature.INGESTION.id())) {
            run.ingestion(tenant.ingestion().get());
        }
        if (tenant.jobBoard().isPresent() && options.enabled(tenant.id(), Feature.JOB_BOARD.id())) {
            run.jobBoard(tenant.jobBoard().get());
        }
        if (options.webhooks(tenant)) {
            run.webhooks();
        }
        return new CheckResult(tenant.id(), clock.instant(), run.rows, run.fix());
    }

    /**
     * Only step 4, Candidate Ingestion and the job board: the connect check of a sourcing partner (at start-up,
     * {@code trellis ingestion connect}, {@code POST /api/tenants/{tenant}/ingestion/connect}).
     */
    public CheckResult checkIngestion(Tenant tenant) throws InterruptedException {
        Run run = new Run(tenant);
        if (tenant.ingestion().isPresent()) {
            run.ingestion(tenant.ingestion().get());
        }
        if (tenant.jobBoard().isPresent()) {
            run.jobBoard(tenant.jobBoard().get());
        }
        return new CheckResult(tenant.id(), clock.instant(), run.rows, run.fixes);
    }

    /** An HTTP answer; status 0 when none came (then {@code error} says why). */
    private record Http(int status, JsonNode json, String text, String error) {
        String said() {
            if (json != null && json.has("error_description")) {
                return json.path("error").asText() + ": " + json.path("error_description").asText();
            }
            if (json != null && json.has("errors") && json.get("errors").isArray() && json.get("errors").size() > 0) {
                JsonNode e = json.get("errors").get(0);
                return e.isObject() ? e.path("message").asText() : e.asText();
            }
            if (json != null && json.has("error")) {
                return json.path("error").asText();
            }
            String t = text == null ? "" : text.strip();
            return t.length() > 200 ? t.substring(0, 200) + "..." : t;
        }

        String field() {
            JsonNode e = json == null ? null : json.path("errors").path(0);
            return e == null || !e.isObject() ? null : e.path("field").asText(null);
        }
    }

    private Http call(HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // shown as text
            }
            return new Http(r.statusCode(), json, r.body(), null);
        } catch (IOException e) {
            return new Http(0, null, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage()));
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One check run of one tenant: the rows so far and what the fix needs to say. */
    private final class Run {
        final Tenant tenant;
        final List<Row> rows = new ArrayList<>();
        final List<String> fixes = new ArrayList<>();
        final Set<String> missingScopes = new LinkedHashSet<>();
        boolean credentialsRefused;
        boolean baseUrlFixed;

        Run(Tenant tenant) {
            this.tenant = tenant;
        }

        void add(int step, String feature, String permission, String harvestName, Status status, String detail,
                String impact) {
            rows.add(new Row(step, feature, permission, harvestName, status, masker.mask(detail), impact));
        }

        /** Every permission of the tenant's enabled Harvest features, with the streams' list scopes first. */
        Map<String, List<Feature.Need>> harvestNeeds(List<Streams.Ref> streams) {
            Map<String, List<Feature.Need>> needs = new LinkedHashMap<>();
            for (Streams.Ref s : streams) {
                needs.put(s.featureId(), List.of(Feature.syncNeed(s.stream(), s.resource(), s.table())));
            }
            for (Feature f : List.of(Feature.NOTES, Feature.EMAILS, Feature.INTERVIEWS)) {
                if (options.enabled(tenant.id(), f.id())) {
                    needs.put(f.id(), f.needs());
                }
            }
            return needs;
        }

        // ---- steps 1 to 3: Harvest -------------------------------------------------------------------------------

        void harvest(List<Streams.Ref> streams) throws InterruptedException {
            Tenant.Harvest h = tenant.harvest().orElseThrow();
            Map<String, List<Feature.Need>> needs = harvestNeeds(streams);
            String everything = "every Harvest feature: sync, notes, e-mails, interviews";

            // 1. client id and secret, without a sub: only the credential is judged
            Http t1 = token(h, null);
            Optional<Set<String>> granted = Optional.empty();
            if (t1.status() == 200 && t1.json() != null && t1.json().hasNonNull("access_token")) {
                if (t1.json().path("scope").isTextual()) {
                    granted = Optional.of(new LinkedHashSet<>(Arrays.asList(t1.json().get("scope").asText().trim()
                            .split("\\s+"))));
                }
                add(1, "credentials", "client-credentials", null, Status.OK, "client id " + h.clientId()
                        + " and its secret accepted by " + h.tokenUrl(), everything);
            } else if (notOAuth(t1)) {
                String detail = notGreenhouse(h.tokenUrl().toString(), "POST (token request) answered "
                        + answered(t1.status(), t1.text()));
                add(1, "credentials", "client-credentials", null, Status.UNKNOWN, detail, everything);
                blockAll(needs, Status.UNKNOWN, "not checked: no token (" + detail + ")");
                fixes.add("Token URL: harvest.token-url = " + h.tokenUrl() + " in " + tenant.source() + " does not look "
                        + "like Greenhouse's token endpoint. Greenhouse's is https://auth.greenhouse.io/token.");
                return;
            } else {
                Status s = refused(t1) ? Status.MISSING : Status.UNKNOWN;
                credentialsRefused = s == Status.MISSING;
                add(1, "credentials", "client-credentials", null, s, tokenProblem(t1, h, null), everything);
                blockAll(needs, s == Status.MISSING ? Status.BLOCKED : Status.UNKNOWN,
                        s == Status.MISSING ? "no token: the client credentials are refused"
                                : "not checked: no token (" + tokenProblem(t1, h, null) + ")");
                if (s == Status.MISSING) {
                    fixes.add("Client credentials: the token endpoint " + h.tokenUrl() + " refused client id '"
                            + h.clientId() + "' with the configured secret. Greenhouse does not say which of the two "
                            + "is wrong. In Greenhouse go to " + WHERE + " and find the credential of type Harvest V3 "
                            + "(OAuth): compare its Client ID with harvest.client-id in " + tenant.source()
                            + ". The Client Secret is shown only once, when the credential is created: if the one "
                            + "behind harvest.client-secret is not it, rotate the secret (the old one stays valid up to "
                            + "a week) or create a new credential, and store the new secret where harvest.client-secret "
                            + "points (env: variable or file:), never in the file itself.");
                }
                return;
            }

            // 2. the sub: a token for it (the token endpoint refuses users that are not active), then its record
            Http t2 = token(h, h.userId());
            String user = "user " + h.userId() + " (harvest.user-id, the token's sub)";
            String listImpact = "every list read: all sync streams";
            if (t2.status() != 200) {
                Status s = t2.status() == 400 || refused(t2) ? Status.MISSING : Status.UNKNOWN;
                add(2, "credentials", "site-admin-user", null, s, user + " cannot get a token: "
                        + tokenProblem(t2, h, h.userId()), everything);
                blockAll(needs, s == Status.MISSING ? Status.BLOCKED : Status.UNKNOWN,
                        "no token for " + user);
                if (s == Status.MISSING) {
                    fixes.add(subFix(h, "is not an active Greenhouse user"));
                }
                return;
            }
            GreenhouseGateway gateway = gateways.get();
            Probe users = probeList(gateway, h, "users", "ids=" + h.userId());
            Boolean siteAdmin = null;
            String adminDetail;
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
            } else {
                adminDetail = null;
            }

            // 3. every permission of every enabled feature
            Map<String, Probe> probes = new LinkedHashMap<>();
            if (!users.siteAdminRule()) {
                probes.put("harvest:users:list", users);
            }
            boolean anyListWorked = users.status() == Status.OK;
            boolean ruleSeen = users.siteAdminRule();
            for (Map.Entry<String, List<Feature.Need>> e : needs.entrySet()) {
                for (Feature.Need need : e.getValue()) {
                    String scope = need.permission();
                    if (probes.containsKey(scope)) {
                        continue;
                    }
                    if (scope.endsWith(":list")) {
                        if (Boolean.FALSE.equals(siteAdmin)) {
                            probes.put(scope, new Probe(Status.BLOCKED, user + " is not a Site Admin", null, false));
                        } else {
                            Probe p = probeList(gateway, h, resource(scope), null);
                            anyListWorked |= p.status() == Status.OK;
                            ruleSeen |= p.siteAdminRule();
                            probes.put(scope, p);
                        }
                    } else if (granted.isPresent()) {
                        probes.put(scope, granted.get().contains(scope)
                                ? new Probe(Status.OK, "listed in the token's granted scopes", null, false)
                                : new Probe(Status.MISSING, "not among the token's granted scopes", null, false));
                    } else {
                        probes.put(scope, probeWrite(gateway, h, scope));
                    }
                }
            }
            if (siteAdmin == null) {
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
            boolean listsNeeded = needs.values().stream().flatMap(List::stream)
                    .anyMatch(n -> n.permission().endsWith(":list"));
            if (!listsNeeded && !Boolean.TRUE.equals(siteAdmin)) {
                // only list reads need a Site Admin, and no stream is enabled
                add(2, "credentials", "site-admin-user", null, Status.OK, adminDetail + " (no sync stream is enabled, "
                        + "so none is needed)", listImpact);
            } else {
                add(2, "credentials", "site-admin-user", null, siteAdmin == null ? Status.UNKNOWN
                        : siteAdmin ? Status.OK : Status.MISSING, adminDetail, listImpact);
            }
            if (Boolean.FALSE.equals(siteAdmin) && listsNeeded) {
                fixes.add(subFix(h, "is not an active Site Admin"));
            }
            for (Map.Entry<String, List<Feature.Need>> e : needs.entrySet()) {
                for (Feature.Need need : e.getValue()) {
                    Probe p = probes.get(need.permission());
                    add(3, e.getKey(), need.permission(), need.harvestName(), p.status, p.detail, need.impact());
                    if (p.status == Status.MISSING) {
                        missingScopes.add(need.permission());
                    }
                }
            }
        }

        void blockAll(Map<String, List<Feature.Need>> needs, Status status, String why) {
            for (Map.Entry<String, List<Feature.Need>> e : needs.entrySet()) {
                for (Feature.Need need : e.getValue()) {
                    add(3, e.getKey(), need.permission(), need.harvestName(), status, why, need.impact());
                }
            }
        }

        String subFix(Tenant.Harvest h, String problem) {
            return "The user (sub): harvest.user-id = " + h.userId() + " in " + tenant.source() + " " + problem
                    + ". v3 list endpoints answer only for a Site Admin. Set harvest.user-id to the numeric id of an "
                    + "active Site Admin (the number in the URL of the user's page in Greenhouse, Configure > Users), "
                    + "ideally the Site Admin who creates the Harvest V3 (OAuth) credential, or make user "
                    + h.userId() + " a Site Admin.";
        }

        Http token(Tenant.Harvest h, Long sub) throws InterruptedException {
            String form = "grant_type=client_credentials" + (sub == null ? ""
                    : "&sub=" + URLEncoder.encode(Long.toString(sub), StandardCharsets.UTF_8));
            return call(HttpRequest.newBuilder(h.tokenUrl())
                    .header("Authorization", basic(h.clientId(), h.clientSecret()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        }

        boolean refused(Http t) {
            return t.status() == 401 || t.status() == 403 || t.status() == 400
                    && t.json() != null && "invalid_client".equals(t.json().path("error").asText());
        }

        /** An answer that is neither a token nor an OAuth error: some other server is at the token URL. */
        boolean notOAuth(Http t) {
            return t.status() != 0 && t.status() != 429 && t.status() < 500
                    && !GreenhouseShape.tokenAnswer(t.status(), t.json());
        }

        /** The row detail for an answer that is not Greenhouse's. */
        String notGreenhouse(String url, String what) {
            return "this does not look like Greenhouse's Harvest API at " + url + ": " + what;
        }

        /** A probe answered by something that is not Greenhouse's Harvest API; the fix names harvest.base-url once. */
        Probe notHarvest(String request, int status, String body) {
            Tenant.Harvest h = tenant.harvest().orElseThrow();
            if (!baseUrlFixed) {
                baseUrlFixed = true;
                fixes.add("Harvest base URL: harvest.base-url = " + h.baseUrl() + " in " + tenant.source() + " does "
                        + "not look like Greenhouse's Harvest API (" + request + " answered " + answered(status, body)
                        + "). Greenhouse's is https://harvest.greenhouse.io, without /v3 (Trellis adds the path).");
            }
            return new Probe(Status.UNKNOWN, notGreenhouse(h.baseUrl().toString(), request + " answered "
                    + answered(status, body) + ", not an answer of Greenhouse's"), null, false);
        }

        String answered(int status, String body) {
            String t = body == null ? "" : body.strip();
            t = t.length() > 120 ? t.substring(0, 120) + "..." : t;
            return "HTTP " + status + (t.isEmpty() ? "" : " " + t);
        }

        String tokenProblem(Http t, Tenant.Harvest h, Long sub) {
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

        // ---- probes ------------------------------------------------------------------------------------------

        String resource(String scope) {
            return scope.split(":")[1];
        }

        Probe probeList(GreenhouseGateway gateway, Tenant.Harvest h, String resource, String filter)
                throws InterruptedException {
            String path = "/v3/" + resource + "?per_page=1" + (filter == null ? "&fields=id" : "&" + filter);
            try {
                GreenhouseGateway.Answer a = gateway.get(tenant, h.userId(), path);
                if (!GreenhouseShape.listPage(a.body())) {
                    return notHarvest("GET " + path, a.status(), a.text());
                }
                return new Probe(Status.OK, "GET " + path + " answered " + a.status(), a.body(), false);
            } catch (MissingPermission e) {
                String said = said(e);
                boolean rule = said.toLowerCase().contains("site admin");
                return new Probe(rule ? Status.BLOCKED : Status.MISSING, "GET /v3/" + resource + " refused (403): "
                        + said, null, rule);
            } catch (GreenhouseRejection e) {
                if (e.status() == 404) {
                    // every list of the check exists in Greenhouse: a 404 means there is no Harvest API here
                    return notHarvest("GET " + path, e.status(), e.body());
                }
                return new Probe(Status.UNKNOWN, "GET /v3/" + resource + " failed: " + e.getMessage(), null, false);
            } catch (GreenhouseException e) {
                return new Probe(Status.UNKNOWN, "GET /v3/" + resource + " failed: " + e.getMessage(), null, false);
            } catch (RuntimeException e) {
                return new Probe(Status.UNKNOWN, "GET /v3/" + resource + " failed: " + e, null, false);
            }
        }

        /** A write that fails validation (empty body, or record id 0) before it could write anything. */
        Probe probeWrite(GreenhouseGateway gateway, Tenant.Harvest h, String scope) throws InterruptedException {
            String[] parts = scope.split(":");
            String method;
            String path;
            switch (parts[2]) {
                case "create" -> {
                    method = "POST";
                    path = "/v3/" + parts[1];
                }
                case "update" -> {
                    method = "PATCH";
                    path = "/v3/" + parts[1] + "/0";
                }
                case "destroy" -> {
                    method = "DELETE";
                    path = "/v3/" + parts[1] + "/0";
                }
                default -> {
                    return new Probe(Status.UNKNOWN, "no probe for " + scope, null, false);
                }
            }
            String request = method + " " + path + (method.equals("DELETE") ? "" : " {}");
            try {
                GreenhouseGateway.Answer a = gateway.send(tenant, h.userId(), method, path,
                        method.equals("DELETE") ? null : JsonNodeFactory.instance.objectNode());
                // Greenhouse refuses an empty body and record 0: whatever took them is not Greenhouse
                return notHarvest(request, a.status(), a.text());
            } catch (MissingPermission e) {
                return new Probe(Status.MISSING, request + " refused (403): " + said(e), null, false);
            } catch (GreenhouseException e) {
                if (GreenhouseShape.refusedByEndpoint(e)) {
                    return new Probe(Status.OK, request + " passed the permission check and was refused by Greenhouse "
                            + (e.status() == 404 ? "for a record that does not exist" : "as invalid") + " ("
                            + e.status() + "), so nothing was written", null, false);
                }
                if (e instanceof GreenhouseRejection r && e.status() >= 400 && e.status() < 500 && e.status() != 401) {
                    return notHarvest(request, e.status(), r.body());
                }
                return new Probe(Status.UNKNOWN, request + " failed: " + e.getMessage(), null, false);
            } catch (RuntimeException e) {
                return new Probe(Status.UNKNOWN, request + " failed: " + e, null, false);
            }
        }

        String said(GreenhouseException e) {
            String m = String.valueOf(e.getMessage());
            int i = m.indexOf("Greenhouse said: ");
            return i < 0 ? m : m.substring(i + "Greenhouse said: ".length());
        }

        // ---- step 4: Candidate Ingestion and the Job Board ---------------------------------------------------

        void ingestion(Tenant.Ingestion in) throws InterruptedException {
            String base = in.baseUrl() + "/v1/partner/";
            List<Feature.Need> needs = Feature.INGESTION.needs();
            Http me = partner(in, "GET", base + "current_user");
            String who = "user e-mail " + in.userEmail() + " (ingestion.user-email, sent as On-Behalf-Of)";
            if (me.status() != 200) {
                Status s = me.status() == 401 || me.status() == 403 ? Status.MISSING : Status.UNKNOWN;
                String detail;
                String fix;
                if (me.status() == 401 && "On-Behalf-Of".equalsIgnoreCase(me.field())) {
                    detail = "the API key is accepted, but " + who + " is not a Greenhouse user: " + me.said();
                    fix = "Candidate Ingestion: ingestion.user-email = " + in.userEmail() + " in " + tenant.source()
                            + " is no Greenhouse user. Use the e-mail of an active user (normally the user who "
                            + "created the API key, a service user with at least Job Admin permissions).";
                } else if (me.status() == 401) {
                    detail = "the API key (ingestion.api-key) is refused: " + me.said();
                    fix = "Candidate Ingestion: the API key is refused. In Greenhouse go to " + WHERE + ", find the "
                            + "key for Candidate Ingestion (or create one), and store it where ingestion.api-key in "
                            + tenant.source() + " points (env: variable or file:).";
                } else if (me.status() == 403) {
                    detail = who + " may not act: " + me.said();
                    fix = "Candidate Ingestion: " + in.userEmail() + " is deactivated or has no access. Re-activate "
                            + "the user in Greenhouse (Configure > Users) or set ingestion.user-email in "
                            + tenant.source() + " to an active user with at least Job Admin permissions.";
                } else {
                    detail = me.status() == 0 ? base + " did not answer (" + me.error() + ")"
                            : "GET current_user answered " + me.status() + ": " + me.said();
                    fix = null;
                }
                add(4, Feature.INGESTION.id(), needs.get(0).permission(), null, s, detail, needs.get(0).impact());
                for (Feature.Need n : needs.subList(1, needs.size())) {
                    add(4, Feature.INGESTION.id(), n.permission(), null, s == Status.MISSING ? Status.BLOCKED : s,
                            "not checked: the credentials are refused", n.impact());
                }
                if (fix != null) {
                    fixes.add(fix);
                }
                return;
            }
            if (!GreenhouseShape.partnerUser(me.json())) {
                String detail = "this does not look like Greenhouse's Candidate Ingestion API at " + in.baseUrl()
                        + ": GET current_user answered " + Run.this.answered(me.status(), me.text());
                for (Feature.Need n : needs) {
                    add(4, Feature.INGESTION.id(), n.permission(), null, Status.UNKNOWN, detail, n.impact());
                }
                fixes.add("Candidate Ingestion: ingestion.base-url = " + in.baseUrl() + " in " + tenant.source()
                        + " does not look like Greenhouse's Candidate Ingestion API. Greenhouse's is "
                        + "https://api.greenhouse.io, without /v1/partner (Trellis adds the path).");
                return;
            }
            add(4, Feature.INGESTION.id(), needs.get(0).permission(), null, Status.OK, "API key accepted; acting as "
                    + in.userEmail() + " (user " + me.json().path("id").asText("?") + ")", needs.get(0).impact());
            // a POST that fails validation (no names, no external_id) before anything is created
            Http create = partner(in, "POST", base + "candidates");
            // only Candidate Ingestion's own refusal proves it, not any 400 or 422
            Status cs = GreenhouseShape.partnerValidationError(create.status(), create.json()) ? Status.OK
                    : create.status() == 401 || create.status() == 403 ? Status.MISSING : Status.UNKNOWN;
            add(4, Feature.INGESTION.id(), needs.get(1).permission(), null, cs, cs == Status.OK
                    ? "POST candidates {} was refused as invalid (" + create.status() + "), so the user may create "
                    + "candidates and nothing was created" : "POST candidates {} answered " + create.status() + ": "
                    + create.said(), needs.get(1).impact());
            Http view = partner(in, "GET", base + "candidates?candidate_ids=1");
            addPartner(needs.get(2), view, "GET candidates");
            Http jobs = partner(in, "GET", base + "jobs");
            addPartner(needs.get(3), jobs, "GET jobs");
            if (cs == Status.MISSING || view.status() == 403 || jobs.status() == 403) {
                fixes.add("Candidate Ingestion: " + in.userEmail() + " lacks permissions (Basic users cannot read "
                        + "candidates). Give the user at least Job Admin permissions on the jobs partners push to "
                        + "(Configure > Users), or set ingestion.user-email in " + tenant.source()
                        + " to such a user.");
            }
        }

        void addPartner(Feature.Need need, Http h, String what) {
            // both reads answer arrays (docs/greenhouse.md#ingestion-endpoints); anything else at 200 is not
            // Greenhouse's answer
            Status s = h.status() == 200 && h.json() != null && h.json().isArray() ? Status.OK
                    : h.status() == 401 || h.status() == 403 ? Status.MISSING : Status.UNKNOWN;
            add(4, Feature.INGESTION.id(), need.permission(), null, s, what + " answered " + (h.status() == 0
                    ? "nothing (" + h.error() + ")" : h.status() + (s == Status.OK ? "" : ": " + h.said())),
                    need.impact());
        }

        Http partner(Tenant.Ingestion in, String method, String url) throws InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", basic(in.apiKey(), ""))
                    .header("On-Behalf-Of", in.userEmail())
                    .header("Accept", "application/json");
            if (method.equals("POST")) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
            } else {
                b.GET();
            }
            return call(b);
        }

        void jobBoard(Tenant.JobBoard board) throws InterruptedException {
            Feature.Need need = Feature.JOB_BOARD.needs().get(0);
            String url = board.baseUrl() + "/v1/boards/" + URLEncoder.encode(board.boardToken(), StandardCharsets.UTF_8);
            Http b = call(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET());
            if (b.status() == 200 && !GreenhouseShape.board(b.json())) {
                add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.UNKNOWN, "this does not look like "
                        + "Greenhouse's Job Board API at " + board.baseUrl() + ": GET board answered "
                        + answered(b.status(), b.text()), need.impact());
                fixes.add("Job Board: job-board.base-url = " + board.baseUrl() + " in " + tenant.source() + " does "
                        + "not look like Greenhouse's Job Board API. Greenhouse's is https://boards-api.greenhouse.io.");
            } else if (b.status() == 200) {
                add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.OK, "board '" + board.boardToken()
                        + "' found" + (b.json() != null && b.json().hasNonNull("name") ? ": " + b.json().get("name")
                        .asText() : ""), need.impact());
            } else if (b.status() == 404) {
                add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.MISSING, "no job board with token '"
                        + board.boardToken() + "' at " + board.baseUrl() + ": " + b.said(), need.impact());
                fixes.add("Job Board: job-board.token = " + board.boardToken() + " in " + tenant.source() + " names no "
                        + "board. Use the board token: the last part of the board's address "
                        + "(boards.greenhouse.io/<token>), shown in Greenhouse under Configure > Job Boards.");
            } else {
                add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.UNKNOWN, b.status() == 0
                        ? url + " did not answer (" + b.error() + ")" : "GET board answered " + b.status() + ": "
                        + b.said(), need.impact());
            }
        }

        // ---- step 5: webhooks ---------------------------------------------------------------------------------

        void webhooks() {
            Feature.Need need = Feature.WEBHOOKS.needs().get(0);
            if (tenant.webhookSecret().filter(s -> !s.isBlank()).isPresent()) {
                add(5, Feature.WEBHOOKS.id(), need.permission(), null, Status.OK, "webhooks.secret is configured",
                        need.impact());
            } else {
                add(5, Feature.WEBHOOKS.id(), need.permission(), null, Status.MISSING, "webhooks are enabled for this "
                        + "tenant (trellis.check.webhook-tenants) but webhooks.secret is not set", need.impact());
                fixes.add("Webhooks: set webhooks.secret in " + tenant.source() + " (as env:VARIABLE or file:/path) to "
                        + "the Secret key of the tenant's web hooks in Greenhouse (Configure > Dev Center > Web Hooks).");
            }
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

    /** What one probe found; {@code siteAdminRule} when Greenhouse said the user is not a Site Admin. */
    private record Probe(Status status, String detail, JsonNode body, boolean siteAdminRule) {
    }
}
