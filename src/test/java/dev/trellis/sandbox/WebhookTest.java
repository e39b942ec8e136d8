package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookTest {
    /** What the receiver saw: headers and the raw body bytes. */
    record Received(String signature, String eventId, byte[] body) {
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    Sandbox sb;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestHeaders().getFirst("Signature"),
                    ex.getRequestHeaders().getFirst("Greenhouse-Event-ID"), body));
            ex.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 500 : 200, -1);
            ex.close();
        });
        receiver.start();
        sb = Sandbox.start(SandboxSettings.builder().seed(21).candidates(200).rateLimit(0)
                .webhookUrl("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                .webhookRetryDelays(List.of(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50)))
                .build());
    }

    @AfterEach
    void stop() {
        sb.stop();
        receiver.stop(0);
    }

    static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        StringBuilder hex = new StringBuilder();
        for (byte b : mac.doFinal(body)) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    void awaitReceived(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (received.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(received.size() >= n, "received " + received.size() + " of " + n);
    }

    @Test
    void candidateDeletionIsDeliveredSignedWithTheSecret() throws Exception {
        long candidate = Resource.CANDIDATES.idBase() + 17;
        var deleted = sb.delete(Resource.CANDIDATES, candidate);
        awaitReceived(1);
        Received r = received.get(0);
        assertTrue(r.signature().startsWith("sha256 "), r.signature());
        String expected = hmac(sb.credentials().webhookSecret(), r.body());
        assertTrue(MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                r.signature().substring(7).getBytes(StandardCharsets.US_ASCII)));
        assertNotNull(r.eventId());
        JsonNode envelope = SandboxHttp.JSON.readTree(r.body());
        assertEquals("delete_candidate", envelope.get("action").asText());
        assertEquals(candidate, envelope.get("payload").get("person").get("id").asLong());
        assertEquals(deleted.get(Resource.APPLICATIONS).size(),
                envelope.get("payload").get("person").get("deleted_application_ids").size());
        String raw = new String(r.body(), StandardCharsets.US_ASCII);
        assertTrue(raw.chars().allMatch(ch -> ch < 128), "non-ASCII is escaped as \\uXXXX");
    }

    @Test
    void failedDeliveriesAreRetriedWithTheSameEventId() throws Exception {
        failuresLeft.set(2);
        sb.touch(Resource.CANDIDATES, Resource.CANDIDATES.idBase() + 3);
        awaitReceived(3);
        assertEquals(1, received.stream().map(Received::eventId).distinct().count());
        long deadline = System.currentTimeMillis() + 2_000;
        while (!"delivered".equals(sb.webhooks().deliveries().get(0).state()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        WebhookEmitter.Delivery d = sb.webhooks().deliveries().get(0);
        assertEquals("update_candidate", d.action());
        assertEquals("delivered", d.state());
        assertEquals(3, d.attempts());
        JsonNode body = SandboxHttp.JSON.readTree(received.get(2).body());
        assertEquals(Resource.CANDIDATES.idBase() + 3, body.get("payload").get("candidate").get("id").asLong());
    }

    @Test
    void deliveriesGiveUpAfterTheLastAttempt() throws Exception {
        failuresLeft.set(100);
        sb.delete(Resource.JOB_POSTS, Resource.JOB_POSTS.idBase() + 1);
        awaitReceived(4);
        Thread.sleep(200);
        assertEquals(4, received.size(), "1 attempt + 3 retries");
        assertEquals("failed", sb.webhooks().deliveries().get(0).state());
        assertEquals("job_post_deleted", sb.webhooks().deliveries().get(0).action());
    }

    @Test
    void organisationChangesProduceTheirActions() throws Exception {
        String admin = new SandboxHttp(sb).adminToken();
        JsonNode interview = new SandboxHttp(sb).get(admin, "/v3/interviews?status=scheduled&per_page=1").json().get(0);
        sb.delete(Resource.INTERVIEWS, interview.get("id").asLong());
        awaitReceived(1);
        JsonNode e = SandboxHttp.JSON.readTree(received.get(0).body());
        assertEquals("interview_deleted", e.get("action").asText());
        assertEquals(interview.get("id").asLong(), e.get("payload").get("interview").get("id").asLong());
        sb.churn(40);
        long deadline = System.currentTimeMillis() + 5_000;
        while (received.size() < 30 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        List<String> actions = received.stream().map(r -> {
            try {
                return SandboxHttp.JSON.readTree(r.body()).get("action").asText();
            } catch (java.io.IOException ex) {
                throw new IllegalStateException(ex);
            }
        }).toList();
        assertTrue(actions.contains("update_candidate"), actions.toString());
        assertTrue(actions.contains("candidate_stage_change") || actions.contains("reject_candidate"), actions.toString());
        assertTrue(actions.contains("new_candidate_application"), actions.toString());
    }

    @Test
    void jobPostCreatesAndUpdatesCarryThePostFlatAsGreenhouseSendsThem() throws Exception {
        long post = Resource.JOB_POSTS.idBase() + 2;
        sb.touch(Resource.JOB_POSTS, post);
        awaitReceived(1);
        JsonNode e = SandboxHttp.JSON.readTree(received.get(0).body());
        assertEquals("job_post_updated", e.get("action").asText());
        assertEquals(post, e.get("payload").get("id").asLong(), e.toString());
        assertTrue(e.get("payload").has("job_id"), e.toString());
    }

    @Test
    void anAddedTargetIsPingedSigned() throws Exception {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook?second";
        sb.webhooks().addTarget(url);
        awaitReceived(1);
        Received r = received.get(0);
        JsonNode e = SandboxHttp.JSON.readTree(r.body());
        assertEquals("ping", e.get("action").asText());
        assertTrue(e.get("payload").get("web_hook_id").asLong() > 0, e.toString());
        assertEquals("sha256 " + hmac(sb.credentials().webhookSecret(), r.body()), r.signature());
        assertNotNull(r.eventId());
    }
}
