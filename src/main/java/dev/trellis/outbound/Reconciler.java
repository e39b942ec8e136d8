package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseGateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * After an attempt that may have been applied, reads Greenhouse before anything is sent again: Greenhouse has no
 * idempotency keys and no way to delete a note, so looking is the only way to never write one twice. Reads run as
 * the tenant's default user (v3 lists need a Site Admin).
 */
final class Reconciler {
    /** How far before the item's acceptance a matching note may be dated (clock skew between us and Greenhouse). */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final GreenhouseGateway gateway;
    private final Outbox outbox;

    Reconciler(GreenhouseGateway gateway, Outbox outbox) {
        this.gateway = gateway;
        this.outbox = outbox;
    }

    /** A record Greenhouse has for the item; {@code heldBy}: an older item that asked for something else holds it. */
    record Match(JsonNode record, Long heldBy) {
    }

    /**
     * The note this item wrote: same candidate, application, type, author, subject and body, created after the item
     * was accepted. See {@link #choose} for notes that other items hold.
     */
    Optional<Match> note(Tenant tenant, OutboxItem item, Kind kind, JsonNode payload, long actingUser)
            throws InterruptedException, SQLException, ContestedRecord {
        String since = item.createdAt().minus(SKEW).truncatedTo(ChronoUnit.SECONDS).toString();
        String url = "/v3/notes?candidate_ids=" + payload.get("candidate_id").asLong()
                + "&created_at=gte%7C" + since + "&per_page=500";
        List<JsonNode> matches = new ArrayList<>();
        for (String next = url; next != null; ) {
            GreenhouseGateway.Answer page = gateway.get(tenant, reader(tenant), next);
            for (JsonNode note : page.body() == null ? List.<JsonNode>of() : iterable(page.body())) {
                if (GreenhouseWrites.sameNote(kind, payload, actingUser, note)) {
                    matches.add(note);
                }
            }
            next = page.next().orElse(null);
        }
        return choose(tenant.id(), item, kind, "note", matches, (holder, note) -> Kind.parse(holder.kind())
                .filter(Kind::isNote)
                .map(k -> GreenhouseWrites.sameNote(k, holder.payload(), user(tenant, holder), note))
                .orElse(true));
    }

    /** The interview this create item recorded, found by its external_event_id and application. */
    Optional<Match> createdInterview(Tenant tenant, OutboxItem item, JsonNode payload)
            throws InterruptedException, SQLException, ContestedRecord {
        String external = payload.get("external_event_id").asText();
        GreenhouseGateway.Answer answer = gateway.get(tenant, reader(tenant),
                "/v3/interviews?external_event_id=" + URLEncoder.encode(external, StandardCharsets.UTF_8)
                        + "&application_ids=" + payload.get("application_id").asLong());
        List<JsonNode> matches = new ArrayList<>();
        for (JsonNode interview : answer.body() == null ? List.<JsonNode>of() : iterable(answer.body())) {
            if (interview.path("external_event_id").asText().equals(external)) {
                matches.add(interview);
            }
        }
        return choose(tenant.id(), item, Kind.interview_create, "interview", matches, (holder, interview) ->
                holder.payload().path("external_event_id").asText().equals(external)
                        && holder.payload().path("application_id").asLong() == payload.get("application_id").asLong());
    }

    /** The candidate this ingest item created, as the partner API found it by external id. */
    Optional<Match> createdCandidate(String tenant, OutboxItem item, Optional<JsonNode> found)
            throws SQLException, ContestedRecord {
        String external = item.payload().path("external_id").asText();
        return choose(tenant, item, Kind.ingest_candidate, "candidate", found.stream().toList(), (holder, candidate) ->
                holder.payload().path("external_id").asText().equals(external));
    }

    /**
     * Which matching record is the item's: the oldest that no other item holds; else the oldest held by an item that
     * asked for something else (that item's id came from a Greenhouse whose ids started again, so the record is
     * ours, and the item is flagged with the holder). A record held by an item that asked for the same is never
     * evidence that this item was not written: with only such records, the item is contested, never sent again.
     * Empty only when Greenhouse has no matching record at all.
     */
    private Optional<Match> choose(String tenantId, OutboxItem item, Kind kind, String what, List<JsonNode> matches,
            BiPredicate<OutboxItem, JsonNode> holderAskedForIt) throws SQLException, ContestedRecord {
        List<JsonNode> oldestFirst = new ArrayList<>(matches);
        oldestFirst.sort(Comparator.comparingLong(r -> r.path("id").asLong()));
        Match stale = null;
        ContestedRecord contested = null;
        for (JsonNode record : oldestFirst) {
            long id = record.path("id").asLong();
            Optional<OutboxItem> holder = outbox.holder(tenantId, kind, id, item.id());
            if (holder.isEmpty()) {
                return Optional.of(new Match(record, null));
            }
            boolean same;
            try {
                same = holderAskedForIt.test(holder.get(), record);
            } catch (RuntimeException e) {
                same = true; // cannot tell what the holder asked for: in doubt
            }
            if (!same && stale == null) {
                stale = new Match(record, holder.get().id());
            } else if (same && contested == null) {
                contested = new ContestedRecord(item, what, id, holder.get().id());
            }
        }
        if (stale != null) {
            return Optional.of(stale);
        }
        if (contested != null) {
            throw contested;
        }
        return Optional.empty();
    }

    /** Whether the interview is gone, so a delete that may have been applied needs no resend. */
    boolean interviewGone(Tenant tenant, long interviewId) throws InterruptedException {
        GreenhouseGateway.Answer answer = gateway.get(tenant, reader(tenant), "/v3/interviews?ids=" + interviewId);
        return answer.body() == null || answer.body().isEmpty();
    }

    private static long user(Tenant tenant, OutboxItem holder) {
        return holder.actingUser() != null ? holder.actingUser() : reader(tenant);
    }

    private static long reader(Tenant tenant) {
        return tenant.harvest().orElseThrow().userId();
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array::elements;
    }
}
