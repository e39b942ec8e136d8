package dev.trellis.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import java.nio.file.Path;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /observe/health goes DOWN and names the route when one that should run is stopped or gone. */
class RoutesHealthTest {
    @TempDir
    static Path dir;
    static TestHome home;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        home = new TestHome(dir).property("trellis.health.required-routes", "dead-letter");
        hub = home.start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
    }

    private static JsonNode routesRunning() throws Exception {
        HttpCalls.Answer health = HttpCalls.get(home.managementUrl() + "/observe/health");
        for (JsonNode check : health.json().get("checks")) {
            if (check.get("name").asText().equals("routes-running")) {
                return check;
            }
        }
        throw new AssertionError("no routes-running check in " + health.body());
    }

    @Test
    void stoppedOrMissingRoutesAreNamed() throws Exception {
        RouteBuilder.addRoutes(hub.context(), rb -> rb.from("timer:probe?period=60000").routeId("probe").log("probe"));
        assertEquals("UP", routesRunning().get("status").asText());

        hub.context().getRouteController().stopRoute("probe");
        JsonNode stopped = routesRunning();
        assertEquals("DOWN", stopped.get("status").asText());
        assertTrue(stopped.toString().contains("routes not running: probe"), stopped.toString());
        assertEquals(503, HttpCalls.get(home.managementUrl() + "/observe/health").status());

        hub.context().removeRoute("probe");
        JsonNode missing = routesRunning();
        assertEquals("DOWN", missing.get("status").asText());
        assertTrue(missing.toString().contains("routes missing: probe"), missing.toString());
    }
}
