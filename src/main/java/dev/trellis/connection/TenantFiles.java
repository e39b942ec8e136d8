package dev.trellis.connection;

import dev.trellis.config.ConfigException;
import dev.trellis.config.Tenant;
import dev.trellis.config.TenantLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code config/tenants/*.properties} while the hub runs, like routes: a new file connects its tenant, a
 * changed one swaps it, a removed one stops it (its rows stay). A file that does not read is logged with its key and
 * left out; the tenant it described keeps running as it was.
 */
final class TenantFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TenantFiles.class);

    private final Path dir;
    private final Connections connections;
    /** file name to its last-modified time and size, as last applied (or refused) */
    private final Map<String, String> seen = new HashMap<>();

    TenantFiles(Path dir, Connections connections) {
        this.dir = dir;
        this.connections = connections;
    }

    /** The files read at start-up are applied already: remember them, so only later changes count. */
    void baseline() throws IOException {
        seen.putAll(scan());
    }

    synchronized void poll() throws Exception {
        Map<String, String> now = scan();
        for (Map.Entry<String, String> f : now.entrySet()) {
            if (f.getValue().equals(seen.get(f.getKey()))) {
                continue;
            }
            seen.put(f.getKey(), f.getValue());
            Path file = dir.resolve(f.getKey());
            try {
                Tenant tenant = TenantLoader.read(file);
                boolean known = connections.isLocal(tenant.id());
                if (connections.addLocal(tenant, "file")) {
                    LOG.info("Tenant file {} {}: tenant {} applied", file, known ? "changed" : "added", tenant.id());
                    connections.checkLocal(tenant.id());
                }
            } catch (ConfigException e) {
                LOG.error("Tenant file {} is not applied: {}", file, e.getMessage());
            }
        }
        for (String name : Set.copyOf(seen.keySet())) {
            if (!now.containsKey(name)) {
                seen.remove(name);
                String id = name.substring(0, name.length() - ".properties".length());
                if (connections.isLocal(id)) {
                    connections.removeLocal(id);
                    LOG.info("Tenant file {} removed: tenant {} stopped (its synced rows stay)", dir.resolve(name), id);
                }
            }
        }
    }

    private Map<String, String> scan() throws IOException {
        Map<String, String> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".properties")).toList()) {
                try {
                    out.put(f.getFileName().toString(), Files.getLastModifiedTime(f).toMillis() + "/" + Files.size(f));
                } catch (IOException gone) {
                    // removed while listing: the next poll sees it gone
                }
            }
        }
        return out;
    }
}
