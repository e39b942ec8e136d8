package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The control API under {@code /_sandbox/} (not part of Greenhouse, no auth): the truth to compare against (counts,
 * deleted ids, request counters), faults, clock, churn, record changes, extra credentials and webhook targets.
 * Paths are listed in docs/sandbox.md.
 */
final class ControlHandler implements Handler {
    private final Sandbox sandbox;

    ControlHandler(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public Reply handle(SandboxRequest req) {
        String path = req.path.replaceAll("/+$", "");
        String[] p = path.substring(1).split("/");
        String route = req.method + " " + (p.length > 1 ? p[1] : "");
        switch (route) {
            case "GET info":
                return Reply.json(200, info());
            case "GET orgs":
                return orgs(p);
            case "GET state":
                return Reply.json(200, state(org(req), true));
            case "GET counts":
                return Reply.json(200, state(org(req), false).get("counts"));
            case "GET deleted":
                return deleted(org(req), p);
            case "GET requests":
                return Reply.json(200, state(0, false).get("requests"));
            case "DELETE requests":
                sandbox.resetRequestCounts();
                return Reply.empty(204);
            case "GET faults":
                return Reply.json(200, sandbox.faults().toJson());
            case "PUT faults", "POST faults":
                sandbox.faults().apply(req.json());
                return Reply.json(200, sandbox.faults().toJson());
            case "DELETE faults":
                sandbox.faults().clear();
                return Reply.json(200, sandbox.faults().toJson());
            case "POST tokens":
                if (p.length == 3 && p[2].equals("expire")) {
                    return Reply.json(200, Json.object().put("expired", sandbox.expireTokens()));
                }
                break;
            case "POST clock":
                if (p.length == 3 && p[2].equals("advance")) {
                    long seconds = number(req.query.get("seconds"), "seconds");
                    sandbox.advanceClock(Duration.ofSeconds(seconds));
                    return Reply.json(200, Json.object().put("now", Timeline.iso(sandbox.clock().millis())));
                }
                break;
            case "POST churn": {
                int n = (int) number(req.query.getOrDefault("changes", "1"), "changes");
                ArrayNode done = Json.array();
                sandbox.churn(org(req), n).forEach(done::add);
                return Reply.json(200, Json.object().set("changes", done));
            }
            case "POST records", "DELETE records":
                return records(req, p);
            case "POST credentials":
                return credentials(req);
            case "POST partner-apps":
                return createPartnerApp(req);
            case "GET partner-apps": {
                ArrayNode a = Json.array();
                sandbox.partnerApps().forEach(app -> a.add(partnerAppJson(app)));
                return Reply.json(200, a);
            }
            case "GET partner-grants", "DELETE partner-grants":
                return partnerGrants(req, p);
            case "GET webhooks":
                return Reply.json(200, webhooks(sandbox.webhooks(org(req))));
            case "POST webhooks": {
                WebhookEmitter w = sandbox.webhooks(org(req));
                w.addTarget(text(req.json(), "url"));
                return Reply.json(200, webhooks(w));
            }
            case "DELETE webhooks": {
                WebhookEmitter w = sandbox.webhooks(org(req));
                w.removeTarget(req.query.getOrDefault("url", ""));
                return Reply.json(200, webhooks(w));
            }
            default:
                break;
        }
        throw ApiException.of(404, Json.errors("Unknown control path: " + req.method + " " + req.path
                + " (see docs/sandbox.md)"));
    }

    private static long number(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw ApiException.of(422, Json.errors(name + " must be an integer"));
        }
    }

    /** The {@code org} query parameter (default 0): which organisation a control call reads or changes. */
    private int org(SandboxRequest req) {
        return checkedOrg(number(req.query.getOrDefault("org", "0"), "org"));
    }

    private int checkedOrg(long org) {
        if (org < 0 || org >= sandbox.orgs()) {
            throw ApiException.of(422, Json.errors("org must be between 0 and " + (sandbox.orgs() - 1)));
        }
        return (int) org;
    }

    private static String text(JsonNode body, String field) {
        if (!body.hasNonNull(field)) {
            throw ApiException.of(422, Json.errors(field + " is required"));
        }
        return body.get(field).asText();
    }

    private ObjectNode info() {
        ObjectNode o = credentials(sandbox.credentials());
        o.put("seed", sandbox.settings().seed());
        o.put("orgs", sandbox.orgs());
        ObjectNode sizes = o.putObject("sizes");
        sandbox.settings().sizes().forEach((r, n) -> sizes.put(r.path(), n));
        return o;
    }

    /** {@code GET /_sandbox/orgs}: every organisation with its credentials; {@code /_sandbox/orgs/{n}}: one. */
    private Reply orgs(String[] p) {
        if (p.length == 3) {
            return Reply.json(200, orgJson(checkedOrg(number(p[2], "org"))));
        }
        if (p.length > 3) {
            throw ApiException.of(404, Json.errors("Use /_sandbox/orgs or /_sandbox/orgs/{org}"));
        }
        ArrayNode a = Json.array();
        for (int i = 0; i < sandbox.orgs(); i++) {
            a.add(orgJson(i));
        }
        return Reply.json(200, a);
    }

