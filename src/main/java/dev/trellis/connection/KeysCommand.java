package dev.trellis.connection;

import dev.trellis.api.ApiClient;
import dev.trellis.api.ApiCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trellis keys new|status|rotate}: the keys that seal tenant secrets. Rotation without downtime: start every
 * instance with the new key as TRELLIS_ENCRYPTION_KEY and the old one as TRELLIS_ENCRYPTION_PREVIOUS_KEY, run
 * {@code keys rotate}, then drop the previous key.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Encryption keys of tenant secrets.",
        subcommands = {KeysCommand.New.class, KeysCommand.Status.class, KeysCommand.Rotate.class})
public final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "new", mixinStandardHelpOptions = true, description = "Print a new random key (base64 of 32 bytes).")
    static final class New implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println(KeyRing.newKey());
        }
    }

    /** Exit codes: 0 done, 1 some secrets cannot be opened with the keys given, 2 refused or unreachable. */
    abstract static class ApiCall extends ApiCommand {
        @Override
        protected int call(ApiClient client) throws Exception {
            ApiClient.Answer answer = execute(client);
            if (answer.status() != 200) {
                return refused(answer);
            }
            out().println(ApiClient.pretty(answer.json()));
            return answer.json().path("unreadable").isEmpty() ? 0 : 1;
        }

        abstract ApiClient.Answer execute(ApiClient client) throws Exception;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The current key id and how many secrets each key id seals.")
    static final class Status extends ApiCall {
        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.get("/api/keys");
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Re-seal every secret with the current key; afterwards the previous key can go.")
    static final class Rotate extends ApiCall {
        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("POST", "/api/keys/rotate", null);
        }
    }
}
