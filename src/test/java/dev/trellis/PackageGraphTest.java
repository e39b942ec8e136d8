package dev.trellis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the main classes, as the JDK's jdeps reads it from the compiled bytecode: hub is the
 * composition root (only the command line's entry point depends on it) and no two packages depend on each other.
 */
class PackageGraphTest {
    private static final Pattern EDGE = Pattern.compile("^\\s*(dev\\.trellis\\S*)\\s+->\\s+(dev\\.trellis\\S*)\\s");
    private static final Map<String, Set<String>> GRAPH = new TreeMap<>();

    @BeforeAll
    static void readGraph() {
        Path classes = Path.of("target", "classes");
        assertTrue(Files.isDirectory(classes.resolve("dev/trellis")), "compiled main classes in " + classes);
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
                "-filter:none", classes.toString());
        assertEquals(0, rc, "jdeps exit code");
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                GRAPH.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        // hub wires the feature packages: an empty graph would mean the output was not read
        assertTrue(GRAPH.getOrDefault("dev.trellis.hub", Set.of()).contains("dev.trellis.sync"), GRAPH::toString);
    }

    @Test
    void onlyTheEntryPointDependsOnHub() {
        List<String> dependents = GRAPH.entrySet().stream().filter(e -> e.getValue().contains("dev.trellis.hub"))
                .map(Map.Entry::getKey).filter(p -> !p.equals("dev.trellis")).toList();
        assertEquals(List.of(), dependents, "packages that depend on the composition root dev.trellis.hub");
    }

    @Test
    void noPackageCycle() {
        List<List<String>> cycles = new ArrayList<>();
        for (String start : GRAPH.keySet()) {
            List<String> path = pathBack(start);
            if (path != null && path.get(0).equals(minOf(path))) {
                cycles.add(path);
            }
        }
        assertEquals(List.of(), cycles, "package cycles (each listed from its first package)");
    }

    /** The shortest way from start through its dependencies back to start, or null. */
    private static List<String> pathBack(String start) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (String next : GRAPH.getOrDefault(at, Set.of())) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(at));
                    for (String p = cameFrom.get(at); p != null; p = cameFrom.get(p)) {
                        path.add(0, p);
                    }
                    return path;
                }
                if (!cameFrom.containsKey(next) && !next.equals(start)) {
                    cameFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        return null;
    }

    private static String minOf(List<String> path) {
        return path.stream().min(String::compareTo).orElseThrow();
    }
}
