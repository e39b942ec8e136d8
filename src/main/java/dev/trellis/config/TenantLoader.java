package dev.trellis.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads {@code <dir>/<tenant-id>.properties}, one file per tenant, and refuses anything it does not understand. */
public final class TenantLoader {
    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Set<String> KEYS = Set.of(
            "harvest.base-url", "harvest.token-url", "harvest.client-id", "harvest.client-secret", "harvest.user-id",
            "ingestion.base-url", "ingestion.api-key", "ingestion.user-email",
            "job-board.base-url", "job-board.token",
            "webhooks.secret");

    private TenantLoader() {
    }

    public static List<Tenant> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Tenant> tenants = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                tenants.add(read(file));
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot list tenant directory " + dir + ": " + e.getMessage(), e);
        }
        return List.copyOf(tenants);
    }

    public static Tenant read(Path file) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - ".properties".length());
        if (!TENANT_ID.matcher(id).matches()) {
            throw new ConfigException("Tenant file " + file + ": the tenant id '" + id
                    + "' (the file name) must be lower-case letters, digits and dashes");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("Cannot read tenant file " + file + ": " + e.getMessage(), e);
        }
        Keys keys = new Keys(props, file);
        for (String key : props.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException("Unknown key '" + key + "' in " + file + " (known keys: "
                        + KEYS.stream().sorted().toList() + ")");
            }
        }
        Optional<Tenant.Harvest> harvest = keys.group("harvest.client-id", "harvest.client-secret", "harvest.user-id")
                ? Optional.of(new Tenant.Harvest(
                        keys.url("harvest.base-url", "https://harvest.greenhouse.io"),
                        keys.url("harvest.token-url", "https://auth.greenhouse.io/token"),
                        keys.plain("harvest.client-id"),
                        keys.secret("harvest.client-secret"),
                        keys.userId("harvest.user-id")))
                : Optional.empty();
        Optional<Tenant.Ingestion> ingestion = keys.group("ingestion.api-key", "ingestion.user-email")
                ? Optional.of(new Tenant.Ingestion(
                        keys.url("ingestion.base-url", "https://api.greenhouse.io"),
                        keys.secret("ingestion.api-key"),
                        keys.email("ingestion.user-email")))
                : Optional.empty();
        Optional<Tenant.JobBoard> jobBoard = keys.group("job-board.token")
                ? Optional.of(new Tenant.JobBoard(
                        keys.url("job-board.base-url", "https://boards-api.greenhouse.io"),
                        keys.plain("job-board.token")))
                : Optional.empty();
        Optional<String> webhookSecret = props.containsKey("webhooks.secret")
                ? Optional.of(keys.secret("webhooks.secret")) : Optional.empty();
        if (harvest.isEmpty() && ingestion.isEmpty() && jobBoard.isEmpty()) {
            throw new ConfigException("Tenant file " + file + " configures no API: set harvest.client-id, "
                    + "harvest.client-secret and harvest.user-id, or ingestion.api-key and ingestion.user-email, "
                    + "or job-board.token");
        }
        return new Tenant(id, file.toString(), harvest, ingestion, jobBoard, webhookSecret);
    }

    /** Key access for one file, each error naming the key and the file. */
    private record Keys(Properties props, Path file) {
        String where(String key) {
            return "Key '" + key + "' in " + file;
        }

        /** True when any key of the group is set; then all of them must be. */
        boolean group(String... required) {
            boolean any = Stream.of(required).anyMatch(props::containsKey);
            if (any) {
                for (String key : required) {
                    if (props.getProperty(key, "").isBlank()) {
                        throw new ConfigException("Missing key '" + key + "' in " + file + " (required together with "
                                + Stream.of(required).filter(k -> !k.equals(key)).toList() + ")");
                    }
                }
            }
            return any;
        }

        String plain(String key) {
            String value = props.getProperty(key, "").trim();
            if (value.startsWith("env:") || value.startsWith("file:")) {
                return SecretRef.resolve(value, where(key));
            }
            return value;
        }

        String secret(String key) {
            String value = props.getProperty(key, "");
            if (value.isBlank()) {
                throw new ConfigException(where(key) + " is empty");
            }
            return SecretRef.resolve(value, where(key));
        }

        URI url(String key, String fallback) {
            String value = props.getProperty(key, fallback).trim();
            try {
                URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new URISyntaxException(value, "not an http(s) URL with a host");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new ConfigException(where(key) + " is not a valid http(s) URL: '" + value + "'");
            }
        }

        long userId(String key) {
            String value = plain(key);
            try {
                long id = Long.parseLong(value);
                if (id <= 0) {
                    throw new NumberFormatException();
                }
                return id;
            } catch (NumberFormatException e) {
                throw new ConfigException(where(key) + " must be a numeric Greenhouse user id, not '" + value + "'");
            }
        }

        String email(String key) {
            String value = plain(key);
            if (!EMAIL.matcher(value).matches()) {
                throw new ConfigException(where(key) + " is not an e-mail address: '" + value + "'");
            }
            return value;
        }
    }
}
