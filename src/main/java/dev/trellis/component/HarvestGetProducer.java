package dev.trellis.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.outbound.InvalidItem;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * greenhouse:get: reads a Harvest path as the tenant's Site Admin user through the gateway (the tenant's rate budget,
 * cached token, retries); the answer (a Map or List) replaces the body, or goes in the resultHeader.
 */
final class HarvestGetProducer extends DefaultProducer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GreenhouseEndpoint endpoint;

    HarvestGetProducer(GreenhouseEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String tenantId = endpoint.getTenant() != null ? endpoint.getTenant()
                : exchange.getIn().getHeader(GreenhouseHeaders.TENANT, String.class);
        if (tenantId == null) {
            throw new InvalidItem("tenant", "greenhouse:get needs the tenant option or the "
                    + GreenhouseHeaders.TENANT + " header");
        }
        Tenant tenant = endpoint.getComponent().tenants().known(tenantId)
                .orElseThrow(() -> new InvalidItem("tenant", "'" + tenantId + "' is not a tenant of this hub"));
        Tenant.Harvest harvest = tenant.harvest().orElseThrow(() -> new InvalidItem("tenant", "'" + tenantId
                + "' has no Harvest credentials"));
        String path = exchange.getIn().getHeader(GreenhouseHeaders.PATH, endpoint.getPath(), String.class);
        if (path == null || !path.startsWith("/v3/")) {
            throw new InvalidItem("path", "greenhouse:get needs the path option or the " + GreenhouseHeaders.PATH
                    + " header, a Harvest path such as /v3/candidates?ids=123" + (path == null ? "" : ", not " + path));
        }
        GreenhouseGateway.Answer answer = endpoint.getComponent().gateway().get(tenant, harvest.userId(), path);
        Object result = answer.body() == null ? answer.text() : JSON.convertValue(answer.body(), Object.class);
        if (endpoint.getResultHeader() != null) {
            exchange.getMessage().setHeader(endpoint.getResultHeader(), result);
        } else {
            exchange.getMessage().setBody(result);
        }
    }
}
