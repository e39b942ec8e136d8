package dev.trellis.connection;

import java.util.Optional;

/**
 * The two Greenhouse APIs a partner can hold an authorization-code grant for, each with its own app, URLs and tokens:
 * Harvest v3 (the connection's {@code harvest} group) and Candidate Ingestion (its {@code ingestion} group).
 */
enum GrantApi {
    HARVEST("harvest", "oauth.access_token", "oauth.refresh_token"),
    INGESTION("ingestion", "oauth.ingestion.access_token", "oauth.ingestion.refresh_token");

    /** {@code partner_grant.api}, {@code oauth_state.api}, the connection's group and the {@code api} parameter. */
    final String label;
    /** Names in {@code tenant_secret} of the grant's sealed tokens. */
    final String accessName;
    final String refreshName;

    GrantApi(String label, String accessName, String refreshName) {
        this.label = label;
        this.accessName = accessName;
        this.refreshName = refreshName;
    }

    static Optional<GrantApi> of(String label) {
        for (GrantApi api : values()) {
            if (api.label.equals(label)) {
                return Optional.of(api);
            }
        }
        return Optional.empty();
    }

    /** Where the customer authorizes again. */
    String reauthorize(String tenant) {
        return "re-authorize: GET /connect/greenhouse?tenant=" + tenant + (this == HARVEST ? "" : "&api=" + label);
    }
}
