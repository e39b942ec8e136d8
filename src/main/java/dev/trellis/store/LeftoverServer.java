package dev.trellis.store;

import dev.trellis.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL still running on the embedded data directory when Trellis starts. After {@code kill -9} of the JVM its
 * server lives on (nothing stops it) and a new server on the same directory cannot start; such a leftover is stopped.
 * If a live Trellis still holds the directory (the embedded server's lock file {@code epg-lock}, which the OS
 * releases when its process dies), it is left alone and the start fails naming that Trellis's pid.
 */
final class LeftoverServer {
    private static final Logger LOG = LoggerFactory.getLogger(LeftoverServer.class);
    private static final long STOP_WAIT_SECONDS = 60;

    private LeftoverServer() {
    }

    /** {@code <data dir>.owner}: the pid of the Trellis whose embedded server runs on the directory. */
    static Path ownerFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".owner");
    }

    /** Stops a server that no live Trellis owns; fails if one does. */
    static void stopIfOrphaned(Path dataDir) {
        Optional<ProcessHandle> postmaster = runningPostmaster(dataDir);
        if (postmaster.isEmpty()) {
            return;
        }
        if (heldByLiveProcess(dataDir)) {
            throw new ConfigException(dataDir + " is in use by Trellis pid " + owner(dataDir).orElse("(unknown)")
                    + "; stop it or use another --home (or trellis.db.embedded-dir)");
        }
        stop(postmaster.get(), dataDir);
    }

    /** The live postgres process that postmaster.pid names, if any (a stale file after a reboot names none). */
    private static Optional<ProcessHandle> runningPostmaster(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.size() < 2 || !lines.get(0).trim().matches("\\d+")) {
            return Optional.empty();
        }
        long pid = Long.parseLong(lines.get(0).trim());
        // postmaster.pid's second line is the data directory the server was started on
        if (!sameDirectory(Path.of(lines.get(1).trim()), dataDir)) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(LeftoverServer::isPostgres);
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isPostgres(ProcessHandle p) {
        return p.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
    }

    /** Whether a live process (this one included) holds the embedded server's lock on the directory. */
    private static boolean heldByLiveProcess(Path dataDir) {
        Path lockFile = dataDir.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> owner(Path dataDir) {
        try {
            return Optional.of(Files.readString(ownerFile(dataDir)).trim()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Fast shutdown (SIGINT: ends the dead Trellis's sessions, then a clean checkpoint); SIGKILL if that hangs. */
    private static void stop(ProcessHandle postmaster, Path dataDir) {
        LOG.warn("An embedded PostgreSQL (pid {}) is still running in {}, left by a Trellis that is gone (pid {}); "
                + "stopping it", postmaster.pid(), dataDir, owner(dataDir).orElse("unknown"));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        // not pg_ctl: it refuses to run as root, where the embedded server itself runs fine
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(postmaster.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("Could not run kill ({}); stopping the server with SIGTERM", e.getMessage());
            postmaster.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("Interrupted while stopping the leftover PostgreSQL in " + dataDir, e);
        }
        if (!exited(postmaster, STOP_WAIT_SECONDS)) {
            LOG.warn("The leftover PostgreSQL (pid {}) did not stop within {} s; killing it", postmaster.pid(),
                    STOP_WAIT_SECONDS);
            all.forEach(ProcessHandle::destroyForcibly);
        }
        // its backends end with it; a new server refuses to start while one still holds the shared memory
        for (ProcessHandle p : all) {
            if (!exited(p, 10)) {
                p.destroyForcibly();
                exited(p, 10);
            }
        }
        LOG.info("Stopped the embedded PostgreSQL (pid {}) that was left running in {}", postmaster.pid(), dataDir);
    }

    private static boolean exited(ProcessHandle p, long seconds) {
        try {
            p.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }
}
