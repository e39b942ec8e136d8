package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseGateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * After an attempt that may have been applied, reads Greenhouse before anything is sent again: Greenhouse has no
 * idempotency keys and no way to delete a note, so looking is the only way to never write one twice. Reads run as
 * the tenant's default user (v3 lists need a Site Admin).
 */
public final class Reconciler {
    /** How far before the item's acceptance a matching note may be dated (clock skew between us and Greenhouse). */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final GreenhouseGateway gateway;
    private final Outbox outbox;

    public Reconciler(GreenhouseGateway gateway, Outbox outbox) {
        this.gateway = gateway;
        this.outbox = outbox;
    }

    /**
     * The note this item wrote: same candidate, application, type, author, subject and body, created after the item
     * was accepted, and not already the record of another item. The oldest such note wins.
     */
    public Optional<JsonNode> note(Tenant tenant, OutboxItem item, Kind kind, JsonNode payload, long actingUser)
            throws InterruptedException, SQLException {
        String since = item.createdAt().minus(SKEW).truncatedTo(ChronoUnit.SECONDS).toString();
        String url = "/v3/notes?candidate_ids=" + payload.get("candidate_id").asLong()
                + "&created_at=gte%7C" + since + "&per_page=500";
        JsonNode best = null;
        for (String next = url; next != null; ) {
            GreenhouseGateway.Answer page = gateway.get(tenant, reader(tenant), next);
            for (JsonNode note : page.body() == null ? java.util.List.<JsonNode>of() : iterable(page.body())) {
                if (GreenhouseWrites.sameNote(kind, payload, actingUser, note)
                        && (best == null || note.path("id").asLong() < best.path("id").asLong())
                        && !outbox.taken(tenant.id(), kind, note.path("id").asLong(), item.id())) {
                    best = note;
                }
            }
            next = page.next().orElse(null);
        }
        return Optional.ofNullable(best);
    }

    /** The interview this create item recorded, found by its external_event_id and application. */
    public Optional<JsonNode> createdInterview(Tenant tenant, OutboxItem item, JsonNode payload)
            throws InterruptedException, SQLException {
        String event = URLEncoder.encode(payload.get("external_event_id").asText(), StandardCharsets.UTF_8);
        GreenhouseGateway.Answer answer = gateway.get(tenant, reader(tenant),
                "/v3/interviews?external_event_id=" + event + "&application_ids="
                        + payload.get("application_id").asLong());
        if (answer.body() != null) {
            for (JsonNode interview : answer.body()) {
                if (interview.path("external_event_id").asText().equals(payload.get("external_event_id").asText())
                        && !outbox.taken(tenant.id(), Kind.interview_create, interview.path("id").asLong(), item.id())) {
                    return Optional.of(interview);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether the interview is gone, so a delete that may have been applied needs no resend. */
    public boolean interviewGone(Tenant tenant, long interviewId) throws InterruptedException {
        GreenhouseGateway.Answer answer = gateway.get(tenant, reader(tenant), "/v3/interviews?ids=" + interviewId);
        return answer.body() == null || answer.body().isEmpty();
    }

    private static long reader(Tenant tenant) {
        return tenant.harvest().orElseThrow().userId();
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array::elements;
    }
}
