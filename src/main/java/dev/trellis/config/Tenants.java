package dev.trellis.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tenants this hub serves, bound in the registry as {@code tenants}. */
public final class Tenants {
    private final Map<String, Tenant> byId = new LinkedHashMap<>();

    public Tenants(List<Tenant> tenants) {
        tenants.forEach(t -> byId.put(t.id(), t));
    }

    public Optional<Tenant> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    public List<Tenant> all() {
        return List.copyOf(byId.values());
    }

    public int size() {
        return byId.size();
    }
}
