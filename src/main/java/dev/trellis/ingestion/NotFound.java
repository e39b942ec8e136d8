package dev.trellis.ingestion;

/** What a sourcing partner asked for does not exist: 404. */
public final class NotFound extends RuntimeException {
    public NotFound(String message) {
        super(message);
    }
}
