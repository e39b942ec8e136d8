package dev.trellis.component;

import com.zaxxer.hikari.HikariDataSource;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.outbound.Outbound;
import dev.trellis.outbound.OutboxApi;
import dev.trellis.store.Database;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code greenhouse:} component (docs/component.md): {@code greenhouse:changes} consumes the change feed,
 * {@code greenhouse:note|email|interview} queue write-backs in the outbox, {@code greenhouse:get} reads Harvest
 * through the gateway. It uses the hub's beans from the registry: the database, tenants, gateway and outbox intake.
 */
@Component("greenhouse")
public final class GreenhouseComponent extends DefaultComponent {
    public static final String SCHEME = "greenhouse";

    private final String owner = instanceName();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        GreenhouseEndpoint.Kind kind = GreenhouseEndpoint.Kind.parse(remaining);
        GreenhouseEndpoint endpoint = new GreenhouseEndpoint(uri, this, kind);
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }

    /** A database session of its own, outside the pool: a consumer holds it (and its lock) while it runs. */
    Connection session() throws SQLException {
        DataSource dataSource = bean(Database.BEAN, DataSource.class);
        if (dataSource instanceof HikariDataSource h) {
            return DriverManager.getConnection(h.getJdbcUrl(), h.getUsername(), h.getPassword());
        }
        return dataSource.getConnection();
    }

    Tenants tenants() {
        return bean(Tenants.BEAN, Tenants.class);
    }

    GreenhouseGateway gateway() {
        return bean(GreenhouseGateway.BEAN, GreenhouseGateway.class);
    }

    OutboxApi outbox() {
        return bean(Outbound.API, OutboxApi.class);
    }

    /** This process in change_consumer.owner: host and pid. */
    String owner() {
        return owner;
    }

    private <T> T bean(String name, Class<T> type) {
        T bean = getCamelContext().getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("The greenhouse: component needs the hub's bean '" + name + "' ("
                    + type.getSimpleName() + ") in the Camel registry");
        }
        return bean;
    }

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
