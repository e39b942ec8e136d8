package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseGateway;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * What kinds use to look before anything is sent again after an attempt that may have been applied: Greenhouse has
 * no idempotency keys and no way to delete a note, so looking is the only way to never write one twice. Reads run as
 * the tenant's default user (v3 lists need a Site Admin). Each kind's {@link OutboundKind#reconcile} says what to
 * look for.
 */
final class Reconciler {
    /** How far before the item's acceptance a matching record may be dated (clock skew between us and Greenhouse). */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final GreenhouseGateway gateway;
    private final Outbox outbox;
    private final OutboundKinds kinds;
    private final Supplier<PartnerWrites> partner;

    Reconciler(GreenhouseGateway gateway, Outbox outbox, OutboundKinds kinds, Supplier<PartnerWrites> partner) {
        this.gateway = gateway;
        this.outbox = outbox;
        this.kinds = kinds;
        this.partner = partner;
    }

    /** A record Greenhouse has for the item; {@code heldBy}: an older item that asked for something else holds it. */
    record Match(JsonNode record, Long heldBy) {
    }

    /** Greenhouse's answer to one GET (null when it has no body). */
    JsonNode read(Tenant tenant, String url) throws InterruptedException {
        return gateway.get(tenant, reader(tenant), url).body();
    }

    /** Every record of a list, following its next links. */
    List<JsonNode> all(Tenant tenant, String url) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (String next = url; next != null; ) {
            GreenhouseGateway.Answer page = gateway.get(tenant, reader(tenant), next);
            if (page.body() != null) {
                page.body().forEach(out::add);
            }
            next = page.next().orElse(null);
        }
        return out;
    }

    /** The earliest creation time a record of this item can have, for a {@code created_at=gte|} filter. */
    String since(OutboxItem item) {
        return item.createdAt().minus(SKEW).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Candidate Ingestion, when the ingestion module is set up (the dispatcher checks before it reconciles). */
    PartnerWrites partner() {
        return partner.get();
    }

    /** The kind of an item, if this hub knows it. */
    Optional<OutboundKind> kind(OutboxItem item) {
        return kinds.find(item.kind());
    }

    /**
     * Which matching record is the item's: the oldest that no other item holds; else the oldest held by an item that
     * asked for something else (that item's id came from a Greenhouse whose ids started again, so the record is
     * ours, and the item is flagged with the holder). A record held by an item that asked for the same is never
     * evidence that this item was not written: with only such records, the item is contested, never sent again.
     * Empty only when Greenhouse has no matching record at all.
     */
    Optional<Match> choose(String tenantId, OutboxItem item, OutboundKind kind, String what, List<JsonNode> matches,
            BiPredicate<OutboxItem, JsonNode> holderAskedForIt) throws SQLException, ContestedRecord {
        List<JsonNode> oldestFirst = new ArrayList<>(matches);
        oldestFirst.sort(Comparator.comparingLong(r -> r.path("id").asLong()));
        Match stale = null;
        ContestedRecord contested = null;
        for (JsonNode record : oldestFirst) {
            long id = record.path("id").asLong();
            Optional<OutboxItem> holder = outbox.holder(tenantId, kinds.holding(kind), id, item.id());
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

    /** The user a holder item was written as. */
    long user(Tenant tenant, OutboxItem holder) {
        return holder.actingUser() != null ? holder.actingUser() : reader(tenant);
    }

    private static long reader(Tenant tenant) {
        return tenant.harvest().orElseThrow().userId();
    }
}
