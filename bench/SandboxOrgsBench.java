import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start time and heap of one in-process sandbox serving many organisations: starts it, then touches every
 * organisation over HTTP with each of its credentials (token + Harvest list, Candidate Ingestion, Job Board) and
 * reports the heap used after a full GC, before and after.
 * Run: java -Xmx256m -cp target/trellis.jar bench/SandboxOrgsBench.java [orgs, default 1000] [candidates, default 200]
 */
public class SandboxOrgsBench {
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int orgs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long candidates = args.length > 1 ? Long.parseLong(args[1]) : 200;
        System.out.printf("heap used before start: %.1f MB%n", usedAfterGc());
        long t0 = System.nanoTime();
        try (Sandbox sb = Sandbox.start(SandboxSettings.builder().orgs(orgs).candidates(candidates).rateLimit(0)
                .tokenRateLimit(0).build())) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%d orgs of %d candidates: started in %.2f s, heap used after GC %.1f MB%n", orgs,
                    candidates, startSeconds, usedAfterGc());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long t1 = System.nanoTime();
            long seen = 0;
            for (int i = 0; i < orgs; i++) {
                SandboxCredentials c = sb.credentials(i);
                String token = match(TOKEN, send(http, HttpRequest.newBuilder(URI.create(c.tokenUrl()))
                        .header("Authorization", basic(c.clientId(), c.clientSecret()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&sub="
                                + c.siteAdminUserId()))));
                String candidatesPage = send(http, HttpRequest.newBuilder(URI.create(c.harvestBaseUrl()
                        + "/candidates?per_page=500")).header("Authorization", "Bearer " + token));
                seen += candidatesPage.split("\"first_name\"", -1).length - 1;
                send(http, HttpRequest.newBuilder(URI.create(c.ingestionBaseUrl() + "/jobs"))
                        .header("Authorization", basic(c.partnerApiKey(), ""))
                        .header("On-Behalf-Of", c.partnerUserEmail()));
                send(http, HttpRequest.newBuilder(URI.create(c.jobBoardBaseUrl() + "/jobs")));
            }
            double touchSeconds = (System.nanoTime() - t1) / 1e9;
            if (seen != orgs * Math.min(500, candidates)) {
                throw new IllegalStateException("read " + seen + " candidates, expected " + orgs * Math.min(500, candidates));
            }
            System.out.printf("touched every org (token, %d candidates read, partner jobs, board jobs): %.1f s, "
                    + "heap used after GC %.1f MB, max heap %.0f MB%n", seen, touchSeconds, usedAfterGc(),
                    Runtime.getRuntime().maxMemory() / 1e6);
        }
    }

    private static String send(HttpClient http, HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.uri() + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static String match(Pattern p, String body) {
        Matcher m = p.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no match in " + body);
        }
        return m.group(1);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static double usedAfterGc() {
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }
}
