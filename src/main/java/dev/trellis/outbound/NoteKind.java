package dev.trellis.outbound;

import java.util.Optional;
import java.util.Set;

/** A note on a candidate (and optionally one application): {@code POST /v3/notes} with note_type NOTE. */
final class NoteKind extends GreenhouseNoteKind {
    @Override
    public String name() {
        return "note";
    }

    @Override
    public Set<String> fields() {
        return Set.of("candidate_id", "application_id", "body", "visibility");
    }

    @Override
    String noteType() {
        return "NOTE";
    }

    @Override
    public Optional<Rest> rest() {
        return Optional.of(new Rest("POST", "/{tenant}/notes"));
    }
}
