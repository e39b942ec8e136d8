package dev.trellis.check;

import dev.trellis.api.ApiException;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.sync.StreamCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check inside the hub: runs it for a tenant (or all, at start-up and hourly), keeps the result in the
 * {@link PermissionRegistry}, pauses and resumes the tenant's streams, and answers
 * {@code GET /api/tenants/{tenant}/check}.
 */
public final class CheckService {
    private static final Logger LOG = LoggerFactory.getLogger(CheckService.class);
    public static final String BEAN = "checkService";

    private final CamelContext context;
    private final Tenants tenants;
    private final ConnectionCheck check;
    private final PermissionRegistry registry;
    private final StreamPauses pauses;
    private final JsonResponse response;
    private final List<BiConsumer<Tenant, CheckResult>> listeners = new CopyOnWriteArrayList<>();

    public CheckService(CamelContext context, Tenants tenants, ConnectionCheck check, PermissionRegistry registry,
            StreamPauses pauses, JsonResponse response) {
        this.context = context;
        this.tenants = tenants;
        this.check = check;
        this.registry = registry;
        this.pauses = pauses;
        this.response = response;
    }

    /** Told every result the hub records (the connections keep the tenant's status from it). */
    public void onResult(BiConsumer<Tenant, CheckResult> listener) {
        listeners.add(listener);
    }

    /** Checks one tenant now without recording anything: a proposed connection. */
    public CheckResult dryRun(Tenant tenant) throws InterruptedException {
        return check.check(tenant, StreamCatalog.of(context));
    }

    /** Checks one tenant now, records the result and applies it to the tenant's streams. */
    public CheckResult check(Tenant tenant) throws Exception {
        CheckResult result = dryRun(tenant);
        apply(tenant, result);
        listeners.forEach(l -> l.accept(tenant, result));
        return result;
    }

    /** Records a result (of this instance's check, or one another instance stored) without telling the listeners. */
    public void apply(Tenant tenant, CheckResult result) throws Exception {
        List<StreamCatalog.Entry> streams = StreamCatalog.of(context);
        registry.record(result);
        List<StreamCatalog.Entry> covering = tenant.harvest().isEmpty() ? List.of()
                : streams.stream().filter(s -> s.covers(tenant.id())).toList();
        StreamPauses.Changes changes = pauses.apply(result, covering);
        if (result.usable()) {
            LOG.info("Connection check of tenant {}: everything enabled is usable ({} permissions){}", tenant.id(),
                    result.rows().size(), changes.resumed().isEmpty() ? "" : "; streams resumed: " + changes.resumed());
        } else {
            LOG.warn("Connection check of tenant {}: {} problem(s): {}{}{}. Fix: {}", tenant.id(),
                    result.problems().size(), result.problems().stream().map(r -> r.feature() + " " + r.permission()
                            + " " + r.status().label()).collect(Collectors.joining(", ")),
                    changes.paused().isEmpty() ? "" : "; streams paused: " + changes.paused(),
                    changes.resumed().isEmpty() ? "" : "; streams resumed: " + changes.resumed(),
                    String.join(" | ", result.fix()));
        }
    }

    public Optional<CheckResult> latest(String tenant) {
        return registry.latest(tenant);
    }

    /** A removed tenant: its results and gauges go. */
    public void forget(String tenant) {
        registry.forget(tenant);
    }

    /** Every tenant, one after the other; a failure is logged and never stops the others (the timer route). */
    public List<CheckResult> checkAll() {
        List<CheckResult> out = new ArrayList<>();
        for (Tenant t : tenants.all()) {
            try {
                out.add(check(t));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            } catch (Exception e) {
                LOG.error("Connection check of tenant {} failed: {}", t.id(), e.getMessage(), e);
            }
        }
        return out;
    }

    /** {@code GET /api/tenants/{tenant}/check}: runs the check now and answers its table and fix. */
    public void api(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String id = ex.getIn().getHeader("tenant", String.class);
            Tenant tenant = tenants.find(id).orElseThrow(() -> ApiException.notFound("Unknown tenant '" + id + "'"));
            Map<String, Object> body = check(tenant).toMap();
            return body;
        });
    }
}
