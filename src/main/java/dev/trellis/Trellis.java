package dev.trellis;

import dev.trellis.check.CheckCommand;
import dev.trellis.connection.KeysCommand;
import dev.trellis.connection.TenantsCommand;
import dev.trellis.deadletter.DeadLettersCommand;
import dev.trellis.hub.RunCommand;
import dev.trellis.ingestion.IngestionCommand;
import dev.trellis.sandbox.SandboxCommand;
import dev.trellis.sync.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code run} (the default) and the tools around the hub. */
@Command(name = "trellis", mixinStandardHelpOptions = true, versionProvider = Trellis.Version.class,
        description = "Integration hub between Greenhouse and your systems.",
        subcommands = {RunCommand.class, StatusCommand.class, CheckCommand.class, DeadLettersCommand.class,
                IngestionCommand.class, TenantsCommand.class, KeysCommand.class, SandboxCommand.class, CommandLine.HelpCommand.class})
public final class Trellis implements Runnable {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Trellis());
        // no sub-command means "run", with all the options given
        if (args.length == 0 || args[0].startsWith("-") && !isTopLevelOption(args[0])) {
            String[] withRun = new String[args.length + 1];
            withRun[0] = "run";
            System.arraycopy(args, 0, withRun, 1, args.length);
            args = withRun;
        }
        System.exit(cli.execute(args));
    }

    private static boolean isTopLevelOption(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Trellis.class.getPackage().getImplementationVersion();
            return new String[] {"trellis " + (v == null ? "dev" : v)};
        }
    }
}
