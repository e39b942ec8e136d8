package dev.trellis.sync;

import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.route.HubHeaders;
import dev.trellis.route.RouteInvoker;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's share of the stream runs: one claiming thread takes a queued (tenant, stream) from
 * {@link SyncQueue} whenever one of {@code trellis.sync.threads} workers is free, and the worker runs the stream's
 * route with the tenant header, through its error handling. The claimer wakes at once on an enqueue here and polls
 * for other instances' enqueues; it also renews this instance's claims, which lapse if it dies.
 */
final class SyncWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(SyncWorkers.class);

    private final CamelContext context;
    private final SyncQueue queue;
    private final Tenants tenants;
    private final ExecutorService workers;
    private final Semaphore free;
    private final Duration poll;
    private final Duration renewEvery;
    /** released by {@link #wake()}; the claimer waits on it between polls */
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean stopped;

    SyncWorkers(CamelContext context, SyncQueue queue, Tenants tenants, ExecutorService workers, int threads,
            Duration poll, Duration lease) {
        this.context = context;
        this.queue = queue;
        this.tenants = tenants;
        this.workers = workers;
        this.free = new Semaphore(threads);
        this.poll = poll;
        this.renewEvery = lease.dividedBy(3);
        queue.onEnqueue(this::wake);
    }

    void wake() {
        wakeups.release();
    }

    /** The hub stops: the claimer leaves its wait at once instead of at its next poll. */
    void stop() {
        stopped = true;
        wakeups.release();
        free.release();
    }

    /** The claiming loop, on its own thread until the hub stops. */
    void claimLoop() {
        long nextRenewal = 0;
        while (!stopped && !context.isStopping() && !Thread.currentThread().isInterrupted()) {
            try {
                if (System.nanoTime() - nextRenewal >= 0) {
                    queue.renew();
                    nextRenewal = System.nanoTime() + renewEvery.toNanos();
                }
                if (!free.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS) || stopped) {
                    continue;
                }
                Optional<SyncQueue.Claim> claim;
                try {
                    claim = queue.claim();
                } catch (SQLException | RuntimeException e) {
                    free.release();
                    throw e;
                }
                if (claim.isEmpty()) {
                    free.release();
                    wakeups.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                    continue;
                }
                hand(claim.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the database is away: try again at the next poll; an exception would end the loop
                LOG.warn("Sync queue: cannot claim runs: {}", e.getMessage());
                sleep();
            }
        }
    }

    private void hand(SyncQueue.Claim claim) throws SQLException {
        try {
            workers.execute(() -> work(claim));
        } catch (RejectedExecutionException e) {
            free.release();
            queue.release(claim); // the hub is stopping: the pair waits for the next instance
        }
    }

    private void work(SyncQueue.Claim claim) {
        try {
            run(claim);
        } finally {
            try {
                if (context.isStopping()) {
                    queue.release(claim);
                } else {
                    queue.finish(claim);
                }
            } catch (SQLException e) {
                // the claim stays and lapses after the lease; the run itself recorded its progress
                LOG.warn("Sync queue: cannot end the claim of stream {} of tenant {}: {}", claim.stream(),
                        claim.tenant(), e.getMessage());
            }
            free.release();
            wake();
        }
    }

    private void run(SyncQueue.Claim claim) {
        Optional<StreamCatalog.Entry> stream = StreamCatalog.stream(context, claim.stream());
        Optional<Tenant> tenant = tenants.find(claim.tenant());
        if (stream.isEmpty() || tenant.isEmpty() || tenant.get().harvest().isEmpty()
                || !stream.get().covers(claim.tenant())) {
            // removed, paused or disconnected since it was queued: nothing to run, and no dead letter either
            LOG.info("Queued run of stream {} for tenant {} dropped: the tenant or the stream is no longer served",
                    claim.stream(), claim.tenant());
            return;
        }
        try {
            Exchange done = RouteInvoker.invoke(context, stream.get().routeId(),
                    ex -> ex.getIn().setHeader(HubHeaders.TENANT, claim.tenant()));
            if (done.getException() != null) {
                LOG.warn("Stream {} of tenant {} failed: {}", claim.stream(), claim.tenant(),
                        done.getException().getMessage());
            }
        } catch (RouteInvoker.RouteNotRunning e) {
            LOG.warn("Queued run of stream {} for tenant {} dropped: {}", claim.stream(), claim.tenant(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Stream {} of tenant {} failed: {}", claim.stream(), claim.tenant(), e.getMessage());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
