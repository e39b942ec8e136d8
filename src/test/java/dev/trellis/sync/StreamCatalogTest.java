package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog reads the streams of routes/ through Camel's YAML loader, defaults filled in, typos refused. */
class StreamCatalogTest {
    @TempDir
    Path dir;

    private List<StreamCatalog.Entry> load(String... extraParameters) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                - templatedRoute:
                    routeTemplateRef: harvest-stream
                    routeId: stream-offices
                    parameters:
                      - {name: stream, value: "offices"}
                      - {name: schedule, value: "0 0 3 * * ?"}
                """);
        for (String p : extraParameters) {
            yaml.append("      - ").append(p).append('\n');
        }
        Files.writeString(dir.resolve("streams.camel.yaml"), yaml);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            return StreamCatalog.load(context, dir);
        }
    }

    @Test
    void theShippedStreamsWithTheirDefaults() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            List<StreamCatalog.Entry> all = StreamCatalog.load(context, Path.of("routes"));
            assertTrue(all.size() >= 24, "all shipped streams: " + all.size());
            StreamCatalog.Entry deleted = StreamCatalog.stream(context, "job_posts_deleted").orElseThrow();
            assertEquals("gh_job_posts", deleted.definition().table());
            assertEquals("job_posts", deleted.definition().resource());
            assertTrue(deleted.definition().deletedRecords());
            StreamCatalog.Entry candidates = StreamCatalog.route(context, "stream-candidates").orElseThrow();
            assertEquals(500, candidates.definition().perPage());
            assertEquals(24, candidates.sweepHours());
            assertEquals("gh_candidates", candidates.definition().table());
            assertTrue(candidates.covers("any-tenant"));
            assertEquals("0 1/15 * * * ?", candidates.schedule());
            assertEquals(Optional.empty(), StreamCatalog.route(context, "no-such-route"));
        }
    }

    @Test
    void givenParametersAreTaken() throws Exception {
        StreamCatalog.Entry offices = load("{name: perPage, value: \"100\"}", "{name: tenants, value: \"a, b\"}",
                "{name: sweepHours, value: \"0\"}").get(0);
        assertEquals(100, offices.definition().perPage());
        assertEquals(0, offices.sweepHours());
        assertTrue(offices.covers("b") && !offices.covers("c"));
        // Camel's own dash-case spelling of a parameter name is the same parameter
        assertEquals(100, load("{name: per-page, value: \"100\"}").get(0).definition().perPage());
    }

    @Test
    void aMistypedParameterIsRefusedWithItsName() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("{name: perpage, value: \"100\"}"));
        assertTrue(e.getMessage().contains("Stream 'offices': unknown template parameter 'perpage' (did you mean "
                + "'perPage'?); the parameters are stream, schedule, resource"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("{name: colour, value: \"red\"}"));
        assertTrue(e.getMessage().contains("unknown template parameter 'colour'; the parameters are"), e.getMessage());
    }

    @Test
    void everyParameterIsChecked() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("{name: sweepHours, value: \"daily\"}"));
        assertTrue(e.getMessage().contains("'sweepHours' must be a whole number, not 'daily'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("{name: deletedRecords, value: \"yes\"}"));
        assertTrue(e.getMessage().contains("'deletedRecords' must be true or false, not 'yes'"), e.getMessage());
    }

    @Test
    void everyParameterIsDescribedInTheShippedRoutesFile() throws Exception {
        String shipped = Files.readString(Path.of("routes/streams.camel.yaml"));
        for (StreamParameter p : StreamParameter.values()) {
            assertTrue(shipped.matches("(?s).*\\n#   " + p.key + " +\\S.*"), p.key + " is described in the header");
        }
    }
}
