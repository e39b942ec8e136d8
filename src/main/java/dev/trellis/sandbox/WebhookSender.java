package dev.trellis.sandbox;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The HTTP client, retry schedule and delivery threads that every organisation's {@link WebhookEmitter} shares:
 * a thousand organisations must not mean a thousand HTTP clients and thread pools.
 */
final class WebhookSender {
    final List<Duration> retryDelays;
    final Duration timeout;
    final HttpClient client;
    final ScheduledExecutorService scheduler;

    WebhookSender(List<Duration> retryDelays, Duration timeout) {
        this.retryDelays = List.copyOf(retryDelays);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "sandbox-webhooks");
            t.setDaemon(true);
            return t;
        });
    }

    void stop() {
        scheduler.shutdownNow();
    }
}
