package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The organisation's data: generated records plus overlays, reads by id, and the primitive changes (create,
 * update, cascading delete). Changes get {@code updated_at} = the sandbox's now, so incremental syncs see them.
 */
final class Organisation {
    private final OrgGenerator generator;
    private final Timeline time;
    private final SandboxClock clock;
    private final Map<Resource, Table> tables = new EnumMap<>(Resource.class);

    Organisation(OrgGenerator generator, SandboxClock clock, long createdIdsAbove) {
        this.generator = generator;
        this.time = generator.timeline();
        this.clock = clock;
        for (Resource r : Resource.values()) {
            tables.put(r, new Table(r, time.size(r), createdIdsAbove));
        }
    }

    OrgGenerator generator() {
        return generator;
    }

    Timeline timeline() {
        return time;
    }

    Table table(Resource r) {
        return tables.get(r);
    }

    String now() {
        return Timeline.iso(clock.millis());
    }

    /** The record, or null when it does not exist or is deleted. */
    ObjectNode get(Resource r, long id) {
        Table t = tables.get(r);
        if (t.deleted.contains(id)) {
            return null;
        }
        return getIncludingDeleted(r, id);
    }

    /** The record even when (soft-)deleted; null when it never existed or was removed for good. */
    ObjectNode getIncludingDeleted(Resource r, long id) {
        Table t = tables.get(r);
        ObjectNode c = t.created.get(id);
        if (c != null) {
            return asOfNow(r, c);
        }
        ObjectNode changed = t.changed.get(id);
        if (changed != null) {
            return asOfNow(r, changed);
        }
        long index = t.indexOf(id);
        if (index < 0) {
            return null;
        }
        return asOfNow(r, generator.generate(r, index));
    }

    /**
     * What depends on the time of reading: the current stage's days_in_stage counts up to now, as Greenhouse computes
     * it, without a change to updated_at. Stored records are not touched: a copy is answered.
     */
    private ObjectNode asOfNow(Resource r, ObjectNode rec) {
        if (r != Resource.APPLICATION_STAGES || !rec.path("current").asBoolean()) {
            return rec;
        }
        ObjectNode copy = rec.deepCopy();
        Long days = OrgGenerator.daysInStage(rec.path("entered_at").textValue(), clock.millis());
        if (days == null) {
            copy.putNull("days_in_stage");
        } else {
            copy.put("days_in_stage", days);
        }
        return copy;
    }

    boolean exists(Resource r, long id) {
        Table t = tables.get(r);
        return !t.deleted.contains(id) && (t.created.containsKey(id)
                || t.indexOf(id) > 0 && generator.areas().exists(r, t.indexOf(id)));
    }

    /** Creates a record from the given fields; id, created_at and updated_at are set here. */
    synchronized ObjectNode create(Resource r, ObjectNode fields) {
        Table t = tables.get(r);
        long id = t.newId();
        ObjectNode rec = Json.object();
        rec.put("id", id);
        rec.setAll(fields);
        String now = now();
        rec.put("created_at", now);
        rec.put("updated_at", now);
        t.created.put(id, rec);
        t.touched.add(id);
        return rec;
    }

    /** Applies a change to a copy of the record and stores it with a fresh updated_at; null if absent. */
    synchronized ObjectNode update(Resource r, long id, Consumer<ObjectNode> change) {
        ObjectNode current = get(r, id);
        if (current == null) {
            return null;
        }
        ObjectNode copy = current.deepCopy();
        change.accept(copy);
        copy.put("updated_at", now());
        store(r, id, copy);
        return copy;
    }

    private void store(Resource r, long id, ObjectNode rec) {
        Table t = tables.get(r);
        if (t.created.containsKey(id)) {
            t.created.put(id, rec);
        } else {
            t.changed.put(id, rec);
        }
        t.touched.add(id);
    }

    /**
     * Deletes a record and, first, its children (so relations keep holding). Job posts are soft-deleted: they stay
     * readable with active=false. Returns what was deleted, per resource.
     */
    synchronized Map<Resource, List<Long>> delete(Resource r, long id) {
        Map<Resource, List<Long>> out = new LinkedHashMap<>();
        if (exists(r, id)) {
            deleteTree(r, id, out);
        }
        return out;
    }

    private void deleteTree(Resource r, long id, Map<Resource, List<Long>> out) {
        for (Resource child : Resource.values()) {
            if (child.parent() == r) {
                for (long c : childIds(child, id)) {
                    deleteTree(child, c, out);
                }
            }
        }
        Table t = tables.get(r);
        if (r == Resource.JOB_POSTS) {
            ObjectNode copy = get(r, id).deepCopy();
            copy.put("active", false);
            copy.put("live", false);
            copy.put("updated_at", now());
            store(r, id, copy);
        }
        t.deleted.add(id);
        out.computeIfAbsent(r, k -> new ArrayList<>()).add(id);
    }

    /** Ids of the existing children of a parent (generated range plus created records pointing at it), ascending. */
    long[] childIds(Resource child, long parentId) {
        TreeSet<Long> ids = new TreeSet<>();
        Table t = tables.get(child);
        Table parentTable = tables.get(child.parent());
        long p = parentTable.indexOf(parentId);
        if (p > 0) {
            for (long i = time.firstChild(child, p); i <= time.lastChild(child, p); i++) {
                long id = child.idBase() + i;
                if (!t.deleted.contains(id) && generator.areas().exists(child, i)) {
                    ids.add(id);
                }
            }
        }
        String field = child.parentField();
        for (ObjectNode rec : t.created.values()) {
            JsonNode fk = rec.get(field);
            long id = rec.get("id").asLong();
            if (fk != null && fk.asLong() == parentId && !t.deleted.contains(id)) {
                ids.add(id);
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Visits every existing record of a resource, generated ones first, in ascending id order. */
    void forEach(Resource r, Consumer<ObjectNode> visitor) {
        Table t = tables.get(r);
        for (long i = 1; i <= t.generated; i++) {
            long id = r.idBase() + i;
            if (!t.deleted.contains(id)) {
                ObjectNode changed = t.changed.get(id);
                ObjectNode rec = changed != null ? changed : generator.generate(r, i);
                if (rec != null) {
                    visitor.accept(asOfNow(r, rec));
                }
            }
        }
        for (ObjectNode rec : t.created.values()) {
            if (!t.deleted.contains(rec.get("id").asLong())) {
                visitor.accept(asOfNow(r, rec));
            }
        }
    }

    Map<Resource, Long> counts() {
        Map<Resource, Long> out = new LinkedHashMap<>();
        for (Resource r : Resource.values()) {
            out.put(r, tables.get(r).count() - generator.areas().gaps(r));
        }
        return out;
    }

    /** Deleted ids of one resource, ascending. */
    List<Long> deletedIds(Resource r) {
        return new ArrayList<>(new TreeSet<>(tables.get(r).deleted));
    }
}
