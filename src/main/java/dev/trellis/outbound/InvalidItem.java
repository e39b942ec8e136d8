package dev.trellis.outbound;

/** An outbox item that cannot be sent as it is; the message starts with the field it is about. */
public final class InvalidItem extends IllegalArgumentException {
    private final String field;

    public InvalidItem(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
