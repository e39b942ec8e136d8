package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseRejection;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The public Job Board API (§7): GETs without credentials. No rate budget: the board's GETs are public, cached and
 * described as not rate limited (§7, UNCONFIRMED), and the import reads three lists per run; 429s and 5xx are still
 * retried with backoff.
 */
public final class JobBoardClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final SecretMasker masker;
    private final GreenhouseGateway.Policy policy;

    public JobBoardClient(HttpClient http, SecretMasker masker, GreenhouseGateway.Policy policy) {
        this.http = http;
        this.masker = masker;
        this.policy = policy;
    }

    /** {@code GET /v1/boards/{token}/jobs?content=true}: posts with content, departments and offices. */
    public JsonNode jobs(Tenant tenant) throws InterruptedException {
        return get(tenant, "/jobs?content=true");
    }

    public JsonNode get(Tenant tenant, String path) throws InterruptedException {
        Tenant.JobBoard board = tenant.jobBoard().orElseThrow(() -> new GreenhouseRejection(0, "Tenant " + tenant.id()
                + " has no job board (job-board.token in " + tenant.source() + ")"));
        URI uri = URI.create(board.baseUrl() + "/v1/boards/" + URLEncoder.encode(board.boardToken(),
                StandardCharsets.UTF_8) + path);
        for (int attempt = 1; ; attempt++) {
            String reason;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(policy.timeout())
                        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                if (r.statusCode() == 404) {
                    throw new GreenhouseRejection(404, "GET " + uri.getPath() + " for tenant " + tenant.id() + ": no job "
                            + "board with token '" + board.boardToken() + "'. Set job-board.token in " + tenant.source()
                            + " to the last part of the board's address (boards.greenhouse.io/<token>). Greenhouse "
                            + "said: " + masker.mask(r.body()));
                }
                if (r.statusCode() < 500 && r.statusCode() != 429 && r.statusCode() != 408) {
                    throw new GreenhouseRejection(r.statusCode(), "GET " + uri.getPath() + " for tenant " + tenant.id()
                            + " was rejected (" + r.statusCode() + "): " + masker.mask(r.body()));
                }
                reason = "GET " + uri.getPath() + " answered " + r.statusCode();
            } catch (IOException e) {
                reason = "GET " + uri.getPath() + " got no readable answer: " + e.getMessage();
            }
            if (attempt >= policy.maxAttempts()) {
                throw new GreenhouseException(0, true, reason + " (gave up after " + attempt + " attempts)");
            }
            long cap = Math.min(policy.maxBackoff().toMillis(), policy.backoff().toMillis() << Math.min(attempt - 1, 16));
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        }
    }
}
