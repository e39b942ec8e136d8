package dev.trellis.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret given by reference: {@code env:NAME} (environment variable, or JVM system property of that name)
 * or {@code file:PATH}. Inline values are refused so that secrets never sit in config files.
 */
public final class SecretRef {
    private SecretRef() {
    }

    /** Resolves a reference; {@code where} names the key and file for error messages. */
    public static String resolve(String reference, String where) {
        String ref = reference.trim();
        if (ref.startsWith("env:")) {
            String name = ref.substring(4).trim();
            String value = System.getenv(name);
            if (value == null) {
                value = System.getProperty(name);
            }
            if (value == null || value.isBlank()) {
                throw new ConfigException(where + " refers to environment variable " + name + ", which is not set");
            }
            return value.trim();
        }
        if (ref.startsWith("file:")) {
            Path path = Path.of(ref.substring(5).trim());
            try {
                String value = Files.readString(path, StandardCharsets.UTF_8).trim();
                if (value.isEmpty()) {
                    throw new ConfigException(where + " refers to file " + path + ", which is empty");
                }
                return value;
            } catch (IOException e) {
                throw new ConfigException(where + " refers to file " + path + ", which cannot be read: " + e.getMessage());
            }
        }
        throw new ConfigException(where + " must be a reference (env:VARIABLE or file:PATH), not an inline value");
    }

    /** A secret that may come from {@code NAME} or from the file named by {@code NAME_FILE}; null if neither. */
    public static String fromEnvironment(String name) {
        String direct = System.getenv(name);
        if (direct == null) {
            direct = System.getProperty(name);
        }
        if (direct != null && !direct.isBlank()) {
            return direct.trim();
        }
        String file = System.getenv(name + "_FILE");
        if (file == null) {
            file = System.getProperty(name + "_FILE");
        }
        return file == null || file.isBlank() ? null : resolve("file:" + file, name + "_FILE");
    }
}
