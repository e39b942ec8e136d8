package dev.trellis.component;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.sync.StreamCatalog;
import java.nio.file.Path;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** `trellis check` reads routes/*.camel.yaml without a hub: greenhouse: routes must read there too. */
class ExamplesWithoutHubTest {
    @Test
    void theExampleFilesReadWithCamelsLoaderWithoutAHub() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            assertEquals(0, StreamCatalog.load(context, Path.of("routes/examples")).size(), "no streams in the examples");
            assertEquals(4, context.getRouteDefinitions().size(), "hired-to-hris, interview-log, status-report (2)");
        }
    }
}
