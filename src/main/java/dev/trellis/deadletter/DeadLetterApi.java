package dev.trellis.deadletter;

import dev.trellis.api.ApiException;
import dev.trellis.api.JsonResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;

/** {@code /api/dead-letters}: list, show, replay, discard. */
public final class DeadLetterApi {
    private final DeadLetterStore store;
    private final DeadLetterReplayer replayer;
    private final JsonResponse response;
    private final Runnable onChange;
    private final int maxPageSize;

    public DeadLetterApi(DeadLetterStore store, DeadLetterReplayer replayer, JsonResponse response, Runnable onChange,
            int maxPageSize) {
        this.store = store;
        this.replayer = replayer;
        this.response = response;
        this.onChange = onChange;
        this.maxPageSize = maxPageSize;
    }

    public void list(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            String statusParam = ex.getIn().getHeader("status", String.class);
            DeadLetter.Status status = null;
            if (statusParam != null && !statusParam.isBlank() && !statusParam.equals("all")) {
                try {
                    status = DeadLetter.Status.valueOf(statusParam.trim().toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("Parameter 'status' must be open, replayed, discarded or all, not '"
                            + statusParam + "'");
                }
            }
            long limit = JsonResponse.number(ex, "limit").orElse(50L);
            if (limit > maxPageSize) {
                throw ApiException.badRequest("Parameter 'limit' must be at most " + maxPageSize + ", not " + limit);
            }
            DeadLetterStore.Query query = new DeadLetterStore.Query(status, blankToNull(ex, "route"),
                    blankToNull(ex, "tenant"), JsonResponse.number(ex, "before").orElse(null), (int) limit);
            List<DeadLetter> page = store.list(query);
            List<Map<String, Object>> items = new ArrayList<>();
            page.forEach(d -> items.add(summary(d)));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            if (page.size() == limit) {
                body.put("next", nextLink(query, page.get(page.size() - 1).id()));
            }
            return body;
        });
    }

    public void show(Exchange exchange) {
        response.answer(exchange, 200, ex -> detail(find(ex)));
    }

    public void replay(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            DeadLetter letter = find(ex);
            DeadLetterReplayer.Outcome outcome;
            try {
                outcome = replayer.replay(letter);
            } catch (DeadLetterReplayer.NotReplayable e) {
                throw ApiException.conflict(e.getMessage());
            } finally {
                onChange.run();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("replayed", outcome.replayed());
            body.put("deadLetter", detail(outcome.deadLetter()));
            return body;
        });
    }

    /**
     * {@code POST /api/dead-letters/replay?route=&tenant=&limit=100}: replays the newest {@code limit} open letters
     * the filter selects (at most the page size), one at a time, oldest first; answers how many went through
     * and each one's outcome. Ask again for the rest.
     */
    public void replayMany(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            long limit = JsonResponse.number(ex, "limit").orElse(100L);
            if (limit > maxPageSize) {
                throw ApiException.badRequest("Parameter 'limit' must be at most " + maxPageSize + ", not " + limit);
            }
            List<DeadLetter> selected = new ArrayList<>(store.list(new DeadLetterStore.Query(DeadLetter.Status.open,
                    blankToNull(ex, "route"), blankToNull(ex, "tenant"), null, (int) limit)));
            java.util.Collections.reverse(selected);
            List<Map<String, Object>> outcomes = new ArrayList<>();
            int replayed = 0;
            try {
                for (DeadLetter letter : selected) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("id", letter.id());
                    try {
                        DeadLetterReplayer.Outcome outcome = replayer.replay(letter);
                        o.put("replayed", outcome.replayed());
                        o.put("status", outcome.deadLetter().status().name());
                        o.put("message", outcome.replayed() ? null : outcome.deadLetter().exceptionMessage());
                        replayed += outcome.replayed() ? 1 : 0;
                    } catch (DeadLetterReplayer.NotReplayable e) {
                        o.put("replayed", false);
                        o.put("status", letter.status().name());
                        o.put("message", e.getMessage());
                    }
                    outcomes.add(o);
                }
            } finally {
                onChange.run();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("selected", selected.size());
            body.put("replayed", replayed);
            body.put("failed", selected.size() - replayed);
            body.put("outcomes", outcomes);
            return body;
        });
    }

    public void discard(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            DeadLetter letter = find(ex);
            if (!store.discard(letter.id())) {
                throw ApiException.conflict("Dead letter " + letter.id() + " is " + letter.status()
                        + ", only open ones can be discarded");
            }
            onChange.run();
            return detail(store.find(letter.id()).orElseThrow());
        });
    }

    private DeadLetter find(Exchange ex) {
        long id = JsonResponse.number(ex, "id").orElseThrow(() -> ApiException.badRequest("Parameter 'id' is required: a dead-letter id"));
        return store.find(id).orElseThrow(() -> ApiException.notFound("No dead letter with id " + id));
    }

    private static String blankToNull(Exchange ex, String name) {
        String v = ex.getIn().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String nextLink(DeadLetterStore.Query q, long lastId) {
        StringBuilder link = new StringBuilder("/api/dead-letters?limit=" + q.limit() + "&before=" + lastId);
        link.append("&status=").append(q.status() == null ? "all" : q.status().name());
        if (q.routeId() != null) {
            link.append("&route=").append(java.net.URLEncoder.encode(q.routeId(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (q.tenant() != null) {
            link.append("&tenant=").append(java.net.URLEncoder.encode(q.tenant(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return link.toString();
    }

    static Map<String, Object> summary(DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("status", d.status().name());
        m.put("tenant", d.tenant());
        m.put("route", d.routeId());
        m.put("endpoint", d.endpoint());
        m.put("exception", d.exceptionClass());
        m.put("message", d.exceptionMessage());
        m.put("attempts", d.attempts());
        m.put("replays", d.replays());
        m.put("firstFailedAt", String.valueOf(d.firstFailedAt()));
        m.put("lastFailedAt", String.valueOf(d.lastFailedAt()));
        return m;
    }

    static Map<String, Object> detail(DeadLetter d) {
        Map<String, Object> m = summary(d);
        m.put("statusChangedAt", d.statusChangedAt() == null ? null : d.statusChangedAt().toString());
        m.put("headers", d.headers());
        m.put("bodyFormat", d.bodyFormat().name());
        m.put("body", d.body());
        return m;
    }
}
