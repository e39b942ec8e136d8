package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.Tenant;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The public Job Board API (docs/greenhouse.md#job-board): GETs without credentials, through the gateway's request loop
 * (retries, metrics) with a window of their own (key {@code <tenant>/job-board}): the board's GETs are public and
 * described as not rate limited (docs/greenhouse.md#job-board, UNCONFIRMED), and an import reads three lists, so the
 * budget never holds them up.
 */
public final class JobBoardClient {
    private final GreenhouseGateway gateway;

    public JobBoardClient(GreenhouseGateway gateway) {
        this.gateway = gateway;
    }

    /** {@code GET /v1/boards/{token}/jobs?content=true}: posts with content, departments and offices. */
    public JsonNode jobs(Tenant tenant) throws InterruptedException {
        return get(tenant, "/jobs?content=true");
    }

    public JsonNode get(Tenant tenant, String path) throws InterruptedException {
        return answer(tenant, path).body();
    }

    /** The connection check's request: refusals and failures come back as answers, not as errors. */
    public RawAnswer probe(Tenant tenant, String path) throws InterruptedException {
        return RawAnswer.of(() -> answer(tenant, path));
    }

    private GreenhouseGateway.Answer answer(Tenant tenant, String path) throws InterruptedException {
        Tenant.JobBoard board = tenant.jobBoard().orElseThrow(() -> new GreenhouseRejection(0, "Tenant " + tenant.id()
                + " has no job board (job-board.token in " + tenant.source() + ")"));
        URI uri = URI.create(board.baseUrl() + "/v1/boards/" + URLEncoder.encode(board.boardToken(),
                StandardCharsets.UTF_8) + path);
        return gateway.exchange(tenant.id(), tenant.id() + "/job-board", new GreenhouseGateway.Credential() {
            @Override
            public Map<String, String> headers() {
                return Map.of(); // public
            }

            @Override
            public boolean refused(Map<String, String> sent) {
                return false;
            }

            @Override
            public GreenhouseRejection rejection(int status, String endpoint, String said) {
                if (status == 404) {
                    return new GreenhouseRejection(404, endpoint + " for tenant " + tenant.id() + ": no job board with "
                            + "token '" + board.boardToken() + "'. Set job-board.token in " + tenant.source() + " to the "
                            + "last part of the board's address (boards.greenhouse.io/<token>). Greenhouse said: " + said,
                            said);
                }
                return new GreenhouseRejection(status, endpoint + " for tenant " + tenant.id() + " was rejected ("
                        + status + "): " + said, said);
            }
        }, "GET", uri, "GET /v1/boards/{token}" + path.replaceAll("\\?.*", ""), null);
    }
}
