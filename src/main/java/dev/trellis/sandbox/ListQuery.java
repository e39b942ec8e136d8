package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A validated v3 list request: page size, sparse field list, record predicates, and hints that let the pager visit
 * few ids (explicit ids, parent ids, a date window). Every bad parameter is a 422 that names it
 * (docs/greenhouse.md#filters).
 */
final class ListQuery {
    static final int MAX_IDS = 50;
    static final int MAX_PER_PAGE = 500;
    static final int DEFAULT_PER_PAGE = 100;

    final Resource resource;
    /** The filters as given (without per_page and cursor), sorted: what a cursor carries. */
    final Map<String, String> params;
    final int perPage;
    final List<Predicate<ObjectNode>> predicates = new ArrayList<>();
    /** Ascending ids from {@code ids=}, or null. */
    long[] explicitIds;
    /** Parent ids from the parent's {@code *_ids} filter, or null. */
    long[] parentIds;
    /** Intersection of date windows on created_at / updated_at / last_activity_at, or null. */
    DateWindow window;
    /** Soft-deleted records are visited too (job posts with active=false). */
    boolean includeDeleted;
    /** Fields to answer with (id first), or null for whole records. */
    List<String> fields;

    private ListQuery(Resource resource, Map<String, String> params, int perPage) {
        this.resource = resource;
        this.params = params;
        this.perPage = perPage;
    }

    boolean matches(ObjectNode rec) {
        for (Predicate<ObjectNode> p : predicates) {
            if (!p.test(rec)) {
                return false;
            }
        }
        return true;
    }

    /** Parses and validates the parameters of a first-page request (one without cursor). */
    static ListQuery parse(Resource r, Map<String, String> raw, int perPageOrZero, OrgGenerator gen,
            Set<String> knownFields) {
        Map<String, ListFilters.Filter> filters = ListFilters.of(r);
        List<String> unknown = new ArrayList<>();
        for (String name : raw.keySet()) {
            if (!filters.containsKey(name) && !name.equals("fields") && !name.equals("per_page")) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.harvest(422, "Invalid query params: " + String.join(", ", unknown));
        }
        int perPage = perPageOrZero > 0 ? perPageOrZero : DEFAULT_PER_PAGE;
        if (raw.containsKey("per_page")) {
            perPage = perPage(raw.get("per_page"));
        }
        Map<String, String> params = new TreeMap<>(raw);
        params.remove("per_page");
        ListQuery q = new ListQuery(r, params, perPage);
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (value.isEmpty()) {
                throw ApiException.harvest(422, "Invalid query params: " + name + " (empty value)");
            }
            if (name.equals("fields")) {
                q.fields = fieldList(value, knownFields);
                continue;
            }
            q.add(filters.get(name), value, gen);
        }
        q.addDefaults(params, gen);
        return q;
    }

    static int perPage(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_PER_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the 422
        }
        throw ApiException.harvest(422, "Invalid query params: per_page (must be an integer from 1 to 500)");
    }

    private static List<String> fieldList(String value, Set<String> known) {
        String[] names = value.split(",");
        if (names.length > MAX_IDS) {
            throw ApiException.harvest(422, "Invalid query params: fields (at most 50 fields)");
        }
        Set<String> out = new LinkedHashSet<>();
        out.add("id");
        for (String n : names) {
            String f = n.trim();
            if (!known.contains(f)) {
                throw ApiException.harvest(422, "Invalid query params: fields (unknown field " + f + ")");
            }
            out.add(f);
        }
        return new ArrayList<>(out);
    }

    private void add(ListFilters.Filter f, String value, OrgGenerator gen) {
        String field = f.field();
        switch (f.kind()) {
            case IDS -> {
                long[] ids = ids(f.param(), value);
                Set<Long> set = new java.util.HashSet<>();
                for (long id : ids) {
                    set.add(id);
                }
                predicates.add(rec -> {
                    JsonNode v = rec.get(field);
                    return v != null && !v.isNull() && set.contains(v.asLong());
                });
                if (f.param().equals("ids")) {
                    explicitIds = ids;
                } else if (field.equals(resource.parentField())) {
                    parentIds = ids;
                }
            }
            case DATE -> {
                DateWindow w = DateWindow.parse(f.param(), value);
                predicates.add(rec -> {
                    JsonNode v = rec.get(field);
                    return v != null && v.isTextual() && w.contains(Instant.parse(v.asText()).toEpochMilli());
                });
                if (field.equals("created_at") || field.equals("updated_at") || field.equals("last_activity_at")
                        || field.equals("submitted_at") && resource == Resource.EEOC) {
                    window = window == null ? w : window.intersect(w);
                }
            }
            case TEXT -> predicates.add(rec -> {
                JsonNode v = rec.get(field);
                return v != null && v.isTextual() && v.asText().equals(value);
            });
            case NUMBER -> {
                long n = number(f.param(), value);
                predicates.add(rec -> {
                    JsonNode v = rec.get(field);
                    return v != null && v.isNumber() && v.asLong() == n;
                });
            }
            case BOOLEAN -> {
                boolean b = bool(f.param(), value);
                predicates.add(rec -> {
                    JsonNode v = rec.get(field);
                    return v != null && v.isBoolean() && v.asBoolean() == b;
                });
            }
            case ENUM -> {
                if (!f.values().contains(value)) {
                    throw ApiException.harvest(422, "Invalid query params: " + f.param() + " (must be one of "
                            + String.join(", ", f.values()) + ")");
                }
                String wanted = resource == Resource.APPLICATIONS && value.equals("active") ? "in_process" : value;
                predicates.add(rec -> {
                    JsonNode v = rec.get(field);
                    return v != null && wanted.equals(v.asText());
                });
            }
            case SPECIAL -> special(f, value, gen);
            default -> throw new IllegalStateException();
        }
    }

    private void special(ListFilters.Filter f, String value, OrgGenerator gen) {
        switch (f.param()) {
            case "email" -> predicates.add(rec -> anyText(rec.get(f.field()), value));
            case "office_id" -> {
                long n = number(f.param(), value);
                predicates.add(rec -> {
                    for (JsonNode v : rec.path("office_ids")) {
                        if (v.asLong() == n) {
                            return true;
                        }
                    }
                    return false;
                });
            }
            case "custom_field_key" -> {
                Set<Long> fields = new java.util.TreeSet<>();
                for (long i = 1; i <= gen.size(Resource.CUSTOM_FIELDS); i++) {
                    if (gen.customFieldKey(i).equals(value)) {
                        fields.add(OrgGenerator.id(Resource.CUSTOM_FIELDS, i));
                    }
                }
                predicates.add(rec -> fields.contains(rec.path(f.field()).asLong()));
                long[] ids = fields.stream().mapToLong(Long::longValue).toArray();
                // the pager visits only these fields' options (with custom_field_ids too: both must hold)
                parentIds = parentIds == null ? ids
                        : Arrays.stream(parentIds).filter(fields::contains).toArray();
            }
            case "show_service_accounts", "include_defaults", "active" -> bool(f.param(), value);
            default -> throw new IllegalStateException(f.param());
        }
    }

    private static boolean anyText(JsonNode list, String value) {
        if (list == null) {
            return false;
        }
        for (JsonNode v : list) {
            String text = v.isObject() ? v.path("value").asText() : v.asText();
            if (text.equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    /** Filters that apply even when their parameter is absent. */
    private void addDefaults(Map<String, String> params, OrgGenerator gen) {
        switch (resource) {
            case USERS -> {
                if (!"true".equals(params.get("show_service_accounts"))) {
                    long base = Resource.USERS.idBase();
                    predicates.add(rec -> !gen.isServiceAccount(rec.get("id").asLong() - base));
                }
            }
            case REJECTION_REASONS -> {
                if (!"true".equals(params.get("include_defaults"))) {
                    long base = Resource.REJECTION_REASONS.idBase();
                    predicates.add(rec -> !gen.isDefaultRejectionReason(rec.get("id").asLong() - base));
                }
            }
            case JOB_POSTS -> {
                // deleted posts are listed only with active=false (docs/greenhouse.md#filters)
                boolean active = !"false".equals(params.get("active"));
                includeDeleted = !active;
                predicates.add(rec -> rec.path("active").asBoolean() == active);
            }
            default -> {
            }
        }
    }

    static long[] ids(String param, String value) {
        String[] parts = value.split(",");
        if (parts.length > MAX_IDS) {
            throw ApiException.harvest(422, "Invalid query params: " + param + " (at most 50 ids, got "
                    + parts.length + ")");
        }
        long[] ids = new long[parts.length];
        for (int k = 0; k < parts.length; k++) {
            ids[k] = number(param, parts[k].trim());
            if (ids[k] <= 0) {
                throw ApiException.harvest(422, "Invalid query params: " + param + " (ids must be positive integers)");
            }
        }
        Arrays.sort(ids);
        return Arrays.stream(ids).distinct().toArray();
    }

    private static long number(String param, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.harvest(422, "Invalid query params: " + param + " (not an integer: " + value + ")");
        }
    }

    private static boolean bool(String param, String value) {
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw ApiException.harvest(422, "Invalid query params: " + param + " (must be true or false)");
    }

    /** The record restricted to the requested fields. */
    ObjectNode project(ObjectNode rec) {
        if (fields == null) {
            return rec;
        }
        ObjectNode out = Json.object();
        for (String f : fields) {
            JsonNode v = rec.get(f);
            out.set(f, v);
        }
        return out;
    }
}
