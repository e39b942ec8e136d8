package dev.trellis.webhook;

import dev.trellis.api.RouterHandlers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/greenhouse/{tenant}} on the API port, outside /api and its token: the signature guards it.
 * Verifies {@code Signature} over the raw body with the tenant's webhook secret, answers the ping, and stores the
 * delivery (committed, deduplicated by {@code Greenhouse-Event-ID}) before answering 200; processing comes after.
 */
final class WebhookReceiver extends RouterHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = "/webhooks/greenhouse/:tenant";
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern EVENT_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern ACTION = Pattern.compile("[a-z0-9_]{1,100}");
    private static final String REFUSED = "The Signature header does not match this URL's webhook secret";

    private final Tenants tenants;
    private final Deliveries deliveries;
    private final WebhookMetrics metrics;
    private final SecretMasker masker;
    private final long maxBodyBytes;
    private final Runnable stored;
    private final Clock clock;

    WebhookReceiver(CamelContext context, Tenants tenants, Deliveries deliveries, WebhookMetrics metrics,
            SecretMasker masker, long maxBodyBytes, Runnable stored, Clock clock) {
        super(context);
        this.tenants = tenants;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.masker = masker;
        this.maxBodyBytes = maxBodyBytes;
        this.stored = stored;
        this.clock = clock;
    }

    @Override
    protected void register(VertxPlatformHttpRouter router) {
        router.route(HttpMethod.POST, PATH).order(Integer.MIN_VALUE)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .blockingHandler(this::receive, false)
                .failureHandler(this::failed);
    }

    private void receive(RoutingContext ctx) {
        Instant received = clock.instant();
        String id = ctx.pathParam("tenant");
        Buffer buffer = ctx.body().buffer();
        byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
        Optional<Tenant> tenant = id != null && TENANT.matcher(id).matches() ? tenants.known(id) : Optional.empty();
        String secret = tenant.flatMap(Tenant::webhookSecret).orElse(null);
        // an unknown tenant, one without a secret and a wrong signature get the same answer
        if (!WebhookSignature.matches(secret, body, ctx.request().getHeader("Signature"))) {
            String label = secret == null ? "unknown" : id;
            metrics.signatureFailure(label);
            LOG.warn("Webhook for tenant '{}' refused: {}", label, secret == null
                    ? "no such tenant, or it has no webhooks.secret" : "signature missing or wrong");
            answer(ctx, 401, Map.of("error", REFUSED));
            return;
        }
        JsonNode envelope;
        try {
            envelope = envelope(body);
        } catch (BadDelivery e) {
            metrics.delivery(id, "other", "bad-request");
            answer(ctx, 400, Map.of("error", e.getMessage()));
            return;
        }
        String action = envelope.get("action").asText();
        if (action.equals("ping")) {
            metrics.delivery(id, action, "ping");
            answer(ctx, 200, Map.of("status", "pong"));
            return;
        }
        String eventId = ctx.request().getHeader("Greenhouse-Event-ID");
        ActionPlan plan;
        try {
            if (eventId == null || !EVENT_ID.matcher(eventId.trim()).matches()) {
                throw new BadDelivery("Header 'Greenhouse-Event-ID' must be the delivery's id (1 to 200 visible ASCII "
                        + "characters)" + (eventId == null ? ", and it is missing" : ""));
            }
            plan = ActionPlan.of(action, envelope.get("payload"));
        } catch (BadDelivery e) {
            metrics.delivery(id, action, "bad-request");
            answer(ctx, 400, Map.of("error", e.getMessage()));
            return;
        }
        try {
            boolean added = deliveries.store(id, eventId.trim(), action, plan.kind(),
                    new String(body, StandardCharsets.UTF_8), received);
            String outcome = !added ? "duplicate" : plan.kind().equals("none") ? "unknown" : "stored";
            metrics.delivery(id, action, outcome);
            answer(ctx, 200, Map.of("status", outcome));
            if (added && !plan.kind().equals("none")) {
                stored.run();
            }
        } catch (Exception e) {
            // Greenhouse retries a non-200 later: say so, without the database's message
            metrics.delivery(id, action, "unavailable");
            LOG.error("Webhook {} for tenant {} could not be stored: {}", action, id, masker.mask(String.valueOf(e)));
            answer(ctx, 503, Map.of("error", "The delivery could not be stored now; Greenhouse sends it again later"));
        }
    }

    /** The envelope {@code {"action": "...", "payload": {...}}}, or why it is not one. */
    private static JsonNode envelope(byte[] body) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new BadDelivery("The body is not JSON: a Greenhouse webhook is {\"action\": ..., \"payload\": {...}}");
        }
        if (envelope == null || !envelope.isObject()) {
            throw new BadDelivery("The body must be a JSON object {\"action\": ..., \"payload\": {...}}");
        }
        JsonNode action = envelope.get("action");
        if (action == null || !action.isTextual() || !ACTION.matcher(action.asText()).matches()) {
            throw new BadDelivery("Field 'action' must be the event's name (lower-case letters, digits and _)"
                    + (action == null ? ", and it is missing" : ""));
        }
        JsonNode payload = envelope.get("payload");
        if (!action.asText().equals("ping") && (payload == null || !payload.isObject())) {
            throw new BadDelivery("Field 'payload' must be a JSON object" + (payload == null ? ", and it is missing"
                    : ""));
        }
        return envelope;
    }

    /** The body limit (413) or anything unexpected: a JSON answer, never a Java message. */
    private void failed(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().close();
            return;
        }
        if (ctx.statusCode() == 413) {
            answer(ctx, 413, Map.of("error", "The body is larger than the limit of " + maxBodyBytes
                    + " bytes (camel.server.max-body-size)"));
            return;
        }
        if (ctx.failure() != null) {
            LOG.error("Webhook request failed: {}", masker.mask(String.valueOf(ctx.failure())));
        }
        answer(ctx, ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 503,
                Map.of("error", "The delivery could not be taken now; Greenhouse sends it again later"));
    }

    private static void answer(RoutingContext ctx, int status, Map<String, String> body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{}";
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(text);
    }
}
