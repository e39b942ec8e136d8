package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import java.util.Iterator;

/**
 * Checks an item's payload against its kind and returns it normalised ({@link OutboundKind#normalise}). The same
 * check runs when the REST API or a route accepts an item and when the dispatcher picks up a row that was inserted
 * by SQL, so a bad row fails with the same message naming the field. No string may hold a NUL or a lone surrogate.
 */
public final class ItemValidator {
    private ItemValidator() {
    }

    public static ObjectNode validate(OutboundKind kind, JsonNode payload) {
        try {
            return checked(kind, payload);
        } catch (InvalidItem e) {
            throw e;
        } catch (BadField e) {
            // the shared readers name the field the same way; callers (the dispatcher too) expect an InvalidItem
            throw new InvalidItem(e.field(), e.problem());
        }
    }

    private static ObjectNode checked(OutboundKind kind, JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidItem("payload", "must be a JSON object");
        }
        for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!kind.fields().contains(f)) {
                throw new InvalidItem(f, "is not a field of a " + kind.name() + " item (fields: "
                        + String.join(", ", kind.fields().stream().sorted().toList()) + ")");
            }
        }
        JsonBody.checkText(payload, "");
        return kind.normalise(payload);
    }
}
