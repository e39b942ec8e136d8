package dev.trellis.ingestion;

import dev.trellis.check.CheckCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis ingestion connect --tenant T}: the Candidate Ingestion connect check, without a running hub. */
@Command(name = "ingestion", mixinStandardHelpOptions = true, description = "Sourcing partners (Candidate Ingestion).",
        subcommands = IngestionCommand.Connect.class)
public final class IngestionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Check a tenant's Candidate Ingestion key, On-Behalf-Of e-mail and permissions, and its job "
                    + "board token, and say what to fix (= trellis check --tenant T --only ingestion).",
                "Exit code: 0 usable, 2 something is wrong, 1 configuration error."})
    static final class Connect implements Callable<Integer> {
        @Option(names = "--home", defaultValue = ".", description = "Directory with config/ (default: the working directory).")
        Path home;

        @Option(names = "--tenant", required = true, description = "The tenant to check.")
        String tenant;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            // one check, one way of reading the configuration: the check command's, limited to its ingestion step
            CommandLine check = new CommandLine(new CheckCommand())
                    .setOut(spec.commandLine().getOut()).setErr(spec.commandLine().getErr());
            return check.execute("--home", home.toString(), "--tenant", tenant, "--only", "ingestion");
        }
    }
}
