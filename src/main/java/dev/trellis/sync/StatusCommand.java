package dev.trellis.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiClient;
import dev.trellis.api.ApiCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis status}: each stream's watermark, lag, run state, last and next run, from a running hub. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every stream of a running hub: watermark, lag, run state, last run, next run.")
public final class StatusCommand extends ApiCommand {
    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Override
    protected int call(ApiClient client) throws Exception {
        ApiClient.Answer answer = client.get("/api/streams");
        if (answer.status() != 200) {
            return refused(answer);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(ApiClient.pretty(answer.json()));
            return 0;
        }
        String format = "%-12s %-24s %-22s %-9s %-11s %-7s %-9s %-9s %-22s %s%n";
        out.printf(format, "TENANT", "STREAM", "WATERMARK", "LAG", "LAST", "PAGES", "FETCHED", "WRITTEN", "NEXT RUN", "ERROR");
        for (JsonNode s : answer.json().get("streams")) {
            JsonNode last = s.get("lastRun");
            boolean hasRun = last != null && !last.isNull();
            out.printf(format, s.get("tenant").asText(), s.get("stream").asText(),
                    s.get("watermark").isNull() ? "-" : s.get("watermark").asText(),
                    s.get("lagSeconds").isNull() ? "-" : s.get("lagSeconds").asText() + "s",
                    lastColumn(s, last, hasRun),
                    hasRun ? last.get("pages").asText() : "-", hasRun ? last.get("fetched").asText() : "-",
                    hasRun ? last.get("written").asText() : "-", s.get("nextRun").asText("-"),
                    note(s, last, hasRun));
        }
        out.flush();
        return 0;
    }

    /** The run in progress (running, resumed, interrupted, failed), else the last run's status. */
    private static String lastColumn(JsonNode s, JsonNode last, boolean hasRun) {
        String state = s.path("state").asText("idle");
        return !state.equals("idle") ? state : hasRun ? last.get("status").asText() : "-";
    }

    private static String note(JsonNode s, JsonNode last, boolean hasRun) {
        if (!s.get("paused").isNull()) {
            return "paused: " + s.get("paused").asText();
        }
        if (hasRun && !last.get("error").isNull()) {
            return last.get("error").asText();
        }
        if (s.path("state").asText().equals("interrupted")) {
            return "instance " + last.path("owner").asText("?") + " died; resumes within seconds";
        }
        if (hasRun && !last.path("resumedAt").isNull() && !last.path("resumedAt").isMissingNode()) {
            return "resumed at " + last.get("resumedAt").asText() + " (interrupted at " + last.get("interruptedAt").asText() + ")";
        }
        return "";
    }
}
