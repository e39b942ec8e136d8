package dev.trellis.component;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * greenhouse:changes: one thread that holds the consumer's advisory lock on its own database session, reads events
 * after the consumer's offset, hands each matching one to the route as one exchange, and advances the offset past
 * what the route completed (also what the error channel filed as a dead letter) after each batch, at a failure and at
 * a stop; after a crash at most one batch is delivered again (at-least-once). If the route leaves an exception
 * (no error channel), the offset stays and the event is tried again after the poll delay.
 */
final class ChangeConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeConsumer.class);

    private final GreenhouseEndpoint endpoint;
    private final Object wake = new Object();
    private volatile boolean running;
    private ExecutorService thread;
    private String name;

    ChangeConsumer(GreenhouseEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    /** The offset's name: the consumer option, else the route id. */
    String name() {
        return name;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        name = endpoint.getConsumer() != null ? endpoint.getConsumer() : getRouteId();
        running = true;
        thread = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "greenhouse-changes-" + name);
        thread.submit(this::loop);
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (thread != null) {
            // the event in flight finishes and its offset is saved before the session (and the lock) goes
            thread.shutdown();
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
            thread = null;
        }
        super.doStop();
    }

    private void loop() {
        ChangeFilter filter = endpoint.filter();
        String owner = endpoint.getComponent().owner();
        Connection session = null;
        Long offset = null;
        while (running) {
            try {
                if (session == null) {
                    session = endpoint.getComponent().session();
                    try (Statement s = session.createStatement()) {
                        // an offset lost in a database crash only means events delivered again (at-least-once)
                        s.execute("set synchronous_commit = off");
                    }
                }
                if (offset == null) {
                    if (!ChangeFeed.lock(session, name)) {
                        pause();
                        continue;
                    }
                    offset = ChangeFeed.offset(session, name);
                    LOG.info("Change consumer {} reads after seq {} on this instance", name, offset);
                }
                List<ChangeEvent> events = ChangeFeed.after(session, offset, endpoint.getBatchSize());
                long saved = offset;
                boolean failed = false;
                for (ChangeEvent event : events) {
                    if (!running) {
                        break;
                    }
                    if (filter.matches(event) && !deliver(event)) {
                        failed = true;
                        break;
                    }
                    offset = event.seq();
                }
                // once per batch, and at a stop or a failure: a crash delivers at most one batch again
                if (offset != saved) {
                    ChangeFeed.save(session, name, offset, owner);
                }
                if (failed || events.size() < endpoint.getBatchSize()) {
                    pause();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Change consumer {} lost its database session, reconnecting: {}", name, e.getMessage());
                close(session);
                session = null;
                offset = null;
                pause();
            }
        }
        close(session);
    }

    /** Runs the event through the route; true when the route completed it (or filed it as a dead letter). */
    private boolean deliver(ChangeEvent event) {
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(event.body());
            exchange.getIn().setHeader(GreenhouseHeaders.TENANT, event.tenant());
            exchange.getIn().setHeader(GreenhouseHeaders.STREAM, event.stream());
            exchange.getIn().setHeader(GreenhouseHeaders.RECORD_ID, event.recordId());
            exchange.getIn().setHeader(GreenhouseHeaders.OP, event.op());
            exchange.getIn().setHeader(GreenhouseHeaders.SEQ, event.seq());
            exchange.getIn().setHeader(GreenhouseHeaders.CONSUMER, name);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Exception failure = exchange.getException();
        if (failure != null) {
            getExceptionHandler().handleException("Change consumer " + name + " failed on event " + event.seq()
                    + "; it is tried again", exchange, failure);
        }
        releaseExchange(exchange, false);
        return failure == null;
    }

    private void pause() {
        synchronized (wake) {
            if (running) {
                try {
                    wake.wait(endpoint.getPollDelay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private static void close(Connection session) {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // the session is gone already; its lock went with it
            }
        }
    }
}
