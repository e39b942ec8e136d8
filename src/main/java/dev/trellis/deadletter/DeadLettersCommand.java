package dev.trellis.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiClient;
import dev.trellis.api.ApiCommand;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code trellis dead-letters list|show|replay|discard}, through the REST API of a running hub. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "Inspect, replay and discard dead letters of a running hub.",
        subcommands = {DeadLettersCommand.List.class, DeadLettersCommand.Show.class,
                DeadLettersCommand.Replay.class, DeadLettersCommand.Discard.class})
public final class DeadLettersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit codes: 0 done, 1 a replay failed again, 2 refused or unreachable. */
    abstract static class ApiCall extends ApiCommand {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, newest first.")
    static final class List extends ApiCall {
        @Option(names = "--status", defaultValue = "open", description = "open, replayed, discarded or all (default ${DEFAULT-VALUE}).")
        String status;
        @Option(names = "--route", description = "Only this route id.")
        String route;
        @Option(names = "--tenant", description = "Only this tenant.")
        String tenant;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int call(ApiClient client) throws Exception {
            StringBuilder path = new StringBuilder("/api/dead-letters?status=" + enc(status) + "&limit=" + limit);
            if (route != null) {
                path.append("&route=").append(enc(route));
            }
            if (tenant != null) {
                path.append("&tenant=").append(enc(tenant));
            }
            ApiClient.Answer answer = client.get(path.toString());
            if (answer.status() != 200) {
                return refused(answer);
            }
            out().printf("%-8s %-10s %-12s %-28s %-8s %-25s %s%n", "ID", "STATUS", "TENANT", "ROUTE", "ATTEMPTS",
                    "LAST FAILED", "ERROR");
            for (JsonNode d : answer.json().get("items")) {
                out().printf("%-8s %-10s %-12s %-28s %-8s %-25s %s%n", d.get("id").asText(), d.get("status").asText(),
                        d.get("tenant").asText("-"), d.get("route").asText(), d.get("attempts").asText(),
                        d.get("lastFailedAt").asText(), d.get("message").asText(""));
            }
            return 0;
        }
    }

    /** A call about one dead letter: refused answers are printed, a 200's JSON goes to {@link #done}. */
    abstract static class OneLetter extends ApiCall {
        @Parameters(paramLabel = "ID", description = "The dead letter's id.")
        long id;

        /** The request, given the letter's path {@code /api/dead-letters/ID}. */
        abstract ApiClient.Answer send(ApiClient client, String path) throws Exception;

        abstract int done(JsonNode answer);

        @Override
        protected int call(ApiClient client) throws Exception {
            ApiClient.Answer answer = send(client, "/api/dead-letters/" + id);
            return answer.status() != 200 ? refused(answer) : done(answer.json());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter with its message.")
    static final class Show extends OneLetter {
        @Override
        ApiClient.Answer send(ApiClient client, String path) throws Exception {
            return client.get(path);
        }

        @Override
        int done(JsonNode answer) {
            out().println(ApiClient.pretty(answer));
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Send the original message again into the route where it failed.")
    static final class Replay extends OneLetter {
        @Override
        ApiClient.Answer send(ApiClient client, String path) throws Exception {
            return client.post(path + "/replay");
        }

        @Override
        int done(JsonNode answer) {
            JsonNode letter = answer.get("deadLetter");
            if (answer.get("replayed").asBoolean()) {
                out().println("Dead letter " + id + " replayed: delivered by route " + letter.get("route").asText());
                return 0;
            }
            out().println("Dead letter " + id + " failed again and stays open: " + letter.get("message").asText());
            return 1;
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Close a dead letter without sending it.")
    static final class Discard extends OneLetter {
        @Override
        ApiClient.Answer send(ApiClient client, String path) throws Exception {
            return client.post(path + "/discard");
        }

        @Override
        int done(JsonNode answer) {
            out().println("Dead letter " + id + " discarded");
            return 0;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
