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
import java.util.function.Supplier;

/**
 * One attempt at one claimed item: check it, resolve the interview it refers to, reconcile when an earlier attempt
 * may have been applied, then send it through the gateway with the acting user's token. Records nothing itself.
 */
final class ItemDelivery {
    private final Tenants tenants;
    private final GreenhouseGateway gateway;
    private final Outbox outbox;
    private final Reconciler reconciler;
    private final Supplier<PartnerWrites> partner;

    ItemDelivery(Tenants tenants, GreenhouseGateway gateway, Outbox outbox, Reconciler reconciler,
            Supplier<PartnerWrites> partner) {
        this.tenants = tenants;
        this.gateway = gateway;
        this.outbox = outbox;
        this.reconciler = reconciler;
        this.partner = partner;
    }

    /**
     * Attempts claimed items of one tenant and kind together; one outcome per item, in order. Items of a
     * {@link Kind#batched()} kind go to Greenhouse in one request; the others one at a time.
     */
    List<Outcome> attempt(List<OutboxItem> items) throws InterruptedException {
        Optional<Kind> kind = Kind.parse(items.get(0).kind());
        if (kind.isPresent() && kind.get().partner()) {
            return partnerBatch(items);
        }
        List<Outcome> out = new ArrayList<>();
        for (OutboxItem item : items) {
            out.add(attempt(item));
        }
        return out;
    }

    Outcome attempt(OutboxItem item) throws InterruptedException {
        Optional<Kind> kindFound = Kind.parse(item.kind());
        if (kindFound.isPresent() && kindFound.get().partner()) {
            return partnerBatch(List.of(item)).get(0);
        }
        Optional<Tenant> tenantFound = tenants.find(item.tenant()).filter(t -> t.harvest().isPresent());
        if (tenantFound.isEmpty()) {
            return new Outcome.Dead(new InvalidItem("tenant", "'" + item.tenant() + "' is not a tenant of this hub "
                    + "with Harvest credentials"), item.ambiguous(), null);
        }
        if (kindFound.isEmpty()) {
            return new Outcome.Dead(new InvalidItem("kind", "'" + item.kind() + "' is not an outbox kind"), false, null);
        }
        Kind kind = kindFound.get();
        Tenant tenant = tenantFound.get();
        ObjectNode payload;
        try {
            payload = ItemValidator.validate(kind, item.payload());
        } catch (InvalidItem e) {
            return new Outcome.Dead(e, item.ambiguous(), null);
        }
        long sub = item.actingUser() != null ? item.actingUser() : tenant.harvest().orElseThrow().userId();
        Long interviewId = null;
        String endpoint = null;
        try {
            if (kind.refersToInterview()) {
                Outbox.Target target = outbox.resolve(tenant.id(), payload.get("interview").asText());
                if (target instanceof Outbox.Target.Pending p) {
                    return new Outcome.Wait(p.why());
                }
                if (target instanceof Outbox.Target.Invalid i) {
                    return new Outcome.Dead(new InvalidItem("interview", i.why()), item.ambiguous(), null);
                }
                interviewId = ((Outbox.Target.Known) target).greenhouseId();
            }
            GreenhouseWrites.Request request = GreenhouseWrites.request(kind, payload, interviewId);
            endpoint = request.endpoint();
            if (item.ambiguous()) {
                Optional<Outcome> found = reconcile(tenant, item, kind, payload, sub, interviewId);
                if (found.isPresent()) {
                    return found.get();
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
            Long id = kind == Kind.interview_update || kind == Kind.interview_delete ? interviewId : idOf(record);
            return new Outcome.Delivered(id, kind == Kind.interview_delete ? SyncedRecords.idOnly(interviewId) : record,
                    false);
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
    private List<Outcome> partnerBatch(List<OutboxItem> items) throws InterruptedException {
        Outcome[] outcomes = new Outcome[items.size()];
        List<Integer> toSend = new ArrayList<>();
        List<JsonNode> bodies = new ArrayList<>();
        PartnerWrites writes = partner.get();
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
            GreenhouseWrites.Request request;
            try {
                request = GreenhouseWrites.request(Kind.ingest_candidate,
                        ItemValidator.validate(Kind.ingest_candidate, item.payload()), null);
            } catch (InvalidItem e) {
                outcomes[i] = new Outcome.Dead(e, item.ambiguous(), null);
                continue;
            }
            if (item.ambiguous()) {
                try {
                    Optional<Reconciler.Match> found = reconciler.createdCandidate(item.tenant(), item,
                            writes.findCreated(tenant.get(), request.body().get("external_id").asText(),
                                    item.createdAt().minusSeconds(300)));
                    if (found.isPresent()) {
                        outcomes[i] = delivered(found.get());
                        continue;
                    }
                } catch (ContestedRecord e) {
                    outcomes[i] = new Outcome.Dead(e, true, request.endpoint());
                    continue;
                } catch (GreenhouseRejection e) {
                    outcomes[i] = new Outcome.Dead(new GreenhouseRejection(e.status(), "Cannot check whether an "
                            + "earlier attempt was applied, so it is not sent again: " + e.getMessage()), true,
                            request.endpoint());
                    continue;
                } catch (SQLException | RuntimeException e) {
                    outcomes[i] = new Outcome.Retry(e, true, request.endpoint());
                    continue;
                }
            }
            toSend.add(i);
            bodies.add(request.body());
        }
        if (!toSend.isEmpty()) {
            Tenant tenant = tenants.find(items.get(toSend.get(0)).tenant()).orElseThrow();
            List<Outcome> sent = send(writes, tenant, items, toSend, bodies);
            for (int k = 0; k < toSend.size(); k++) {
                outcomes[toSend.get(k)] = sent.get(k);
            }
        }
        return List.of(outcomes);
    }

    private List<Outcome> send(PartnerWrites writes, Tenant tenant, List<OutboxItem> items, List<Integer> which,
            List<JsonNode> bodies) throws InterruptedException {
        String endpoint = "POST /v1/partner/candidates";
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
                    out.addAll(send(writes, tenant, items, List.of(which.get(k)), List.of(bodies.get(k))));
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

    /** Present when Greenhouse already has what the item asks for. */
    private Optional<Outcome> reconcile(Tenant tenant, OutboxItem item, Kind kind, JsonNode payload, long sub,
            Long interviewId) throws InterruptedException, SQLException, ContestedRecord {
        try {
            switch (kind) {
                case note, email -> {
                    return reconciler.note(tenant, item, kind, payload, sub).map(ItemDelivery::delivered);
                }
                case interview_create -> {
                    return reconciler.createdInterview(tenant, item, payload).map(ItemDelivery::delivered);
                }
                case interview_delete -> {
                    return reconciler.interviewGone(tenant, interviewId)
                            ? Optional.of(new Outcome.Delivered(interviewId, SyncedRecords.idOnly(interviewId), true))
                            : Optional.empty();
                }
                default -> {
                    // a PATCH sets the same fields to the same values when sent twice: sending again is safe
                    return Optional.empty();
                }
            }
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
