package dev.trellis.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from what Trellis stores or shows: the known secret values (tenant credentials, API token,
 * database password), bearer and basic credentials, and the values of headers and fields whose names say secret.
 */
public final class SecretMasker {
    public static final String MASK = "****";
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]+");

    private final List<String> words;
    /** replaced whole when a tenant's secrets are learnt at runtime, so readers never see it half-built */
    private volatile List<String> secrets;
    private final Pattern jsonField;
    private final Pattern formField;

    public SecretMasker(Collection<String> secretWords, Collection<String> secretValues) {
        this.words = secretWords.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
        this.secrets = ordered(secretValues);
        String names = "[A-Za-z0-9_.-]*(?:" + String.join("|", this.words.stream().map(Pattern::quote).toList())
                + ")[A-Za-z0-9_.-]*";
        this.jsonField = Pattern.compile("(?i)(\"" + names + "\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
        this.formField = Pattern.compile("(?i)(?<=^|[&?\\s])(" + names + "=)[^&\\s]*");
    }

    /** Also masks these values from now on: secrets of a tenant connected while the hub runs. */
    public synchronized void remember(Collection<String> values) {
        List<String> all = new java.util.ArrayList<>(secrets);
        all.addAll(values);
        secrets = ordered(all);
    }

    // longest first, so a secret that contains another is masked whole
    private static List<String> ordered(Collection<String> values) {
        return values.stream().filter(s -> s != null && s.length() >= 4).distinct()
                .sorted((a, b) -> b.length() - a.length()).toList();
    }

    public boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return words.stream().anyMatch(lower::contains);
    }

    /** The text with every secret replaced by {@value #MASK}. */
    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        out = AUTH_SCHEME.matcher(out).replaceAll("$1 " + MASK);
        if (!words.isEmpty()) {
            out = jsonField.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
            out = formField.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        }
        return out;
    }

    /** Headers as strings, with the values of secret-named headers masked and the rest scrubbed of secrets. */
    public Map<String, String> maskHeaders(Map<String, Object> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (value != null) {
                out.put(name, isSecretName(name) ? MASK : mask(String.valueOf(value)));
            }
        });
        return out;
    }
}