    private ObjectNode orgJson(int i) {
        ObjectNode o = Json.object().put("org", i).put("seed", sandbox.settings().seed() + i);
        o.setAll(credentials(sandbox.credentials(i)));
        return o;
    }

    private static ObjectNode credentials(SandboxCredentials c) {
        ObjectNode o = Json.object();
        o.put("base_url", c.baseUrl());
        o.put("token_url", c.tokenUrl());
        o.put("authorize_url", c.authorizeUrl());
        o.put("ingestion_authorize_url", c.ingestionAuthorizeUrl());
        o.put("ingestion_token_url", c.ingestionTokenUrl());
        o.put("harvest_base_url", c.harvestBaseUrl());
        o.put("ingestion_base_url", c.ingestionBaseUrl());
        o.put("job_board_base_url", c.jobBoardBaseUrl());
        o.put("client_id", c.clientId());
        o.put("client_secret", c.clientSecret());
        o.put("site_admin_user_id", c.siteAdminUserId());
        o.put("non_admin_user_id", c.nonAdminUserId());
        o.put("service_account_user_id", c.serviceAccountUserId());
        o.put("partner_api_key", c.partnerApiKey());
        o.put("partner_user_email", c.partnerUserEmail());
        o.put("basic_user_email", c.basicUserEmail());
        o.put("deactivated_user_email", c.deactivatedUserEmail());
        o.put("job_board_token", c.jobBoardToken());
        o.put("job_board_api_key", c.jobBoardApiKey());
        o.put("webhook_secret", c.webhookSecret());
        return o;
    }

    private ObjectNode state(int org, boolean withFaults) {
        SandboxState s = sandbox.state(org);
        ObjectNode o = Json.object();
        ObjectNode counts = o.putObject("counts");
        s.counts().forEach((r, n) -> counts.put(r.path(), n));
        ObjectNode deleted = o.putObject("deleted");
        s.deletedIds().forEach((r, ids) -> {
            ArrayNode a = deleted.putArray(r.path());
            ids.forEach(a::add);
        });
        ObjectNode requests = o.putObject("requests");
        s.requestCounts().forEach(requests::put);
        if (withFaults) {
            o.set("faults", sandbox.faults().toJson());
        }
        return o;
    }

    private Reply deleted(int org, String[] p) {
        SandboxState s = sandbox.state(org);
        if (p.length == 3) {
            Resource r = resource(p[2]);
            ArrayNode a = Json.array();
            s.deleted(r).forEach(a::add);
            return Reply.json(200, a);
        }
        return Reply.json(200, state(org, false).get("deleted"));
    }

    private static Resource resource(String path) {
        Resource r = Resource.fromPath(path);
        if (r == null) {
            throw ApiException.of(404, Json.errors("Unknown resource: " + path));
        }
        return r;
    }

    private Reply records(SandboxRequest req, String[] p) {
        // /_sandbox/records/{resource}/{id}[/touch]
        if (p.length < 4) {
            throw ApiException.of(404, Json.errors("Use /_sandbox/records/{resource}/{id}"));
        }
        Resource r = resource(p[2]);
        long id = number(p[3], "id");
        int org = org(req);
        if (req.method.equals("DELETE") && p.length == 4) {
            Map<Resource, List<Long>> deleted = sandbox.delete(org, r, id);
            if (deleted.isEmpty()) {
                throw ApiException.of(404, Json.errors(r.path() + " " + id + " not found"));
            }
            ObjectNode o = Json.object();
            deleted.forEach((res, ids) -> {
                ArrayNode a = o.putArray(res.path());
                ids.forEach(a::add);
            });
            return Reply.json(200, o);
        }
        if (req.method.equals("POST") && p.length == 5 && p[4].equals("touch")) {
            JsonNode rec = sandbox.touch(org, r, id);
            if (rec == null) {
                throw ApiException.of(404, Json.errors(r.path() + " " + id + " not found"));
            }
            return Reply.json(200, rec);
        }
        throw ApiException.of(404, Json.errors("Use DELETE /_sandbox/records/{resource}/{id} or POST .../touch"));
    }

    private Reply credentials(SandboxRequest req) {
        JsonNode body = req.json();
        Set<String> scopes = new TreeSet<>();
        if (!body.path("scopes").isArray()) {
            throw ApiException.of(422, Json.errors("scopes must be an array of scope names"));
        }
        body.get("scopes").forEach(s -> scopes.add(s.asText()));
        JsonNode orgField = body.path("org");
        if (!orgField.isMissingNode() && !orgField.isNull()
                && !(orgField.isIntegralNumber() && orgField.canConvertToInt())) {
            throw ApiException.of(422, Json.errors("org must be an integer"));
        }
        int org = checkedOrg(orgField.asInt(0));
        ClientCredentials c = sandbox.createClient(org, scopes);
        ObjectNode o = Json.object().put("org", org).put("client_id", c.clientId())
                .put("client_secret", c.clientSecret());
        ArrayNode a = o.putArray("scopes");
        c.scopes().stream().sorted().forEach(a::add);
        return Reply.json(201, o);
    }

