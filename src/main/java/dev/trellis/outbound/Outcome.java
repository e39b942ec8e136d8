package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;

/** What one attempt at an item came to. */
sealed interface Outcome {
    /**
     * In Greenhouse: sent now, or found there by reconciliation. {@code record} is Greenhouse's answer;
     * {@code heldBy} the older item that already holds this Greenhouse id (null: none known); {@code warning} what
     * the item shows as its last error although it is delivered (null: nothing).
     */
    record Delivered(Long greenhouseId, JsonNode record, boolean reconciled, Long heldBy, String warning)
            implements Outcome {
        Delivered(Long greenhouseId, JsonNode record, boolean reconciled) {
            this(greenhouseId, record, reconciled, null, null);
        }
    }

    /** May succeed later; {@code ambiguous} when the attempt may have been applied. */
    record Retry(Exception cause, boolean ambiguous, String endpoint) implements Outcome {
    }

    /** Cannot succeed as it is (invalid, refused by Greenhouse, or impossible to reconcile). */
    record Dead(Exception cause, boolean ambiguous, String endpoint) implements Outcome {
    }

    /** An earlier item it depends on is not delivered yet; not an attempt. */
    record Wait(String why) implements Outcome {
    }
}
