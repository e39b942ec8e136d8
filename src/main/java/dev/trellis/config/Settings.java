package dev.trellis.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Typed access to the trellis.* keys, with errors that name the key and where it is set. */
public final class Settings {
    private final PropertiesComponent properties;
    private final String source;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
        this.source = home().resolve("config/application.properties").toString();
    }

    public Path home() {
        return Path.of(properties.resolveProperty("trellis.home").orElse(".")).toAbsolutePath().normalize();
    }

    /** The value, or empty when the key is missing or blank. */
    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(
                "Missing configuration key '" + key + "' (in " + source + " or as " + envName(key) + ")"));
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public long number(String key, long fallback) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigException("Configuration key '" + key + "' must be a whole number, not '" + value.get()
                    + "' (in " + source + " or " + envName(key) + ")");
        }
    }

    public int integer(String key, int fallback) {
        long value = number(key, fallback);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new ConfigException("Configuration key '" + key + "' is out of range: " + value + " (in " + source + ")");
        }
        return (int) value;
    }

    public double decimal(String key, double fallback) {
        Optional<String> value = optional(key);
        try {
            return value.map(Double::parseDouble).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new ConfigException("Configuration key '" + key + "' must be a number, not '" + value.get()
                    + "' (in " + source + ")");
        }
    }

    public List<String> list(String key) {
        return optional(key).stream().flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
