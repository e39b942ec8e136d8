import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.TokenCache;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Token mints per hour against a 45-second token: steady Harvest calls in real time through the hub's TokenCache
 * against an in-process sandbox (--token-ttl 45), token requests counted at the sandbox, extrapolated to an hour.
 * Run: java -cp target/trellis.jar bench/TokenMintBench.java [minutes, default 5] [calls per second, default 2]
 */
public class TokenMintBench {
    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        double perSecond = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(1).candidates(100).rateLimit(0)
                .tokenRateLimit(0).tokenTtl(Duration.ofSeconds(45)).build())) {
            SandboxCredentials c = sb.credentials();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            TokenCache cache = new TokenCache(http, Clock.systemUTC(), Duration.ofSeconds(10), t -> { });
            Tenant acme = new Tenant("acme", "bench", Optional.of(new Tenant.Harvest(URI.create(c.baseUrl()),
                    URI.create(c.tokenUrl()), c.clientId(), c.clientSecret(), c.siteAdminUserId())),
                    Optional.empty(), Optional.empty(), Optional.empty());
            long pause = Math.round(1000 / perSecond);
            long end = System.nanoTime() + Math.round(minutes * 60e9);
            long start = System.nanoTime();
            long calls = 0;
            long refused = 0;
            while (System.nanoTime() < end) {
                String token = cache.token(acme, c.siteAdminUserId());
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.baseUrl() + "/v3/users?per_page=1"))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                calls++;
                if (r.statusCode() == 401) {
                    refused++;
                }
                Thread.sleep(pause);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long mints = sb.state().requests("POST /token 200");
            System.out.printf("%d calls in %.0f s, %d token requests, %d calls refused (401)%n", calls, seconds, mints,
                    refused);
            System.out.printf("token mints per hour: %.0f (one (tenant, user); a 45 s token renewed 4.5 s early: "
                    + "3600 / 40.5 = 88.9)%n", mints * 3600 / seconds);
        }
    }
}