    /** {@code POST /_sandbox/partner-apps {"redirect_uri", "scopes"}}: scopes default to every partner scope. */
    private Reply createPartnerApp(SandboxRequest req) {
        JsonNode body = req.json();
        String redirectUri = text(body, "redirect_uri");
        Set<String> scopes = new TreeSet<>();
        if (body.has("scopes")) {
            if (!body.get("scopes").isArray()) {
                throw ApiException.of(422, Json.errors("scopes must be an array of scope names"));
            }
            body.get("scopes").forEach(s -> scopes.add(s.asText()));
        } else {
            scopes.addAll(Scopes.partnerAll());
        }
        try {
            return Reply.json(201, partnerAppJson(sandbox.createPartnerApp(redirectUri, scopes)));
        } catch (IllegalArgumentException e) {
            throw ApiException.of(422, Json.errors(e.getMessage()));
        }
    }

    private ObjectNode partnerAppJson(PartnerApp app) {
        SandboxCredentials c = sandbox.credentials();
        ObjectNode o = Json.object().put("client_id", app.clientId()).put("client_secret", app.clientSecret())
                .put("redirect_uri", app.redirectUri());
        ArrayNode a = o.putArray("scopes");
        app.scopes().stream().sorted().forEach(a::add);
        o.put("authorize_url", c.authorizeUrl()).put("token_url", c.tokenUrl())
                .put("ingestion_authorize_url", c.ingestionAuthorizeUrl())
                .put("ingestion_token_url", c.ingestionTokenUrl());
        return o;
    }

    /**
     * {@code GET /_sandbox/partner-grants[?client_id=&org=]}: totals and every grant; {@code GET .../{id or refresh
     * token}}: one; {@code DELETE .../{id or refresh token}}: revoke one; {@code DELETE ...?client_id=&org=}: revoke
     * an app's grants in an organisation.
     */
    private Reply partnerGrants(SandboxRequest req, String[] p) {
        if (p.length == 3) {
            PartnerGrant g = sandbox.partnerGrant(p[2]);
            if (g == null) {
                throw ApiException.of(404, Json.errors("No partner grant " + p[2]));
            }
            if (req.method.equals("DELETE")) {
                sandbox.revokePartnerGrant(p[2]);
                g = sandbox.partnerGrant(p[2]);
            }
            return Reply.json(200, grantJson(g));
        }
        if (p.length > 3) {
            throw ApiException.of(404, Json.errors("Use /_sandbox/partner-grants or /_sandbox/partner-grants/{id}"));
        }
        String clientId = req.query.get("client_id");
        if (req.method.equals("DELETE")) {
            if (clientId == null || !req.query.containsKey("org")) {
                throw ApiException.of(422, Json.errors("client_id and org are required to revoke an app's grants "
                        + "(or DELETE /_sandbox/partner-grants/{grant id or refresh token})"));
            }
            return Reply.json(200, Json.object().put("revoked", sandbox.revokePartnerGrants(clientId, org(req))));
        }
        List<PartnerGrant> grants = sandbox.partnerGrants().stream()
                .filter(g -> clientId == null || g.clientId().equals(clientId))
                .filter(g -> !req.query.containsKey("org") || g.org() == org(req)).toList();
        ObjectNode o = Json.object();
        o.put("invalid_grant", sandbox.partnerInvalidGrants());
        o.put("refreshes", grants.stream().mapToLong(PartnerGrant::refreshes).sum());
        o.put("lost_answers", grants.stream().mapToLong(PartnerGrant::lostAnswers).sum());
        ArrayNode a = o.putArray("grants");
        grants.forEach(g -> a.add(grantJson(g)));
        return Reply.json(200, o);
    }

    private static ObjectNode grantJson(PartnerGrant g) {
        ObjectNode o = Json.object().put("grant_id", g.grantId()).put("client_id", g.clientId()).put("api", g.api())
                .put("org", g.org()).put("user_id", g.userId()).put("status", g.status());
        ArrayNode a = o.putArray("scopes");
        g.scopes().stream().sorted().forEach(a::add);
        o.put("created_at", g.createdAt().toString()).put("refresh_expires_at", g.refreshExpiresAt().toString())
                .put("refresh_requests", g.refreshRequests()).put("refreshes", g.refreshes())
                .put("invalid_grant", g.invalidGrants()).put("lost_answers", g.lostAnswers());
        return o;
    }

    private static ObjectNode webhooks(WebhookEmitter w) {
        ObjectNode o = Json.object();
        ArrayNode targets = o.putArray("targets");
        w.targets().forEach(targets::add);
        ArrayNode deliveries = o.putArray("deliveries");
        for (WebhookEmitter.Delivery d : w.deliveries()) {
            deliveries.addObject().put("event_id", d.eventId()).put("action", d.action()).put("url", d.url())
                    .put("attempts", d.attempts()).put("state", d.state()).put("last_status", d.lastStatus());
        }
        return o;
    }
}
