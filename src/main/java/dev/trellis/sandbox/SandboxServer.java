package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server: routes by path prefix to the API handlers, applies faults (never to {@code /_sandbox}),
 * counts requests by method, path and status, and writes the answers.
 */
final class SandboxServer {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);
    private static final Pattern NUMBER = Pattern.compile("/\\d+(?=/|$)");
    private static final Pattern BOARD = Pattern.compile("^/v1/boards/[^/]+");

    enum Area { TOKEN, AUTHORIZE, HARVEST, PARTNER, BOARD, CONTROL, UNKNOWN }

    private final Http11Server server;
    private final Faults faults;
    private final RateWindow harvestWindow;
    private final Map<Area, Handler> handlers;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    SandboxServer(String host, int port, int threads, Clock clock, Faults faults, RateWindow harvestWindow,
            Map<Area, Handler> handlers) throws IOException {
        this.faults = faults;
        this.harvestWindow = harvestWindow;
        this.handlers = handlers;
        this.server = new Http11Server(host, port, threads, clock, this::exchange);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.port();
    }

    void stop() {
        server.stop();
    }

    static Area area(String path) {
        if (path.equals("/token") || path.equals("/oauth/token")) {
            return Area.TOKEN;
        }
        if (path.equals("/authorize") || path.equals("/oauth/authorize")) {
            return Area.AUTHORIZE;
        }
        if (path.startsWith("/v3/")) {
            return Area.HARVEST;
        }
        if (path.startsWith("/v1/partner/")) {
            return Area.PARTNER;
        }
        if (path.startsWith("/v1/boards/")) {
            return Area.BOARD;
        }
        if (path.startsWith("/_sandbox/") || path.equals("/_sandbox")) {
            return Area.CONTROL;
        }
        return Area.UNKNOWN;
    }

    /** Request counts keyed "METHOD /path/with/{id} STATUS", sorted. */
    ObjectNode requestCounts() {
        ObjectNode o = Json.object();
        new TreeMap<>(counters).forEach((k, v) -> o.put(k, v.sum()));
        return o;
    }

    void resetCounts() {
        counters.clear();
    }

    private void count(SandboxRequest req, String outcome) {
        String path = NUMBER.matcher(BOARD.matcher(req.path).replaceFirst("/v1/boards/{board_token}"))
                .replaceAll("/{id}");
        // a refused Harvest request keeps its query, so the parameter Greenhouse would refuse can be seen
        boolean refused = outcome.equals("400") || outcome.equals("422");
        if (refused && area(req.path) == Area.HARVEST && req.rawQuery != null && !req.rawQuery.isEmpty()) {
            path = path + "?" + req.rawQuery;
        }
        counters.computeIfAbsent(req.method + " " + path + " " + outcome, k -> new LongAdder()).increment();
    }

    private void exchange(Http11Server.Exchange ex) throws InterruptedException {
        try {
            SandboxRequest req;
            try {
                req = new SandboxRequest(ex);
            } catch (ApiException e) {
                send(ex, e.reply, false);
                return;
            }
            Area area = area(req.path);
            if (area != Area.CONTROL && faults.latencyMillis() > 0) {
                Thread.sleep(faults.latencyMillis());
            }
            Reply reply = faultBefore(area);
            if (reply == null) {
                reply = dispatch(area, req);
            }
            if (reply == Reply.LOST) {
                count(req, "lost");
                // no answer sent: the connection closes without one
                return;
            }
            boolean success = reply.status() >= 200 && reply.status() < 300;
            boolean write = !req.method.equals("GET") && !req.method.equals("HEAD");
            if (success && write && (area == Area.HARVEST || area == Area.PARTNER || area == Area.BOARD)) {
                long hang = faults.takeDrop();
                if (hang >= 0) {
                    count(req, "dropped");
                    if (hang > 0) {
                        Thread.sleep(hang);
                    }
                    // no answer sent: the connection closes without one
                    return;
                }
            }
            boolean api = area == Area.HARVEST || area == Area.PARTNER || area == Area.BOARD;
            boolean truncate = success && api && reply.body().length > 1 && faults.takeTruncation();
            count(req, reply.status() + (truncate ? " truncated" : ""));
            send(ex, reply, truncate);
        } catch (IOException | RuntimeException e) {
            // unanswered: the connection closes
            LOG.debug("sandbox exchange failed", e);
        }
    }

    private Reply faultBefore(Area area) {
        if (area == Area.HARVEST && faults.takeStorm()) {
            int retry = faults.stormRetryAfterSeconds();
            Reply r = Reply.json(429, Json.errors("Rate limit exceeded"));
            r.header("Retry-After", Integer.toString(retry));
            if (harvestWindow.enabled()) {
                r.header("X-RateLimit-Limit", Integer.toString(harvestWindow.limit()));
                r.header("X-RateLimit-Remaining", "0");
                r.header("X-RateLimit-Reset", Long.toString(harvestWindow.nowSeconds() + retry));
            }
            return r;
        }
        if ((area == Area.HARVEST || area == Area.PARTNER) && faults.takeServerError()) {
            return Reply.json(503, Json.errors("Service Unavailable"));
        }
        return null;
    }

    private Reply dispatch(Area area, SandboxRequest req) {
        Handler h = handlers.get(area);
        if (h == null) {
            return Reply.json(404, Json.object().put("message", "Resource not found"));
        }
        try {
            return h.handle(req);
        } catch (ApiException e) {
            return e.reply;
        } catch (RuntimeException e) {
            LOG.warn("sandbox handler failed for {} {}", req.method, req.path, e);
            return Reply.json(500, Json.errors("Internal sandbox error: " + e));
        }
    }

    private static void send(Http11Server.Exchange ex, Reply reply, boolean truncate) throws IOException {
        ex.send(reply.status(), reply.headers(), reply.body(), truncate);
    }
}
