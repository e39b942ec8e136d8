package dev.trellis.connection;

import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.PartnerApp;
import dev.trellis.sandbox.Sandbox;

/** A test hub's trellis.partner.* keys for a sandbox partner app, and the quick timings the partner tests share. */
final class PartnerHome {
    private PartnerHome() {
    }

    /** The app as the Harvest partner app; its secret goes through the system property {@code secretVariable}. */
    static TestHome harvest(TestHome home, Sandbox sandbox, PartnerApp app, String secretVariable, String returnTo) {
        System.setProperty(secretVariable, app.clientSecret());
        return quick(home.property("trellis.partner.client-id", app.clientId())
                .property("trellis.partner.client-secret", "env:" + secretVariable)
                .property("trellis.partner.redirect-uri", home.apiUrl() + "/connect/greenhouse/callback")
                .property("trellis.partner.authorize-url", sandbox.baseUrl() + "/authorize")
                .property("trellis.partner.token-url", sandbox.baseUrl() + "/token")
                .property("trellis.partner.harvest-url", sandbox.baseUrl())
                .property("trellis.partner.return-to", returnTo));
    }

    /** The app as the Candidate Ingestion partner app (its own /oauth/* URLs). */
    static TestHome ingestion(TestHome home, Sandbox sandbox, PartnerApp app, String secretVariable, String returnTo) {
        System.setProperty(secretVariable, app.clientSecret());
        return quick(home.property("trellis.partner.ingestion.client-id", app.clientId())
                .property("trellis.partner.ingestion.client-secret", "env:" + secretVariable)
                .property("trellis.partner.ingestion.redirect-uri", home.apiUrl() + "/connect/greenhouse/callback")
                .property("trellis.partner.ingestion.scopes", "candidates.create,candidates.view,jobs.view")
                .property("trellis.partner.ingestion.authorize-url", sandbox.baseUrl() + "/oauth/authorize")
                .property("trellis.partner.ingestion.token-url", sandbox.baseUrl() + "/oauth/token")
                .property("trellis.partner.ingestion.base-url", sandbox.baseUrl())
                .property("trellis.partner.return-to", returnTo));
    }

    private static TestHome quick(TestHome home) {
        return home.property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.greenhouse.backoff-ms", "10")
                .property("trellis.greenhouse.max-backoff-ms", "50")
                .property("trellis.tenants.refresh-seconds", "1")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0");
    }
}
