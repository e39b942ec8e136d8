package dev.trellis.hub;

import picocli.CommandLine.Command;

/** Starts the hub. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Start the hub (the default command).")
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
