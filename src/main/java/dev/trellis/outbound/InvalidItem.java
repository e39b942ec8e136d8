package dev.trellis.outbound;

import dev.trellis.api.BadField;

/** An outbox item that cannot be sent as it is; the message starts with the field it is about. */
public class InvalidItem extends BadField {
    public InvalidItem(String field, String problem) {
        super(field, problem);
    }
}
