package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.ApiException;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import dev.trellis.api.JsonResponse;
import dev.trellis.route.HubHeaders;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The outbox's REST API (each kind's {@link OutboundKind#rest()} endpoint, e.g. {@code POST
 * /api/tenants/{tenant}/notes}, and {@code GET /api/outbox/{id}}) and the {@code direct:outbox} intake for routes.
 * Both accept the same fields; the REST API answers 202 with the item's id and status URL.
 */
public final class OutboxApi {
    /** Header set by direct:outbox: the id of the accepted item. */
    public static final String ITEM_ID = "TrellisOutboxId";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutboxIntake intake;
    private final Outbox outbox;
    private final JsonResponse response;

    private final OutboxPauses pauses;
    private final OutboundKinds kinds;

    OutboxApi(OutboxIntake intake, Outbox outbox, JsonResponse response, OutboxPauses pauses, OutboundKinds kinds) {
        this.pauses = pauses;
        this.kinds = kinds;
        this.intake = intake;
        this.outbox = outbox;
        this.response = response;
    }

    /** The kinds with a REST endpoint, for {@link OutboxRoutes}. */
    List<OutboundKind> restKinds() {
        return kinds.all().stream().filter(k -> k.rest().isPresent()).toList();
    }

    public void show(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            long id = JsonResponse.number(ex, "id").orElseThrow(() -> ApiException.badRequest("Parameter 'id' is required"));
            OutboxItem item = outbox.find(id).orElseThrow(() -> ApiException.notFound("No outbox item " + id));
            var view = item.view();
            if ("queued".equals(item.status())) {
                pauses.reason(item.tenant(), item.kind()).ifPresent(reason -> view.put("paused", reason));
            }
            return view;
        });
    }

    /**
     * {@code GET /api/outbox?tenant=&status=&kind=&limit=50&before=<id>}: the undelivered depth and oldest age by kind,
     * and a page of items, newest first, without their payloads ({@code GET /api/outbox/{id}} has it); {@code next}
     * gives the following page.
     */
    public void list(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String tenant = param(ex, "tenant");
            String status = param(ex, "status");
            if (status != null && !List.of("queued", "sending", "delivered", "dead").contains(status)) {
                throw ApiException.badRequest("Parameter 'status' must be queued, sending, delivered or dead, not '"
                        + status + "'");
            }
            String kind = param(ex, "kind");
            if (kind != null && kinds.find(kind).isEmpty()) {
                throw ApiException.badRequest("Parameter 'kind' must be one of " + kinds.names() + ", not '" + kind
                        + "'");
            }
            long limit = JsonResponse.number(ex, "limit").orElse(50L);
            if (limit > 500) {
                throw ApiException.badRequest("Parameter 'limit' must be at most 500, not " + limit);
            }
            List<OutboxItem> page = outbox.list(tenant, status, kind, JsonResponse.number(ex, "before").orElse(null),
                    (int) limit);
            List<Map<String, Object>> items = new java.util.ArrayList<>();
            for (OutboxItem item : page) {
                Map<String, Object> view = item.view();
                view.remove("payload");
                if ("queued".equals(item.status())) {
                    pauses.reason(item.tenant(), item.kind()).ifPresent(reason -> view.put("paused", reason));
                }
                items.add(view);
            }
            List<Map<String, Object>> depth = new java.util.ArrayList<>();
            for (Outbox.Depth d : outbox.depth()) {
                depth.add(Map.of("kind", d.kind(), "items", d.items(), "oldestSeconds", Math.round(d.oldestSeconds())));
            }
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("depth", depth);
            out.put("items", items);
            StringBuilder next = new StringBuilder("/api/outbox?limit=" + limit);
            if (tenant != null) {
                next.append("&tenant=").append(java.net.URLEncoder.encode(tenant, java.nio.charset.StandardCharsets.UTF_8));
            }
            if (status != null) {
                next.append("&status=").append(status);
            }
            if (kind != null) {
                next.append("&kind=").append(kind);
            }
            out.put("next", page.size() == limit ? next + "&before=" + page.get(page.size() - 1).id() : null);
            return out;
        });
    }

    private static String param(Exchange ex, String name) {
        String v = ex.getIn().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** A REST request for an item of {@code kind}: a DELETE may come without a body; {ref} fills its ref field. */
    void accept(Exchange exchange, OutboundKind kind) {
        response.answer(exchange, 202, ex -> {
            boolean delete = kind.rest().map(r -> r.method().equals("DELETE")).orElse(false);
            ObjectNode fields = delete && blank(ex) ? JSON.createObjectNode() : object(ex);
            if (kind.ref().isPresent()) {
                fields.put(kind.ref().get().field(), ex.getIn().getHeader("ref", String.class));
            }
            try {
                Outbox.Accepted accepted = intake.accept(ex.getIn().getHeader("tenant", String.class), kind, fields,
                        ex.getIn().getHeader(IDEMPOTENCY_KEY, String.class));
                String url = "/api/outbox/" + accepted.item().id();
                ex.getMessage().setHeader("Location", url);
                return Map.of("id", accepted.item().id(), "ref", OutboxItem.ref(accepted.item().id()),
                        "status", accepted.item().status(), "status_url", url, "repeated", accepted.repeated());
            } catch (KeyReused e) {
                // as Stripe answers a reused key: the request is understood but cannot be the first one again
                throw new ApiException(422, e.answer());
            }
        });
    }

    /** direct:outbox: the body is the item (a Map, JSON text or JsonNode) with its kind; see docs/outbox.md. */
    public void fromRoute(Exchange exchange) throws Exception {
        fromRoute(exchange, null);
    }

    /**
     * greenhouse:note, email, interview: as {@link #fromRoute(Exchange)} with the endpoint's kind; a kind in the body
     * must be the same.
     */
    public void fromRoute(Exchange exchange, String endpointKind) throws Exception {
        Object body = exchange.getIn().getBody();
        JsonNode node;
        if (body instanceof JsonNode n) {
            node = n.deepCopy();
        } else if (body instanceof String s) {
            node = parse(s);
        } else if (body instanceof Map<?, ?> || body instanceof byte[]) {
            node = body instanceof byte[] b ? parse(new String(b, java.nio.charset.StandardCharsets.UTF_8))
                    : JSON.valueToTree(body);
        } else {
            throw new InvalidItem("body", "must be the item as a Map or JSON object, not "
                    + (body == null ? "nothing" : body.getClass().getSimpleName()));
        }
        if (!node.isObject()) {
            throw new InvalidItem("body", "must be a JSON object");
        }
        ObjectNode fields = (ObjectNode) node;
        String named = text(fields.remove("kind"), "kind");
        if (endpointKind != null && named != null && !named.equals(endpointKind)) {
            throw new InvalidItem("kind", "is '" + named + "' but the endpoint sends " + endpointKind);
        }
        String kindName = endpointKind != null ? endpointKind : named;
        OutboundKind kind = kinds.find(kindName).orElseThrow(() -> new InvalidItem("kind", "must be one of "
                + kinds.names() + ", not " + kindName));
        String tenant = text(fields.remove("tenant"), "tenant");
        if (tenant == null) {
            tenant = exchange.getIn().getHeader(HubHeaders.TENANT, String.class);
        }
        String key = text(fields.remove("idempotency_key"), "idempotency_key");
        if (key == null) {
            key = exchange.getIn().getHeader(IDEMPOTENCY_KEY, String.class);
        }
        Outbox.Accepted accepted = intake.accept(tenant, kind, fields, key);
        exchange.getMessage().setHeader(ITEM_ID, accepted.item().id());
        exchange.getMessage().setBody(accepted.item().view());
    }

    /** An item field that must be a string when given (no number or object read as its text). */
    private static String text(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidItem(field, "must be a string, not " + v);
        }
        return v.textValue();
    }

    private static boolean blank(Exchange ex) {
        String s = ex.getIn().getBody(String.class);
        return s == null || s.isBlank();
    }

    private static ObjectNode object(Exchange ex) {
        JsonNode n = JsonBody.parse(ex.getIn().getBody(String.class));
        if (!n.isObject()) {
            throw new InvalidItem("body", "must be a JSON object");
        }
        return (ObjectNode) n;
    }

    private static JsonNode parse(String s) {
        try {
            return JsonBody.parse(s);
        } catch (InvalidItem e) {
            throw e;
        } catch (BadField e) {
            throw new InvalidItem(e.field(), e.problem());
        }
    }
}
