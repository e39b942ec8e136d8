package dev.trellis.greenhouse;

import java.util.Optional;
import java.util.Set;

/**
 * Where the tokens of a partner tenant (a Harvest authorization-code grant) come from: the connections keep the grant,
 * the token cache asks it instead of minting client-credentials tokens.
 */
public interface GrantTokens {
    /** No grants: a tenant that says it has one is refused. */
    GrantTokens NONE = new GrantTokens() {
        @Override
        public String accessToken(String tenant) {
            throw new GreenhouseRejection(401, "Tenant " + tenant + " is a partner connection, and partner "
                    + "connections are not enabled here (trellis.partner.client-id)");
        }

        @Override
        public void refused(String tenant, String token) {
        }

        @Override
        public Optional<Set<String>> scopes(String tenant) {
            return Optional.empty();
        }
    };

    /**
     * A valid access token of the tenant's grant, refreshed first when it is due; a {@link GreenhouseRejection} (401)
     * when Greenhouse no longer accepts the grant.
     */
    String accessToken(String tenant) throws InterruptedException;

    /** Harvest refused this access token (401): the next {@link #accessToken} refreshes, unless already replaced. */
    void refused(String tenant, String token);

    /** The scopes Greenhouse granted, when known. */
    Optional<Set<String>> scopes(String tenant);
}
