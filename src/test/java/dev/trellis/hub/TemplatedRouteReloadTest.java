package dev.trellis.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.sync.StreamCatalog;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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
            // the route goes first, then its clustered Quartz job
            while ((hub.context().getRoute("stream-sources") != null || quartzJobs(hub).size() != 1)
                    && System.nanoTime() < deadline) {
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
        return hub.context().getRoute("stream-offices") == null ? null
                : "" + StreamCatalog.route(hub.context(), "stream-offices").orElseThrow().definition().perPage();
    }

    private static String schedule(Hub hub) {
        return StreamCatalog.route(hub.context(), "stream-offices").orElseThrow().schedule();
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
            assertEquals("0 0 4 * * ?", schedule(hub));

            ListAppender<ILoggingEvent> log = new ListAppender<>();
            Logger reload = (Logger) LoggerFactory.getLogger(TemplatedRouteReload.class);
            log.start();
            reload.addAppender(log);
            try {
                // a cron that does not parse, and one that Quartz parses but that names a minute that does not exist
                for (String broken : new String[] {"not a cron", "0 99 2 * * ?"}) {
                    log.list.clear();
                    home.route("streams.camel.yaml", stream(broken, 300));
                    deadline = System.nanoTime() + 15_000_000_000L;
                    while (log.list.stream().noneMatch(e -> e.getLevel() == Level.WARN) && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    String refused = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                            .map(ILoggingEvent::getFormattedMessage).findFirst().orElse("no warning logged");
                    assertTrue(refused.contains("stream-offices") && refused.contains("streams.camel.yaml")
                            && refused.contains("'" + broken + "'")
                            && refused.contains("the previous definition keeps running"), refused);
                    assertEquals("200", perPage(hub), "the broken edit was refused and the previous stream runs");
                    assertEquals("0 0 4 * * ?", schedule(hub));
                    assertTrue(hub.context().getRouteController().getRouteStatus("stream-offices").isStarted());
                }
                assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("minute 99, outside 0-59")),
                        "the reason is named");

                // a mistyped parameter name is refused with its name, not taken as an unknown extra
                log.list.clear();
                home.route("streams.camel.yaml", stream("0 0 5 * * ?", 300).replace("perPage", "perpage"));
                deadline = System.nanoTime() + 15_000_000_000L;
                while (log.list.stream().noneMatch(e -> e.getLevel() == Level.WARN) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                String refused = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                        .map(ILoggingEvent::getFormattedMessage).findFirst().orElse("no warning logged");
                assertTrue(refused.contains("unknown template parameter 'perpage' (did you mean 'perPage'?)")
                        && refused.contains("the previous definition keeps running"), refused);
                assertEquals("200", perPage(hub));
                assertEquals("0 0 4 * * ?", schedule(hub));
            } finally {
                reload.detachAppender(log);
            }
        } finally {
            hub.stop();
        }
    }

    @Test
    void aMistypedParameterStopsTheStartUpNamingIt() {
        TestHome home = new TestHome(dir).route("streams.camel.yaml",
                stream("0 0 3 * * ?", 100).replace("perPage", "perpage"));
        Exception e = assertThrows(Exception.class, () -> home.start().stop());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("Stream 'offices': unknown template parameter 'perpage' (did you mean "
                + "'perPage'?)"), messages.toString());
    }
}
