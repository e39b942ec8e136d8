package dev.trellis.route;

import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * Runs a message through a running route from its start, whatever its consumer (timer, quartz, http): how dead
 * letters are replayed and how a stream is run on demand. The route's own error handling applies.
 */
public final class RouteInvoker {
    private RouteInvoker() {
    }

    /** Thrown when the route is not there or not started. */
    public static final class RouteNotRunning extends RuntimeException {
        public RouteNotRunning(String routeId) {
            super("Route " + routeId + " is not running");
        }
    }

    public static Exchange invoke(CamelContext context, String routeId, Consumer<Exchange> prepare) {
        Route route = context.getRoute(routeId);
        if (route == null || context.getRouteController().getRouteStatus(routeId) != ServiceStatus.Started) {
            throw new RouteNotRunning(routeId);
        }
        Exchange exchange = route.getEndpoint().createExchange();
        prepare.accept(exchange);
        try {
            route.getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        return exchange;
    }
}
