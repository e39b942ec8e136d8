package dev.trellis.check;

import dev.trellis.sync.StreamCatalog;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;

/** The sync streams the check looks at: the stream catalog of a running hub, or of routes/*.camel.yaml. */
public final class Streams {
    /** One stream: its name, the resource it reads, its table, and the tenants it covers ("all" or a list). */
    public record Ref(StreamCatalog.Entry entry) {
        public String stream() {
            return entry.stream();
        }

        public String resource() {
            return entry.definition().resource();
        }

        public String table() {
            return entry.definition().table();
        }

        public boolean covers(String tenant) {
            return entry.covers(tenant);
        }

        public String featureId() {
            return "sync:" + stream();
        }
    }

    private Streams() {
    }

    /** The streams of a running hub. */
    public static List<Ref> of(CamelContext context) {
        return StreamCatalog.of(context).stream().map(Ref::new).toList();
    }

    /** The streams declared in {@code routesDir}, read by Camel's YAML loader into {@code context}, not started. */
    public static List<Ref> of(CamelContext context, Path routesDir) {
        return StreamCatalog.load(context, routesDir).stream().map(Ref::new).toList();
    }
}
