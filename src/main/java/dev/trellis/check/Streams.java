package dev.trellis.check;

import dev.trellis.config.ConfigException;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.StreamRunner;
import dev.trellis.sync.StreamTemplate;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The sync streams a hub runs: from its routes when it runs, from routes/*.camel.yaml for the command line. */
public final class Streams {
    /** One stream: its name, the resource it reads, its table, and the tenants it covers ("all" or a list). */
    public record Ref(String stream, String resource, String table, String tenants) {
        public boolean covers(String tenant) {
            return StreamRunner.covers(tenants, tenant);
        }

        public String featureId() {
            return "sync:" + stream;
        }
    }

    private Streams() {
    }

    /** The stream routes loaded in a running hub (route property trellis.stream.stream). */
    public static List<Ref> of(CamelContext context) {
        List<Ref> out = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            Map<String, String> params = StreamRunner.parameters(route);
            if (params.containsKey("stream")) {
                out.add(ref(params));
            }
        }
        return out;
    }

    /** The streams declared with the harvest-stream template in {@code dir/*.camel.yaml} (no hub needed). */
    public static List<Ref> of(Path routesDir) {
        List<Ref> out = new ArrayList<>();
        if (!Files.isDirectory(routesDir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(routesDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromReader(reader)) {
                        collect(doc, out);
                    }
                } catch (RuntimeException e) {
                    throw new ConfigException("Cannot read the streams of " + file + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + routesDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void collect(Object doc, List<Ref> out) {
        if (!(doc instanceof List<?> items)) {
            return;
        }
        for (Object item : items) {
            if (item instanceof Map<?, ?> m && m.get("templatedRoute") instanceof Map<?, ?> t
                    && StreamTemplate.NAME.equals(t.get("routeTemplateRef"))
                    && t.get("parameters") instanceof List<?> parameters) {
                Map<String, String> params = new HashMap<>();
                for (Object p : parameters) {
                    if (p instanceof Map<?, ?> pm && pm.get("name") != null && pm.get("value") != null) {
                        params.put(pm.get("name").toString(), pm.get("value").toString());
                    }
                }
                if (params.containsKey("stream")) {
                    out.add(ref(params));
                }
            }
        }
    }

    private static Ref ref(Map<String, String> params) {
        StreamDefinition def = StreamDefinition.from(params);
        String tenants = params.getOrDefault("tenants", "all");
        return new Ref(def.stream(), def.resource(), def.table(), tenants.isBlank() || tenants.equals("none") ? "all"
                : tenants.trim());
    }
}
