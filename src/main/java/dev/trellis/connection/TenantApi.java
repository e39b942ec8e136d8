package dev.trellis.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiException;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.Tenants;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;

/**
 * {@code /api/tenants}: check a proposed connection, create, list, show, change, pause, resume and remove; and
 * {@code /api/keys}: which keys seal the secrets, and re-sealing them with the current one. Secrets are never
 * answered: at most their last four characters.
 */
public final class TenantApi {
    public static final String BEAN = "tenantApi";
    private static final int MAX_PAGE = 500;

    private final Connections connections;
    private final Tenants tenants;
    private final JsonResponse response;

    TenantApi(Connections connections, Tenants tenants, JsonResponse response) {
        this.connections = connections;
        this.tenants = tenants;
        this.response = response;
    }

    /** {@code POST /api/tenants/check}: the check's table and fixes, and the status it would be saved with. */
    public void check(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            Connections.Checked checked = connections.check(ConnectionSpec.create(body(ex)));
            return checkAnswer(checked);
        });
    }

    public void create(Exchange exchange) {
        unusableAs422(exchange, 201, ex -> {
            TenantStore.Row row = connections.create(ConnectionSpec.create(body(ex)));
            ex.getMessage().setHeader("Location", "/api/tenants/" + row.id());
            return view(row, true);
        });
    }

    public void list(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String search = param(ex, "search");
            String status = param(ex, "status");
            if (status != null && !List.of(ConnectionStatus.ACTIVE, ConnectionStatus.NEEDS_ATTENTION,
                    ConnectionStatus.PAUSED, ConnectionStatus.DISCONNECTED).contains(status)) {
                throw ApiException.badRequest("Parameter 'status' must be active, needs_attention, paused or "
                        + "disconnected, not '" + status + "'");
            }
            int limit = JsonResponse.number(ex, "limit").map(Long::intValue).filter(n -> n <= MAX_PAGE).orElse(
                    param(ex, "limit") == null ? 100 : MAX_PAGE);
            List<TenantStore.Row> rows = connections.list(search, status, param(ex, "after"), limit + 1);
            List<Map<String, Object>> items = new ArrayList<>();
            for (TenantStore.Row row : rows.subList(0, Math.min(limit, rows.size()))) {
                items.add(view(row, false));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tenants", items);
            out.put("next", rows.size() > limit ? items.get(items.size() - 1).get("id") : null);
            out.put("counts", new TreeMap<>(connections.countsWithZeros()));
            return out;
        });
    }

    public void show(Exchange exchange) {
        response.answer(exchange, 200, ex -> view(connections.row(tenant(ex)), true));
    }

    public void change(Exchange exchange) {
        unusableAs422(exchange, 200, ex -> view(connections.change(tenant(ex), body(ex)), true));
    }

    public void pause(Exchange exchange) {
        response.answer(exchange, 200, ex -> view(connections.pause(tenant(ex)), true));
    }

    public void resume(Exchange exchange) {
        response.answer(exchange, 200, ex -> view(connections.resume(tenant(ex)), true));
    }

    public void remove(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String purge = param(ex, "purge");
            if (purge != null && !purge.equals("true") && !purge.equals("false")) {
                throw ApiException.badRequest("Parameter 'purge' must be true or false, not '" + purge + "'");
            }
            return connections.remove(tenant(ex), "true".equals(purge));
        });
    }

    /** {@code GET /api/keys}: the current key's id and how many secrets each key id seals. */
    public void keys(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("current", connections.currentKeyId());
            out.put("secrets", connections.keyUse());
            out.put("unreadable", connections.unreadable());
            return out;
        });
    }

    /** {@code POST /api/keys/rotate}: re-seals every secret with the current key. */
    public void rotate(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            TenantStore.Rotation r = connections.rotateKeys();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("current", connections.currentKeyId());
            out.put("resealed", r.resealed());
            out.put("unreadable", r.unreadable());
            out.put("secrets", connections.keyUse());
            return out;
        });
    }

    private void unusableAs422(Exchange exchange, int status, JsonResponse.Handler handler) {
        response.answer(exchange, status, ex -> {
            try {
                return handler.handle(ex);
            } catch (Connections.Unusable e) {
                Map<String, Object> out = checkAnswer(e.checked);
                out.put("error", (e.checked.status().refused() ? "Greenhouse refused a credential of this "
                        + "connection, so it was not saved: " : "Nothing this connection configures is usable, so it "
                        + "was not saved: ") + String.join(" ", e.checked.result().fix()));
                throw new Refusal(out);
            }
        });
    }

    /** A 422 whose body is the check. */
    static final class Refusal extends ApiException {
        final transient Map<String, Object> body;

        Refusal(Map<String, Object> body) {
            super(422, String.valueOf(body.get("error")));
            this.body = body;
        }

        @Override
        public Object body() {
            return body;
        }
    }

    private static Map<String, Object> checkAnswer(Connections.Checked checked) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", checked.spec().id());
        boolean saved = checked.status().usable() && !checked.status().refused();
        out.put("usable", saved);
        out.put("status", saved ? checked.status().status() : null);
        out.put("waiting", ConnectionStatus.waiting(checked.status().reasons()));
        out.put("check", checked.result().toMap());
        return out;
    }

    /** A connection as the API shows it; {@code full} adds its settings (secrets as their last four) and check. */
    private Map<String, Object> view(TenantStore.Row row, boolean full) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", row.id());
        m.put("name", row.name());
        m.put("status", row.status());
        m.put("source", row.source());
        if (row.file() != null) {
            m.put("file", row.file());
        }
        m.put("reasons", row.reasons());
        m.put("waiting", ConnectionStatus.waiting(row.reasons()));
        m.put("features", features(row.lastCheck()));
        m.put("checkedAt", row.checkedAt() == null ? null : row.checkedAt().toString());
        m.put("createdAt", row.createdAt().toString());
        m.put("updatedAt", row.updatedAt().toString());
        String here = tenants.waiting().get(row.id());
        if (here != null && here.startsWith("secrets unreadable")) {
            m.put("problem", here);
        }
        if (!full && row.settings() != null && row.settings().path("harvest").has("grant")) {
            // a list shows which connections are partner grants (re-authorized, not PATCHed)
            m.put("harvest", Map.of("grant", row.settings().path("harvest").path("grant").asText()));
        }
        if (full) {
            if (row.source().equals("api")) {
                ConnectionSpec spec;
                try {
                    spec = connections.openSpec(row);
                } catch (ApiException unreadable) {
                    // the settings are in clear; only the secrets' last four are unknown here
                    spec = new ConnectionSpec(row.id(), row.name(), row.settings(), Map.of());
                    m.put("problem", unreadable.getMessage());
                }
                m.putAll(spec.shown());
            }
            m.put("lastCheck", row.lastCheck());
        }
        return m;
    }

    /** Each checked feature: ok, waiting (a permission missing or blocked) or unknown. */
    private static Map<String, String> features(JsonNode check) {
        Map<String, String> out = new TreeMap<>();
        if (check == null) {
            return out;
        }
        for (JsonNode r : check.path("rows")) {
            String feature = r.path("feature").asText();
            String s = r.path("status").asText();
            String state = s.equals("ok") ? "ok" : s.equals("unknown") ? "unknown" : "waiting";
            out.merge(feature, state, (a, b) -> a.equals("waiting") || b.equals("waiting") ? "waiting"
                    : a.equals("unknown") || b.equals("unknown") ? "unknown" : "ok");
        }
        return out;
    }

    private static JsonNode body(Exchange ex) {
        String text = ex.getIn().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw new BadField("body", "is empty; send the connection as JSON");
        }
        return JsonBody.parse(text);
    }

    private static String tenant(Exchange ex) {
        return ex.getIn().getHeader("tenant", String.class);
    }

    private static String param(Exchange ex, String name) {
        String v = ex.getIn().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
