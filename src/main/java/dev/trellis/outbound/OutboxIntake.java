package dev.trellis.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import dev.trellis.api.JsonFields;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Accepts items from the REST API and from routes: checks the tenant, the kind, the acting user, the idempotency key
 * and the payload, refuses what cannot be sent with an {@link InvalidItem} naming the field, stores the rest and
 * wakes the dispatcher. A client's idempotency key given again with another request is refused ({@link KeyReused}).
 */
public final class OutboxIntake {
    private final Tenants tenants;
    private final Outbox outbox;
    private final Runnable wake;

    public OutboxIntake(Tenants tenants, Outbox outbox, Runnable wake) {
        this.tenants = tenants;
        this.outbox = outbox;
        this.wake = wake;
    }

    /**
     * @param fields the payload plus, optionally, {@code user_id} (the acting user); other item fields (kind,
     *               tenant, idempotency_key) have been taken out by the caller
     */
    public Outbox.Accepted accept(String tenantId, OutboundKind kind, ObjectNode fields, String idempotencyKey)
            throws SQLException {
        Tenant tenant = tenants.known(tenantId).orElseThrow(() -> new InvalidItem("tenant", "'" + tenantId
                + "' is not a tenant of this hub"));
        if (kind.partner()) {
            if (tenant.ingestion().isEmpty()) {
                throw new InvalidItem("tenant", "'" + tenantId + "' has no Candidate Ingestion key (ingestion.* keys in "
                        + tenant.source() + ")");
            }
        } else if (tenant.harvest().isEmpty()) {
            throw new InvalidItem("tenant", "'" + tenantId + "' has no Harvest credentials (harvest.* keys in "
                    + tenant.source() + ")");
        }
        Long actingUser;
        try {
            actingUser = JsonFields.id(fields, "user_id", false);
        } catch (BadField e) {
            throw new InvalidItem(e.field(), e.problem());
        }
        fields.remove("user_id");
        if (idempotencyKey != null) {
            if (idempotencyKey.isBlank() || idempotencyKey.length() > 255) {
                throw new InvalidItem("Idempotency-Key", "must be 1 to 255 characters");
            }
            String problem = JsonBody.textProblem(idempotencyKey);
            if (problem != null) {
                throw new InvalidItem("Idempotency-Key", problem);
            }
        }
        ObjectNode payload = ItemValidator.validate(kind, fields);
        if (kind.ref().isPresent()) {
            OutboundKind.Ref ref = kind.ref().get();
            Outbox.Target target = outbox.resolve(tenantId, payload.get(ref.field()).asText(), ref.createdBy());
            if (target instanceof Outbox.Target.Invalid i) {
                throw new InvalidItem(ref.field(), i.why());
            }
        }
        Optional<String> payloadKey = kind.payloadKey(payload);
        if (payloadKey.isPresent()) {
            idempotencyKey = payloadKey.get();
        }
        Outbox.Accepted accepted = outbox.insert(tenantId, kind, payload, actingUser, idempotencyKey);
        // a key taken from the payload (the partner's external id) stays one item however often it is pushed
        if (accepted.repeated() && !accepted.sameRequest() && payloadKey.isEmpty()) {
            throw new KeyReused(idempotencyKey, accepted.item());
        }
        if (!accepted.repeated()) {
            wake.run();
        }
        return accepted;
    }
}
