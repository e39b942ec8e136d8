package dev.trellis.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiException;
import dev.trellis.check.CheckResult;
import dev.trellis.check.CheckService;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.TokenCache;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's connections, live: made, checked, changed, paused and removed while it runs, on every instance. The
 * database is the truth; each instance applies a connection's row (its revision) to its {@link Tenants} registry:
 * the one that changed it at once, the others within a refresh period. Only {@code active} and
 * {@code needs_attention} tenants run; a paused or disconnected one waits with its streams, outbox and status syncs.
 */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    private static final Duration RECHECK_AT_MOST_EVERY = Duration.ofMinutes(1);

    private final TenantStore store;
    private final TenantPurge purge;
    private final Tenants tenants;
    private final SecretMasker masker;
    private final CheckService checks;
    private final TokenCache tokens;
    private final Consumer<String> startStreams;
    private final Executor background;
    private final Clock clock;
    /** tenants of config/tenants files and the demo, by id: their settings are not in the database */
    private final Map<String, Tenant> local = new ConcurrentHashMap<>();
    /** what this instance runs or holds for each known tenant, and the row revision that gave it */
    private final Map<String, Tenant> applied = new ConcurrentHashMap<>();
    private final Map<String, Long> revisions = new ConcurrentHashMap<>();
    /** tenants whose secrets this instance cannot open, with why */
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastRecheck = new ConcurrentHashMap<>();
    private volatile Map<String, Integer> counts = Map.of();
    /** at start-up a stored check may be old: this instance's own start-up check decides */
    private volatile boolean starting;

    Connections(TenantStore store, TenantPurge purge, Tenants tenants, SecretMasker masker, CheckService checks,
            TokenCache tokens, Consumer<String> startStreams, Executor background, Clock clock) {
        this.store = store;
        this.purge = purge;
        this.tenants = tenants;
        this.masker = masker;
        this.checks = checks;
        this.tokens = tokens;
        this.startStreams = startStreams;
        this.background = background;
        this.clock = clock;
    }

    /** At start-up: records the file (or demo) tenants, then loads every connection made through the API. */
    void start(List<Tenant> fileTenants, String source) throws SQLException {
        starting = true;
        try {
            for (Tenant t : fileTenants) {
                addLocal(t, source);
            }
            refresh();
        } finally {
            starting = false;
        }
    }

    /** A tenant file appeared or changed (or the demo started); false when the API owns that id. */
    boolean addLocal(Tenant tenant, String source) throws SQLException {
        boolean ranBefore = starting || tenants.running(tenant.id());
        if (!store.upsertFileTenant(tenant.id(), source, tenant.source())) {
            LOG.error("Tenant {} of {} is ignored: a connection with that id was made through the API (remove one "
                    + "of them)", tenant.id(), tenant.source());
            return false;
        }
        local.put(tenant.id(), tenant);
        revisions.remove(tenant.id());
        TenantStore.Row row = load(tenant.id()).orElse(null);
        if (row != null) {
            startIfNew(tenant.id(), ranBefore, row.status()); // a file added while running starts its tenant here
        }
        return true;
    }

    /** Checks a tenant whose file appeared or changed (its streams were queued when it was applied). */
    void checkLocal(String id) {
        background.execute(() -> {
            Optional<Tenant> tenant = tenants.find(id);
            if (tenant.isEmpty()) {
                return;
            }
            try {
                checks.check(tenant.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("Could not check tenant {}: {}", id, e.getMessage());
            }
        });
    }

    /** A tenant file went away: the tenant stops here; its rows stay. */
    void removeLocal(String id) throws SQLException {
        if (local.remove(id) != null) {
            store.delete(id);
            drop(id);
        }
    }

    boolean isLocal(String id) {
        return local.containsKey(id);
    }

    /** Applies every row whose revision this instance has not applied, and drops connections removed elsewhere. */
    synchronized void refresh() throws SQLException {
        Map<String, Long> rows = store.revisions();
        for (Map.Entry<String, Long> row : rows.entrySet()) {
            if (!row.getValue().equals(revisions.get(row.getKey()))) {
                load(row.getKey());
            }
        }
        for (String id : Set.copyOf(revisions.keySet())) {
            if (!rows.containsKey(id)) {
                drop(id);
            }
        }
        counts = store.countByStatus();
    }

    /**
     * Starts a tenant this instance connected, changed or resumed (queues its streams, imports its jobs) when it did
     * not run before the change: one instance starts it, not every one. {@code ranBefore} is read before the change
     * is written, since the refresh may apply the new row to this instance meanwhile.
     */
    private void startIfNew(String id, boolean ranBefore, String status) {
        if (!ranBefore && runs(status)) {
            startStreams.accept(id);
        }
    }

    /** Reads one row and applies it here (a change this or another instance made, or a refresh). */
    synchronized Optional<TenantStore.Row> load(String id) throws SQLException {
        Optional<TenantStore.Row> found = store.find(id);
        if (found.isEmpty()) {
            drop(id);
            return found;
        }
        TenantStore.Row row = found.get();
        Tenant tenant;
        if (row.source().equals("api")) {
            try {
                tenant = store.spec(row).tenant(sourceOf(id));
                unreadable.remove(id);
            } catch (SecretBox.Unreadable e) {
                if (unreadable.put(id, e.getMessage()) == null) {
                    LOG.error("Connection {} is not started on this instance: {}", id, e.getMessage());
                }
                tenants.hold(id, "secrets unreadable here: " + e.getMessage());
                revisions.put(id, row.revision());
                return found;
            }
        } else {
            tenant = local.get(id);
            if (tenant == null) {
                return found; // a file of another instance
            }
        }
        Tenant before = applied.put(id, tenant);
        if (before != null && !Objects.equals(before.harvest(), tenant.harvest())) {
            tokens.forget(id);
        }
        masker.remember(tenant.secrets());
        if (runs(row.status())) {
            if (!starting) {
                recordStoredCheck(tenant, row.lastCheck());
            }
            tenants.put(tenant);
        } else {
            tenants.hold(tenant, row.status() + reasonLine(row.reasons()));
            // reported by the connections health check; its missing permissions are not the hub's problem meanwhile
            checks.forget(id);
        }
        revisions.put(id, row.revision());
        return found;
    }

    private void drop(String id) {
        tenants.remove(id);
        tokens.forget(id);
        grants.values().forEach(g -> g.forget(id));
        checks.forget(id);
        applied.remove(id);
        revisions.remove(id);
        unreadable.remove(id);
    }

    /** Another instance's check: kept here too, so this instance's outbox waits for the same missing scopes. */
    private void recordStoredCheck(Tenant tenant, JsonNode check) {
        if (check == null || !check.has("rows")) {
            return;
        }
        try {
            CheckResult stored = CheckResult.fromJson(check);
            if (checks.latest(tenant.id()).map(r -> !r.checkedAt().isBefore(stored.checkedAt())).orElse(false)) {
                return;
            }
            checks.apply(tenant, stored);
        } catch (Exception e) {
            LOG.warn("Could not apply the stored check of tenant {}: {}", tenant.id(), e.getMessage());
        }
    }

    // ---- what the API does (TenantApi) -------------------------------------------------------------------------

    record Checked(ConnectionSpec spec, CheckResult result, ConnectionStatus status) {
    }

    // ---- partner connections (OAuth authorization code) ---------------------------------------------------------

    private volatile PartnerSettings partner;
    private volatile Map<GrantApi, PartnerGrants> grants = Map.of();

    void partner(PartnerSettings settings, Map<GrantApi, PartnerGrants> partnerGrants) {
        this.partner = settings;
        this.grants = Map.copyOf(partnerGrants);
    }

    /**
     * Saves a grant just authorized, with its tokens, in one transaction: a new partner connection, or an API
     * connection whose Harvest part becomes (again) the grant; then checks it with the grant's tokens and runs it (its
     * streams go on where they left off).
     */
    TenantStore.Row connectPartner(String id, GrantApi api, PartnerGrants.TokenAnswer answer) throws Exception {
        // saved before its check: the refresh may run it meanwhile, and only this instance starts it
        boolean ranBefore = tenants.running(id);
        Optional<TenantStore.Row> existing = store.find(id);
        if (existing.isPresent() && !existing.get().source().equals("api")) {
            throw ApiException.conflict("Tenant " + id + " comes from " + Objects.requireNonNullElse(
                    existing.get().file(), existing.get().source()) + ": change or remove it there");
        }
        ConnectionSpec spec = existing.isEmpty() ? ConnectionSpec.partner(id, api, partner)
                : openSpec(existing.get()).withGrant(api, partner);
        PartnerGrants grant = grants.get(api);
        if (!store.savePartner(spec, api, c -> grant.write(c, id, answer))) {
            throw ApiException.conflict("Tenant " + id + " was made from a file meanwhile");
        }
        grant.cached(id, answer);
        tokens.forget(id);
        lastRecheck.remove(id);
        Tenant tenant = spec.tenant(sourceOf(id));
        CheckResult result = checks.dryRun(tenant);
        ConnectionStatus status = ConnectionStatus.of(result);
        String next = status.usable() ? status.status()
                : status.refused() ? ConnectionStatus.DISCONNECTED : ConnectionStatus.NEEDS_ATTENTION;
        store.status(id, next, status.reasons(), json(result), result.checkedAt());
        if (runs(next)) {
            checks.apply(tenant, result);
        }
        TenantStore.Row row = load(id).orElseThrow();
        startIfNew(id, ranBefore, row.status());
        LOG.info("Partner connection {} ({}) {}: {}", id, api.label, existing.isEmpty() ? "created"
                : "authorized", row.status());
        return row;
    }

    private boolean deadGrant(String id) throws SQLException {
        for (PartnerGrants g : grants.values()) {
            if (g.dead(id)) {
                return true;
            }
        }
        return false;
    }

    /** Greenhouse no longer accepts a partner grant: disconnected on every instance, its polling stops. */
    void disconnect(String id, String detail) {
        try {
            Optional<TenantStore.Row> row = store.find(id);
            if (row.isEmpty() || row.get().status().equals(ConnectionStatus.DISCONNECTED)) {
                return;
            }
            Map<String, Object> reason = new java.util.LinkedHashMap<>();
            reason.put("feature", "credentials");
            reason.put("permission", "partner-grant");
            reason.put("status", "missing");
            reason.put("detail", detail);
            store.status(id, ConnectionStatus.DISCONNECTED, List.of(reason), null, null);
            LOG.warn("Connection {} is now disconnected: {}", id, detail);
            load(id);
        } catch (SQLException e) {
            LOG.warn("Could not mark tenant {} disconnected: {}", id, e.getMessage());
        }
    }

    /** Checks a proposed connection without saving anything. */
    Checked check(ConnectionSpec spec) throws InterruptedException {
        CheckResult result = checks.dryRun(spec.tenant(sourceOf(spec.id())));
        return new Checked(spec, result, ConnectionStatus.of(result));
    }

    /** Checks, then saves and starts a new connection; 409 for a taken id, 422 when nothing is usable. */
    TenantStore.Row create(ConnectionSpec spec) throws Exception {
        refuseTaken(spec.id());
        Checked checked = check(spec);
        refuseUnusable(checked);
        if (!store.insert(spec, checked.status(), json(checked.result()), checked.result().checkedAt())) {
            refuseTaken(spec.id());
        }
        LOG.info("Connection {} created: {}", spec.id(), checked.status().status());
        // saved: whatever fails from here must not answer an error (a retry would get 409); the refresh applies it
        Instant now = clock.instant();
        TenantStore.Row row = new TenantStore.Row(spec.id(), spec.name(), "api", null, checked.status().status(),
                checked.status().reasons(), json(checked.result()), checked.result().checkedAt(), now, now, 1,
                spec.settings());
        try {
            checks.apply(spec.tenant(sourceOf(spec.id())), checked.result());
            row = load(spec.id()).orElse(row);
            startIfNew(spec.id(), false, row.status());
        } catch (Exception e) {
            LOG.warn("Connection {} is saved but not started yet ({}): the next refresh runs it, its streams at their "
                    + "next schedule (or at once with POST /api/streams/{tenant}/{stream}/sync)", spec.id(),
                    e.getMessage());
            revisions.remove(spec.id());
        }
        return row;
    }

    /** Checks the changed connection first; saves and swaps it on every instance only when it is usable. */
    TenantStore.Row change(String id, JsonNode body) throws Exception {
        TenantStore.Row row = apiRow(id);
        boolean ranBefore = tenants.running(id);
        ConnectionSpec spec = openSpec(row).merge(body, true);
        Checked checked = check(spec);
        refuseUnusable(checked);
        boolean paused = row.status().equals(ConnectionStatus.PAUSED);
        String status = paused ? ConnectionStatus.PAUSED : checked.status().status();
        List<Map<String, Object>> reasons = paused ? row.reasons() : checked.status().reasons();
        if (!store.update(spec, status, reasons, json(checked.result()), checked.result().checkedAt())) {
            throw ApiException.notFound("Unknown tenant '" + id + "'");
        }
        // swap here before the result lifts any pause: a freed outbox item must go out with the new credential
        load(id);
        tokens.forget(id);
        Tenant tenant = spec.tenant(sourceOf(id));
        checks.apply(tenant, checked.result());
        TenantStore.Row changed = load(id).orElseThrow();
        startIfNew(id, ranBefore, changed.status());
        LOG.info("Connection {} changed: {}", id, changed.status());
        return changed;
    }

    TenantStore.Row pause(String id) throws SQLException {
        TenantStore.Row row = row(id);
        if (!row.status().equals(ConnectionStatus.PAUSED)) {
            store.status(id, ConnectionStatus.PAUSED, List.of(Map.of("detail", "paused through the API at "
                    + clock.instant())), null, null);
            LOG.info("Connection {} paused", id);
        }
        return load(id).orElseThrow();
    }

    /** Checks again and runs the tenant if anything is usable; the status says what the check found. */
    TenantStore.Row resume(String id) throws Exception {
        TenantStore.Row row = row(id);
        if (runs(row.status())) {
            return row;
        }
        boolean ranBefore = tenants.running(id);
        Tenant tenant = row.source().equals("api") ? openSpec(row).tenant(sourceOf(id)) : local.get(id);
        if (tenant == null) {
            throw ApiException.conflict("Tenant " + id + " comes from " + row.file() + ", which this instance does "
                    + "not have; resume it on an instance that has the file");
        }
        CheckResult result = checks.dryRun(tenant);
        ConnectionStatus status = ConnectionStatus.of(result);
        String next = status.usable() ? status.status() : status.status().equals(ConnectionStatus.DISCONNECTED)
                ? ConnectionStatus.DISCONNECTED : row.status();
        store.status(id, next, status.reasons(), json(result), result.checkedAt());
        if (runs(next)) {
            checks.apply(tenant, result);
        }
        TenantStore.Row resumed = load(id).orElseThrow();
        startIfNew(id, ranBefore, resumed.status());
        LOG.info("Connection {} resumed: {}", id, resumed.status());
        return resumed;
    }

    /** Removes a connection on every instance and erases its secrets; its rows stay unless {@code purge}. */
    Map<String, Object> remove(String id, boolean purgeRows) throws SQLException, InterruptedException {
        Optional<TenantStore.Row> row = store.find(id);
        if (row.isEmpty() && !(purgeRows && purge.hasRows(id))) {
            throw ApiException.notFound("Unknown tenant '" + id + "'");
        }
        if (row.isPresent()) {
            refuseLocal(row.get());
            store.delete(id);
            drop(id);
            LOG.info("Connection {} removed; its secrets are erased", id);
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("id", id);
        out.put("removed", row.isPresent());
        if (purgeRows) {
            Map<String, Long> purged = purge.purge(id);
            LOG.info("Connection {} purged: {}", id, purged);
            out.put("purged", purged);
        } else {
            out.put("kept", "synced rows, stream state, outbox history and dead letters (DELETE ?purge=true removes "
                    + "them)");
        }
        return out;
    }

    /** Told by the hub's checks (start-up, hourly, {@code GET /api/tenants/{id}/check}): keeps the status. */
    void checked(Tenant tenant, CheckResult result) {
        try {
            Optional<TenantStore.Row> found = store.find(tenant.id());
            if (found.isEmpty() || found.get().status().equals(ConnectionStatus.PAUSED)) {
                return;
            }
            if (found.get().status().equals(ConnectionStatus.DISCONNECTED) && deadGrant(tenant.id())) {
                return; // only a new authorization brings a dead grant back
            }
            ConnectionStatus status = ConnectionStatus.of(result);
            String next = status.undecided() ? found.get().status() : status.status();
            store.status(tenant.id(), next, status.undecided() ? found.get().reasons() : status.reasons(),
                    json(result), result.checkedAt());
            if (!next.equals(found.get().status())) {
                LOG.warn("Connection {} is now {}{}", tenant.id(), next, reasonLine(status.reasons()));
            }
            load(tenant.id());
        } catch (SQLException e) {
            LOG.warn("Could not record the check of tenant {}: {}", tenant.id(), e.getMessage());
        }
    }

    /** Greenhouse refused a tenant's credentials while it ran: check it again now (at most once a minute). */
    void refused(String id, String message) {
        Instant now = clock.instant();
        Instant last = lastRecheck.get(id);
        if (last != null && last.plus(RECHECK_AT_MOST_EVERY).isAfter(now) || !applied.containsKey(id)) {
            return;
        }
        lastRecheck.put(id, now);
        LOG.warn("Greenhouse refused the credentials of tenant {}; checking the connection again", id);
        background.execute(() -> {
            Optional<Tenant> tenant = tenants.find(id);
            if (tenant.isPresent()) {
                try {
                    checks.check(tenant.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    LOG.warn("Could not check tenant {} again: {}", id, e.getMessage());
                }
            }
        });
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    Optional<TenantStore.Row> find(String id) throws SQLException {
        return store.find(id);
    }

    TenantStore.Row row(String id) throws SQLException {
        return store.find(id).orElseThrow(() -> ApiException.notFound("Unknown tenant '" + id + "'"));
    }

    List<TenantStore.Row> list(String search, String status, String after, int limit) throws SQLException {
        return store.list(search, status, after, limit);
    }

    ConnectionSpec openSpec(TenantStore.Row row) throws SQLException {
        try {
            return store.spec(row);
        } catch (SecretBox.Unreadable e) {
            throw new ApiException(409, "The secrets of tenant " + row.id() + " cannot be opened on this instance: "
                    + e.getMessage());
        }
    }

    Map<String, String> unreadable() {
        return Map.copyOf(unreadable);
    }

    Map<String, Integer> keyUse() throws SQLException {
        return store.keyUse();
    }

    TenantStore.Rotation rotateKeys() throws SQLException {
        return store.rotate();
    }

    String currentKeyId() {
        return store.currentKeyId();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static boolean runs(String status) {
        return status.equals(ConnectionStatus.ACTIVE) || status.equals(ConnectionStatus.NEEDS_ATTENTION);
    }

    /** What messages about an API connection point to, where a file tenant's name its file. */
    private static String sourceOf(String id) {
        return "connection " + id + " (PATCH /api/tenants/" + id + ")";
    }

    private TenantStore.Row apiRow(String id) throws SQLException {
        TenantStore.Row row = row(id);
        refuseLocal(row);
        return row;
    }

    private static void refuseLocal(TenantStore.Row row) {
        if (row.source().equals("file")) {
            throw ApiException.conflict("Tenant " + row.id() + " comes from the file " + row.file()
                    + ": change or remove that file (Trellis applies it while running)");
        }
        if (row.source().equals("demo")) {
            throw ApiException.conflict("Tenant " + row.id() + " is the built-in demo; it goes when a tenant file "
                    + "or a connection exists and Trellis restarts");
        }
    }

    private void refuseTaken(String id) throws SQLException {
        Optional<TenantStore.Row> row = store.find(id);
        if (row.isPresent()) {
            throw ApiException.conflict("Tenant '" + id + "' exists already" + (row.get().file() == null ? ""
                    : " (from " + row.get().file() + ")") + "; change it with PATCH /api/tenants/" + id);
        }
    }

    private static void refuseUnusable(Checked checked) {
        if (!checked.status().usable() || checked.status().refused()) {
            throw new Unusable(checked);
        }
    }

    /** Nothing configured works: answered 422 with the check's table and fixes, nothing saved. */
    static final class Unusable extends RuntimeException {
        final transient Checked checked;

        Unusable(Checked checked) {
            super("nothing configured is usable");
            this.checked = checked;
        }
    }

    private static JsonNode json(CheckResult result) {
        return ConnectionSpec.JSON.valueToTree(result.toMap());
    }

    private static String reasonLine(List<Map<String, Object>> reasons) {
        if (reasons.isEmpty()) {
            return "";
        }
        Map<String, Object> first = reasons.get(0);
        Object what = first.get("permission") != null ? first.get("feature") + " " + first.get("permission") + " "
                + first.get("status") : first.get("detail");
        return ": " + what + (reasons.size() > 1 ? " (+" + (reasons.size() - 1) + " more)" : "");
    }

    /** For the status gauge: every status with its count, zero included. */
    Map<String, Integer> countsWithZeros() {
        Map<String, Integer> out = new HashMap<>();
        for (String s : List.of(ConnectionStatus.ACTIVE, ConnectionStatus.NEEDS_ATTENTION, ConnectionStatus.PAUSED,
                ConnectionStatus.DISCONNECTED)) {
            out.put(s, counts.getOrDefault(s, 0));
        }
        return out;
    }
}
