package dev.trellis.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Binds the trellis.* keys for the typed settings of each concern, once at start-up. There are no defaults here: the
 * shipped config/application.properties is always loaded first (as the built-in defaults), so a key the home's file
 * leaves out has its shipped value. A wrong type or range is refused naming the key and where it was set.
 */
public final class Settings {
    private final PropertiesComponent properties;
    /** Where Camel found each key it looked up (a file, the environment, the command line). */
    private final Map<String, String> sources = new HashMap<>();

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
        properties.addPropertiesLookupListener((name, value, defaultValue, source) -> sources.put(name, source));
    }

    public Path home() {
        return Path.of(properties.resolveProperty("trellis.home").orElse(".")).toAbsolutePath().normalize();
    }

    /** The value, or empty when the key is missing or blank. */
    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException("Missing configuration key '" + key + "' (in "
                + home().resolve("config/application.properties") + " or as " + envName(key) + ")"));
    }

    /** Blank when missing: a number's refusal then shows what was expected. */
    private String raw(String key) {
        return properties.resolveProperty(key).map(String::trim).orElse("");
    }

    public Path path(String key) {
        return Path.of(required(key));
    }

    public int integer(String key, int min, int max) {
        return (int) number(key, min, max);
    }

    public long number(String key, long min, long max) {
        String value = raw(key);
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below, with the range
        }
        throw refused(key, "a whole number from " + min + " to " + max, value);
    }

    public Duration millis(String key, long min, long max) {
        return Duration.ofMillis(number(key, min, max));
    }

    public Duration minutes(String key, long min, long max) {
        return Duration.ofMinutes(number(key, min, max));
    }

    public Duration seconds(String key, long min, long max) {
        return Duration.ofSeconds(number(key, min, max));
    }

    public double decimal(String key, double min, double max) {
        String value = raw(key);
        try {
            double number = Double.parseDouble(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below, with the range
        }
        throw refused(key, "a number from " + min + " to " + max, value);
    }

    public boolean flag(String key) {
        return optionalFlag(key).orElseThrow(() -> refused(key, "true or false", ""));
    }

    /** For keys that are commented out in the shipped file because their default is another key's value. */
    public Optional<Boolean> optionalFlag(String key) {
        return optional(key).map(value -> switch (value.toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw refused(key, "true or false", value);
        });
    }

    /** Comma-separated; blank is the empty list. */
    public List<String> list(String key) {
        return optional(key).stream().flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private ConfigException refused(String key, String expected, String value) {
        return new ConfigException("Configuration key '" + key + "' must be " + expected + ", not '" + value
                + "' (" + where(key) + ")");
    }

    private String where(String key) {
        String source = sources.getOrDefault(key, "");
        if (source.startsWith("file:")) {
            return "set in " + source.substring("file:".length());
        }
        if (source.startsWith("classpath:")) {
            return "set in the built-in defaults, " + source;
        }
        if (source.equalsIgnoreCase("ENV")) {
            return "set by the environment variable " + envName(key);
        }
        if (source.equals("OverrideProperties")) {
            return "set on the command line, -P " + key;
        }
        if (source.equalsIgnoreCase("SYS")) {
            return "set by the system property -D" + key;
        }
        return source.isEmpty() ? "not set" : "set in " + source;
    }

    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
