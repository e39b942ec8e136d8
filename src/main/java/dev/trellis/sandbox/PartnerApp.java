package dev.trellis.sandbox;

import java.util.Set;

/**
 * A Greenhouse partner app, as Partner Support issues one: client id and secret, the ONE redirect URI it may use and
 * its fixed scopes (Harvest {@code harvest:*} and/or Candidate Ingestion {@code candidates.create}, ...). It serves
 * every organisation that authorizes it (docs/sandbox.md#partner-oauth).
 */
public record PartnerApp(String clientId, String clientSecret, String redirectUri, Set<String> scopes) {
    public PartnerApp {
        scopes = Set.copyOf(scopes);
    }
}
