package dev.trellis.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo twice on one home: its in-process sandbox starts afresh, the embedded database keeps what the first run
 * wrote, so the second sandbox must not hand out the note ids the first one did.
 */
class DemoRestartTest {
    /** Generated candidate 1 of the demo organisation (docs/sandbox.md, Data). */
    private static final long CANDIDATE = 10_000_001L;

    @TempDir
    Path dir;

    @Test
    void aRestartedDemoDoesNotRepeatNoteIds() throws Exception {
        TestHome home = new TestHome(dir).property("trellis.demo.enabled", "true")
                .property("trellis.demo.candidates", "50")
                .property("trellis.greenhouse.rate-budget", "100000");
        List<Long> first = writeNotes(home, "first");
        List<Long> second = writeNotes(home, "second");
        System.out.println("DemoRestartTest: note ids " + first + " then " + second);
        assertTrue(Collections.min(second) > Collections.max(first),
                "the second run's notes got new ids: " + first + " then " + second);
    }

    /** Starts the hub with the demo, writes three notes, waits until they are delivered, stops it; their ids. */
    private static List<Long> writeNotes(TestHome home, String run) throws Exception {
        Hub hub = home.start();
        try {
            List<Long> items = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpCalls.Answer a = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/demo/notes",
                        "{\"candidate_id\": %d, \"body\": \"%s run #%d\"}".formatted(CANDIDATE, run, i));
                assertEquals(202, a.status(), a.body());
                items.add(a.json().get("id").asLong());
            }
            List<Long> ids = new ArrayList<>();
            for (long item : items) {
                JsonNode delivered = delivered(home, item);
                assertTrue(delivered.get("record_held_by").isNull(), delivered.toString());
                ids.add(delivered.get("greenhouse_id").asLong());
            }
            return ids;
        } finally {
            hub.stop();
        }
    }

    private static JsonNode delivered(TestHome home, long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode item = null;
        while (System.nanoTime() < deadline) {
            item = HttpCalls.json("GET", home.apiUrl() + "/api/outbox/" + id, null).json();
            if ("delivered".equals(item.get("status").asText())) {
                return item;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("outbox item " + id + " not delivered: " + item);
    }
}
