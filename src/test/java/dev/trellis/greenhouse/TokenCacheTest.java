package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.Tenant;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theMarginIsATenthOfTheLifetimeWithinOneSecondAndAMinute() {
        assertEquals(Duration.ofSeconds(60), TokenCache.margin(Duration.ofHours(1)));
        assertEquals(Duration.ofMillis(4500), TokenCache.margin(Duration.ofSeconds(45)));
        assertEquals(Duration.ofSeconds(6), TokenCache.margin(Duration.ofSeconds(60)));
        assertEquals(Duration.ofSeconds(1), TokenCache.margin(Duration.ofSeconds(5)));
        // never more than half the lifetime, so even a very short token is used before it is renewed
        assertEquals(Duration.ofMillis(500), TokenCache.margin(Duration.ofSeconds(1)));
    }

    @Test
    void expiresAtIsReadAgainstTheServersDateNotOurClock() throws Exception {
        Instant sent = Instant.parse("2026-01-01T12:00:00Z");
        // the server's clock is 2 hours ahead of ours: its expires_at is 45 s after its own Date (whole seconds, so
        // a second is taken off: the server's now may be up to a second later than its Date)
        var answer = JSON.readTree("{\"access_token\":\"t\",\"expires_at\":\"2026-01-01T14:00:45Z\"}");
        assertEquals(Duration.ofSeconds(44), TokenCache.lifetime(answer, Optional.of("Thu, 1 Jan 2026 14:00:00 GMT"),
                sent));
        // ... and 10 minutes behind
        var behind = JSON.readTree("{\"access_token\":\"t\",\"expires_at\":\"2026-01-01T11:50:45+00:00\"}");
        assertEquals(Duration.ofSeconds(44), TokenCache.lifetime(behind, Optional.of("Thu, 01 Jan 2026 11:50:00 GMT"),
                sent));
        // the offset written without a colon, as some v3 clients parse it (%z)
        var compact = JSON.readTree("{\"access_token\":\"t\",\"expires_at\":\"2026-01-01T14:00:45+0000\"}");
        assertEquals(Duration.ofSeconds(44), TokenCache.lifetime(compact, Optional.of("Thu, 1 Jan 2026 14:00:00 GMT"),
                sent));
        // expires_in wins when both are there
        var both = JSON.readTree("{\"access_token\":\"t\",\"expires_in\":3600,\"expires_at\":\"2026-01-01T14:00:45Z\"}");
        assertEquals(Duration.ofHours(1), TokenCache.lifetime(both, Optional.empty(), sent));
    }

    /** A token endpoint whose clock is {@code skew} away from ours, answering expires_at only, with its Date. */
    private static ServerSocket skewedTokenEndpoint(Duration skew, Duration lifetime, AtomicInteger mints) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    var in = s.getInputStream();
                    // read up to the end of the (small) request: headers, then the form body
                    byte[] buf = new byte[8192];
                    int n = 0;
                    String seen = "";
                    while (!seen.contains("grant_type=")) {
                        int r = in.read(buf, n, buf.length - n);
                        if (r < 0) {
                            break;
                        }
                        n += r;
                        seen = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    }
                    mints.incrementAndGet();
                    Instant serverNow = Instant.now().plus(skew);
                    String body = "{\"access_token\":\"tok" + mints.get() + "\",\"token_type\":\"Bearer\",\"expires_at\":\""
                            + serverNow.plus(lifetime) + "\"}";
                    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.atOffset(ZoneOffset.UTC));
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nDate: " + date + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static Tenant tenant(URI base, URI tokenUrl, String client, String secret, long user) {
        return new Tenant("acme", "test", Optional.of(new Tenant.Harvest(base, tokenUrl, client, secret, user)),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void aSkewedServerClockNeitherMintsPerCallNorKeepsAnExpiredToken() throws Exception {
        for (Duration skew : new Duration[] {Duration.ofMinutes(-10), Duration.ofHours(2)}) {
            AtomicInteger mints = new AtomicInteger();
            try (ServerSocket server = skewedTokenEndpoint(skew, Duration.ofSeconds(45), mints)) {
                AtomicLong ours = new AtomicLong(Instant.now().toEpochMilli());
                Clock clock = new Clock() {
                    public Instant instant() {
                        return Instant.ofEpochMilli(ours.get());
                    }

                    public java.time.ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    public Clock withZone(java.time.ZoneId z) {
                        return this;
                    }
                };
                URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/token");
                TokenCache cache = new TokenCache(http, clock, Duration.ofSeconds(5), t -> { });
                Tenant acme = tenant(url, url, "c", "s", 1);
                String first = cache.token(acme, 1);
                // the lifetime read is 44 to 45 s (Date has whole seconds), renewed 4.4 to 4.5 s before its end
                ours.addAndGet(39_000);
                assertEquals(first, cache.token(acme, 1), "skew " + skew + ": renewed long before the end");
                ours.addAndGet(2_000);
                // 41 s of 45: inside the margin, so renewed (a token 2 h ahead would otherwise live on)
                String second = cache.token(acme, 1);
                assertTrue(!first.equals(second), "skew " + skew + ": a token near its end was kept");
                assertEquals(2, mints.get(), "skew " + skew);
            }
        }
    }

    @Test
    void aFortyFiveSecondTokenIsMintedOncePerLifetimePerUser() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().seed(5).candidates(100).rateLimit(0)
                .tokenRateLimit(0).tokenTtl(Duration.ofSeconds(45)).build())) {
            SandboxCredentials c = sb.credentials();
            // our clock is the sandbox's: advancing it moves both, so three simulated minutes take no real time
            TokenCache cache = new TokenCache(http, sb.clock(), Duration.ofSeconds(5), t -> { });
            Tenant acme = tenant(URI.create(c.baseUrl()), URI.create(c.tokenUrl()), c.clientId(),
                    c.clientSecret(), c.siteAdminUserId());
            int calls = 0;
            for (int i = 0; i < 360; i++) {
                for (long user : new long[] {c.siteAdminUserId(), c.nonAdminUserId()}) {
                    String token = cache.token(acme, user);
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.baseUrl()
                            + "/v3/notes?per_page=1")).header("Authorization", "Bearer " + token).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertTrue(r.statusCode() != 401, "call " + i + " used an expired token");
                    calls++;
                }
                sb.advanceClock(Duration.ofMillis(500));
            }
            long mints = sb.state().requests("POST /token 200");
            // 180 s with a 45 s token renewed 4.5 s early: at 0, 40.5, 81, 121.5 and 162 s, for each of 2 users
            assertEquals(720, calls);
            assertEquals(10, mints, "token requests for " + calls + " calls");
        }
    }
}
