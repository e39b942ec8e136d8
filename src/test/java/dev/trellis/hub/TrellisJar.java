package dev.trellis.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built target/trellis.jar as its own process, the way ops run it, for the packaged-jar ITs. */
public final class TrellisJar {
    private static final Path JAR = Path.of("target/trellis.jar").toAbsolutePath();

    private TrellisJar() {
    }

    /** A condition that may throw while the jar is still coming up. */
    public interface Check {
        boolean ok() throws Exception;
    }

    /**
     * {@code java -jar target/trellis.jar args} in {@code workDir} (null: this JVM's), output and errors to {@code log};
     * each env entry is set, or removed when its value is null.
     */
    public static Process start(Path workDir, Path log, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        env.forEach((name, value) -> {
            if (value == null) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value);
            }
        });
        return pb.start();
    }

    /** {@code run --home .. --port .. --management-port .. -P k=v ...}. */
    public static List<String> runArgs(TestHome home, int port, int managementPort, List<String> properties) {
        List<String> args = new ArrayList<>(List.of("run", "--home", home.dir().toString(), "--port", String.valueOf(port),
                "--management-port", String.valueOf(managementPort)));
        for (String p : properties) {
            args.add("-P");
            args.add(p);
        }
        return args;
    }

    /** Sends SIGTERM to each and waits up to {@code limit} for each; true when all of them ended. */
    public static boolean stopAll(List<Process> processes, Duration limit) throws InterruptedException {
        boolean all = true;
        for (Process p : processes) {
            p.destroy();
            all &= p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        return all;
    }

    /** Waits until {@code check} passes, failing with the log's tail if the process exits first or time runs out. */
    public static void waitFor(Process process, Duration limit, Check check, Path log) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Trellis exited, see " + log + ":\n" + tail(log));
            }
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Not within " + limit + ", see " + log + ":\n" + tail(log));
    }

    /** The last 6000 characters of a log, or "" when there is none yet. */
    public static String tail(Path log) throws IOException {
        String out = Files.exists(log) ? Files.readString(log) : "";
        return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
    }
}
