package dev.trellis.hub;

import dev.trellis.config.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis run}: starts the hub and runs until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Start the hub (the default command).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--home", defaultValue = ".", description = "Directory with config/, routes/ and data/ (default: the working directory).")
    Path home;

    @Option(names = "--port", defaultValue = "${env:TRELLIS_PORT}", description = "REST API port (env TRELLIS_PORT; default 8080).")
    Integer port;

    @Option(names = "--management-port", defaultValue = "${env:TRELLIS_MANAGEMENT_PORT}", description = "Health and metrics port (env TRELLIS_MANAGEMENT_PORT; default 9876).")
    Integer managementPort;

    @Option(names = {"-P", "--property"}, description = "Override a configuration key, e.g. -P trellis.errors.maximum-redeliveries=5.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        try {
            return new Hub(new Hub.Options(home, port, managementPort, properties)).run();
        } catch (ConfigException e) {
            System.err.println("Trellis cannot start: " + e.getMessage());
            return 2;
        }
    }
}
