package dev.trellis.check;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.check.CheckResult.Status;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseShape;
import dev.trellis.greenhouse.PartnerApi;
import dev.trellis.greenhouse.RawAnswer;
import java.util.List;

/**
 * Step 4, Candidate Ingestion: the key and the user e-mail ({@code current_user}), then the user's permissions with
 * a create that fails validation and two reads, all through {@link PartnerApi}.
 */
final class IngestionCheck {
    private final CheckRun run;
    private final Tenant tenant;
    private final PartnerApi partner;

    IngestionCheck(CheckRun run, PartnerApi partner) {
        this.run = run;
        this.tenant = run.tenant;
        this.partner = partner;
    }

    void run(Tenant.Ingestion in) throws InterruptedException {
        RawAnswer me = partner.probe(tenant, "GET", "current_user", null);
        if (me.status() != 200) {
            refused(in, me);
        } else if (!GreenhouseShape.partnerUser(me.json())) {
            notPartnerApi(in, me);
        } else {
            permissions(in, me);
        }
    }

    /** {@code current_user} was not answered: which of the key, the e-mail and the user is wrong. */
    private void refused(Tenant.Ingestion in, RawAnswer me) {
        String base = in.baseUrl() + "/v1/partner/";
        List<Feature.Need> needs = Feature.INGESTION.needs();
        String who = "user e-mail " + in.userEmail() + " (ingestion.user-email, sent as On-Behalf-Of)";
        Status s = me.status() == 401 || me.status() == 403 ? Status.MISSING : Status.UNKNOWN;
        String detail;
        String fix;
        if (in.grant() && (me.status() == 401 || me.status() == 403)) {
            detail = "the partner authorization is refused (" + me.status() + "): " + me.said();
            fix = "Candidate Ingestion: Greenhouse no longer accepts the partner authorization (or its scopes); "
                    + "re-authorize: GET /connect/greenhouse?tenant=" + tenant.id() + "&api=ingestion";
        } else if (me.status() == 401 && "On-Behalf-Of".equalsIgnoreCase(me.field())) {
            detail = "the API key is accepted, but " + who + " is not a Greenhouse user: " + me.said();
            fix = "Candidate Ingestion: ingestion.user-email = " + in.userEmail() + " in " + tenant.source()
                    + " is no Greenhouse user. Use the e-mail of an active user (normally the user who "
                    + "created the API key, a service user with at least Job Admin permissions).";
        } else if (me.status() == 401) {
            detail = "the API key (ingestion.api-key) is refused: " + me.said();
            fix = "Candidate Ingestion: the API key is refused. In Greenhouse go to " + CheckRun.WHERE
                    + ", find the key for Candidate Ingestion (or create one), and give it as ingestion.api-key in "
                    + tenant.source() + ".";
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
        run.add(4, Feature.INGESTION.id(), needs.get(0).permission(), null, s, detail, needs.get(0).impact());
        for (Feature.Need n : needs.subList(1, needs.size())) {
            run.add(4, Feature.INGESTION.id(), n.permission(), null, s == Status.MISSING ? Status.BLOCKED : s,
                    "not checked: the credentials are refused", n.impact());
        }
        if (fix != null) {
            run.fixes.add(fix);
        }
    }

    private void notPartnerApi(Tenant.Ingestion in, RawAnswer me) {
        List<Feature.Need> needs = Feature.INGESTION.needs();
        String detail = "this does not look like Greenhouse's Candidate Ingestion API at " + in.baseUrl()
                + ": GET current_user answered " + CheckRun.answered(me.status(), me.text());
        for (Feature.Need n : needs) {
            run.add(4, Feature.INGESTION.id(), n.permission(), null, Status.UNKNOWN, detail, n.impact());
        }
        run.fixes.add("Candidate Ingestion: ingestion.base-url = " + in.baseUrl() + " in " + tenant.source()
                + " does not look like Greenhouse's Candidate Ingestion API. Greenhouse's is "
                + "https://api.greenhouse.io, without /v1/partner (Trellis adds the path).");
    }

    /** The user may act: whether it may create candidates (a refused create) and read them and the jobs. */
    private void permissions(Tenant.Ingestion in, RawAnswer me) throws InterruptedException {
        List<Feature.Need> needs = Feature.INGESTION.needs();
        run.add(4, Feature.INGESTION.id(), needs.get(0).permission(), null, Status.OK, (in.grant()
                ? "partner authorization accepted; acting as " + me.json().path("email").asText("?")
                : "API key accepted; acting as " + in.userEmail()) + " (user " + me.json().path("id").asText("?")
                + ")", needs.get(0).impact());
        // a POST that fails validation (no names, no external_id) before anything is created
        RawAnswer create = partner.probe(tenant, "POST", "candidates", JsonNodeFactory.instance.objectNode());
        // only Candidate Ingestion's own refusal proves it, not any 400 or 422
        Status cs = GreenhouseShape.partnerValidationError(create.status(), create.json()) ? Status.OK
                : create.status() == 401 || create.status() == 403 ? Status.MISSING : Status.UNKNOWN;
        run.add(4, Feature.INGESTION.id(), needs.get(1).permission(), null, cs, cs == Status.OK
                ? "POST candidates {} was refused as invalid (" + create.status() + "), so the user may create "
                + "candidates and nothing was created" : "POST candidates {} answered " + create.status() + ": "
                + create.said(), needs.get(1).impact());
        RawAnswer view = partner.probe(tenant, "GET", "candidates?candidate_ids=1", null);
        addPartner(needs.get(2), view, "GET candidates");
        RawAnswer jobs = partner.probe(tenant, "GET", "jobs", null);
        addPartner(needs.get(3), jobs, "GET jobs");
        if (in.grant() && (cs == Status.MISSING || view.status() == 403 || jobs.status() == 403)) {
            run.fixes.add("Candidate Ingestion: the partner app lacks a scope (candidates.create, candidates.view, "
                    + "jobs.view) or the user who authorized it lacks permissions: authorize again as a user with at "
                    + "least Job Admin permissions: GET /connect/greenhouse?tenant=" + tenant.id() + "&api=ingestion");
        } else if (cs == Status.MISSING || view.status() == 403 || jobs.status() == 403) {
            run.fixes.add("Candidate Ingestion: " + in.userEmail() + " lacks permissions (Basic users cannot read "
                    + "candidates). Give the user at least Job Admin permissions on the jobs partners push to "
                    + "(Configure > Users), or set ingestion.user-email in " + tenant.source()
                    + " to such a user.");
        }
    }

    private void addPartner(Feature.Need need, RawAnswer h, String what) {
        // both reads answer arrays (docs/greenhouse.md#ingestion-status); anything else at 200 is not Greenhouse's answer
        Status s = h.status() == 200 && h.json() != null && h.json().isArray() ? Status.OK
                : h.status() == 401 || h.status() == 403 ? Status.MISSING : Status.UNKNOWN;
        run.add(4, Feature.INGESTION.id(), need.permission(), null, s, what + " answered " + (h.status() == 0
                ? "nothing (" + h.error() + ")" : h.status() + (s == Status.OK ? "" : ": " + h.said())),
                need.impact());
    }
}
