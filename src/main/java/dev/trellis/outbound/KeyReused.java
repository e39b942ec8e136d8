package dev.trellis.outbound;

/** An idempotency key given again with another kind, payload or acting user: not the same request (REST: 422). */
public final class KeyReused extends InvalidItem {
    public KeyReused(String key, OutboxItem first) {
        super("Idempotency-Key", "'" + key + "' was used for outbox item " + first.id() + " (" + first.kind()
                + ") with a different kind, payload or user_id; use a new key for a different request");
    }
}
