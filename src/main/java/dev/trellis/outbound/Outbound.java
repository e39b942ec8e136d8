package dev.trellis.outbound;

import com.zaxxer.hikari.HikariDataSource;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import dev.trellis.check.PermissionRegistry;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.sync.SyncTable;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.DriverManager;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/** Builds the outbox from the hub's parts and binds what {@link OutboxRoutes} uses in the registry. */
public final class Outbound {
    public static final String API = "outboxApi";
    public static final String DISPATCHER = "outboxDispatcher";

    private Outbound() {
    }

    /** Call after the database's stop service is added: the dispatcher must stop before the database closes. */
    public static void configure(CamelContext context, OutboxSettings policy, DataSource dataSource, Tenants tenants,
            GreenhouseGateway gateway, SecretMasker masker, MeterRegistry meters) throws Exception {
        Outbox outbox = new Outbox(dataSource);
        OutboundKinds kinds = OutboundKinds.load();
        OutboxMetrics metrics = new OutboxMetrics(meters, kinds);
        OutboxPauses pauses = new OutboxPauses(tenants,
                context.getRegistry().lookupByNameAndType(PermissionRegistry.BEAN, PermissionRegistry.class), kinds);
        Reconciler reconciler = new Reconciler(gateway, outbox, kinds,
                () -> context.getRegistry().lookupByNameAndType(PartnerWrites.BEAN, PartnerWrites.class));
        ItemDelivery delivery = new ItemDelivery(tenants, gateway, outbox, reconciler, kinds);
        OutboxDispatcher dispatcher = new OutboxDispatcher(context, outbox, delivery,
                new SyncedRecords(context, new SyncTable(dataSource)), metrics, masker, policy, () -> {
                    // a session of its own, outside the pool: it LISTENs and holds the liveness lock for hours
                    if (dataSource instanceof HikariDataSource h) {
                        return DriverManager.getConnection(h.getJdbcUrl(), h.getUsername(), h.getPassword());
                    }
                    return dataSource.getConnection();
                }, pauses, kinds);
        context.addService(dispatcher);
        context.getRegistry().bind(DISPATCHER, dispatcher);
        context.getRegistry().bind(API, new OutboxApi(new OutboxIntake(tenants, outbox, dispatcher::wake), outbox,
                new JsonResponse(masker), pauses, kinds));
    }
}
