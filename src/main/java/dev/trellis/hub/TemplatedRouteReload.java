package dev.trellis.hub;

import dev.trellis.sync.QuartzCluster;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of {@code templatedRoute} entries (the streams): Camel 4.18's route reload replaces plain routes only
 * (RouteBuilder.updateRoutesToCamelContext never builds templated routes), so this watcher of the same folder
 * rebuilds each templated route of a saved file. A route whose new definition fails gets its previous one back.
 */
final class TemplatedRouteReload extends FileWatcherResourceReloadStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(TemplatedRouteReload.class);

    private final Map<String, TemplatedRouteDefinition> running = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> idsByFile = new ConcurrentHashMap<>();

    TemplatedRouteReload(String folder, String pattern) {
        super(folder);
        String glob = pattern.replace(".", "\\.").replace("*", ".*");
        setFileFilter(file -> file.getName().matches(glob));
        setResourceReload(this::reload);
    }

    private synchronized void reload(String name, Resource resource) throws Exception {
        CamelContext context = getCamelContext();
        if (!resource.exists()) {
            return;
        }
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (!(builder instanceof RouteBuilder routes)) {
                continue;
            }
            // parses the file; a broken file throws here, before anything is removed (Camel's reload logs it)
            try {
                routes.configureRoutes(context);
            } catch (Exception e) {
                LOG.debug("{} does not parse; the running routes stay: {}", name, e.getMessage());
                return;
            }
            Set<String> ids = new HashSet<>();
            for (TemplatedRouteDefinition definition : routes.getTemplatedRouteCollection().getTemplatedRoutes()) {
                replace(context, name, definition);
                ids.add(definition.getRouteId());
            }
            // a templated route taken out of the file goes, with its Quartz job
            Set<String> gone = new HashSet<>(idsByFile.getOrDefault(key(name), Set.of()));
            gone.removeAll(ids);
            for (String id : gone) {
                remove(context, id);
                running.remove(id);
                LOG.info("Removed {}: it is no longer in {}", id, name);
            }
            idsByFile.put(key(name), ids);
            if (!gone.isEmpty()) {
                QuartzCluster.removeStaleJobs(context);
            }
        }
    }

    private static String key(String file) {
        return new java.io.File(file).getName();
    }

    private void replace(CamelContext context, String file, TemplatedRouteDefinition definition) throws Exception {
        String id = definition.getRouteId();
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        TemplatedRouteDefinition previous = running.get(id);
        if (previous != null && same(previous, definition) && context.getRoute(id) != null) {
            return;
        }
        remove(context, id);
        try {
            model.addRouteFromTemplatedRoute(definition);
            running.put(id, definition);
            LOG.info("Reloaded {} from {}", id, file);
        } catch (Exception e) {
            remove(context, id);
            if (previous != null) {
                model.addRouteFromTemplatedRoute(previous);
            }
            LOG.warn("Error reloading {} from {}: {}; {}", id, file, e.getMessage(),
                    previous == null ? "it is not running" : "the previous definition keeps running");
        }
    }

    /** Remembers the templated routes of the files as they are at start-up: unchanged ones are not restarted. */
    @Override
    protected void doStart() throws Exception {
        java.io.File[] files = new java.io.File(getFolder()).listFiles(getFileFilter());
        for (java.io.File file : files == null ? new java.io.File[0] : files) {
            Resource resource = PluginHelper.getResourceLoader(getCamelContext()).resolveResource("file:" + file.getPath());
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(getCamelContext()).findRoutesBuilders(resource)) {
                if (builder instanceof RouteBuilder routes) {
                    routes.configureRoutes(getCamelContext());
                    Set<String> ids = new HashSet<>();
                    routes.getTemplatedRouteCollection().getTemplatedRoutes().forEach(d -> {
                        running.put(d.getRouteId(), d);
                        ids.add(d.getRouteId());
                    });
                    idsByFile.put(file.getName(), ids);
                }
            }
        }
        super.doStart();
    }

    private static boolean same(TemplatedRouteDefinition a, TemplatedRouteDefinition b) {
        return a.getRouteTemplateRef().equals(b.getRouteTemplateRef()) && parameters(a).equals(parameters(b));
    }

    private static Map<String, String> parameters(TemplatedRouteDefinition d) {
        Map<String, String> p = new java.util.TreeMap<>();
        d.getParameters().forEach(x -> p.put(x.getName(), x.getValue()));
        return p;
    }

    private static void remove(CamelContext context, String id) throws Exception {
        if (context.getRoute(id) != null) {
            context.getRouteController().stopRoute(id);
            context.removeRoute(id);
        }
    }
}
