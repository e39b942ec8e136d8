package dev.trellis.health;

import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * {@code GET /api/health}: the health checks of {@code /observe/health} on the API port, for the console: the overall
 * state, every check that is not UP, and Trellis's own checks (database, connections, sync lag, permissions, routes)
 * with their messages, masked. The per-route and per-consumer checks of Camel are counted, not listed, when UP.
 * Every open console asks every few seconds and a run of the checks takes ~0.4 s at 1,000 tenants (sync-lag reads
 * every stream), so callers get the last run's answer at once; one older than {@link #FRESH} starts one run in the
 * background for the next caller. Only the very first call waits for a run.
 */
public final class HealthApi {
    public static final String BEAN = "healthApi";

    private final CamelContext context;
    private final JsonResponse response;
    private final SecretMasker masker;
    /** How old an answer may get before a caller's request starts the next run. */
    static final java.time.Duration FRESH = java.time.Duration.ofSeconds(5);
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService background;
    private volatile Map<String, Object> last;
    private volatile long lastAt;

    public HealthApi(CamelContext context, JsonResponse response, SecretMasker masker) {
        this.context = context;
        this.response = response;
        this.masker = masker;
        this.background = context.getExecutorServiceManager().newSingleThreadExecutor(this, "health-api");
    }

    public void health(Exchange exchange) {
        response.answer(exchange, 200, ex -> current());
    }

    /** The last run's answer; a stale one starts the next run in the background (the first call waits for it). */
    private Map<String, Object> current() {
        if (last == null) {
            synchronized (this) {
                if (last == null) {
                    refresh();
                }
            }
        } else if (System.nanoTime() - lastAt > FRESH.toNanos() && running.compareAndSet(false, true)) {
            background.execute(() -> {
                try {
                    refresh();
                } finally {
                    running.set(false);
                }
            });
        }
        return last;
    }

    private void refresh() {
        long start = System.nanoTime();
        Map<String, Object> answer = invoke();
        answer.put("tookMs", (System.nanoTime() - start) / 1_000_000);
        last = answer;
        lastAt = System.nanoTime();
    }

    private Map<String, Object> invoke() {
        List<HealthCheck.Result> results = new ArrayList<>(HealthCheckHelper.invoke(context));
        results.sort(Comparator.comparing(r -> r.getCheck().getId()));
        boolean up = results.stream().allMatch(r -> r.getState() != HealthCheck.State.DOWN);
        List<Map<String, Object>> down = new ArrayList<>();
        List<Map<String, Object>> checks = new ArrayList<>();
        int routesUp = 0;
        for (HealthCheck.Result r : results) {
            boolean own = "trellis".equals(r.getCheck().getGroup());
            if (r.getState() == HealthCheck.State.DOWN) {
                down.add(view(r));
            }
            if (own) {
                checks.add(view(r));
            } else if (r.getState() == HealthCheck.State.UP) {
                routesUp++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", up ? "UP" : "DOWN");
        out.put("down", down);
        out.put("checks", checks);
        out.put("otherChecksUp", routesUp);
        out.put("checkedAt", java.time.Instant.now().toString());
        return out;
    }

    private Map<String, Object> view(HealthCheck.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.getCheck().getId());
        m.put("state", r.getState().name());
        m.put("message", r.getMessage().map(masker::mask).orElse(null));
        return m;
    }
}
