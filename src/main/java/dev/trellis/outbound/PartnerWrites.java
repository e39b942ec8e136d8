package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How the dispatcher sends {@link OutboundKind#partner()} items (ingest_candidate): the Candidate Ingestion API
 * (docs/greenhouse.md#candidate-ingestion), bound in the registry as {@value #BEAN} by the ingestion module.
 * Failures are reported like the gateway's: {@link dev.trellis.greenhouse.AmbiguousWrite} when the write may have been applied,
 * {@link dev.trellis.greenhouse.GreenhouseRejection} when Greenhouse refused it, other
 * {@link dev.trellis.greenhouse.GreenhouseException}s when nothing reached Greenhouse.
 */
public interface PartnerWrites {
    String BEAN = "partnerWrites";

    /** POSTs the bodies (one object, or an array of several); Greenhouse's answers, in the order of the bodies. */
    List<JsonNode> createCandidates(Tenant tenant, List<JsonNode> bodies) throws InterruptedException;

    /**
     * Reconciliation: the candidate Greenhouse created for this external id since {@code since} (as
     * {@code {id, application_id, external_id, profile_url}}), or empty when there is none. Throws a
     * {@link dev.trellis.greenhouse.GreenhouseRejection} when it cannot tell.
     */
    Optional<JsonNode> findCreated(Tenant tenant, String externalId, Instant since) throws InterruptedException;
}
