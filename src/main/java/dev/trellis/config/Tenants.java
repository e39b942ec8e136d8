package dev.trellis.config;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The tenants this hub works for, bound in the registry as {@code tenants}; live: connections made, changed, paused
 * or removed while the hub runs change it on every instance. Only tenants that may run are here; a paused or
 * disconnected one is only {@linkplain #waiting() waiting}, so everything that iterates {@link #all()} leaves it be.
 */
public final class Tenants {
    /** The hub's tenants in the Camel registry. */
    public static final String BEAN = "tenants";

    private final Map<String, Tenant> live = new ConcurrentHashMap<>();
    private final Map<String, String> waiting = new ConcurrentHashMap<>();
    private final Map<String, Tenant> held = new ConcurrentHashMap<>();
    /** asked for a tenant this instance has not loaded yet (connected on another instance a moment ago) */
    private volatile Function<String, Optional<Tenant>> readThrough = id -> Optional.empty();

    public Tenants(List<Tenant> tenants) {
        tenants.forEach(t -> live.put(t.id(), t));
    }

    public Optional<Tenant> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Tenant found = live.get(id);
        if (found != null || waiting.containsKey(id)) {
            return Optional.ofNullable(found);
        }
        return readThrough.apply(id);
    }

    /** A tenant that runs or waits (paused, disconnected): work for it is accepted and waits. */
    public Optional<Tenant> known(String id) {
        Tenant waitingTenant = id == null ? null : held.get(id);
        return waitingTenant != null ? Optional.of(waitingTenant) : find(id);
    }

    /** Whether this instance runs the tenant now (no read-through). */
    public boolean running(String id) {
        return id != null && live.containsKey(id);
    }

    /** Every tenant that may run, by id. */
    public List<Tenant> all() {
        return live.values().stream().sorted(Comparator.comparing(Tenant::id)).toList();
    }

    public int size() {
        return live.size();
    }

    /** Paused or disconnected tenants (known, not running), with why. */
    public Map<String, String> waiting() {
        return Map.copyOf(waiting);
    }

    /** The tenant runs (connected, changed or resumed). */
    public void put(Tenant tenant) {
        live.put(tenant.id(), tenant);
        waiting.remove(tenant.id());
        held.remove(tenant.id());
    }

    /** The tenant is known but must not run (paused, disconnected, or its secrets cannot be opened here). */
    public void hold(String id, String why) {
        waiting.put(id, why);
        live.remove(id);
        held.remove(id);
    }

    /** As {@link #hold(String, String)}, keeping the tenant so that work for it is still accepted. */
    public void hold(Tenant tenant, String why) {
        hold(tenant.id(), why);
        held.put(tenant.id(), tenant);
    }

    /** The tenant is gone. */
    public void remove(String id) {
        live.remove(id);
        waiting.remove(id);
        held.remove(id);
    }

    public void readThrough(Function<String, Optional<Tenant>> reader) {
        this.readThrough = reader;
    }
}
