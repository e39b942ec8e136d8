package dev.trellis.sandbox;

/**
 * What a client needs to talk to a sandbox; derived from the seed, so the same seed prints the same values.
 *
 * @param baseUrl            server root, e.g. {@code http://127.0.0.1:8089}; Harvest is {@code baseUrl + "/v3"},
 *                           the token endpoint {@code baseUrl + "/token"}
 * @param clientId           OAuth client id with every scope ({@link Scopes#all()})
 * @param clientSecret       its secret
 * @param siteAdminUserId    a Site Admin user: use as {@code sub} for list reads
 * @param nonAdminUserId     an active user who is not a Site Admin (list endpoints answer 403 for it)
 * @param serviceAccountUserId the integration service user that acts for tokens minted without {@code sub}
 * @param partnerApiKey      Candidate Ingestion API key (HTTP Basic user name, empty password)
 * @param partnerUserEmail   e-mail for {@code On-Behalf-Of} (a Site Admin)
 * @param basicUserEmail     e-mail of a user with Basic permissions (cannot read candidates through Ingestion)
 * @param deactivatedUserEmail e-mail of a deactivated user
 * @param jobBoardToken      board token: Job Board base is {@code baseUrl + "/v1/boards/" + jobBoardToken}
 * @param jobBoardApiKey     Job Board API key for the application POST (HTTP Basic user name)
 * @param webhookSecret      secret of the webhook signatures
 */
public record SandboxCredentials(String baseUrl, String clientId, String clientSecret, long siteAdminUserId,
        long nonAdminUserId, long serviceAccountUserId, String partnerApiKey, String partnerUserEmail,
        String basicUserEmail, String deactivatedUserEmail, String jobBoardToken, String jobBoardApiKey,
        String webhookSecret) {

    /** Harvest v3 base: {@code <baseUrl>/v3}. */
    public String harvestBaseUrl() {
        return baseUrl + "/v3";
    }

    /** OAuth token endpoint: {@code <baseUrl>/token}. */
    public String tokenUrl() {
        return baseUrl + "/token";
    }

    /** Partner authorize URL (Harvest): {@code <baseUrl>/authorize}; codes are exchanged at {@link #tokenUrl()}. */
    public String authorizeUrl() {
        return baseUrl + "/authorize";
    }

    /** Candidate Ingestion partner authorize URL: {@code <baseUrl>/oauth/authorize}. */
    public String ingestionAuthorizeUrl() {
        return baseUrl + "/oauth/authorize";
    }

    /** Candidate Ingestion partner token URL: {@code <baseUrl>/oauth/token}. */
    public String ingestionTokenUrl() {
        return baseUrl + "/oauth/token";
    }

    /** Candidate Ingestion base: {@code <baseUrl>/v1/partner}. */
    public String ingestionBaseUrl() {
        return baseUrl + "/v1/partner";
    }

    /** Job Board base for this board: {@code <baseUrl>/v1/boards/<token>}. */
    public String jobBoardBaseUrl() {
        return baseUrl + "/v1/boards/" + jobBoardToken;
    }
}
