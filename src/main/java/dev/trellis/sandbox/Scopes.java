package dev.trellis.sandbox;

import java.util.Set;
import java.util.TreeSet;

/** Harvest v3 scope names, {@code harvest:<resource>:<action>} (docs/greenhouse.md#scopes). */
public final class Scopes {
    public static final String NOTES_CREATE = "harvest:notes:create";
    public static final String INTERVIEWS_CREATE = "harvest:interviews:create";
    public static final String INTERVIEWS_UPDATE = "harvest:interviews:update";
    public static final String INTERVIEWS_DESTROY = "harvest:interviews:destroy";

    /** Candidate Ingestion OAuth scopes (docs/greenhouse.md#ingestion-auth); they do not apply to Basic auth. */
    public static final String INGESTION_CANDIDATES_CREATE = "candidates.create";
    public static final String INGESTION_CANDIDATES_VIEW = "candidates.view";
    public static final String INGESTION_JOBS_VIEW = "jobs.view";
    public static final String INGESTION_PROSPECT_POOLS_VIEW = "prospect_pools.view";

    private Scopes() {
    }

    /** Every scope the sandbox knows: list on every resource plus the write scopes it serves. */
    public static Set<String> all() {
        Set<String> s = new TreeSet<>();
        for (Resource r : Resource.values()) {
            s.add(r.listScope());
        }
        s.add(NOTES_CREATE);
        s.add(INTERVIEWS_CREATE);
        s.add(INTERVIEWS_UPDATE);
        s.add(INTERVIEWS_DESTROY);
        return s;
    }

    /** The Candidate Ingestion scopes. */
    public static Set<String> ingestion() {
        return new TreeSet<>(Set.of(INGESTION_CANDIDATES_CREATE, INGESTION_CANDIDATES_VIEW, INGESTION_JOBS_VIEW,
                INGESTION_PROSPECT_POOLS_VIEW));
    }

    /** Every scope a partner app can have: all Harvest scopes and the Candidate Ingestion ones. */
    public static Set<String> partnerAll() {
        Set<String> s = all();
        s.addAll(ingestion());
        return s;
    }

    /** All scopes except the given ones (to test "missing scope" handling). */
    public static Set<String> allExcept(String... missing) {
        Set<String> s = all();
        for (String m : missing) {
            s.remove(m);
        }
        return s;
    }
}
