package dev.trellis.sync;

import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the inbound sync: Quartz on the hub's database (its firings only queue runs), the run queue and this
 * instance's workers, the runner the stream template calls, its API, metrics and health.
 */
public final class Sync {
    private static final Logger LOG = LoggerFactory.getLogger(Sync.class);

    private Sync() {
    }

    /** Returns the streams API, which can also run every stream of a tenant now. */
    public static StreamApi configure(CamelContext context, SyncSettings settings, DataSource dataSource,
            Tenants tenants, GreenhouseGateway gateway, SecretMasker masker, MeterRegistry meters) {
        // a firing only queues its stream for every tenant: a short job, so two Quartz threads are plenty
        QuartzCluster.configure(context, dataSource, 2);
        var executors = context.getExecutorServiceManager();
        String owner = instanceName();
        // claims name this hub, not just the process: two hubs in one JVM (tests) must not renew each other's
        SyncQueue queue = new SyncQueue(dataSource, owner + "/" + UUID.randomUUID().toString().substring(0, 8),
                settings.claimLease(), settings.tenantConcurrency());
        StreamSync sync = new StreamSync(dataSource, gateway, new SyncTable(dataSource), Clock.systemUTC(), meters,
                executors.newCachedThreadPool(Sync.class, "page-fetch"), owner, context::isStopping,
                tenant -> tenants.find(tenant).isPresent(), settings.slice());
        context.getRegistry().bind(StreamRunner.BEAN,
                new StreamRunner(tenants, sync, new IdSweep(dataSource, gateway, Clock.systemUTC(), owner), queue));
        SyncWorkers workers = new SyncWorkers(context, queue, tenants,
                executors.newFixedThreadPool(Sync.class, "sync-worker", settings.threads()), settings.threads(),
                settings.poll(), settings.claimLease());
        StreamApi streams = new StreamApi(context, dataSource, tenants, new JsonResponse(masker), queue,
                Clock.systemUTC());
        context.getRegistry().bind("streamApi", streams);
        InterruptedRuns interrupted = new InterruptedRuns(dataSource, streams, queue);
        queueGauges(queue, meters);
        HealthCheckRegistry.get(context).register(new SyncLag(streams, dataSource, Clock.systemUTC(),
                settings.lagGrace(), meters));
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent
                        || event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    workers.stop();
                    return;
                }
                List<String> removed = QuartzCluster.removeStaleJobs(context);
                if (!removed.isEmpty()) {
                    LOG.info("Deleted the Quartz jobs of streams no longer declared: {}", removed);
                }
                executors.newSingleThreadExecutor(Sync.class, "sync-claimer").execute(workers::claimLoop);
                // the first check runs at once: runs a crash left unfinished go on without waiting for their cron
                executors.newSingleThreadScheduledExecutor(Sync.class, "interrupted-runs").scheduleWithFixedDelay(
                        () -> check(interrupted), 0, settings.resumeCheck().toSeconds(), TimeUnit.SECONDS);
            }
        });
        return streams;
    }

    private static void queueGauges(SyncQueue queue, MeterRegistry meters) {
        Gauge.builder("trellis.sync.queue.depth", queue, q -> waiting(q).depth())
                .description("Stream runs (tenant, stream) waiting in the queue for a worker, on all instances")
                .register(meters);
        Gauge.builder("trellis.sync.queue.oldest.seconds", queue, q -> waiting(q).oldestSeconds())
                .description("How long the run first in line has waited").baseUnit("seconds").register(meters);
    }

    private static SyncQueue.Waiting waiting(SyncQueue queue) {
        try {
            return queue.waiting();
        } catch (SQLException e) {
            return new SyncQueue.Waiting(-1, -1); // the database is away: the database health check says so
        }
    }

    private static void check(InterruptedRuns interrupted) {
        try {
            interrupted.check();
        } catch (Exception e) {
            // a database that is away now is back at a later check; an exception would end the schedule
            LOG.warn("Could not check for interrupted runs: {}", e.getMessage());
        }
    }

    /** This process in sync_run.owner: host and pid, which say where to look. */
    private static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
