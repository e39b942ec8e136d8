package dev.trellis.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
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
