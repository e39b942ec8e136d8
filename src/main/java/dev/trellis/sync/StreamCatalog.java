package dev.trellis.sync;

import dev.trellis.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;

/**
 * Which streams exist, with which definitions: the routes Camel built from the harvest-stream template, read from
 * their template parameters. The runner, the API, the lag check, the Quartz clean-up and the connection check
 * all ask here.
 */
public final class StreamCatalog {
    /** One stream route: its definition, its schedule, the tenants it covers and how often it sweeps. */
    public record Entry(String routeId, StreamDefinition definition, String schedule, String tenants, long sweepHours) {
        public String stream() {
            return definition.stream();
        }

        /** Whether the {@code tenants} parameter ("all" or a comma-separated list) covers the tenant. */
        public boolean covers(String tenant) {
            return tenants.equals("all") || Arrays.stream(tenants.split(",")).map(String::trim).anyMatch(tenant::equals);
        }

        /** Every parameter checked, each error naming the stream and the parameter. */
        static Entry from(String routeId, Map<String, ?> given) {
            Map<String, String> p = StreamParameter.resolve(given);
            StreamDefinition definition = StreamDefinition.from(p);
            String schedule = p.get(StreamParameter.SCHEDULE.key);
            StreamSchedule.parse(definition.stream(), schedule);
            String tenants = p.get(StreamParameter.TENANTS.key).trim();
            return new Entry(routeId, definition, schedule, tenants.isEmpty() || tenants.equals("none") ? "all" : tenants,
                    StreamDefinition.number(p, StreamParameter.SWEEP_HOURS.key));
        }
    }

    private StreamCatalog() {
    }

    /** The streams of the context: of a running hub, or of routes loaded into a context that is not started. */
    public static List<Entry> of(CamelContext context) {
        List<Entry> out = new ArrayList<>();
        for (RouteDefinition route : model(context).getRouteDefinitions()) {
            if (isStream(route)) {
                out.add(Entry.from(route.getRouteId(), route.getTemplateParameters()));
            }
        }
        return out;
    }

    /** The stream of a route, if the route is one. */
    public static Optional<Entry> route(CamelContext context, String routeId) {
        RouteDefinition route = model(context).getRouteDefinition(routeId);
        return route != null && isStream(route) ? Optional.of(Entry.from(routeId, route.getTemplateParameters()))
                : Optional.empty();
    }

    /** The stream of that name, if one is declared. */
    public static Optional<Entry> stream(CamelContext context, String stream) {
        // per delivered outbox item: build the one entry asked for, not the whole catalog
        return model(context).getRouteDefinitions().stream()
                .filter(r -> isStream(r) && stream.equals(String.valueOf(
                        r.getTemplateParameters().get(StreamParameter.STREAM.key)).trim()))
                .findFirst().map(r -> Entry.from(r.getRouteId(), r.getTemplateParameters()));
    }

    /**
     * The streams declared in {@code dir/*.camel.yaml}, for the command line (no hub): Camel's own YAML loader
     * reads the files into {@code context}, which is not started, so nothing runs.
     */
    public static List<Entry> load(CamelContext context, Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            context.addRoutes(new StreamTemplate());
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                try {
                    PluginHelper.getRoutesLoader(context).loadRoutes(
                            PluginHelper.getResourceLoader(context).resolveResource("file:" + file));
                    // a context that is not started does not run the template's check: the catalog's own does
                    of(context);
                } catch (Exception e) {
                    throw new ConfigException("Cannot read the routes of " + file + ": " + message(e), e);
                }
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + dir + ": " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException("Cannot declare the stream template: " + e.getMessage(), e);
        }
        return of(context);
    }

    /** The template's own refusal (a ConfigException) when Camel wrapped it, else Camel's message. */
    private static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                return t.getMessage();
            }
        }
        return e.getMessage();
    }

    private static boolean isStream(RouteDefinition route) {
        return route.isCreatedFromTemplate() && route.getRouteProperties() != null && route.getRouteProperties().stream()
                .anyMatch(p -> StreamTemplate.TEMPLATE_PROPERTY.equals(p.getKey()) && StreamTemplate.NAME.equals(p.getValue()));
    }

    private static Model model(CamelContext context) {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }
}
