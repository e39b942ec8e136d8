package dev.trellis.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The outbox kinds this hub knows: the shipped ones, then any other {@link OutboundKind} on the class path
 * (listed in {@code META-INF/services/dev.trellis.outbound.OutboundKind}, as the tests add one).
 */
public final class OutboundKinds {
    /** The kind the ingestion module queues pushed candidates as. */
    public static final OutboundKind INGEST_CANDIDATE = new IngestCandidateKind();

    private final List<OutboundKind> kinds;

    OutboundKinds(List<OutboundKind> kinds) {
        for (int i = 0; i < kinds.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (kinds.get(i).name().equals(kinds.get(j).name())) {
                    throw new IllegalStateException("Two outbox kinds are named " + kinds.get(i).name() + ": "
                            + kinds.get(j).getClass().getName() + " and " + kinds.get(i).getClass().getName());
                }
            }
        }
        this.kinds = List.copyOf(kinds);
    }

    static OutboundKinds load() {
        List<OutboundKind> all = new ArrayList<>(List.of(new NoteKind(), new EmailKind(), new InterviewCreateKind(),
                new InterviewUpdateKind(), new InterviewDeleteKind(), INGEST_CANDIDATE));
        ServiceLoader.load(OutboundKind.class).forEach(all::add);
        return new OutboundKinds(all);
    }

    List<OutboundKind> all() {
        return kinds;
    }

    Optional<OutboundKind> find(String name) {
        return kinds.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** For messages: "note, email, ...". */
    String names() {
        return String.join(", ", kinds.stream().map(OutboundKind::name).toList());
    }

    /** The kinds whose items hold the same Greenhouse records as items of {@code kind} (none if it creates none). */
    List<String> holding(OutboundKind kind) {
        return kind.creates() == null ? List.of()
                : kinds.stream().filter(k -> kind.creates().equals(k.creates())).map(OutboundKind::name).toList();
    }
}
