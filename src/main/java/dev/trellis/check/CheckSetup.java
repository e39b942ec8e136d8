package dev.trellis.check;

import dev.trellis.api.JsonResponse;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseSettings;
import dev.trellis.greenhouse.RateBudget;
import dev.trellis.greenhouse.TokenCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

/** Builds the check from the trellis.check.* and trellis.greenhouse.* keys: the same way in the hub and the CLI. */
public final class CheckSetup {
    private CheckSetup() {
    }

    /** The hub's part: latest result per tenant, start-up and periodic runs, stream pauses, health and metrics. */
    public static void configure(CamelContext context, CheckSettings settings, GreenhouseSettings greenhouse,
            DataSource dataSource, Tenants tenants, HttpClient http, RateBudget budget, SecretMasker masker,
            MeterRegistry meters) {
        configure(context, settings, greenhouse, dataSource, tenants, http, budget, masker, meters, null);
    }

    /** As above; partner tenants' checks take their tokens from {@code shared}'s grants. */
    public static void configure(CamelContext context, CheckSettings settings, GreenhouseSettings greenhouse,
            DataSource dataSource, Tenants tenants, HttpClient http, RateBudget budget, SecretMasker masker,
            MeterRegistry meters, TokenCache shared) {
        PermissionRegistry permissions = new PermissionRegistry(meters);
        context.getRegistry().bind(PermissionRegistry.BEAN, permissions);
        context.getRegistry().bind(CheckService.BEAN, new CheckService(context, tenants,
                check(settings, greenhouse, http, budget, masker, meters, shared), permissions, new StreamPauses(dataSource),
                new JsonResponse(masker)));
        HealthCheckRegistry.get(context).register(new PermissionsHealthCheck(permissions));
    }

    public static ConnectionCheck check(CheckSettings settings, GreenhouseSettings greenhouse, HttpClient http,
            RateBudget budget, SecretMasker masker, MeterRegistry meters) {
        return check(settings, greenhouse, http, budget, masker, meters, null);
    }

    /** As above; with {@code shared}, partner tenants' tokens come from its grants (never from a fresh cache). */
    public static ConnectionCheck check(CheckSettings settings, GreenhouseSettings greenhouse, HttpClient http,
            RateBudget budget, SecretMasker masker, MeterRegistry meters, TokenCache shared) {
        Duration timeout = settings.timeout();
        // a check should answer in seconds: at most 3 attempts per probe, short backoff
        GreenhouseGateway.Policy policy = new GreenhouseGateway.Policy(
                Math.min(greenhouse.maxAttempts(), 3), greenhouse.backoff(), Duration.ofSeconds(5),
                timeout);
        ConnectionCheck.Options options = new ConnectionCheck.Options(settings.disabledFeatures(),
                settings.webhookTenants());
        // requests and token mints count in the hub's meters (and pass its filters); a budget gauge registered again
        // for the same tenant is the one the hub's gateway made, over the same budget
        MeterRegistry checkMeters = meters;
        // a fresh token cache per check: a scope ticked in Greenhouse a minute ago is seen at once
        return new ConnectionCheck(http, () -> {
            TokenCache fresh = new TokenCache(http, Clock.systemUTC(), timeout,
                    tenant -> GreenhouseGateway.tokenRefreshes(checkMeters, tenant).increment());
            return new GreenhouseGateway(http, shared == null ? fresh : fresh.grantsOf(shared), budget, masker,
                    policy, checkMeters);
        }, masker, timeout, Clock.systemUTC(), options);
    }
}
