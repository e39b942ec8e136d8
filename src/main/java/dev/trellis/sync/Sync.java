package dev.trellis.sync;

import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the inbound sync: Quartz on the hub's database, the runner the stream template calls, its API and health. */
public final class Sync {
    private static final Logger LOG = LoggerFactory.getLogger(Sync.class);

    private Sync() {
    }

    /** Returns the streams API, which can also run every stream of a tenant now. */
    public static StreamApi configure(CamelContext context, SyncSettings settings, DataSource dataSource,
            Tenants tenants, GreenhouseGateway gateway, SecretMasker masker, MeterRegistry meters) {
        int threads = settings.threads();
        QuartzCluster.configure(context, dataSource, threads);
        var executors = context.getExecutorServiceManager();
        String owner = instanceName();
        StreamSync sync = new StreamSync(dataSource, gateway, new SyncTable(dataSource), Clock.systemUTC(), meters,
                executors.newCachedThreadPool(Sync.class, "page-fetch"), owner, context::isStopping);
        context.getRegistry().bind(StreamRunner.BEAN,
                new StreamRunner(tenants, sync, new IdSweep(dataSource, gateway, Clock.systemUTC(), owner)));
        ExecutorService runNow = executors.newFixedThreadPool(Sync.class, "stream-run-now", threads);
        StreamApi streams = new StreamApi(context, dataSource, tenants, new JsonResponse(masker), runNow,
                Clock.systemUTC());
        context.getRegistry().bind("streamApi", streams);
        InterruptedRuns interrupted = new InterruptedRuns(context, dataSource, streams, runNow);
        HealthCheckRegistry.get(context).register(new SyncLag(streams, dataSource, Clock.systemUTC(),
                settings.lagGrace(), meters));
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                List<String> removed = QuartzCluster.removeStaleJobs(context);
                if (!removed.isEmpty()) {
                    LOG.info("Deleted the Quartz jobs of streams no longer declared: {}", removed);
                }
                // the first check runs at once: runs a crash left unfinished go on without waiting for their cron
                executors.newSingleThreadScheduledExecutor(Sync.class, "interrupted-runs").scheduleWithFixedDelay(
                        () -> check(interrupted), 0, settings.resumeCheck().toSeconds(), TimeUnit.SECONDS);
            }
        });
        return streams;
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
