package dev.trellis.greenhouse;

import dev.trellis.config.SecretMasker;
import dev.trellis.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** The hub's way to Greenhouse, built from the trellis.greenhouse.* keys: one HTTP client, rate budget and gateway. */
public record Greenhouse(HttpClient http, RateBudget budget, GreenhouseGateway gateway) {

    public static Greenhouse configure(Settings settings, DataSource dataSource, SecretMasker masker, MeterRegistry meters) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        GreenhouseGateway.Policy policy = new GreenhouseGateway.Policy(
                settings.integer("trellis.greenhouse.max-attempts", 6),
                Duration.ofMillis(settings.number("trellis.greenhouse.backoff-ms", 500)),
                Duration.ofMillis(settings.number("trellis.greenhouse.max-backoff-ms", 30_000)),
                Duration.ofMillis(settings.number("trellis.greenhouse.timeout-ms", 30_000)));
        TokenCache tokens = new TokenCache(http, Clock.systemUTC(), policy.timeout(),
                tenant -> GreenhouseGateway.tokenRefreshes(meters, tenant).increment());
        RateBudget budget = new RateBudget(dataSource, Clock.systemUTC(),
                settings.integer("trellis.greenhouse.rate-budget", 50));
        return new Greenhouse(http, budget, new GreenhouseGateway(http, tokens, budget, masker, policy, meters));
    }
}
