package dev.trellis.api;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * Plain Vert.x handlers on the REST server's router (the API port), added when routes start: the HTTP server is up
 * by then, and handlers added here sit in front of every route's. Without a REST server nothing is added.
 */
public abstract class RouterHandlers extends SimpleEventNotifierSupport implements CamelContextAware {
    private CamelContext context;

    protected RouterHandlers(CamelContext context) {
        this.context = context;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        VertxPlatformHttpRouter router = context.hasServices(MainHttpServer.class).stream()
                .map(MainHttpServer::getRouter).filter(r -> r != null && r.isMainServer()).findFirst().orElse(null);
        if (router == null) {
            noServer();
        } else {
            register(router);
        }
    }

    /** Adds the handlers. */
    protected abstract void register(VertxPlatformHttpRouter router);

    /** {@code camel.server.enabled=false}: nothing is served. */
    protected void noServer() {
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }
}
