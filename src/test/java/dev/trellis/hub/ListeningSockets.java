package dev.trellis.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** Which local addresses listen on a TCP port, read from /proc/net/tcp{,6}: no traffic needed to tell. */
public final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** "127.0.0.1", "0.0.0.0", "::" ... for each socket listening on {@code port}. */
    public static Set<String> addresses(int port) throws IOException {
        Set<String> found = new TreeSet<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[3].equals(LISTEN)) {
                    continue;
                }
                String[] local = f[1].split(":");
                if (Integer.parseInt(local[1], 16) == port) {
                    found.add(address(local[0]));
                }
            }
        }
        return found;
    }

    private static String address(String hex) {
        if (hex.length() == 8) {
            // IPv4 in host (little-endian) byte order
            return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
                    + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
        }
        if (hex.chars().allMatch(c -> c == '0')) {
            return "::";
        }
        return hex.equals("0000000000000000FFFF00000100007F") ? "127.0.0.1" : "ipv6:" + hex;
    }
}
