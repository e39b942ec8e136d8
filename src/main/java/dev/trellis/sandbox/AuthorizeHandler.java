package dev.trellis.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /authorize} (Harvest) and {@code GET /oauth/authorize} (Candidate Ingestion): the consent page of the
 * partner authorization-code flow; its form posts back to the same path with {@code decision=approve|deny},
 * {@code org} and {@code user_id}, which a test can also send directly (docs/sandbox.md#partner-oauth). An unknown
 * client or a redirect URI other than the registered one gets an error page, never a redirect.
 */
final class AuthorizeHandler implements Handler {
    /** The fixed users every organisation has (OrgGenerator), offered on the consent page. */
    private static final Map<Long, String> FIXED_USERS = new LinkedHashMap<>();

    static {
        FIXED_USERS.put(OrgGenerator.SITE_ADMIN, "Site Admin");
        FIXED_USERS.put(OrgGenerator.NON_ADMIN, "Job Admin (not a Site Admin: list reads answer 403)");
        FIXED_USERS.put(OrgGenerator.PARTNER_USER, "partner user (Site Admin)");
        FIXED_USERS.put(OrgGenerator.INTERVIEWER_USER, "Interviewer");
        FIXED_USERS.put(OrgGenerator.BASIC_USER, "Basic permissions");
    }

    private final PartnerOAuth partner;
    private final Orgs orgs;

    AuthorizeHandler(PartnerOAuth partner, Orgs orgs) {
        this.partner = partner;
        this.orgs = orgs;
    }

    @Override
    public Reply handle(SandboxRequest req) {
        PartnerOAuth.Api api = PartnerOAuth.Api.ofPath(req.path);
        if (req.method.equals("GET")) {
            return ask(api, req.query);
        }
        if (req.method.equals("POST")) {
            return decide(api, SandboxRequest.parseQuery(req.bodyText()));
        }
        return page(405, "Method not allowed", "<p>Use GET to ask for consent and POST to answer it.</p>")
                .header("Allow", "GET, POST");
    }

    /** The consent page, or the refusal of a bad request. */
    private Reply ask(PartnerOAuth.Api api, Map<String, String> p) {
        PartnerApp app;
        try {
            app = partner.checkClient(p.get("client_id"), p.get("redirect_uri"));
        } catch (PartnerOAuth.NoRedirect e) {
            return errorPage(e.getMessage());
        }
        String[] error = PartnerOAuth.requestError(app, api, p.get("response_type"), p.get("scope"));
        if (error != null) {
            return redirect(app, p.get("state"), "error", error[0], "error_description", error[1]);
        }
        return consentPage(app, api, p);
    }

    /** The answer to the consent form: 302 to the redirect URI with a code or {@code error=access_denied}. */
    Reply decide(PartnerOAuth.Api api, Map<String, String> p) {
        PartnerApp app;
        try {
            app = partner.checkClient(p.get("client_id"), p.get("redirect_uri"));
        } catch (PartnerOAuth.NoRedirect e) {
            return errorPage(e.getMessage());
        }
        String[] error = PartnerOAuth.requestError(app, api, p.get("response_type"), p.get("scope"));
        if (error != null) {
            return redirect(app, p.get("state"), "error", error[0], "error_description", error[1]);
        }
        String decision = p.get("decision");
        if ("deny".equals(decision)) {
            return redirect(app, p.get("state"), "error", "access_denied", "error_description",
                    "the user denied the request");
        }
        if (!"approve".equals(decision)) {
            return page(400, "Cannot answer", "<p>decision must be approve or deny.</p>");
        }
        long org;
        long userId;
        try {
            org = Long.parseLong(p.getOrDefault("org", "0").trim());
        } catch (NumberFormatException e) {
            return page(422, "Cannot approve", "<p>org must be an integer.</p>");
        }
        String user = p.getOrDefault("other_user_id", "").isBlank() ? p.get("user_id") : p.get("other_user_id");
        try {
            userId = user == null || user.isBlank() ? OrgGenerator.id(Resource.USERS, OrgGenerator.SITE_ADMIN)
                    : Long.parseLong(user.trim());
        } catch (NumberFormatException e) {
            return page(422, "Cannot approve", "<p>user_id must be a numeric Greenhouse user id.</p>");
        }
        String problem = partner.userProblem(org, userId);
        if (problem != null) {
            return page(422, "Cannot approve", "<p>" + esc(problem) + ".</p>");
        }
        String code = partner.approve(app, api, (int) org, userId);
        return redirect(app, p.get("state"), "code", code);
    }

    private static Reply redirect(PartnerApp app, String state, String... params) {
        StringBuilder url = new StringBuilder(app.redirectUri());
        char sep = app.redirectUri().contains("?") ? '&' : '?';
        for (int i = 0; i < params.length; i += 2) {
            url.append(sep).append(params[i]).append('=').append(enc(params[i + 1]));
            sep = '&';
        }
        if (state != null) {
            url.append(sep).append("state=").append(enc(state));
        }
        return Reply.empty(302).header("Location", url.toString()).header("Cache-Control", "no-store");
    }

    private Reply consentPage(PartnerApp app, PartnerOAuth.Api api, Map<String, String> p) {
        StringBuilder b = new StringBuilder();
        String apiName = api == PartnerOAuth.Api.HARVEST ? "Harvest" : "Candidate Ingestion";
        b.append("<p>The partner app <strong id=\"app\">").append(esc(app.clientId()))
                .append("</strong> asks for access to your organisation's ").append(apiName)
                .append(" data with these scopes:</p>\n<ul id=\"scopes\">\n");
        api.scopesOf(app).forEach(s -> b.append("  <li>").append(esc(s)).append("</li>\n"));
        b.append("</ul>\n<p>It will be sent back to <code>").append(esc(app.redirectUri())).append("</code>.</p>\n");
        b.append("<form method=\"post\" action=\"").append(api.authorizePath).append("\">\n");
        for (String k : new String[] {"client_id", "redirect_uri", "response_type", "state", "scope"}) {
            if (p.get(k) != null) {
                b.append("  <input type=\"hidden\" name=\"").append(k).append("\" value=\"").append(esc(p.get(k)))
                        .append("\">\n");
            }
        }
        if (orgs.size() > 1) {
            b.append("  <p><label for=\"org\">Organisation</label>\n  <select id=\"org\" name=\"org\">\n");
            for (int i = 0; i < orgs.size(); i++) {
                b.append("    <option value=\"").append(i).append("\">Organisation ").append(i).append("</option>\n");
            }
            b.append("  </select></p>\n");
        } else {
            b.append("  <input type=\"hidden\" name=\"org\" value=\"0\">\n");
        }
        b.append("  <p><label for=\"user_id\">Authorize as</label>\n  <select id=\"user_id\" name=\"user_id\">\n");
        FIXED_USERS.forEach((index, role) -> {
            long id = OrgGenerator.id(Resource.USERS, index);
            b.append("    <option value=\"").append(id).append("\">").append(id).append(" — ").append(esc(role))
                    .append("</option>\n");
        });
        b.append("  </select></p>\n");
        b.append("  <p><label for=\"other_user_id\">or another user id of the organisation</label>\n")
                .append("  <input id=\"other_user_id\" name=\"other_user_id\" inputmode=\"numeric\"></p>\n");
        b.append("  <p><button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n")
                .append("  <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></p>\n</form>\n");
        return page(200, "Authorize " + app.clientId(), b.toString());
    }

    private static Reply errorPage(String message) {
        return page(400, "Authorization request refused", "<p role=\"alert\">" + esc(message) + "</p>\n"
                + "<p>The request was not sent back to the app: its client_id or redirect_uri is not registered.</p>");
    }

    private static Reply page(int status, String title, String body) {
        String html = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + esc(title)
                + " — Greenhouse sandbox</title></head>\n<body>\n<main>\n<h1>" + esc(title) + "</h1>\n" + body
                + "</main>\n</body>\n</html>\n";
        return Reply.text(status, "text/html; charset=utf-8", html).header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
