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

    private static String another(String stream) {
        return """
                - templatedRoute:
                    routeTemplateRef: harvest-stream
                    routeId: stream-%s
                    parameters:
                      - {name: stream, value: "%s"}
                      - {name: schedule, value: "0 0 5 * * ?"}
                """.formatted(stream, stream);
    }

    private static java.util.Set<String> quartzJobs(Hub hub) throws Exception {
        var scheduler = hub.context().getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class)
                .getScheduler();
        java.util.Set<String> names = new java.util.TreeSet<>();
        scheduler.getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals("trellis-sync"))
                .forEach(k -> names.add(k.getName()));
        return names;
    }

    @Test
    void aStreamTakenOutOfTheFileGoesWithItsQuartzJobAlsoAcrossRestarts() throws Exception {
        TestHome home = new TestHome(dir).route("streams.camel.yaml", stream("0 0 3 * * ?", 100) + another("sources"));
        Hub hub = home.start();
        try {
            assertEquals(java.util.Set.of("offices", "sources"), quartzJobs(hub));
            home.route("streams.camel.yaml", stream("0 0 3 * * ?", 100));
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (hub.context().getRoute("stream-sources") != null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(null, hub.context().getRoute("stream-sources"), "removed live");
            assertEquals(java.util.Set.of("offices"), quartzJobs(hub));
        } finally {
            hub.stop();
        }
        // the same database, restarted with a stream fewer: its stale clustered job is deleted at start-up
        home.route("streams.camel.yaml", another("sources") + another("departments"));
        Hub first = home.start();
        first.stop();
        home.route("streams.camel.yaml", another("sources"));
        Hub second = home.start();
        try {
            assertEquals(java.util.Set.of("sources"), quartzJobs(second));
        } finally {
            second.stop();
        }
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
