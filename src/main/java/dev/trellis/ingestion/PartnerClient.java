package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.AmbiguousWrite;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseRejection;
import dev.trellis.greenhouse.PartnerApi;
import dev.trellis.outbound.PartnerWrites;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Trellis asks of the Candidate Ingestion API (docs/greenhouse.md#candidate-ingestion), each request sent by {@link PartnerApi}. GETs are retried
 * on 429, 5xx, timeouts and unreadable bodies; the POST only when it surely did not arrive, and otherwise raises {@link AmbiguousWrite}. Refusals name the cause and the fix.
 */
public final class PartnerClient implements PartnerWrites {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many ids one GET candidates asks for (the sandbox, like Harvest v1, caps id lists at 50). */
    public static final int CHUNK = 50;

    private final GreenhouseGateway harvest;
    private final PartnerApi api;

    /**
     * @param harvest the gateway: its request loop carries these requests too (with the partner key instead of a
     *                token), and its Harvest side finds candidates after an ambiguous POST
     */
    public PartnerClient(GreenhouseGateway harvest) {
        this.harvest = harvest;
        this.api = new PartnerApi(harvest);
    }

    /** {@code GET /v1/partner/jobs}. */
    public JsonNode jobs(Tenant tenant) throws InterruptedException {
        return send(tenant, "GET", "jobs", null);
    }

    /** {@code GET /v1/partner/candidates?candidate_ids=} in chunks of {@value #CHUNK}; what Greenhouse still shows. */
    public List<JsonNode> candidates(Tenant tenant, List<Long> ids) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            String list = ids.subList(i, Math.min(ids.size(), i + CHUNK)).stream().map(String::valueOf)
                    .collect(Collectors.joining(","));
            JsonNode page = send(tenant, "GET", "candidates?candidate_ids=" + list, null);
            if (page != null) {
                page.forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public List<JsonNode> createCandidates(Tenant tenant, List<JsonNode> bodies) throws InterruptedException {
        JsonNode body;
        if (bodies.size() == 1) {
            body = bodies.get(0);
        } else {
            ArrayNode array = JSON.createArrayNode();
            bodies.forEach(array::add);
            body = array;
        }
        JsonNode answer = send(tenant, "POST", "candidates", body);
        List<JsonNode> out = new ArrayList<>();
        if (answer != null && answer.isArray()) {
            answer.forEach(out::add);
        } else if (answer != null) {
            out.add(answer);
        }
        // in the order of the bodies, matched by external id where Greenhouse echoes it
        List<JsonNode> ordered = new ArrayList<>();
        for (int k = 0; k < bodies.size(); k++) {
            String ext = bodies.get(k).path("external_id").asText();
            JsonNode match = out.stream().filter(r -> ext.equals(r.path("external_id").asText())).findFirst()
                    .orElse(k < out.size() ? out.get(k) : null);
            ordered.add(match);
        }
        return ordered;
    }

    /**
     * Candidate Ingestion cannot search by external id, so this lists the candidates Harvest v3 shows as created
     * since {@code since} and asks Candidate Ingestion which of them carries the external id.
     */
    @Override
    public Optional<JsonNode> findCreated(Tenant tenant, String externalId, Instant since) throws InterruptedException {
        if (harvest == null || tenant.harvest().isEmpty()) {
            throw new GreenhouseRejection(0, "Tenant " + tenant.id() + " has no Harvest credentials, so Trellis cannot "
                    + "look up which candidate (if any) an interrupted push of external id " + externalId + " created");
        }
        List<Long> ids = new ArrayList<>();
        String next = "/v3/candidates?created_at=gte%7C" + since.truncatedTo(ChronoUnit.SECONDS) + "&per_page=500&fields=id";
        while (next != null) {
            GreenhouseGateway.Answer page = harvest.get(tenant, tenant.harvest().get().userId(), next);
            if (page.body() != null) {
                page.body().forEach(c -> ids.add(c.path("id").asLong()));
            }
            next = page.next().orElse(null);
        }
        for (JsonNode c : candidates(tenant, ids)) {
            if (externalId.equals(c.path("external_id").asText())) {
                ObjectNode record = JSON.createObjectNode();
                record.put("id", c.path("id").asLong());
                JsonNode app = c.path("applications").path(0);
                if (app.hasNonNull("id")) {
                    record.put("application_id", app.get("id").asLong());
                }
                record.put("external_id", externalId);
                record.put("profile_url", app.path("profile_url").asText(null));
                return Optional.of(record);
            }
        }
        return Optional.empty();
    }

    /** One request under {@code <ingestion.base-url>/v1/partner/}, through the gateway's request loop. */
    JsonNode send(Tenant tenant, String method, String path, JsonNode body) throws InterruptedException {
        return api.send(tenant, method, path, body);
    }
}
