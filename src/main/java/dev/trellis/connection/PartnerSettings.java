package dev.trellis.connection;

import dev.trellis.config.ConfigException;
import dev.trellis.config.SecretRef;
import dev.trellis.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * The trellis.partner.* keys: the partner app Greenhouse issued (client id, client secret by reference, the one
 * registered redirect URI, its scopes), Greenhouse's URLs, the origins {@code return_to} may point at, and how long a
 * state lives and how often an idle grant is refreshed. The flow is off when the client id is empty.
 */
public record PartnerSettings(String clientId, String clientSecret, URI redirectUri, List<String> scopes,
        URI authorizeUrl, URI tokenUrl, URI harvestUrl, List<String> returnTo, Duration state, Duration keepalive,
        Duration keepaliveCheck) {

    public boolean enabled() {
        return clientId != null;
    }

    @Override
    public String toString() {
        return "PartnerSettings[client " + clientId + ", redirect " + redirectUri + "]";
    }

    public static PartnerSettings bind(Settings settings) {
        String clientId = settings.optional("trellis.partner.client-id").orElse(null);
        Duration state = settings.minutes("trellis.partner.state-minutes", 1, 60);
        Duration keepalive = Duration.ofHours(settings.number("trellis.partner.keepalive-hours", 1, 23));
        Duration check = settings.seconds("trellis.partner.keepalive-check-seconds", 1, 3600);
        URI authorize = url(settings, "trellis.partner.authorize-url");
        URI token = url(settings, "trellis.partner.token-url");
        URI harvest = url(settings, "trellis.partner.harvest-url");
        if (clientId == null) {
            return new PartnerSettings(null, null, null, List.of(), authorize, token, harvest, List.of(), state,
                    keepalive, check);
        }
        String secret = SecretRef.resolve(settings.required("trellis.partner.client-secret"),
                "trellis.partner.client-secret");
        URI redirect = url(settings, "trellis.partner.redirect-uri");
        List<String> origins = settings.list("trellis.partner.return-to").stream()
                .map(o -> origin(o, "trellis.partner.return-to")).toList();
        return new PartnerSettings(clientId, secret, redirect, settings.list("trellis.partner.scopes"), authorize,
                token, harvest, origins, state, keepalive, check);
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
