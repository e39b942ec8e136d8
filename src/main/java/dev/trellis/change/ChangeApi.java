package dev.trellis.change;

import dev.trellis.api.ApiException;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.Tenants;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/** {@code GET /api/changes}: the change feed for applications outside Camel (docs/changes.md). */
public final class ChangeApi {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Pattern STREAM = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private static final List<String> PARAMETERS = List.of("tenant", "stream", "after", "limit", "include_backfill",
            "tail");

    private final ChangeFeed feed;
    private final Tenants tenants;
    private final JsonResponse response;
    private final Duration retention;

    ChangeApi(ChangeFeed feed, Tenants tenants, JsonResponse response, Duration retention) {
        this.feed = feed;
        this.tenants = tenants;
        this.response = response;
        this.retention = retention;
    }

    public void list(Exchange exchange) {
        response.answer(exchange, 200, ex -> {
            unknownParameters(ex);
            String tenant = text(ex, "tenant");
            if (tenant != null && tenants.find(tenant).isEmpty()) {
                throw ApiException.notFound("Unknown tenant '" + tenant + "'");
            }
            String stream = text(ex, "stream");
            if (stream != null && !STREAM.matcher(stream).matches()) {
                throw ApiException.badRequest("Parameter 'stream' must be a stream name such as applications (lower-case "
                        + "letters, digits and _), not '" + shorten(stream) + "'");
            }
            String afterText = text(ex, "after");
            long after = afterText == null ? 0 : whole(afterText, "after", 0, Long.MAX_VALUE);
            String limitText = text(ex, "limit");
            int limit = limitText == null ? DEFAULT_LIMIT : (int) whole(limitText, "limit", 1, MAX_LIMIT);
            boolean backfill = flag(text(ex, "include_backfill"), "include_backfill");
            boolean tail = flag(text(ex, "tail"), "tail");
            if (tail && afterText != null) {
                throw ApiException.badRequest("Parameter 'tail' gives the latest events: it cannot be combined with "
                        + "'after' (read on with after=<next> from its answer)");
            }
            ChangeFeed.Page page = feed.read(new ChangeFeed.Query(tenant, stream, after, limit, backfill, tail));
            if (afterText != null && page.trimmedThrough() > after) {
                throw new ApiException(410, "Parameter 'after': the events after " + after + " up to "
                        + page.trimmedThrough() + " were deleted by retention (trellis.changes.retention-days = "
                        + retention.toDays() + "); read again without 'after' to start from the oldest event kept");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", page.events().stream().map(ChangeEvent::json).toList());
            body.put("next", page.next());
            body.put("more", page.full());
            return body;
        });
    }

    private static String text(Exchange ex, String name) {
        String v = ex.getIn().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static long whole(String value, String name, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest("Parameter '" + name + "' must be a whole number from " + min + " to " + max
                + ", not '" + shorten(value) + "'");
    }

    private static boolean flag(String value, String name) {
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("Parameter '" + name + "' must be true or false, not '"
                    + shorten(value) + "'");
        };
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** A parameter it does not know is refused, so a typo (afer=) never silently reads from the start. */
    private static void unknownParameters(Exchange ex) {
        String query = ex.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (!name.isEmpty() && !PARAMETERS.contains(name)) {
                throw ApiException.badRequest("Parameter '" + shorten(name) + "' is unknown; GET /api/changes takes "
                        + String.join(", ", PARAMETERS));
            }
        }
    }
}
