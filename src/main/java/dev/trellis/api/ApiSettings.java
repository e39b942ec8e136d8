package dev.trellis.api;

import dev.trellis.config.Settings;

/** The REST API's limits: the largest page a list answers and the largest request body (camel.server.max-body-size). */
public record ApiSettings(int maxPageSize, long maxBodySize) {

    public static ApiSettings bind(Settings settings) {
        return new ApiSettings(
                settings.integer("trellis.api.max-page-size", 1, 100_000),
                settings.number("camel.server.max-body-size", 1, 1L << 30));
    }
}
