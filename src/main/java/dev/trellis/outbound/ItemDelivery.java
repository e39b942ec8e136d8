package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.AmbiguousWrite;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseRejection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One attempt at one claimed item: check it, resolve the interview it refers to, reconcile when an earlier attempt
 * may have been applied, then send it through the gateway with the acting user's token. Records nothing itself.
 */
final class ItemDelivery {
    private final Tenants tenants;
    private final GreenhouseGateway gateway;
    private final Outbox outbox;
    private final Reconciler reconciler;
    private final OutboundKinds kinds;

    ItemDelivery(Tenants tenants, GreenhouseGateway gateway, Outbox outbox, Reconciler reconciler,
            OutboundKinds kinds) {
        this.tenants = tenants;
        this.gateway = gateway;
        this.outbox = outbox;
        this.reconciler = reconciler;
        this.kinds = kinds;
    }

    /**
     * Attempts claimed items of one tenant and kind together; one outcome per item, in order. Items of a
     * {@link OutboundKind#partner()} kind go to Greenhouse in one request; the others one at a time.
     */
    List<Outcome> attempt(List<OutboxItem> items) throws InterruptedException {
        Optional<OutboundKind> kind = kinds.find(items.get(0).kind());
        if (kind.isPresent() && kind.get().partner()) {
            return partnerBatch(kind.get(), items);
        }
        List<Outcome> out = new ArrayList<>();
        for (OutboxItem item : items) {
            out.add(attempt(item));
        }
        return out;
    }

    Outcome attempt(OutboxItem item) throws InterruptedException {
        Optional<OutboundKind> kindFound = kinds.find(item.kind());
        if (kindFound.isPresent() && kindFound.get().partner()) {
            return partnerBatch(kindFound.get(), List.of(item)).get(0);
        }
        Optional<Tenant> tenantFound = tenants.find(item.tenant()).filter(t -> t.harvest().isPresent());
        if (tenantFound.isEmpty()) {
            return new Outcome.Dead(new InvalidItem("tenant", "'" + item.tenant() + "' is not a tenant of this hub "
                    + "with Harvest credentials (removed, or its connection has no harvest part)"), item.ambiguous(),
                    null);
        }
        if (kindFound.isEmpty()) {
            return new Outcome.Dead(new InvalidItem("kind", "'" + item.kind() + "' is not an outbox kind"), false, null);
        }
        OutboundKind kind = kindFound.get();
        Tenant tenant = tenantFound.get();
        ObjectNode payload;
        try {
            payload = ItemValidator.validate(kind, item.payload());
        } catch (InvalidItem e) {
            return new Outcome.Dead(e, item.ambiguous(), null);
        }
        long sub = item.actingUser() != null ? item.actingUser() : tenant.harvest().orElseThrow().userId();
        Long targetId = null;
        String endpoint = null;
        try {
            if (kind.ref().isPresent()) {
                OutboundKind.Ref ref = kind.ref().get();
                Outbox.Target target = outbox.resolve(tenant.id(), payload.get(ref.field()).asText(), ref.createdBy());
                if (target instanceof Outbox.Target.Pending p) {
                    return new Outcome.Wait(p.why());
                }
                if (target instanceof Outbox.Target.Invalid i) {
                    return new Outcome.Dead(new InvalidItem(ref.field(), i.why()), item.ambiguous(), null);
                }
                targetId = ((Outbox.Target.Known) target).greenhouseId();
            }
            OutboundKind.Request request = kind.request(payload, targetId);
            endpoint = request.endpoint();
            if (item.ambiguous()) {
                Optional<Reconciler.Match> found = reconcile(kind, tenant, item, payload, sub, targetId);
                if (found.isPresent()) {
                    return delivered(found.get());
                }
            }
            GreenhouseGateway.Answer answer;
            try {
                answer = gateway.send(tenant, sub, request.method(), request.path(), request.body());
            } catch (GreenhouseRejection | AmbiguousWrite e) {
                throw e;
            } catch (GreenhouseException e) {
                // 429 for too long, token endpoint down: nothing reached Greenhouse
                return new Outcome.Retry(e, false, endpoint);
            } catch (RuntimeException e) {
                // after sending (reading the rate headers back) as much as before: assume it may have been applied
                return new Outcome.Retry(e, true, endpoint);
            }
            // Greenhouse answered 2xx: from here on the item is delivered, whatever happens locally
            JsonNode record = answer.body();
            try {
                record = kind.record(answer.body(), targetId);
            } catch (RuntimeException e) {
                // the kind's view of the answer failed: keep the answer as it is, never send again
            }
            // a kind that changes an earlier record keeps that record's id
            Long id = kind.ref().isPresent() ? targetId : idOf(answer.body());
            return new Outcome.Delivered(id, record, false);
        } catch (ContestedRecord e) {
            return new Outcome.Dead(e, true, endpoint);
        } catch (AmbiguousWrite e) {
            return new Outcome.Retry(e, true, endpoint);
        } catch (GreenhouseRejection e) {
            return new Outcome.Dead(e, item.ambiguous(), endpoint);
        } catch (GreenhouseException e) {
            // a reconciliation read failed after its own retries: look again later, never send blind
            return new Outcome.Retry(e, item.ambiguous(), endpoint);
        } catch (SQLException | RuntimeException e) {
            return new Outcome.Retry(e, item.ambiguous(), endpoint);
        }
    }

