package dev.trellis.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
 * minutes: logs progress every 5 s (with the server's latest log line), and interrupts the starting thread as soon as
 * pg_ctl reports that the server exited, so that a failed start is reported at once rather than after the whole wait.
 */
final class StartupWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StartupWatch.class);
    private static final long PROGRESS_EVERY_SECONDS = 5;
    /** What {@code pg_ctl -w start} prints when the server exits during start-up. */
    private static final String FAILED = "pg_ctl: could not start server";

    private final Path dataDir;
    private final Path serverLog;
    private final long logOffset;
    private final Thread starter = Thread.currentThread();
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "embedded-postgres-start");
        t.setDaemon(true);
        return t;
    });
    private long lastProgress = System.nanoTime();
    private boolean serverExited;
    private boolean closed;

    StartupWatch(Path dataDir, Path serverLog) throws IOException {
        this.dataDir = dataDir;
        this.serverLog = serverLog;
        // only what this start writes counts
        this.logOffset = Files.exists(serverLog) ? Files.size(serverLog) : 0;
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        if (logSinceStart().contains(FAILED)) {
            serverExited = true;
            starter.interrupt();
            timer.shutdown();
        } else if (System.nanoTime() - lastProgress >= TimeUnit.SECONDS.toNanos(PROGRESS_EVERY_SECONDS)) {
            lastProgress = System.nanoTime();
            LOG.info("The embedded PostgreSQL in {} is still starting after {} s (a first start creates the database; "
                    + "after a crash it first replays its write-ahead log); its latest log line: {}", dataDir,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), lastLines(1));
        }
    }

    private String logSinceStart() {
        try (RandomAccessFile f = new RandomAccessFile(serverLog.toFile(), "r")) {
            long length = f.length();
            if (length <= logOffset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - logOffset, 1_000_000)];
            f.seek(length - bytes.length);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether the start was cut short because the server exited. */
    synchronized boolean serverExited() {
        return serverExited;
    }

    /** The last lines of the server's log, to say why it did not start. */
    String lastLines(int n) {
        List<String> lines = logSinceStart().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
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
