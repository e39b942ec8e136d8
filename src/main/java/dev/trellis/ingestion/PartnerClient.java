package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.AmbiguousWrite;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseRejection;
import dev.trellis.outbound.PartnerWrites;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Candidate Ingestion API (docs/greenhouse.md#ingestion-auth): HTTP Basic with the tenant's partner key (empty
 * password) and {@code On-Behalf-Of: <ingestion.user-email>} on every request. Each request takes a permit from the
 * tenant's ingestion budget (key {@code <tenant>/ingestion}: the partner key is a credential of its own, and Greenhouse
 * documents no limit shared with Harvest). GETs are retried on 429, 5xx, timeouts and unreadable bodies; the POST only
 * when it surely did not arrive, and otherwise raises {@link AmbiguousWrite}. Refusals name the cause and the fix.
 */
public final class PartnerClient implements PartnerWrites {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many ids one GET candidates asks for (the sandbox, like Harvest v1, caps id lists at 50). */
    public static final int CHUNK = 50;

    private final GreenhouseGateway harvest;

    /**
     * @param harvest the gateway: its request loop carries these requests too (with the partner key instead of a
     *                token), and its Harvest side finds candidates after an ambiguous POST
     */
    public PartnerClient(GreenhouseGateway harvest) {
        this.harvest = harvest;
    }

    static String budgetKey(Tenant tenant) {
        return tenant.id() + "/ingestion";
    }

    /** {@code GET /v1/partner/jobs}. */
    public JsonNode jobs(Tenant tenant) throws InterruptedException {
        return send(tenant, "GET", "jobs", null);
    }

    /** {@code GET /v1/partner/current_user}. */
    public JsonNode currentUser(Tenant tenant) throws InterruptedException {
        return send(tenant, "GET", "current_user", null);
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
        Tenant.Ingestion in = tenant.ingestion().orElseThrow(() -> new GreenhouseRejection(0, "Tenant " + tenant.id()
                + " has no Candidate Ingestion key (ingestion.* keys in " + tenant.source() + ")"));
        URI uri = URI.create(in.baseUrl() + "/v1/partner/" + path);
        String endpoint = method + " /v1/partner/" + path.replaceAll("\\?.*", "");
        Map<String, String> headers = Map.of(
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((in.apiKey() + ":")
                        .getBytes(StandardCharsets.UTF_8)),
                "On-Behalf-Of", in.userEmail());
        return harvest.exchange(tenant.id(), budgetKey(tenant), new GreenhouseGateway.Credential() {
            @Override
            public Map<String, String> headers() {
                return headers;
            }

            @Override
            public boolean refused(Map<String, String> sent) {
                return false; // a partner key has nothing to renew
            }

            @Override
            public GreenhouseRejection rejection(int status, String where, String said) {
                return PartnerClient.this.rejection(tenant, in, where, status, said);
            }
        }, method, uri, endpoint, body).body();
    }

    /** Names what is wrong and how to fix it: the key, the e-mail, or the user's permissions. */
    GreenhouseRejection rejection(Tenant tenant, Tenant.Ingestion in, String endpoint, int status, String text) {
        String said = text == null ? "" : text.strip(); // the gateway masked it
        String field = "";
        try {
            JsonNode json = JSON.readTree(said);
            JsonNode e = json.path("errors").path(0);
            if (e.isObject()) {
                said = e.path("message").asText();
                field = e.path("field").asText("");
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the text
        }
        if (said.length() > 500) {
            said = said.substring(0, 500) + "...";
        }
        String where = endpoint + " for tenant " + tenant.id();
        String message;
        if (status == 401 && field.equalsIgnoreCase("On-Behalf-Of")) {
            message = where + " was refused (401): ingestion.user-email " + in.userEmail() + " in " + tenant.source()
                    + " is not a Greenhouse user. Set it to the e-mail of an active user, normally the one who "
                    + "created the Candidate Ingestion key. Greenhouse said: " + said;
        } else if (status == 401) {
            message = where + " was refused (401): the Candidate Ingestion key (ingestion.api-key in "
                    + tenant.source() + ") is unknown. In Greenhouse go to Configure > Dev Center > API Credential "
                    + "Management, create (or find) the Candidate Ingestion key and store it where ingestion.api-key "
                    + "points. Greenhouse said: " + said;
        } else if (status == 403) {
            message = where + " was refused (403): " + in.userEmail() + " lacks the permission (deactivated, or "
                    + "Basic permissions, which cannot read candidates or prospects). Give the user at least Job Admin "
                    + "permissions on the linked jobs (Configure > Users), or set ingestion.user-email to such a user. "
                    + "Greenhouse said: " + said;
        } else {
            message = where + " was rejected (" + status + ")" + (field.isEmpty() ? "" : ", field " + field)
                    + ". Greenhouse said: " + said;
        }
        return new GreenhouseRejection(status, message);
    }

}