    /**
     * Candidate Ingestion items (all of one tenant): checks each, reconciles those that may have been applied
     * already (by external id), sends the rest as one array, and, when Greenhouse refuses the array (it is all or
     * nothing), each on its own so that one bad candidate does not hold back the others.
     */
    private List<Outcome> partnerBatch(OutboundKind kind, List<OutboxItem> items) throws InterruptedException {
        Outcome[] outcomes = new Outcome[items.size()];
        List<Integer> toSend = new ArrayList<>();
        List<JsonNode> bodies = new ArrayList<>();
        String endpoint = null;
        PartnerWrites writes = reconciler.partner();
        for (int i = 0; i < items.size(); i++) {
            OutboxItem item = items.get(i);
            Optional<Tenant> tenant = tenants.find(item.tenant()).filter(t -> t.ingestion().isPresent());
            if (tenant.isEmpty()) {
                outcomes[i] = new Outcome.Dead(new InvalidItem("tenant", "'" + item.tenant() + "' is not a tenant of "
                        + "this hub with a Candidate Ingestion key"), item.ambiguous(), null);
                continue;
            }
            if (writes == null) {
                outcomes[i] = new Outcome.Retry(new IllegalStateException("Candidate Ingestion is not set up in this "
                        + "hub yet"), item.ambiguous(), null);
                continue;
            }
            ObjectNode payload;
            OutboundKind.Request request;
            try {
                payload = ItemValidator.validate(kind, item.payload());
                request = kind.request(payload, null);
            } catch (InvalidItem e) {
                outcomes[i] = new Outcome.Dead(e, item.ambiguous(), null);
                continue;
            }
            if (item.ambiguous()) {
                try {
                    Optional<Reconciler.Match> found = reconcile(kind, tenant.get(), item, payload, 0, null);
                    if (found.isPresent()) {
                        outcomes[i] = delivered(found.get());
                        continue;
                    }
                } catch (ContestedRecord e) {
                    outcomes[i] = new Outcome.Dead(e, true, request.endpoint());
                    continue;
                } catch (GreenhouseRejection e) {
                    outcomes[i] = new Outcome.Dead(e, true, request.endpoint());
                    continue;
                } catch (SQLException | RuntimeException e) {
                    outcomes[i] = new Outcome.Retry(e, true, request.endpoint());
                    continue;
                }
            }
            toSend.add(i);
            bodies.add(request.body());
            endpoint = request.endpoint();
        }
        if (!toSend.isEmpty()) {
            Tenant tenant = tenants.find(items.get(toSend.get(0)).tenant()).orElseThrow();
            List<Outcome> sent = send(writes, endpoint, tenant, items, toSend, bodies);
            for (int k = 0; k < toSend.size(); k++) {
                outcomes[toSend.get(k)] = sent.get(k);
            }
        }
        return List.of(outcomes);
    }

    private List<Outcome> send(PartnerWrites writes, String endpoint, Tenant tenant, List<OutboxItem> items,
            List<Integer> which, List<JsonNode> bodies) throws InterruptedException {
        List<Outcome> out = new ArrayList<>();
        try {
            List<JsonNode> answers = writes.createCandidates(tenant, bodies);
            for (int k = 0; k < bodies.size(); k++) {
                JsonNode record = k < answers.size() ? answers.get(k) : null;
                Long id = idOf(record);
                // Greenhouse took the array (all or nothing): each candidate in it is in, with or without its id
                out.add(id == null ? new Outcome.Delivered(null, null, false, null, "Greenhouse accepted it but "
                        + "answered no candidate id for external id " + bodies.get(k).path("external_id").asText())
                        : new Outcome.Delivered(id, record, false));
            }
            return out;
        } catch (AmbiguousWrite e) {
            bodies.forEach(b -> out.add(new Outcome.Retry(e, true, endpoint)));
        } catch (GreenhouseRejection e) {
            if (bodies.size() > 1 && e.status() != 401 && e.status() != 403) {
                // all or nothing: find the one(s) Greenhouse refuses by sending each alone
                for (int k = 0; k < bodies.size(); k++) {
                    out.addAll(send(writes, endpoint, tenant, items, List.of(which.get(k)), List.of(bodies.get(k))));
                }
                return out;
            }
            for (int k = 0; k < bodies.size(); k++) {
                out.add(new Outcome.Dead(e, items.get(which.get(k)).ambiguous(), endpoint));
            }
        } catch (GreenhouseException e) {
            for (int k = 0; k < bodies.size(); k++) {
                out.add(new Outcome.Retry(e, items.get(which.get(k)).ambiguous(), endpoint));
            }
        } catch (RuntimeException e) {
            bodies.forEach(b -> out.add(new Outcome.Retry(e, true, endpoint)));
        }
        return out;
    }

    /** Present when Greenhouse already has what the item asks for; a rejection says it cannot tell. */
    private Optional<Reconciler.Match> reconcile(OutboundKind kind, Tenant tenant, OutboxItem item,
            ObjectNode payload, long sub, Long targetId) throws InterruptedException, SQLException, ContestedRecord {
        try {
            return kind.reconcile(reconciler, tenant, item, payload, sub, targetId);
        } catch (GreenhouseRejection e) {
            throw new GreenhouseRejection(e.status(), "Cannot check whether an earlier attempt was applied, so it is "
                    + "not sent again: " + e.getMessage());
        }
    }

    private static Outcome.Delivered delivered(Reconciler.Match m) {
        long id = m.record().path("id").asLong();
        return new Outcome.Delivered(id, m.record(), true, m.heldBy(), m.heldBy() == null ? null
                : "Greenhouse record " + id + " matches this item; outbox item " + m.heldBy() + " held that id "
                        + "already (its Greenhouse started its ids again?): delivered, not sent again");
    }

    /** The id in Greenhouse's answer, or null when it has none (the item is delivered all the same). */
    private static Long idOf(JsonNode record) {
        JsonNode id = record == null ? null : record.get("id");
        return id != null && id.isIntegralNumber() && id.canConvertToLong() ? id.asLong() : null;
    }
}
