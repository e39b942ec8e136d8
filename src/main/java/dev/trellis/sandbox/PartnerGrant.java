package dev.trellis.sandbox;

import java.time.Instant;
import java.util.Set;

/**
 * One authorization of a partner app by an organisation, as the control API shows it: who granted what, its state,
 * and counters for robustness tests ("one refresh per token lifetime", "zero invalid_grant").
 *
 * @param grantId          the sandbox's id of the authorization ({@code grant-...})
 * @param api              {@code harvest} (codes from /authorize) or {@code ingestion} (from /oauth/authorize)
 * @param userId           the user it acts as (the tokens' {@code sub})
 * @param status           {@code active}, {@code revoked} or {@code expired} (its refresh token went 24 h unused)
 * @param refreshExpiresAt when the current refresh token expires unless used
 * @param refreshRequests  refresh_token requests that presented one of its refresh tokens (current or old)
 * @param refreshes        refreshes that rotated its token (lost answers included)
 * @param invalidGrants    invalid_grant answers to its refresh tokens (reused, expired, revoked) or its code reused
 * @param lostAnswers      refreshes whose answer the {@code lose_refresh_answers} fault dropped
 */
public record PartnerGrant(String grantId, String clientId, String api, int org, long userId, Set<String> scopes,
        String status, Instant createdAt, Instant refreshExpiresAt, long refreshRequests, long refreshes,
        long invalidGrants, long lostAnswers) {
}
