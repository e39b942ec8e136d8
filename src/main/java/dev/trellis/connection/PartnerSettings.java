package dev.trellis.connection;

import dev.trellis.config.ConfigException;
import dev.trellis.config.SecretRef;
import dev.trellis.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The trellis.partner.* keys: the partner apps Greenhouse issued (Harvest under {@code trellis.partner.*}, Candidate
 * Ingestion under {@code trellis.partner.ingestion.*}: client id, client secret by reference, the one registered
 * redirect URI, scopes, authorize and token URLs), where each API is served, the origins {@code return_to} may point
 * at, how long a state lives and how often an idle grant is refreshed. An app whose client id is empty is off.
 */
public record PartnerSettings(Optional<App> harvest, Optional<App> ingestion, URI harvestUrl, URI ingestionUrl,
        List<String> returnTo, Duration state, Duration keepalive, Duration keepaliveCheck) {

    /** One partner app. */
    public record App(String clientId, String clientSecret, URI redirectUri, List<String> scopes, URI authorizeUrl,
            URI tokenUrl) {
        @Override
        public String toString() {
            return "App[client " + clientId + ", redirect " + redirectUri + "]";
        }
    }

    public boolean enabled() {
        return harvest.isPresent() || ingestion.isPresent();
    }

    Optional<App> app(GrantApi api) {
        return api == GrantApi.HARVEST ? harvest : ingestion;
    }

    public static PartnerSettings bind(Settings settings) {
        Duration state = settings.minutes("trellis.partner.state-minutes", 1, 60);
        Duration keepalive = Duration.ofHours(settings.number("trellis.partner.keepalive-hours", 1, 23));
        Duration check = settings.seconds("trellis.partner.keepalive-check-seconds", 1, 3600);
        Optional<App> harvest = app(settings, "trellis.partner.");
        Optional<App> ingestion = app(settings, "trellis.partner.ingestion.");
        List<String> origins = harvest.isEmpty() && ingestion.isEmpty() ? List.of()
                : settings.list("trellis.partner.return-to").stream()
                        .map(o -> origin(o, "trellis.partner.return-to")).toList();
        return new PartnerSettings(harvest, ingestion, url(settings, "trellis.partner.harvest-url"),
                url(settings, "trellis.partner.ingestion.base-url"), origins, state, keepalive, check);
    }

    private static Optional<App> app(Settings settings, String prefix) {
        URI authorize = url(settings, prefix + "authorize-url");
        URI token = url(settings, prefix + "token-url");
        Optional<String> clientId = settings.optional(prefix + "client-id");
        if (clientId.isEmpty()) {
            return Optional.empty();
        }
        String secret = SecretRef.resolve(settings.required(prefix + "client-secret"), prefix + "client-secret");
        return Optional.of(new App(clientId.get(), secret, url(settings, prefix + "redirect-uri"),
                settings.list(prefix + "scopes"), authorize, token));
    }

    /** Whether {@code returnTo} is an absolute http(s) URL on one of the allowed origins. */
    boolean allowed(String returnTo) {
        try {
            return returnTo != null && returnTo.length() <= 2000 && returnTo.indexOf('#') < 0
                    && returnTo.equals(new URI(returnTo).normalize().toString())
                    && returnTo.contains("://") && this.returnTo.contains(origin(returnTo, "return_to"));
        } catch (URISyntaxException | ConfigException e) {
            return false;
        }
    }

    /** scheme://host[:port], lower case. */
    static String origin(String url, String where) {
        try {
            URI u = new URI(url.trim());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getUserInfo() != null) {
                throw new ConfigException(where + " must be http(s) URLs with a host, not '" + url + "'");
            }
            return (u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()))
                    .toLowerCase(java.util.Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new ConfigException(where + " must be http(s) URLs with a host, not '" + url + "'");
        }
    }

    private static URI url(Settings settings, String key) {
        String value = settings.required(key);
        origin(value, "Configuration key '" + key + "'");
        return URI.create(value);
    }
}
