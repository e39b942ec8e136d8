package dev.trellis.component;

import java.util.Set;

/** Which events a greenhouse:changes consumer hands to its route; an empty set lets everything through. */
record ChangeFilter(Set<String> tenants, Set<String> streams, Set<String> ops, Set<String> fields,
        boolean includeBackfill) {

    boolean matches(ChangeEvent event) {
        if (event.backfill() && !includeBackfill) {
            return false;
        }
        if (!tenants.isEmpty() && !tenants.contains(event.tenant())) {
            return false;
        }
        if (!streams.isEmpty() && !streams.contains(event.stream())) {
            return false;
        }
        if (!ops.isEmpty() && !ops.contains(event.op())) {
            return false;
        }
        // creates and deletes concern every field; an update passes when one of the fields it changed is asked for
        return fields.isEmpty() || !"update".equals(event.op())
                || (event.fields() != null && event.fields().stream().anyMatch(fields::contains));
    }
}
