package dev.trellis.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.sync.StreamRunner;
import java.nio.file.Path;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream (a templatedRoute) edited in routes/ is rebuilt live; a broken edit leaves the previous one running. */
class TemplatedRouteReloadTest {
    @TempDir
    Path dir;

    private static String stream(String schedule, int perPage) {
        return """
                - templatedRoute:
                    routeTemplateRef: harvest-stream
                    routeId: stream-offices
                    parameters:
                      - {name: stream, value: "offices"}
                      - {name: schedule, value: "%s"}
                      - {name: perPage, value: "%d"}
                """.formatted(schedule, perPage);
    }

    private static String perPage(Hub hub) {
        Route route = hub.context().getRoute("stream-offices");
        return route == null ? null : StreamRunner.parameters(route).get("perPage");
    }

    @Test
    void editedStreamsReloadAndBrokenEditsAreRefused() throws Exception {
        TestHome home = new TestHome(dir).route("streams.camel.yaml", stream("0 0 3 * * ?", 100));
        Hub hub = home.start();
        try {
            assertEquals("100", perPage(hub));
            home.route("streams.camel.yaml", stream("0 0 4 * * ?", 200));
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!"200".equals(perPage(hub)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals("200", perPage(hub), "the edit was applied live");
            assertEquals("0 0 4 * * ?", StreamRunner.parameters(hub.context().getRoute("stream-offices")).get("schedule"));

            home.route("streams.camel.yaml", stream("not a cron", 300));
            Thread.sleep(6_000);
            assertEquals("200", perPage(hub), "the broken edit was refused and the previous stream runs");
            assertTrue(hub.context().getRouteController().getRouteStatus("stream-offices").isStarted());
        } finally {
            hub.stop();
        }
    }
}
