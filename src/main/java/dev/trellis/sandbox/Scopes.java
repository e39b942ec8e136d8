package dev.trellis.sandbox;

import java.util.Set;
import java.util.TreeSet;

/** Harvest v3 scope names, {@code harvest:<resource>:<action>} (docs/greenhouse.md#scopes). */
public final class Scopes {
    public static final String NOTES_CREATE = "harvest:notes:create";
    public static final String INTERVIEWS_CREATE = "harvest:interviews:create";
    public static final String INTERVIEWS_UPDATE = "harvest:interviews:update";
    public static final String INTERVIEWS_DESTROY = "harvest:interviews:destroy";

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

    /** All scopes except the given ones (to test "missing scope" handling). */
    public static Set<String> allExcept(String... missing) {
        Set<String> s = all();
        for (String m : missing) {
            s.remove(m);
        }
        return s;
    }
}
