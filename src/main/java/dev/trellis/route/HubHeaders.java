package dev.trellis.route;

/** Message headers and exchange properties that mean something across all of Trellis's routes. */
public final class HubHeaders {
    /** Header: the tenant a message belongs to; dead letters are filed under it. */
    public static final String TENANT = "TrellisTenant";
    /** Property: the dead letter being replayed, so a new failure updates it instead of filing another. */
    public static final String REPLAY_OF = "TrellisReplayOf";
    /** Property: set by the dead-letter route to the id it filed or updated. */
    public static final String DEAD_LETTER_ID = "TrellisDeadLetterId";

    /** Property: how many redeliveries the error channel made. */
    public static final String REDELIVERIES = "TrellisRedeliveries";

    private HubHeaders() {
    }
}
