package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code POST /token}: OAuth 2.0 client credentials with HTTP Basic client auth and an optional {@code sub}
 * (docs/greenhouse.md#oauth-token). Answers both {@code expires_in} and {@code expires_at}: sources conflict on which
 * one a client reads. Has its own 60-second window per client id.
 */
final class TokenHandler implements Handler {
    private final TokenIssuer issuer;
    private final RateWindow window;
    private final Orgs orgs;
    private final long ttlSeconds;

    TokenHandler(TokenIssuer issuer, RateWindow window, Orgs orgs, long ttlSeconds) {
        this.issuer = issuer;
        this.window = window;
        this.orgs = orgs;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public Reply handle(SandboxRequest req) {
        if (!req.method.equals("POST")) {
            return oauthError(405, "invalid_request", "Use POST").header("Allow", "POST");
        }
        String[] presented = TokenIssuer.basic(req.header("Authorization"));
        RateWindow.Outcome rate = null;
        if (window.enabled()) {
            rate = window.take(presented == null ? "(anonymous)" : presented[0]);
            if (!rate.allowed()) {
                return rate.addHeaders(oauthError(429, "rate_limited", "Too many token requests"));
            }
        }
        Reply reply = answer(req);
        return rate == null ? reply : rate.addHeaders(reply);
    }

    private Reply answer(SandboxRequest req) {
        TokenIssuer.Client client = issuer.authenticate(req.header("Authorization"));
        if (client == null) {
            return oauthError(401, "invalid_client", "Client authentication failed")
                    .header("WWW-Authenticate", "Basic realm=\"greenhouse\"");
        }
        Map<String, String> form = SandboxRequest.parseQuery(req.bodyText());
        String grant = form.get("grant_type");
        if (!"client_credentials".equals(grant)) {
            return oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials");
        }
        Long sub = null;
        String subText = form.get("sub");
        if (subText != null && !subText.isEmpty()) {
            try {
                sub = Long.parseLong(subText);
            } catch (NumberFormatException e) {
                return oauthError(400, "invalid_request", "sub must be a numeric Greenhouse user id");
            }
            // the sub is a user of the client's own organisation
            Organisation org = orgs.get(client.org()).data;
            long index = org.table(Resource.USERS).indexOf(sub);
            if (!org.exists(Resource.USERS, sub) || index > 0 && org.generator().isDeactivated(index)) {
                return oauthError(400, "invalid_request", "sub " + sub + " is not an active user");
            }
        }
        TokenIssuer.Token t = issuer.issue(client, sub);
        ObjectNode body = Json.object();
        body.put("access_token", t.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", ttlSeconds);
        body.put("expires_at", Timeline.iso(t.expiresAt()));
        return Reply.json(200, body).header("Cache-Control", "no-store");
    }

    private static Reply oauthError(int status, String error, String description) {
        return Reply.json(status, Json.object().put("error", error).put("error_description", description));
    }
}
