package dev.trellis.connection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import dev.trellis.api.JsonFields;
import dev.trellis.check.Feature;
import dev.trellis.config.Tenant;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A connection as the API takes it ({@code POST /api/tenants}, {@code PATCH}): the JSON body, read strictly (an unknown
 * or wrong field is a 400 naming it), merged onto the stored connection for a PATCH, and split into what is stored in
 * clear ({@link #settings()}) and the three secrets, which are only ever stored sealed.
 */
public record ConnectionSpec(String id, String name, ObjectNode settings, Map<String, String> secrets) {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Set<String> TOP = Set.of("id", "name", "harvest", "ingestion", "job_board", "webhooks",
            "disabled_features");
    /** Each group's fields: the secret one, then the others. */
    private static final Map<String, List<String>> GROUPS = Map.of(
            "harvest", List.of("client_secret", "client_id", "user_id", "base_url", "token_url"),
            "ingestion", List.of("api_key", "user_email", "base_url"),
            "job_board", List.of("token", "base_url"),
            "webhooks", List.of("secret"));
    /** Stored name of each group's secret ({@code tenant_secret.name}). */
    static final Map<String, String> SECRET_OF = Map.of("harvest", "harvest.client_secret",
            "ingestion", "ingestion.api_key", "webhooks", "webhooks.secret");
    private static final Map<String, String> DEFAULT_URL = Map.of(
            "harvest.base_url", "https://harvest.greenhouse.io", "harvest.token_url", "https://auth.greenhouse.io/token",
            "ingestion.base_url", "https://api.greenhouse.io", "job_board.base_url", "https://boards-api.greenhouse.io");

    public ConnectionSpec {
        secrets = Map.copyOf(secrets);
    }

    /** A new connection from a POST body. */
    static ConnectionSpec create(JsonNode body) {
        requireObject(body, "body");
        JsonNode id = body.get("id");
        if (id == null || !id.isTextual() || !ID.matcher(id.asText()).matches()) {
            throw new BadField("id", "must be lower-case letters, digits and dashes, 1 to 63 characters, starting "
                    + "with a letter or digit" + (id == null ? " (it is missing)" : ""));
        }
        return new ConnectionSpec(id.asText(), null, JSON.createObjectNode(), Map.of()).merge(body, false);
    }

    /**
     * This connection with the body's changes: a group given replaces the fields it names (e.g. only
     * {@code harvest.client_secret} to rotate it); a group given as {@code null} is removed; {@code id} cannot change.
     */
    ConnectionSpec merge(JsonNode body, boolean patch) {
        requireObject(body, "body");
        JsonBody.checkText(body, "");
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!TOP.contains(field)) {
                throw new BadField(field, "is not a field of a connection (fields: id, name, harvest, ingestion, "
                        + "job_board, webhooks, disabled_features)");
            }
        }
        if (patch && body.has("id") && !body.get("id").asText().equals(id)) {
            throw new BadField("id", "cannot change; remove the connection and create it again under the new id");
        }
        ObjectNode settings = this.settings.deepCopy();
        Map<String, String> secrets = new LinkedHashMap<>(this.secrets);
        String name = this.name;
        if (body.has("name")) {
            JsonNode n = body.get("name");
            if (!n.isNull() && (!n.isTextual() || n.asText().length() > 200)) {
                throw new BadField("name", "must be text of at most 200 characters");
            }
            name = n.isNull() || n.asText().isBlank() ? null : n.asText().trim();
        }
        for (String group : List.of("harvest", "ingestion", "job_board", "webhooks")) {
            if (!body.has(group)) {
                continue;
            }
            JsonNode given = body.get(group);
            if (given.isNull()) {
                settings.remove(group);
                if (SECRET_OF.containsKey(group)) {
                    secrets.remove(SECRET_OF.get(group));
                }
                continue;
            }
            requireObject(given, group);
            // a group given for a partner grant replaces the grant (e.g. a pasted key instead of the authorization)
            ObjectNode stored = settings.has(group) && !grant(group) ? (ObjectNode) settings.get(group)
                    : JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                String field = group + "." + f.getKey();
                if (!GROUPS.get(group).contains(f.getKey())) {
                    throw new BadField(field, "is not a field of " + group + " (fields: "
                            + String.join(", ", GROUPS.get(group)) + ")");
                }
                if (SECRET_OF.containsKey(group) && f.getKey().equals(GROUPS.get(group).get(0))) {
                    secrets.put(SECRET_OF.get(group), secret(f.getValue(), field));
                } else {
                    stored.set(f.getKey(), value(f.getKey(), f.getValue(), field));
                }
            }
            settings.set(group, stored);
        }
        if (body.has("disabled_features")) {
            settings.set("disabled_features", features(body.get("disabled_features")));
        }
        ConnectionSpec merged = new ConnectionSpec(id, name, settings, secrets);
        merged.requireComplete();
        return merged;
    }

    /**
     * A partner connection: its Harvest or Candidate Ingestion part is the authorization-code grant made through GET
     * /connect/greenhouse (tokens in {@code partner_grant}), with the partner app's client id and Greenhouse's URLs
     * in clear.
     */
    static ConnectionSpec partner(String id, GrantApi api, PartnerSettings partner) {
        PartnerSettings.App app = partner.app(api).orElseThrow();
        ObjectNode group = JSON.createObjectNode();
        group.put("grant", GRANT);
        group.put("client_id", app.clientId());
        if (api == GrantApi.HARVEST) {
            group.put("base_url", partner.harvestUrl().toString());
            group.put("token_url", app.tokenUrl().toString());
        } else {
            group.put("base_url", partner.ingestionUrl().toString());
        }
        ObjectNode settings = JSON.createObjectNode();
        settings.set(api.label, group);
        return new ConnectionSpec(id, null, settings, Map.of());
    }

    /** This connection with one API's part replaced by the partner grant (a re-authorization or a switch to it). */
    ConnectionSpec withGrant(GrantApi api, PartnerSettings partner) {
        ObjectNode settings = this.settings.deepCopy();
        settings.set(api.label, partner(id, api, partner).settings().get(api.label));
        Map<String, String> secrets = new LinkedHashMap<>(this.secrets);
        secrets.remove(SECRET_OF.get(api.label));
        return new ConnectionSpec(id, name, settings, secrets);
    }

    /** {@code <group>.grant} of a partner connection. */
    static final String GRANT = "authorization_code";

    /** Whether this group (harvest or ingestion) is a partner grant rather than a pasted credential. */
    boolean grant(String group) {
        return GRANT.equals(settings.path(group).path("grant").asText(null));
    }

    /** Every group given has all its required fields; at least one API is configured. */
    private void requireComplete() {
        if (!grant("harvest")) {
            require("harvest", "client_id", "client_secret", "user_id");
        }
        if (!grant("ingestion")) {
            require("ingestion", "api_key", "user_email");
        }
        require("job_board", "token");
        require("webhooks", "secret");
        if (!settings.has("harvest") && !settings.has("ingestion") && !settings.has("job_board")) {
            throw new BadField("harvest", "is missing: a connection needs a Harvest credential (harvest), a Candidate "
                    + "Ingestion key (ingestion) or a Job Board token (job_board)");
        }
    }

    private void require(String group, String... fields) {
        if (!settings.has(group)) {
            return;
        }
        for (String f : fields) {
            boolean present = SECRET_OF.containsKey(group) && f.equals(GROUPS.get(group).get(0))
                    ? secrets.containsKey(SECRET_OF.get(group)) : settings.get(group).has(f);
            if (!present) {
                throw new BadField(group + "." + f, "is missing (" + group + " needs " + String.join(", ", fields) + ")");
            }
        }
    }

    private static String secret(JsonNode v, String field) {
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadField(field, "must be the secret as text");
        }
        if (v.asText().length() > 4096) {
            throw new BadField(field, "is longer than 4096 characters");
        }
        return v.asText().trim();
    }

    private static JsonNode value(String name, JsonNode v, String field) {
        switch (name) {
            case "user_id":
                return JSON.getNodeFactory().numberNode(JsonFields.id(v, field));
            case "user_email":
                if (!v.isTextual() || !EMAIL.matcher(v.asText().trim()).matches()) {
                    throw new BadField(field, "must be the e-mail address of the Greenhouse user who created the key");
                }
                return JSON.getNodeFactory().textNode(v.asText().trim());
            case "base_url":
            case "token_url":
                return JSON.getNodeFactory().textNode(url(v, field).toString());
            default:
                if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 500) {
                    throw new BadField(field, "must be non-empty text of at most 500 characters");
                }
                return JSON.getNodeFactory().textNode(v.asText().trim());
        }
    }

    private static URI url(JsonNode v, String field) {
        String text = v.isTextual() ? v.asText().trim() : "";
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not http(s)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new BadField(field, "must be an http(s) URL with a host");
        }
    }

    private static ArrayNode features(JsonNode v) {
        if (!v.isArray()) {
            throw new BadField("disabled_features", "must be an array of feature ids, e.g. [\"interviews\", "
                    + "\"sync:offers\"]");
        }
        ArrayNode out = JSON.createArrayNode();
        for (int i = 0; i < v.size(); i++) {
            String f = v.get(i).asText("");
            boolean known = f.startsWith("sync:") && f.length() > 5 || knownFeature(f);
            if (!v.get(i).isTextual() || !known) {
                throw new BadField("disabled_features[" + i + "]", "'" + f + "' is not a feature (notes, emails, "
                        + "interviews, ingestion, job-board, webhooks, sync:<stream> or sync:*)");
            }
            out.add(f);
        }
        return out;
    }

    private static boolean knownFeature(String id) {
        for (Feature f : Feature.values()) {
            if (f != Feature.SYNC && f.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static void requireObject(JsonNode v, String field) {
        if (v == null || !v.isObject()) {
            throw new BadField(field, "must be a JSON object");
        }
    }

    /** The tenant the hub runs from this connection. */
    public Tenant tenant(String source) {
        Optional<Tenant.Harvest> harvest = group("harvest").map(h -> new Tenant.Harvest(
                URI.create(text(h, "harvest", "base_url")), URI.create(text(h, "harvest", "token_url")),
                h.get("client_id").asText(), grant("harvest") ? "" : secrets.get("harvest.client_secret"),
                h.path("user_id").asLong(0), grant("harvest")));
        Optional<Tenant.Ingestion> ingestion = group("ingestion").map(i -> grant("ingestion")
                ? new Tenant.Ingestion(URI.create(text(i, "ingestion", "base_url")), "", "", true)
                : new Tenant.Ingestion(URI.create(text(i, "ingestion", "base_url")), secrets.get("ingestion.api_key"),
                        i.get("user_email").asText(), false));
        Optional<Tenant.JobBoard> board = group("job_board").map(b -> new Tenant.JobBoard(
                URI.create(text(b, "job_board", "base_url")), b.get("token").asText()));
        Optional<String> webhook = Optional.ofNullable(secrets.get("webhooks.secret"));
        List<String> disabled = new ArrayList<>();
        settings.path("disabled_features").forEach(f -> disabled.add(f.asText()));
        return new Tenant(id, source, harvest, ingestion, board, webhook, disabled);
    }

    private Optional<JsonNode> group(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    private static String text(JsonNode group, String name, String field) {
        JsonNode v = group.get(field);
        return v == null ? DEFAULT_URL.get(name + "." + field) : v.asText();
    }

    /** As {@code GET /api/tenants/{id}} shows it: settings with defaults filled in, secrets as their last four. */
    Map<String, Object> shown() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String group : List.of("harvest", "ingestion", "job_board", "webhooks")) {
            if (!settings.has(group) && !(group.equals("webhooks") && secrets.containsKey("webhooks.secret"))) {
                continue;
            }
            Map<String, Object> g = new LinkedHashMap<>();
            JsonNode stored = settings.path(group);
            if (grant(group)) {
                g.put("grant", GRANT);
            }
            for (String field : GROUPS.get(group)) {
                if (grant(group) && field.equals(GROUPS.get(group).get(0))) {
                    continue; // a grant has no pasted secret
                }
                String key = group + "." + field;
                if (SECRET_OF.containsKey(group) && field.equals(GROUPS.get(group).get(0))) {
                    g.put(field, lastFour(secrets.get(SECRET_OF.get(group))));
                } else if (stored.has(field)) {
                    g.put(field, stored.get(field).isNumber() ? stored.get(field).asLong() : stored.get(field).asText());
                } else if (DEFAULT_URL.containsKey(key)) {
                    g.put(field, DEFAULT_URL.get(key));
                }
            }
            out.put(group, g);
        }
        List<String> disabled = new ArrayList<>();
        settings.path("disabled_features").forEach(f -> disabled.add(f.asText()));
        out.put("disabled_features", disabled);
        return out;
    }

    /** At most the last four characters, and only of a value long enough that they give little away. */
    static String lastFour(String secret) {
        if (secret == null) {
            return null;
        }
        return secret.length() >= 16 ? "…" + secret.substring(secret.length() - 4) : "…";
    }
}
