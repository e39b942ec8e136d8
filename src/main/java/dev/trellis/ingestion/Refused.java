package dev.trellis.ingestion;

/** A request of a sourcing partner that cannot be taken: 400 naming the field. */
public final class Refused extends RuntimeException {
    public Refused(String message) {
        super(message);
    }
}
