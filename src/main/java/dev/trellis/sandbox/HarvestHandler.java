package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Harvest v3 under {@code /v3/} (docs/greenhouse.md#harvest-v3): bearer token check (401), per-credential 30-second
 * rate window with its headers on every authenticated answer (429 + Retry-After), scopes (403 naming the scope), the
 * Site Admin rule for list reads, cursor paging, filters, and the writes (docs/greenhouse.md#writes, delegated to
 * {@link HarvestWrites}).
 */
final class HarvestHandler implements Handler {
    private final TokenIssuer issuer;
    private final RateWindow window;
    private final Orgs orgs;
    private final Map<Resource, Set<String>> knownFields = new EnumMap<>(Resource.class);

    HarvestHandler(TokenIssuer issuer, RateWindow window, Orgs orgs) {
        this.issuer = issuer;
        this.window = window;
        this.orgs = orgs;
        // every organisation's records have the same fields: the seed changes values only
        for (Resource r : Resource.values()) {
            Set<String> names = new java.util.LinkedHashSet<>();
            OrgGenerator gen = orgs.get(0).data.generator();
            // the first record that exists (an added resource may leave gaps)
            for (long i = 1; i <= gen.size(r) && names.isEmpty(); i++) {
                ObjectNode sample = gen.generate(r, i);
                if (sample != null) {
                    sample.fieldNames().forEachRemaining(names::add);
                }
            }
            knownFields.put(r, names);
        }
    }

    @Override
    public Reply handle(SandboxRequest req) {
        TokenIssuer.Token token = issuer.check(req.header("Authorization"));
        if (token == null) {
            return Reply.json(401, Json.errors("Invalid, expired or missing access token"))
                    .header("WWW-Authenticate", "Bearer realm=\"greenhouse\", error=\"invalid_token\"");
        }
        RateWindow.Outcome rate = null;
        if (window.enabled()) {
            // per credential and organisation: a partner app's customers each have their own window
            rate = window.take(token.client().clientId() + "@" + token.org());
            if (!rate.allowed()) {
                return rate.addHeaders(Reply.json(429, Json.errors("Rate limit exceeded; retry after "
                        + rate.retryAfterSeconds() + " seconds")));
            }
        }
        Reply reply;
        try {
            reply = route(req, token, orgs.get(token.org()));
        } catch (ApiException e) {
            reply = e.reply;
        }
        return rate == null ? reply : rate.addHeaders(reply);
    }

    private Reply route(SandboxRequest req, TokenIssuer.Token token, SandboxOrg org) {
        String[] parts = req.path.substring("/v3/".length()).split("/");
        String collection = parts[0];
        if (parts.length == 1 && req.method.equals("GET")) {
            Resource r = Resource.fromPath(collection);
            if (r != null) {
                return list(org, r, req, token);
            }
        }
        if (collection.equals("notes") && parts.length == 1 && req.method.equals("POST")) {
            return org.writes.createNote(req, token);
        }
        if (collection.equals("interviews")) {
            if (parts.length == 1 && req.method.equals("POST")) {
                return org.writes.createInterview(req, token);
            }
            if (parts.length == 2 && req.method.equals("PATCH")) {
                return org.writes.updateInterview(req, token, id(parts[1]));
            }
            if (parts.length == 2 && req.method.equals("DELETE")) {
                return org.writes.deleteInterview(token, id(parts[1]));
            }
        }
        // no /{collection}/{id} GETs in v3: single records are read with ?ids= (docs/greenhouse.md#harvest-v3)
        return Reply.json(404, Json.object().put("message", "Resource not found"));
    }

    private static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.of(404, Json.object().put("message", "Resource not found"));
        }
    }

    static void requireScope(TokenIssuer.Token token, String scope) {
        if (!token.client().scopes().contains(scope)) {
            throw ApiException.harvest(403, "Missing required scope: " + scope);
        }
    }

    private static boolean isSiteAdmin(Organisation data, Long sub) {
        if (sub == null) {
            return false;
        }
        long index = data.table(Resource.USERS).indexOf(sub);
        return index > 0 && data.generator().isSiteAdmin(index) && !data.generator().isDeactivated(index);
    }

    private Reply list(SandboxOrg org, Resource r, SandboxRequest req, TokenIssuer.Token token) {
        requireScope(token, r.listScope());
        if (!isSiteAdmin(org.data, token.subUserId())) {
            throw ApiException.harvest(403, "List endpoints require the token's user (sub) to be a Site Admin; "
                    + (token.subUserId() == null ? "this token has no sub (integration service user)"
                    : "user " + token.subUserId() + " is not a Site Admin"));
        }
        ListQuery q;
        long below = Long.MAX_VALUE;
        if (req.query.containsKey("cursor")) {
            if (req.query.size() > 1) {
                throw ApiException.harvest(422, "When passing a cursor, do not include other query params.");
            }
            CursorCodec.State s = org.cursors.decode(req.query.get("cursor"), r.path());
            q = ListQuery.parse(r, s.params(), s.perPage(), org.data.generator(), knownFields.get(r));
            below = s.lastId();
        } else {
            q = ListQuery.parse(r, req.query, 0, org.data.generator(), knownFields.get(r));
        }
        Pager.Page page = org.pager.page(q, below);
        ArrayNode body = Json.array();
        for (ObjectNode rec : page.records()) {
            body.add(q.project(rec));
        }
        Reply reply = Reply.json(200, body);
        if (page.hasMore()) {
            String cursor = org.cursors.encode(new CursorCodec.State(r.path(), q.params, q.perPage, page.lastId()));
            reply.header("Link", "<" + req.origin() + "/v3/" + r.path() + "?cursor=" + cursor + ">; rel=\"next\"");
        }
        return reply;
    }
}
