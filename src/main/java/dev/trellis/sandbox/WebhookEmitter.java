package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the organisation's changes to the configured target URLs as Greenhouse does (docs/greenhouse.md#webhooks):
 * POST of {@code {"action": ..., "payload": {...}}} with Unicode/HTML escaped,
 * {@code Signature: sha256 <hex HMAC-SHA256>} over the exact bytes sent, a {@code Greenhouse-Event-ID} kept across
 * retries, and retries on a schedule (Greenhouse's by default; tests pass shorter delays). Only HTTP 200 counts as
 * delivered.
 */
public final class WebhookEmitter {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookEmitter.class);
    private static final int KEEP_DELIVERIES = 10_000;

    /** One delivery to one target: its event id, action, attempt count and state (pending, delivered, failed). */
    public record Delivery(String eventId, String action, String url, int attempts, String state, int lastStatus) {
    }

    private final String secret;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final WebhookSender sender;
    private final List<Delivery> log = new ArrayList<>();
    private final AtomicInteger pings = new AtomicInteger();

    WebhookEmitter(String secret, List<String> urls, WebhookSender sender) {
        this.secret = secret;
        this.targets.addAll(urls);
        this.sender = sender;
    }

    /** The secret receivers verify the Signature header with. */
    public String secret() {
        return secret;
    }

    public List<String> targets() {
        return List.copyOf(targets);
    }

    /**
     * Adds a target and pings it, as Greenhouse pings a webhook when it is saved: {@code {"action": "ping", "payload":
     * {"web_hook_id": n}}}, signed like any delivery, one attempt (the ping's shape is UNCONFIRMED, docs/sandbox.md).
     */
    public void addTarget(String url) {
        URI.create(url);
        if (!targets.contains(url)) {
            targets.add(url);
            ObjectNode envelope = Json.object();
            envelope.put("action", "ping");
            envelope.putObject("payload").put("web_hook_id", pings.incrementAndGet());
            String eventId = UUID.randomUUID().toString();
            record(new Delivery(eventId, "ping", url, 0, "pending", 0));
            byte[] body = Json.escapedBytes(envelope);
            sender.scheduler.execute(() -> attempt(eventId, "ping", url, body, 1, false));
        }
    }

    public boolean removeTarget(String url) {
        return targets.remove(url);
    }

    /** Every delivery so far (the latest state of each), oldest first. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(log);
    }

    /** {@code sha256 <lower-case hex HMAC-SHA256(secret, body)>}, the Signature header value. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256 " + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void emit(String action, ObjectNode payload) {
        if (targets.isEmpty()) {
            return;
        }
        ObjectNode envelope = Json.object();
        envelope.put("action", action);
        envelope.set("payload", payload);
        byte[] body = Json.escapedBytes(envelope);
        for (String url : targets) {
            String eventId = UUID.randomUUID().toString();
            record(new Delivery(eventId, action, url, 0, "pending", 0));
            sender.scheduler.execute(() -> attempt(eventId, action, url, body, 1, true));
        }
    }

    private void attempt(String eventId, String action, String url, byte[] body, int attempt, boolean retried) {
        int status = 0;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(sender.timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Greenhouse-Sandbox-Webhooks")
                    .header("Signature", signature(secret, body))
                    .header("Greenhouse-Event-ID", eventId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            status = sender.client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.debug("webhook {} to {} failed: {}", action, url, e.toString());
        }
        if (status == 200) {
            record(new Delivery(eventId, action, url, attempt, "delivered", status));
            return;
        }
        if (!retried || attempt > sender.retryDelays.size()) {
            record(new Delivery(eventId, action, url, attempt, "failed", status));
            return;
        }
        record(new Delivery(eventId, action, url, attempt, "pending", status));
        Duration wait = sender.retryDelays.get(attempt - 1);
        sender.scheduler.schedule(() -> attempt(eventId, action, url, body, attempt + 1, true), wait.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private synchronized void record(Delivery d) {
        for (int k = log.size() - 1; k >= 0; k--) {
            Delivery old = log.get(k);
            if (old.eventId().equals(d.eventId())) {
                log.set(k, d);
                return;
            }
        }
        log.add(d);
        if (log.size() > KEEP_DELIVERIES) {
            log.remove(0);
        }
    }
}
