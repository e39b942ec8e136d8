package dev.trellis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each REST endpoint is one route, running under the id its verb declares, so that health, metrics and logs name
 * the route a reader finds in the route builder.
 */
class RestRoutesTest {
    @TempDir
    static Path dir;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        hub = new TestHome(dir).start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.stop();
    }

    @Test
    void everyRestVerbRunsUnderItsDeclaredId() {
        Model model = hub.context().getCamelContextExtension().getContextPlugin(Model.class);
        List<String> verbs = new ArrayList<>();
        for (RestDefinition rest : model.getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String where = verb.asVerb().toUpperCase() + " " + rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
                assertNotNull(verb.getRouteId(), where + " declares no route id");
                Route route = hub.context().getRoute(verb.getRouteId());
                assertNotNull(route, where + ": no route " + verb.getRouteId() + " among "
                        + new TreeSet<>(hub.context().getRoutes().stream().map(Route::getRouteId).toList()));
                assertTrue(route.getEndpoint().getEndpointUri().startsWith("rest:"), where + " is served by "
                        + route.getEndpoint().getEndpointUri());
                verbs.add(verb.getRouteId());
                String to = verb.getTo().getUri();
                if (to.startsWith("bean:")) {
                    assertBeanHasMethod(where, to);
                }
            }
        }
        assertTrue(verbs.contains("api-dead-letters-list") && verbs.contains("api-outbox-note")
                && verbs.contains("api-streams-sync") && verbs.contains("api-tenant-check")
                && verbs.contains("api-ingestion-push"), verbs.toString());
        // nothing left over that only relays a request to another route
        List<String> relays = hub.context().getRoutes().stream().map(Route::getRouteId)
                .filter(id -> id.endsWith("-handler")).toList();
        assertEquals(List.of(), relays);
    }

    /** Camel looks a bean URI's method up only when a request comes: a misspelt one must fail here, not in use. */
    private static void assertBeanHasMethod(String where, String uri) {
        Matcher m = Pattern.compile("bean:([^?]+)\\?method=(\\w+)").matcher(uri);
        assertTrue(m.matches(), where + ": " + uri + " names no method");
        Object bean = hub.context().getRegistry().lookupByName(m.group(1));
        assertNotNull(bean, where + ": no bean " + m.group(1));
        boolean found = Arrays.stream(bean.getClass().getMethods())
                .anyMatch(method -> method.getName().equals(m.group(2))
                        && Arrays.equals(method.getParameterTypes(), new Class<?>[] {Exchange.class}));
        assertTrue(found, where + ": " + bean.getClass().getSimpleName() + " has no public " + m.group(2) + "(Exchange)");
    }
}
