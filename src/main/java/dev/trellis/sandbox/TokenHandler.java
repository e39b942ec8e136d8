package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code POST /token}: OAuth 2.0 client credentials with HTTP Basic client auth and an optional {@code sub}
 * (docs/greenhouse.md#oauth-token), and the partner grants {@code authorization_code} and {@code refresh_token}
 * (docs/greenhouse.md#partner-oauth, {@link PartnerOAuth}); {@code POST /oauth/token} serves the partner grants of
 * Candidate Ingestion. Answers both {@code expires_in} and {@code expires_at}: sources conflict on which one a client
 * reads. Client-credentials requests have their own 60-second window per client id; partner requests do not.
 */
final class TokenHandler implements Handler {
    private final TokenIssuer issuer;
    private final PartnerOAuth partner;
    private final RateWindow window;
    private final Orgs orgs;
    private final long ttlSeconds;

    TokenHandler(TokenIssuer issuer, PartnerOAuth partner, RateWindow window, Orgs orgs, long ttlSeconds) {
        this.issuer = issuer;
        this.partner = partner;
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
        Map<String, String> form = SandboxRequest.parseQuery(req.bodyText());
        PartnerOAuth.Api api = PartnerOAuth.Api.ofPath(req.path);
        if (api == PartnerOAuth.Api.INGESTION || partner.isPartnerApp(presented == null ? null : presented[0])
                || "authorization_code".equals(form.get("grant_type"))
                || "refresh_token".equals(form.get("grant_type"))) {
            return partnerAnswer(req, api, form);
        }
        RateWindow.Outcome rate = null;
        if (window.enabled()) {
            rate = window.take(presented == null ? "(anonymous)" : presented[0]);
            if (!rate.allowed()) {
                return rate.addHeaders(oauthError(429, "rate_limited", "Too many token requests"));
            }
        }
        Reply reply = answer(req, form);
        return rate == null ? reply : rate.addHeaders(reply);
    }

    private Reply partnerAnswer(SandboxRequest req, PartnerOAuth.Api api, Map<String, String> form) {
        PartnerApp app = partner.authenticate(req.header("Authorization"));
        if (app == null) {
            return invalidClient();
        }
        String grant = form.get("grant_type");
        if ("authorization_code".equals(grant)) {
            return partner.exchange(app, api, form);
        }
        if ("refresh_token".equals(grant)) {
            return partner.refresh(app, api, form);
        }
        if ("client_credentials".equals(grant)) {
            return oauthError(400, "unauthorized_client", "client credentials are not available to partner apps");
        }
        return oauthError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
    }

    private Reply answer(SandboxRequest req, Map<String, String> form) {
        TokenIssuer.Client client = issuer.authenticate(req.header("Authorization"));
        if (client == null) {
            if (req.header("Authorization") == null && form.containsKey("client_id")) {
                // Greenhouse documents HTTP Basic only (docs/greenhouse.md#oauth-token): body credentials are not read
                return oauthError(401, "invalid_client", "Send the client credentials with HTTP Basic "
                        + "(client_id:client_secret); credentials in the form body are not accepted")
                        .header("WWW-Authenticate", "Basic realm=\"greenhouse\"");
            }
            return invalidClient();
        }
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

    private static Reply invalidClient() {
        return oauthError(401, "invalid_client", "Client authentication failed")
                .header("WWW-Authenticate", "Basic realm=\"greenhouse\"");
    }

    private static Reply oauthError(int status, String error, String description) {
        return PartnerOAuth.oauthError(status, error, description);
    }
}
