package dev.trellis.greenhouse;

import dev.trellis.config.SecretMasker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** The hub's way to Greenhouse, built from the trellis.greenhouse.* keys: one HTTP client, rate budget and gateway. */
public record Greenhouse(HttpClient http, RateBudget budget, GreenhouseGateway gateway) {

    public static Greenhouse configure(GreenhouseSettings settings, DataSource dataSource, SecretMasker masker,
            MeterRegistry meters) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        GreenhouseGateway.Policy policy = settings.policy();
        TokenCache tokens = new TokenCache(http, Clock.systemUTC(), policy.timeout(),
                tenant -> GreenhouseGateway.tokenRefreshes(meters, tenant).increment());
        RateBudget budget = new RateBudget(dataSource, Clock.systemUTC(), settings.rateBudget());
        return new Greenhouse(http, budget, new GreenhouseGateway(http, tokens, budget, masker, policy, meters));
    }
}
