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

    ItemDelivery(Tenants tenants, GreenhouseGateway gateway, Outbox outbox, Reconciler reconciler) {
        this.tenants = tenants;
        this.gateway = gateway;
        this.outbox = outbox;
        this.reconciler = reconciler;
    }

    Outcome attempt(OutboxItem item) throws InterruptedException {
        Optional<Kind> kindFound = Kind.parse(item.kind());
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
            JsonNode record = answer.body();
            Long id = kind == Kind.interview_update || kind == Kind.interview_delete ? interviewId
                    : record == null || !record.hasNonNull("id") ? null : record.get("id").asLong();
            return new Outcome.Delivered(id, kind == Kind.interview_delete ? SyncedRecords.idOnly(interviewId) : record,
                    false);
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

    /** Present when Greenhouse already has what the item asks for. */
    private Optional<Outcome> reconcile(Tenant tenant, OutboxItem item, Kind kind, JsonNode payload, long sub,
            Long interviewId) throws InterruptedException, SQLException {
        try {
            switch (kind) {
                case note, email -> {
                    return reconciler.note(tenant, item, kind, payload, sub)
                            .map(n -> new Outcome.Delivered(n.get("id").asLong(), n, true));
                }
                case interview_create -> {
                    return reconciler.createdInterview(tenant, item, payload)
                            .map(i -> new Outcome.Delivered(i.get("id").asLong(), i, true));
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
}
