package dev.trellis.sandbox;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A date filter in the v3 pipe syntax (docs/greenhouse.md#filters): {@code gte|T}, {@code lte|T}, {@code gt|T},
 * {@code lt|T}, or two of them ({@code gte|T1|lte|T2}). Held as an inclusive millisecond range.
 */
record DateWindow(long from, long to) {

    static DateWindow parse(String param, String value) {
        String[] parts = value.split("\\|", -1);
        if (parts.length != 2 && parts.length != 4) {
            throw bad(param, value);
        }
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        for (int k = 0; k < parts.length; k += 2) {
            long t = instant(param, value, parts[k + 1]);
            switch (parts[k]) {
                case "gte" -> from = Math.max(from, t);
                case "gt" -> from = Math.max(from, t + 1);
                case "lte" -> to = Math.min(to, t);
                case "lt" -> to = Math.min(to, t - 1);
                default -> throw bad(param, value);
            }
        }
        return new DateWindow(from, to);
    }

    private static long instant(String param, String value, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(param, value);
        }
    }

    private static ApiException bad(String param, String value) {
        return ApiException.harvest(422, "Invalid query params: " + param
                + " (expected gte|, lte|, gt| or lt| followed by an ISO-8601 timestamp, e.g. gte|2024-01-01T00:00:00Z"
                // a raw + in a query string reads as a space (as Rails reads it)
                + (value.contains(" ") ? "; a + in a query string is a space: send an offset's + as %2B" : "") + ")");
    }

    boolean contains(long t) {
        return t >= from && t <= to;
    }

    DateWindow intersect(DateWindow o) {
        return new DateWindow(Math.max(from, o.from), Math.min(to, o.to));
    }
}
