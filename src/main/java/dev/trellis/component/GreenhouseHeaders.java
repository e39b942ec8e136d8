package dev.trellis.component;

import dev.trellis.route.HubHeaders;

/** Headers the greenhouse: component sets on change events and reads on its producers. */
public final class GreenhouseHeaders {
    /** The event's tenant: the same header dead letters are filed under. */
    public static final String TENANT = HubHeaders.TENANT;
    /** The event's stream (applications, candidates, ...). */
    public static final String STREAM = "TrellisStream";
    /** The Greenhouse id of the record that changed. */
    public static final String RECORD_ID = "TrellisRecordId";
    /** create, update or delete. */
    public static final String OP = "TrellisOp";
    /** The event's sequence number in the change feed. */
    public static final String SEQ = "TrellisSeq";
    /** The consumer (offset) name that received the event. */
    public static final String CONSUMER = "TrellisConsumer";
    /** greenhouse:interview: create, update or delete, overriding the endpoint's action. */
    public static final String ACTION = "TrellisAction";
    /** greenhouse:note/email/interview: the client's idempotency key, as for the REST API. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** greenhouse:get: the Harvest path and query to read, overriding the endpoint's path option. */
    public static final String PATH = "TrellisGreenhousePath";
    /** Set by the outbox producers: the id of the accepted outbox item. */
    public static final String OUTBOX_ID = "TrellisOutboxId";

    private GreenhouseHeaders() {
    }
}
