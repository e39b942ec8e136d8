package dev.trellis.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the embedded server while it starts, which after a crash includes replaying its write-ahead log and may take
 * minutes: logs progress every few seconds (with the server's latest log line), and interrupts the starting thread
 * if the server has exited, so that a failed start is reported at once rather than after the whole wait.
 */
final class StartupWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StartupWatch.class);
    private static final long EVERY_SECONDS = 5;

    private final Path dataDir;
    private final Path serverLog;
    private final Thread starter = Thread.currentThread();
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "embedded-postgres-start");
        t.setDaemon(true);
        return t;
    });
    private int checksWithoutServer;
    private boolean serverExited;
    private boolean closed;

    StartupWatch(Path dataDir, Path serverLog) {
        this.dataDir = dataDir;
        this.serverLog = serverLog;
        timer.scheduleWithFixedDelay(this::check, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        if (serverRunning()) {
            checksWithoutServer = 0;
            LOG.info("The embedded PostgreSQL in {} is still starting after {} s (after a crash it first replays its "
                    + "write-ahead log); its latest log line: {}", dataDir, seconds, lastLines(1));
        } else if (++checksWithoutServer >= 4) {
            // 20 s without a server process: longer than initdb takes, which runs before the server exists
            serverExited = true;
            starter.interrupt();
            timer.shutdown();
        }
    }

    private boolean serverRunning() {
        try {
            String pid = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the start was cut short because the server exited. */
    synchronized boolean serverExited() {
        return serverExited;
    }

    /** The last lines of the server's log, to say why it did not start. */
    String lastLines(int n) {
        try {
            List<String> lines = Files.readAllLines(serverLog);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log in " + serverLog + ")";
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        timer.shutdownNow();
        if (serverExited) {
            // the interrupt was for the start that has now returned, not for whatever the thread does next
            Thread.interrupted();
        }
    }
}
