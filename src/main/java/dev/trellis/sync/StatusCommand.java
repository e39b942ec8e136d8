package dev.trellis.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code trellis status}: each stream's watermark, lag, last and next run, from a running hub. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every stream of a running hub: watermark, lag, last run, next run.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ApiClient.Options api;
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ApiClient.Answer answer;
        try {
            answer = api.client().get("/api/streams");
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        if (answer.status() != 200) {
            spec.commandLine().getErr().println("Refused (" + answer.status() + "): " + answer.error());
            return 2;
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(ApiClient.pretty(answer.json()));
            return 0;
        }
        String format = "%-12s %-24s %-22s %-9s %-8s %-7s %-9s %-9s %-22s %s%n";
        out.printf(format, "TENANT", "STREAM", "WATERMARK", "LAG", "LAST", "PAGES", "FETCHED", "WRITTEN", "NEXT RUN", "ERROR");
        for (JsonNode s : answer.json().get("streams")) {
            JsonNode last = s.get("lastRun");
            boolean hasRun = last != null && !last.isNull();
            out.printf(format, s.get("tenant").asText(), s.get("stream").asText(),
                    s.get("watermark").isNull() ? "-" : s.get("watermark").asText(),
                    s.get("lagSeconds").isNull() ? "-" : s.get("lagSeconds").asText() + "s",
                    s.get("running").asBoolean() ? "running" : hasRun ? last.get("status").asText() : "-",
                    hasRun ? last.get("pages").asText() : "-", hasRun ? last.get("fetched").asText() : "-",
                    hasRun ? last.get("written").asText() : "-", s.get("nextRun").asText("-"),
                    !s.get("paused").isNull() ? "paused: " + s.get("paused").asText()
                            : hasRun && !last.get("error").isNull() ? last.get("error").asText() : "");
        }
        out.flush();
        return 0;
    }
}
