package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One area of generated resources (demographics, approvals, ...): what the area's classes share to derive a record
 * from (seed, resource, index) alone, as {@link OrgGenerator} does for the original resources.
 */
abstract class GeneratedArea {
    final long seed;
    final Timeline time;
    final OrgGenerator org;

    GeneratedArea(long seed, Timeline time, OrgGenerator org) {
        this.seed = seed;
        this.time = time;
        this.org = org;
    }

    /** Fills record {@code i} of {@code r} (its id is set); false when {@code r} is not of this area. */
    abstract boolean fill(Resource r, ObjectNode o, long i);

    /** Whether generated record {@code i} exists: a resource of this area may leave gaps in its index range. */
    boolean exists(Resource r, long i) {
        return true;
    }

    Gen gen(Resource r, long i) {
        return new Gen(seed, r.ordinal() + 1, i);
    }

    long size(Resource r) {
        return time.size(r);
    }

    /** Index of the parent of record {@code i}. */
    long parent(Resource r, long i) {
        return time.parentIndex(r, i);
    }

    /** Position of record {@code i} among its parent's children, from 0. */
    long nth(Resource r, long i) {
        return i - time.firstChild(r, parent(r, i));
    }

    static long id(Resource r, long i) {
        return OrgGenerator.id(r, i);
    }

    /** created_at and updated_at from the timeline, as every dated Harvest v3 record has them. */
    void stamp(ObjectNode o, Resource r, long i) {
        long created = time.created(r, i);
        o.put("created_at", Timeline.iso(created));
        o.put("updated_at", Timeline.iso(time.updated(r, i, created)));
    }

    static void put(Map<Resource, Long> s, Map<Resource, Long> overrides, Resource r, long dflt) {
        s.put(r, overrides.getOrDefault(r, Math.max(1, dflt)));
    }

    static String cycle(String[] values, long i) {
        int n = values.length;
        long round = (i - 1) / n;
        String v = values[(int) ((i - 1) % n)];
        return round == 0 ? v : v + " " + (round + 1);
    }
}
