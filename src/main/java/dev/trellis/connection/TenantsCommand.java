package dev.trellis.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiClient;
import dev.trellis.api.ApiCommand;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trellis tenants ...}: the connections of a running hub, through its REST API. Bodies come from a JSON file
 * or standard input, never from the command line, where secrets would show in the process list and shell history.
 */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Connect, check, change, pause, resume and remove tenants of a running hub.",
        subcommands = {TenantsCommand.List.class, TenantsCommand.Show.class, TenantsCommand.Check.class,
                TenantsCommand.Add.class, TenantsCommand.Change.class, TenantsCommand.Pause.class,
                TenantsCommand.Resume.class, TenantsCommand.Remove.class})
public final class TenantsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit codes: 0 done, 1 refused by the check (422), 2 refused otherwise or unreachable. */
    abstract static class ApiCall extends ApiCommand {
        @Override
        protected int call(ApiClient client) throws Exception {
            ApiClient.Answer answer = execute(client);
            if (answer.status() >= 300) {
                refused(answer);
                if (answer.json() != null && answer.json().has("check")) {
                    out().println(ApiClient.pretty(answer.json()));
                }
                return answer.status() == 422 ? 1 : 2;
            }
            out().println(ApiClient.pretty(answer.json()));
            return 0;
        }

        abstract ApiClient.Answer execute(ApiClient client) throws Exception;
    }

    /** Takes the JSON body from a file, or standard input with {@code -}. */
    abstract static class WithBody extends ApiCall {
        @Option(names = "--body", required = true, paramLabel = "FILE",
                description = "The connection as JSON (docs/connections.md), from this file or - for standard input.")
        String body;

        String body() throws IOException {
            return body.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(body), StandardCharsets.UTF_8);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants with their status.")
    static final class List extends ApiCall {
        @Option(names = "--status", description = "Only active, needs_attention, paused or disconnected.")
        String status;
        @Option(names = "--search", description = "Only ids or names containing this.")
        String search;

        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            StringBuilder path = new StringBuilder("/api/tenants?limit=500");
            if (status != null) {
                path.append("&status=").append(enc(status));
            }
            if (search != null) {
                path.append("&search=").append(enc(search));
            }
            ApiClient.Answer answer = client.get(path.toString());
            if (answer.status() == 200) {
                for (JsonNode t : answer.json().path("tenants")) {
                    java.util.List<String> waiting = new java.util.ArrayList<>();
                    t.path("waiting").forEach(w -> waiting.add(w.asText()));
                    out().printf("%-24s %-16s %-5s %s%n", t.path("id").asText(), t.path("status").asText(),
                            t.path("source").asText(), String.join("; ", waiting));
                }
            }
            return answer.status() == 200 ? new ApiClient.Answer(200, answer.json().path("counts")) : answer;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one tenant (secrets as their last four).")
    static final class Show extends ApiCall {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.get("/api/tenants/" + enc(tenant));
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a proposed connection without saving it: the check's table and fixes.")
    static final class Check extends WithBody {
        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("POST", "/api/tenants/check", body());
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Check, then save and start a connection (refused when nothing in it is usable).")
    static final class Add extends WithBody {
        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("POST", "/api/tenants", body());
        }
    }

    @Command(name = "change", mixinStandardHelpOptions = true,
            description = "Change part of a connection (e.g. rotate a secret): checked first, then swapped everywhere.")
    static final class Change extends WithBody {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("PATCH", "/api/tenants/" + enc(tenant), body());
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a tenant's streams, outbox and status syncs.")
    static final class Pause extends ApiCall {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("POST", "/api/tenants/" + enc(tenant) + "/pause", null);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Check again and run a paused or disconnected tenant.")
    static final class Resume extends ApiCall {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("POST", "/api/tenants/" + enc(tenant) + "/resume", null);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a tenant and erase its secrets; its synced rows stay unless --purge.")
    static final class Remove extends ApiCall {
        @Parameters(paramLabel = "TENANT")
        String tenant;
        @Option(names = "--purge", description = "Also delete its synced rows, outbox, stream state and dead letters.")
        boolean purge;

        @Override
        ApiClient.Answer execute(ApiClient client) throws Exception {
            return client.send("DELETE", "/api/tenants/" + enc(tenant) + (purge ? "?purge=true" : ""), null);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
