package dev.trellis.outbound;

import java.util.Arrays;
import java.util.Optional;

/** What an outbox item asks Greenhouse to do; the names are those of the {@code outbox.kind} column. */
public enum Kind {
    note, email, interview_create, interview_update, interview_delete,
    /**
     * A candidate or prospect for the Candidate Ingestion API (docs/greenhouse.md#candidate-ingestion), sent by the
     * tenant's partner key.
     */
    ingest_candidate;

    public static Optional<Kind> parse(String name) {
        return Arrays.stream(values()).filter(k -> k.name().equals(name)).findFirst();
    }

    /** The v3 scope the write needs, or the check's feature id; the connection check pauses a kind lacking it. */
    public String scope() {
        return switch (this) {
            case note, email -> "harvest:notes:create";
            case interview_create -> "harvest:interviews:create";
            case interview_update -> "harvest:interviews:update";
            case interview_delete -> "harvest:interviews:destroy";
            case ingest_candidate -> "ingestion";
        };
    }

    /** Note and e-mail items both become a Greenhouse note. */
    public boolean isNote() {
        return this == note || this == email;
    }

    /** Greenhouse accepts these as an array in one request: the dispatcher claims several and sends them together. */
    public boolean batched() {
        return this == ingest_candidate;
    }

    /** Sent with the Candidate Ingestion key (ingestion.*), not with Harvest credentials. */
    public boolean partner() {
        return this == ingest_candidate;
    }

    /** Update and delete name an existing interview in payload field {@code interview}. */
    public boolean refersToInterview() {
        return this == interview_update || this == interview_delete;
    }
}
