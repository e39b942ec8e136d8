package dev.trellis.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Greenhouse organisation: its base URLs and credentials. Secrets are resolved values; {@link #toString()}
 * never shows them.
 */
public record Tenant(
        String id,
        String source,
        Optional<Harvest> harvest,
        Optional<Ingestion> ingestion,
        Optional<JobBoard> jobBoard,
        Optional<String> webhookSecret,
        List<String> disabledFeatures) {

    public Tenant {
        disabledFeatures = List.copyOf(disabledFeatures);
    }

    /** A tenant with no features of its own switched off (files, the demo, tests). */
    public Tenant(String id, String source, Optional<Harvest> harvest, Optional<Ingestion> ingestion,
            Optional<JobBoard> jobBoard, Optional<String> webhookSecret) {
        this(id, source, harvest, ingestion, jobBoard, webhookSecret, List.of());
    }

    /**
     * Harvest v3: OAuth2 client credentials, and the Site Admin user (token {@code sub}) that reads run as; or, with
     * {@code grant}, a partner's authorization-code grant, whose tokens come from the grant (no secret here).
     */
    public record Harvest(URI baseUrl, URI tokenUrl, String clientId, String clientSecret, long userId, boolean grant) {
        public Harvest(URI baseUrl, URI tokenUrl, String clientId, String clientSecret, long userId) {
            this(baseUrl, tokenUrl, clientId, clientSecret, userId, false);
        }

        @Override
        public String toString() {
            return "Harvest[" + baseUrl + ", client " + clientId + (grant ? ", partner grant" : ", user " + userId)
                    + "]";
        }
    }

    /**
     * Candidate Ingestion: Basic auth with the partner key, On-Behalf-Of the user's e-mail; or, with {@code grant}, a
     * partner's authorization-code grant, whose Bearer tokens act as the user who authorized it (no key, no e-mail).
     */
    public record Ingestion(URI baseUrl, String apiKey, String userEmail, boolean grant) {
        public Ingestion(URI baseUrl, String apiKey, String userEmail) {
            this(baseUrl, apiKey, userEmail, false);
        }

        @Override
        public String toString() {
            return "Ingestion[" + baseUrl + (grant ? ", partner grant" : ", on behalf of " + userEmail) + "]";
        }
    }

    /** The public Job Board API of the organisation's board. */
    public record JobBoard(URI baseUrl, String boardToken) {
    }

    /** The tenant's secret values, for the masker. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        harvest.filter(h -> !h.grant()).ifPresent(h -> secrets.add(h.clientSecret()));
        ingestion.filter(i -> !i.grant()).ifPresent(i -> secrets.add(i.apiKey()));
        webhookSecret.ifPresent(secrets::add);
        return secrets;
    }

    @Override
    public String toString() {
        return "Tenant[" + id + " from " + source + ", " + harvest.map(Object::toString).orElse("no Harvest") + ", "
                + ingestion.map(Object::toString).orElse("no Ingestion") + ", "
                + jobBoard.map(Object::toString).orElse("no job board") + "]";
    }
}
