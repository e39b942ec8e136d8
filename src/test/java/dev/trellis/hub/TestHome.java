package dev.trellis.hub;

import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** A throw-away Trellis home (config/, routes/, data/) with free ports, for tests. */
public final class TestHome {
    private final Path dir;
    private final int port = freePort();
    private final int managementPort = freePort();
    private final Map<String, String> properties = new LinkedHashMap<>();

    public TestHome(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("config/tenants"));
            Files.createDirectories(dir.resolve("routes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // tests bring their own tenants (or none)
        property("trellis.demo.enabled", "false");
        // the connection check's probes would mix with what tests count; CheckHubTest turns it on
        property("trellis.check.on-startup", "false");
        // no waiting between redeliveries in tests
        property("trellis.errors.redelivery-delay-ms", "5");
        property("trellis.errors.maximum-redelivery-delay-ms", "20");
    }

    public TestHome property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    /** Writes a route file in one step (as editors do), so the live reload never sees it half written. */
    public TestHome route(String fileName, String yaml) {
        write(fileName + ".tmp", yaml);
        try {
            Files.move(dir.resolve(fileName + ".tmp"), dir.resolve("routes/" + fileName),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * The shipped streams, each run daily twelve hours from now: a test that runs the streams itself must not race a
     * run fired by the clock (one that holds a stream's lock makes the test's run skip its sweep).
     */
    public TestHome shippedStreamsUnscheduled() {
        int hour = (java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + 12) % 24;
        try {
            String yaml = Files.readString(Path.of("routes/streams.camel.yaml"));
            return route("streams.camel.yaml", yaml.replaceAll("\\{name: schedule, value: \"[^\"]*\"}",
                    "{name: schedule, value: \"0 0 " + hour + " * * ?\"}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestHome tenant(String id, String properties) {
        return write("config/tenants/" + id + ".properties", properties);
    }

    /** Tenant {@code id} pointing at the sandbox with its all-scopes client. */
    public TestHome sandboxTenant(String id, Sandbox sandbox) {
        SandboxCredentials c = sandbox.credentials();
        return sandboxTenant(id, sandbox, c.clientId(), c.clientSecret(), "SANDBOX_SECRET_" + id.toUpperCase().replace('-', '_'));
    }

    /**
     * Tenant {@code id} pointing at the sandbox with the given client. The secret is read from {@code secretVariable},
     * set here as a JVM property for in-process hubs (a jar under test gets it as an environment variable).
     */
    public TestHome sandboxTenant(String id, Sandbox sandbox, String clientId, String clientSecret, String secretVariable) {
        System.setProperty(secretVariable, clientSecret);
        return tenant(id, harvest(sandbox, clientId, secretVariable));
    }

    /** Tenant {@code id} with the sandbox's all-scopes Harvest client and its Candidate Ingestion key and user. */
    public TestHome sandboxPartnerTenant(String id, Sandbox sandbox) {
        SandboxCredentials c = sandbox.credentials();
        String variable = "SANDBOX_" + id.toUpperCase().replace('-', '_');
        System.setProperty(variable + "_SECRET", c.clientSecret());
        System.setProperty(variable + "_KEY", c.partnerApiKey());
        return tenant(id, harvest(sandbox, c.clientId(), variable + "_SECRET") + """
                ingestion.base-url = %s
                ingestion.api-key = env:%s
                ingestion.user-email = %s
                """.formatted(c.baseUrl(), variable + "_KEY", c.partnerUserEmail()));
    }

    private static String harvest(Sandbox sandbox, String clientId, String secretVariable) {
        SandboxCredentials c = sandbox.credentials();
        return """
                harvest.base-url = %s
                harvest.token-url = %s
                harvest.client-id = %s
                harvest.client-secret = env:%s
                harvest.user-id = %d
                """.formatted(c.baseUrl(), c.tokenUrl(), clientId, secretVariable, c.siteAdminUserId());
    }

    public TestHome write(String relative, String content) {
        try {
            Files.writeString(dir.resolve(relative), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Hub.Options options() {
        return new Hub.Options(dir, port, managementPort, properties);
    }

    public Hub start() throws Exception {
        return new Hub(options()).start();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
