package dev.trellis.health;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN, naming the routes, when a route that should run is missing or not started: every route seen running
 * (a live reload that dropped one shows here) and every route listed in trellis.health.required-routes.
 */
public final class RoutesRunningHealthCheck extends AbstractHealthCheck {
    private final Set<String> expected = new ConcurrentSkipListSet<>();

    public RoutesRunningHealthCheck(Collection<String> required) {
        super("trellis", "routes-running");
        expected.addAll(required);
    }

    /** Remembers the routes running now as ones that must keep running. */
    public void rememberRunningRoutes() {
        for (Route route : getCamelContext().getRoutes()) {
            if (status(route.getRouteId()) == ServiceStatus.Started) {
                expected.add(route.getRouteId());
            }
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        rememberRunningRoutes();
        Set<String> missing = new TreeSet<>();
        Set<String> stopped = new TreeSet<>();
        for (String id : expected) {
            ServiceStatus status = status(id);
            if (status == null) {
                missing.add(id);
            } else if (status != ServiceStatus.Started) {
                stopped.add(id);
            }
        }
        builder.detail("expected", List.copyOf(expected));
        if (missing.isEmpty() && stopped.isEmpty()) {
            builder.up();
            return;
        }
        StringBuilder message = new StringBuilder();
        if (!missing.isEmpty()) {
            message.append("routes missing: ").append(String.join(", ", missing));
            builder.detail("missing", List.copyOf(missing));
        }
        if (!stopped.isEmpty()) {
            message.append(message.isEmpty() ? "" : "; ").append("routes not running: ").append(String.join(", ", stopped));
            builder.detail("stopped", List.copyOf(stopped));
        }
        builder.message(message.toString()).down();
    }

    private ServiceStatus status(String routeId) {
        return getCamelContext().getRoute(routeId) == null ? null
                : getCamelContext().getRouteController().getRouteStatus(routeId);
    }
}
