package dev.trellis.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz on the hub's own PostgreSQL as a clustered JDBC job store: every instance on the database shares the
 * triggers, each firing runs on one instance only, and the triggers of an instance that died are taken over.
 */
public final class QuartzCluster {
    private static final String DATA_SOURCE = "trellis";

    private QuartzCluster() {
    }

    /** The Quartz job group of the streams (the template's {@code quartz:trellis-sync/<stream>}). */
    static final String GROUP = "trellis-sync";

    /**
     * Deletes the jobs of streams that no longer exist: camel-quartz leaves a clustered job behind when its route
     * goes, and a stale trigger would keep firing for nothing. Returns the streams whose jobs were deleted.
     */
    public static List<String> removeStaleJobs(CamelContext context) throws SchedulerException {
        Scheduler scheduler = context.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (scheduler == null) {
            return List.of();
        }
        Set<String> streams = new HashSet<>();
        StreamCatalog.of(context).forEach(s -> streams.add(s.stream()));
        List<String> removed = new ArrayList<>();
        for (JobKey job : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!streams.contains(job.getName())) {
                scheduler.deleteJob(job);
                removed.add(job.getName());
            }
        }
        return removed;
    }

    public static void configure(CamelContext context, DataSource dataSource, int threads) {
        // Quartz finds its connections by name; hand it the hub's pool instead of a second one
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the hub, which closes it
            }

            @Override
            public void initialize() {
                // nothing to set up
            }
        });
        Properties q = new Properties();
        q.put("org.quartz.scheduler.instanceName", "trellis");
        q.put("org.quartz.scheduler.instanceId", "AUTO");
        q.put("org.quartz.scheduler.skipUpdateCheck", "true");
        q.put("org.quartz.threadPool.threadCount", Integer.toString(threads));
        q.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        q.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        q.put("org.quartz.jobStore.dataSource", DATA_SOURCE);
        q.put("org.quartz.jobStore.isClustered", "true");
        q.put("org.quartz.jobStore.clusterCheckinInterval", "5000");
        q.put("org.quartz.jobStore.misfireThreshold", "60000");
        context.getComponent("quartz", QuartzComponent.class).setProperties(q);
    }
}
