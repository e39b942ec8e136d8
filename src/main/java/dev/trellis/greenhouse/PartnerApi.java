package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A request to the Candidate Ingestion API (docs/greenhouse.md#ingestion-auth): HTTP Basic with the tenant's partner
 * key (empty password) and {@code On-Behalf-Of: <ingestion.user-email>}, or the Bearer token of a partner's OAuth
 * grant (which acts as the user who authorized it), through the gateway's request loop with a
 * permit from the tenant's ingestion budget (key {@code <tenant>/ingestion}: the partner key is a credential of its
 * own, and no limit shared with Harvest is documented). Refusals name the cause and the fix.
 */
public final class PartnerApi {
    private final GreenhouseGateway gateway;

    public PartnerApi(GreenhouseGateway gateway) {
        this.gateway = gateway;
    }

    static String budgetKey(Tenant tenant) {
        return tenant.id() + "/ingestion";
    }

    /** One request under {@code <ingestion.base-url>/v1/partner/}, through the gateway's request loop. */
    public JsonNode send(Tenant tenant, String method, String path, JsonNode body) throws InterruptedException {
        return answer(tenant, method, path, body).body();
    }

    /** The connection check's request: refusals and failures come back as answers, not as errors. */
    public RawAnswer probe(Tenant tenant, String method, String path, JsonNode body) throws InterruptedException {
        return RawAnswer.of(() -> answer(tenant, method, path, body));
    }

    private GreenhouseGateway.Answer answer(Tenant tenant, String method, String path, JsonNode body)
            throws InterruptedException {
        Tenant.Ingestion in = tenant.ingestion().orElseThrow(() -> new GreenhouseRejection(0, "Tenant " + tenant.id()
                + " has no Candidate Ingestion key (ingestion.* keys in " + tenant.source() + ")"));
        URI uri = URI.create(in.baseUrl() + "/v1/partner/" + path);
        String endpoint = method + " /v1/partner/" + path.replaceAll("\\?.*", "");
        GrantTokens grants = gateway.tokens().ingestionGrants();
        Map<String, String> basic = Map.of(
                "Authorization", BasicAuth.header(in.apiKey(), ""),
                "On-Behalf-Of", in.userEmail());
        return gateway.exchange(tenant.id(), budgetKey(tenant), new GreenhouseGateway.Credential() {
            @Override
            public Map<String, String> headers() throws InterruptedException {
                return in.grant() ? Map.of("Authorization", "Bearer " + grants.accessToken(tenant.id())) : basic;
            }

            @Override
            public boolean refused(Map<String, String> sent) {
                if (!in.grant()) {
                    return false; // a partner key has nothing to renew
                }
                grants.refused(tenant.id(), sent.get("Authorization").substring("Bearer ".length()));
                return true;
            }

            @Override
            public GreenhouseRejection rejection(int status, String where, String said) {
                return PartnerApi.this.rejection(tenant, in, where, status, said);
            }
        }, method, uri, endpoint, body);
    }

    /** Names what is wrong and how to fix it: the key, the e-mail, or the user's permissions. */
    GreenhouseRejection rejection(Tenant tenant, Tenant.Ingestion in, String endpoint, int status, String text) {
        String said = ErrorBody.said(text, 500); // the gateway masked it
        String field = Objects.requireNonNullElse(ErrorBody.field(GreenhouseShape.json(text)), "");
        String where = endpoint + " for tenant " + tenant.id();
        String message;
        if (in.grant() && status == 401) {
            message = where + " was refused (401): Greenhouse no longer accepts the partner authorization; "
                    + "re-authorize: GET /connect/greenhouse?tenant=" + tenant.id() + "&api=ingestion. Greenhouse said: "
                    + said;
        } else if (in.grant() && status == 403) {
            message = where + " was refused (403): the partner app lacks the scope or the user who authorized it "
                    + "lacks the permission (trellis.partner.ingestion.scopes: candidates.create, candidates.view, "
                    + "jobs.view). Greenhouse said: " + said;
        } else if (status == 401 && field.equalsIgnoreCase("On-Behalf-Of")) {
            message = where + " was refused (401): ingestion.user-email " + in.userEmail() + " in " + tenant.source()
                    + " is not a Greenhouse user. Set it to the e-mail of an active user, normally the one who "
                    + "created the Candidate Ingestion key. Greenhouse said: " + said;
        } else if (status == 401) {
            message = where + " was refused (401): the Candidate Ingestion key (ingestion.api-key in "
                    + tenant.source() + ") is unknown. In Greenhouse go to Configure > Dev Center > API Credential "
                    + "Management, create (or find) the Candidate Ingestion key and store it where ingestion.api-key "
                    + "points. Greenhouse said: " + said;
        } else if (status == 403) {
            message = where + " was refused (403): " + in.userEmail() + " lacks the permission (deactivated, or "
                    + "Basic permissions, which cannot read candidates or prospects). Give the user at least Job Admin "
                    + "permissions on the linked jobs (Configure > Users), or set ingestion.user-email to such a user. "
                    + "Greenhouse said: " + said;
        } else {
            message = where + " was rejected (" + status + ")" + (field.isEmpty() ? "" : ", field " + field)
                    + ". Greenhouse said: " + said;
        }
        return new GreenhouseRejection(status, message, text);
    }

}
