package dev.trellis.deadletter;

import java.time.OffsetDateTime;
import java.util.Map;

/** A message a route could not deliver, as stored (secrets already masked). */
public record DeadLetter(
        long id,
        String tenant,
        String routeId,
        String endpoint,
        String body,
        BodyFormat bodyFormat,
        Map<String, String> headers,
        String exceptionClass,
        String exceptionMessage,
        int attempts,
        OffsetDateTime firstFailedAt,
        OffsetDateTime lastFailedAt,
        Status status,
        OffsetDateTime statusChangedAt,
        int replays) {

    /** json: the body was a map or list, stored as JSON and handed back as one on replay. */
    public enum BodyFormat {
        text, json
    }

    public enum Status {
        open, replayed, discarded
    }
}
