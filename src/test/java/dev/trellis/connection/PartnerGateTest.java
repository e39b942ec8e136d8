package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.PartnerApp;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With an API token, starting a connection needs it as /api does; the callback does not (its state guards it). */
class PartnerGateTest {
    private static final String TOKEN = "partner-gate-test-token-0123456789";
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("TRELLIS_API_TOKEN", TOKEN);
        sandbox = Sandbox.start(SandboxSettings.builder().seed(37).candidates(10).rateLimit(0).build());
        home = new TestHome(dir).shippedStreamsUnscheduled();
        PartnerApp app = sandbox.createPartnerApp(home.apiUrl() + "/connect/greenhouse/callback", Scopes.partnerAll());
        System.setProperty("PARTNER_GATE_SECRET", app.clientSecret());
        home.property("trellis.partner.client-id", app.clientId())
                .property("trellis.partner.client-secret", "env:PARTNER_GATE_SECRET")
                .property("trellis.partner.redirect-uri", home.apiUrl() + "/connect/greenhouse/callback")
                .property("trellis.partner.authorize-url", sandbox.baseUrl() + "/authorize")
                .property("trellis.partner.token-url", sandbox.baseUrl() + "/token")
                .property("trellis.partner.harvest-url", sandbox.baseUrl())
                .property("trellis.partner.return-to", "https://vendor.example.com");
        hub = home.start();
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("TRELLIS_API_TOKEN");
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void startingNeedsTheApiTokenAndTheCallbackIsGuardedByItsState() throws Exception {
        String start = home.apiUrl() + "/connect/greenhouse?tenant=gated&return_to=https%3A%2F%2Fvendor.example.com%2F";
        HttpResponse<String> anonymous = get(start);
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(401, get(start, "Authorization", "Bearer wrong").statusCode());
        HttpResponse<String> allowed = get(start, "Authorization", "Bearer " + TOKEN);
        assertEquals(302, allowed.statusCode(), allowed.body());

        String callback = sandbox.approvePartner(allowed.headers().firstValue("Location").orElseThrow(), 0,
                sandbox.credentials().siteAdminUserId());
        HttpResponse<String> done = get(callback); // the customer's browser has no API token
        assertEquals(302, done.statusCode(), done.body());
        assertTrue(done.headers().firstValue("Location").orElseThrow().endsWith("?tenant=gated&status=active"));
        assertEquals(401, get(home.apiUrl() + "/api/tenants/gated").statusCode(), "/api stays guarded");
    }

    static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return NO_REDIRECTS.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
