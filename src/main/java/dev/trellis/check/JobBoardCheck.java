package dev.trellis.check;

import dev.trellis.check.CheckResult.Status;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseShape;
import dev.trellis.greenhouse.JobBoardClient;
import dev.trellis.greenhouse.RawAnswer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Step 4, the job board: the board token names a board of Greenhouse's Job Board API ({@link JobBoardClient}). */
final class JobBoardCheck {
    private final CheckRun run;
    private final JobBoardClient client;

    JobBoardCheck(CheckRun run, JobBoardClient client) {
        this.run = run;
        this.client = client;
    }

    void run(Tenant.JobBoard board) throws InterruptedException {
        Feature.Need need = Feature.JOB_BOARD.needs().get(0);
        String url = board.baseUrl() + "/v1/boards/" + URLEncoder.encode(board.boardToken(), StandardCharsets.UTF_8);
        RawAnswer b = client.probe(run.tenant, "");
        if (b.status() == 200 && !GreenhouseShape.board(b.json())) {
            run.add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.UNKNOWN, "this does not look like "
                    + "Greenhouse's Job Board API at " + board.baseUrl() + ": GET board answered "
                    + CheckRun.answered(b.status(), b.text()), need.impact());
            run.fixes.add("Job Board: job-board.base-url = " + board.baseUrl() + " in " + run.tenant.source()
                    + " does not look like Greenhouse's Job Board API. Greenhouse's is "
                    + "https://boards-api.greenhouse.io.");
        } else if (b.status() == 200) {
            run.add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.OK, "board '" + board.boardToken()
                    + "' found" + (b.json() != null && b.json().hasNonNull("name") ? ": " + b.json().get("name")
                    .asText() : ""), need.impact());
        } else if (b.status() == 404) {
            run.add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.MISSING, "no job board with token '"
                    + board.boardToken() + "' at " + board.baseUrl() + ": " + b.said(), need.impact());
            run.fixes.add("Job Board: job-board.token = " + board.boardToken() + " in " + run.tenant.source()
                    + " names no board. Use the board token: the last part of the board's address "
                    + "(boards.greenhouse.io/<token>), shown in Greenhouse under Configure > Job Boards.");
        } else {
            run.add(4, Feature.JOB_BOARD.id(), need.permission(), null, Status.UNKNOWN, b.status() == 0
                    ? url + " did not answer (" + b.error() + ")" : "GET board answered " + b.status() + ": "
                    + b.said(), need.impact());
        }
    }
}
