package dev.trellis.sandbox;

import java.util.Set;

/**
 * A Harvest v3 OAuth client: id, secret and granted scopes. Mint tokens at {@code POST <baseUrl>/token} with HTTP
 * Basic {@code clientId:clientSecret} and form {@code grant_type=client_credentials[&sub=<user id>]}.
 */
public record ClientCredentials(String clientId, String clientSecret, Set<String> scopes) {
    public ClientCredentials {
        scopes = Set.copyOf(scopes);
    }
}
