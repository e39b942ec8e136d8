package dev.trellis.outbound;

/**
 * Greenhouse has a record matching an item whose attempt may have been applied, but another item that asks for the
 * same thing already holds it: whether this item was written cannot be told, so it is parked for a person instead
 * of being sent again.
 */
final class ContestedRecord extends Exception {
    ContestedRecord(OutboxItem item, String what, long greenhouseId, long holder) {
        super("Greenhouse has " + what + " " + greenhouseId + " matching this item, but outbox item " + holder
                + " asks for the same and already holds it, so whether item " + item.id() + " was written cannot be "
                + "told; it is not sent again. Look in Greenhouse: if it is missing, set ambiguous = false on item "
                + item.id() + " and replay this letter");
    }
}
