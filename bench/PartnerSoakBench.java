import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Partner connections over sandbox time (issue 13), against the packaged jar only: a sandbox process with N
 * organisations and a partner app whose access tokens live {@code --ttl} seconds, two hubs ({@code trellis run}, the
 * second on the first one's embedded PostgreSQL, one encryption key), N partner connections made through the flow
 * (GET /connect/greenhouse on a hub, the consent form POSTed to the sandbox, GET the callback), then {@code --steps}
 * steps: the sandbox clock advanced one token lifetime, every tenant's candidates stream queued and every tenant
 * checked on both hubs at once. Reported from the sandbox's grant counters and the hubs' metrics.
 *
 * <p>The hubs judge an access token's age on their own clock, which the bench cannot advance: on the sandbox's clock
 * each step expires every token, the sandbox answers 401, and the hub refreshes once (under the grant's row lock) and
 * retries. That is the path this measures; a hub refreshing early on its own clock is the other one, and would show as
 * more refreshes than steps (allowed up to the lifetimes elapsed on the sandbox's clock).
 *
 * <p>Exit 1 when: any invalid_grant, any tenant not active or grant not active (a lost refresh token), a grant with
 * fewer refreshes than steps or more than the token lifetimes elapsed, or one hub that never refreshed.
 *
 * <pre>
 * java -cp target/trellis.jar bench/PartnerSoakBench.java [--connections 200] [--steps 30] [--ttl 60]
 *     [--pause-seconds 3] [--xmx 384m]
 * </pre>
 */
public class PartnerSoakBench {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of("target/trellis.jar").toAbsolutePath();
    static final String RETURN_TO = "https://vendor.example.com";
    static final List<Process> PROCESSES = Collections.synchronizedList(new ArrayList<>());
    static Path work;

    record Hub(String name, Process process, String api, String metrics, Path log) {
    }

    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int n = Integer.parseInt(opts.getOrDefault("connections", "200"));
        int steps = Integer.parseInt(opts.getOrDefault("steps", "30"));
        int ttl = Integer.parseInt(opts.getOrDefault("ttl", "60"));
        int pause = Integer.parseInt(opts.getOrDefault("pause-seconds", "3"));
        String xmx = opts.getOrDefault("xmx", "384m");
        work = Files.createTempDirectory("partner-soak");
        System.out.println("partner-soak: work dir " + work + " (hub and sandbox logs)");
        Runtime.getRuntime().addShutdownHook(new Thread(PartnerSoakBench::stopAll));
        int code;
        try {
            code = run(n, steps, ttl, pause, xmx);
        } catch (Failure f) {
            System.out.println("partner-soak: FAILED: " + f.getMessage());
            code = 1;
        } finally {
            stopAll();
        }
        System.exit(code);
    }

    static int run(int n, int steps, int ttl, int pause, String xmx) throws Exception {
        int hub1Port = free();
        String callback = "http://127.0.0.1:" + hub1Port + "/connect/greenhouse/callback";
        String sandbox = startSandbox(n, ttl, callback);
        JsonNode app = getJson(sandbox + "/_sandbox/partner-apps").get(0);
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        int pg = free();
        Hub a = startHub("hub1", hub1Port, pg, true, key, sandbox, app, callback, xmx);
        Hub b = startHub("hub2", free(), pg, false, key, sandbox, app, callback, xmx);
        List<Hub> hubs = List.of(a, b);

        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> connects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int org = i;
            connects.add(pool.submit(() -> connect(hubs.get(org % 2), sandbox, org)));
        }
        awaitAll(connects);
        System.out.printf("partner-soak: %d partner connections made through the flow in %.1f s%n", n,
                (System.nanoTime() - t0) / 1e9);
        awaitIdle(a, 600);
        JsonNode before = getJson(sandbox + "/_sandbox/partner-grants");
        Map<String, Long> refreshesBefore = new TreeMap<>();
        before.get("grants").forEach(g -> refreshesBefore.put(g.get("grant_id").asText(), g.get("refreshes").asLong()));
        Map<String, Long> lastRuns = lastRuns(a);
        long runs = 0;
        long advanced = 0;
        long wall0 = System.nanoTime();
        List<Long> stepMillis = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            long s = System.nanoTime();
            send(HttpRequest.newBuilder(URI.create(sandbox + "/_sandbox/clock/advance?seconds=" + ttl))
                    .POST(HttpRequest.BodyPublishers.noBody()), 200);
            advanced += ttl;
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String t = id(i);
                Hub syncer = hubs.get((i + step) % 2);
                calls.add(pool.submit(() -> send(HttpRequest.newBuilder(URI.create(syncer.api() + "/api/streams/" + t
                        + "/candidates/sync")).POST(HttpRequest.BodyPublishers.noBody()), 202)));
                for (Hub h : hubs) { // both hubs use the grant in this lifetime: only one may refresh it
                    calls.add(pool.submit(() -> {
                        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(h.api() + "/api/tenants/" + t
                                + "/check")), -1);
                        if (r.statusCode() != 200) {
                            throw new Failure(h.name() + " check of " + t + ": " + r.statusCode() + " " + r.body());
                        }
                        return null;
                    }));
                }
            }
            awaitAll(calls);
            List<String> failed = awaitIdle(a, 300);
            if (!failed.isEmpty()) {
                throw new Failure(failed.size() + " candidates runs failed in step " + step + ", e.g. " + failed.get(0));
            }
            Map<String, Long> now = lastRuns(a);
            for (Map.Entry<String, Long> e : now.entrySet()) {
                runs += e.getValue().equals(lastRuns.get(e.getKey())) ? 0 : 1;
            }
            lastRuns = now;
            stepMillis.add((System.nanoTime() - s) / 1_000_000);
            JsonNode g = getJson(sandbox + "/_sandbox/partner-grants");
            System.out.printf("partner-soak: step %d/%d (+%d s sandbox) in %d ms: refreshes %d, invalid_grant %d, "
                    + "lost answers %d%n", step, steps, ttl, stepMillis.get(step - 1), g.get("refreshes").asLong(),
                    g.get("invalid_grant").asLong(), g.get("lost_answers").asLong());
            Thread.sleep(pause * 1000L);
        }
        pool.shutdown();
        double wall = (System.nanoTime() - wall0) / 1e9;

        // the report
        JsonNode after = getJson(sandbox + "/_sandbox/partner-grants");
        double lifetimes = (advanced + wall) / ttl;
        long invalid = after.get("invalid_grant").asLong();
        List<String> problems = new ArrayList<>();
        int active = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (JsonNode g : after.get("grants")) {
            if (!g.get("status").asText().equals("active")) {
                problems.add("grant " + g.get("grant_id").asText() + " of org " + g.get("org").asInt() + " is "
                        + g.get("status").asText());
                continue;
            }
            active++;
            long r = g.get("refreshes").asLong() - refreshesBefore.getOrDefault(g.get("grant_id").asText(), 0L);
            min = Math.min(min, r);
            max = Math.max(max, r);
            sum += r;
        }
        int disconnected = tenants(a, "disconnected");
        int attention = tenants(a, "needs_attention");
        Map<String, Double> refreshedBy = new TreeMap<>();
        Map<String, Double> lostBy = new TreeMap<>();
        for (Hub h : hubs) {
            String m = get(h.metrics());
            refreshedBy.put(h.name(), metric(m, "trellis_partner_refreshes_total", "outcome=\"ok\""));
            lostBy.put(h.name(), metric(m, "trellis_partner_refreshes_total", "outcome=\"lost\"")
                    + metric(m, "trellis_partner_refreshes_total", "outcome=\"invalid_grant\""));
        }
        System.out.printf("partner-soak: %d connections, %d steps of %d s sandbox time (%d s) in %.0f s wall (step "
                + "median %d ms, max %d ms): %.1f token lifetimes elapsed on the sandbox clock%n", n, steps, ttl,
                advanced, wall, median(stepMillis), Collections.max(stepMillis), lifetimes);
        System.out.printf("partner-soak: invalid_grant %d, lost answers %d, grants active %d of %d, tenants "
                + "disconnected %d, needs_attention %d%n", invalid, after.get("lost_answers").asLong(), active, n,
                disconnected, attention);
        System.out.printf("partner-soak: refreshes per grant during the soak: min %d, mean %.2f, max %d (steps %d, "
                + "lifetimes elapsed %.1f); refreshes by hub (metrics, whole run) %s; lost/invalid by hub %s%n", min,
                (double) sum / Math.max(1, active), max, steps, lifetimes, refreshedBy, lostBy);
        System.out.printf("partner-soak: candidates runs finished during the soak: %d (one per tenant per step: %d)%n",
                runs, (long) n * steps);
        if (runs < (long) n * steps) {
            problems.add("only " + runs + " candidates runs: the streams did not sync every step");
        }
        if (invalid != 0) {
            problems.add(invalid + " invalid_grant answers");
        }
        if (active != n) {
            problems.add(active + " active grants, not " + n);
        }
        if (disconnected + attention != 0) {
            problems.add(disconnected + " tenants disconnected, " + attention + " needing attention");
        }
        if (active > 0 && min < steps) {
            problems.add("a grant was refreshed " + min + " times in " + steps + " lifetimes in which it was used");
        }
        if (max > Math.ceil(lifetimes)) {
            problems.add("a grant was refreshed " + max + " times in " + lifetimes + " token lifetimes");
        }
        refreshedBy.forEach((h, c) -> {
            if (c < 1) {
                problems.add(h + " did no refresh");
            }
        });
        if (!problems.isEmpty()) {
            throw new Failure(String.join("; ", problems.subList(0, Math.min(10, problems.size()))));
        }
        System.out.println("partner-soak: OK");
        return 0;
    }

    /** GET /connect/greenhouse on the hub, the consent form approved for org {@code org}, GET the callback. */
    static Void connect(Hub hub, String sandbox, int org) throws Exception {
        String t = id(org);
        HttpResponse<String> start = send(HttpRequest.newBuilder(URI.create(hub.api() + "/connect/greenhouse?tenant="
                + t + "&return_to=" + URLEncoder.encode(RETURN_TO + "/", StandardCharsets.UTF_8))), 302);
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        String form = authorize.getRawQuery() + "&org=" + org + "&decision=approve";
        HttpResponse<String> consent = send(HttpRequest.newBuilder(URI.create(sandbox + "/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), 302);
        String callback = consent.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(callback)), 302);
        String back = done.headers().firstValue("Location").orElse("");
        if (!back.equals(RETURN_TO + "/?tenant=" + t + "&status=active")) {
            throw new Failure("connect " + t + " ended at " + back + " " + done.body());
        }
        return null;
    }

    /** Until no candidates run is queued or running (GET /api/streams); returns the streams whose last run failed. */
    static List<String> awaitIdle(Hub hub, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode list = getJson(hub.api() + "/api/streams");
            JsonNode streams = list.isArray() ? list : list.path("streams");
            int busy = 0;
            List<String> failed = new ArrayList<>();
            for (JsonNode s : streams) {
                busy += s.path("running").asBoolean() || s.path("queued").asBoolean() ? 1 : 0;
                if (s.path("lastRun").path("status").asText().equals("failed")) {
                    failed.add(s.path("tenant").asText() + ": " + s.path("lastRun").path("error").asText());
                }
            }
            if (busy == 0) {
                return failed;
            }
            if (System.nanoTime() > deadline) {
                throw new Failure(busy + " streams still queued or running after " + seconds + " s");
            }
            Thread.sleep(500);
        }
    }

    /** Each tenant's last candidates run id: a new one each step shows that the stream ran. */
    static Map<String, Long> lastRuns(Hub hub) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        JsonNode list = getJson(hub.api() + "/api/streams");
        for (JsonNode st : list.isArray() ? list : list.path("streams")) {
            out.put(st.path("tenant").asText(), st.path("lastRun").path("id").asLong(-1));
        }
        return out;
    }

    static int tenants(Hub hub, String status) throws Exception {
        return JSON.readTree(get(hub.api() + "/api/tenants?limit=1000&status=" + status)).path("tenants").size();
    }

    static double metric(String text, String name, String label) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    // ---- processes -----------------------------------------------------------------------------------------------

    static String startSandbox(int orgs, int ttl, String callback) throws Exception {
        int port = free();
        List<String> cmd = List.of("java", "-Xmx256m", "-jar", JAR.toString(), "sandbox", "--orgs", "" + orgs,
                "--candidates", "20", "--seed", "13", "--rate-limit", "0", "--token-rate-limit", "0", "--port",
                "" + port, "--partner-redirect-uri", callback, "--partner-token-ttl", "" + ttl);
        Path log = work.resolve("sandbox.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PROCESSES.add(p);
        String url = "http://127.0.0.1:" + port;
        await(p, log, Duration.ofMinutes(3), () -> status(url + "/_sandbox/info") == 200);
        return url;
    }

    /** {@code trellis run} with only the candidates stream (never scheduled: the bench queues it each step). */
    static Hub startHub(String name, int port, int pgPort, boolean embedded, String key, String sandbox, JsonNode app,
            String callback, String xmx) throws Exception {
        Path home = work.resolve(name);
        Files.createDirectories(home.resolve("routes"));
        Files.createDirectories(home.resolve("config/tenants"));
        Files.writeString(home.resolve("routes/streams.camel.yaml"), candidatesOnly());
        int management = free();
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + xmx, "-jar", JAR.toString(), "run", "--home",
                home.toString(), "--port", "" + port, "--management-port", "" + management,
                "-P", "trellis.demo.enabled=false", "-P", "trellis.check.on-startup=false",
                "-P", "trellis.greenhouse.rate-budget=1000000000",
                "-P", "trellis.partner.client-id=" + app.get("client_id").asText(),
                "-P", "trellis.partner.client-secret=env:PARTNER_SOAK_SECRET",
                "-P", "trellis.partner.redirect-uri=" + callback,
                "-P", "trellis.partner.authorize-url=" + sandbox + "/authorize",
                "-P", "trellis.partner.token-url=" + sandbox + "/token",
                "-P", "trellis.partner.harvest-url=" + sandbox,
                "-P", "trellis.partner.return-to=" + RETURN_TO,
                "-P", "trellis.ingestion.status-period-minutes=0", "-P", "trellis.ingestion.jobs-period-minutes=0"));
        if (embedded) {
            cmd.addAll(List.of("-P", "trellis.db.embedded-port=" + pgPort));
        } else {
            cmd.addAll(List.of("-P", "trellis.db.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "-P",
                    "trellis.db.user=postgres"));
        }
        Path log = work.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TRELLIS_ENCRYPTION_KEY", key); // each instance opens the tokens the other sealed
        pb.environment().put("PARTNER_SOAK_SECRET", app.get("client_secret").asText());
        pb.environment().remove("TRELLIS_API_TOKEN");
        Process p = pb.start();
        PROCESSES.add(p);
        String api = "http://127.0.0.1:" + port;
        await(p, log, Duration.ofMinutes(4), () -> status(api + "/api/tenants") == 200);
        System.out.printf("partner-soak: %s up (pid %d, log %s)%n", name, p.pid(), log);
        return new Hub(name, p, api, "http://127.0.0.1:" + management + "/observe/metrics", log);
    }

    static String candidatesOnly() throws IOException {
        String yaml = Files.readString(Path.of("routes/streams.camel.yaml"));
        Matcher m = Pattern.compile("(?m)^- templatedRoute:").matcher(yaml);
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
        }
        StringBuilder out = new StringBuilder(yaml.substring(0, starts.isEmpty() ? yaml.length() : starts.get(0)));
        for (int i = 0; i < starts.size(); i++) {
            String block = yaml.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : yaml.length());
            if (block.contains("routeId: stream-candidates")) {
                out.append(block.replaceAll("\\{name: schedule, value: \"[^\"]*\"}",
                        "{name: schedule, value: \"0 0 3 1 1 ?\"}"));
            }
        }
        return out.toString();
    }

    static void await(Process p, Path log, Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.ok()) {
            if (!p.isAlive()) {
                throw new Failure("process exited: see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new Failure("not up after " + limit + ": see " + log);
            }
            Thread.sleep(250);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void stopAll() {
        synchronized (PROCESSES) {
            for (int i = PROCESSES.size() - 1; i >= 0; i--) {
                Process p = PROCESSES.get(i);
                p.destroy();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            PROCESSES.clear();
        }
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    static HttpResponse<String> send(HttpRequest.Builder b, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (expected > 0 && r.statusCode() != expected) {
            throw new Failure(r.request().method() + " " + r.request().uri() + " -> " + r.statusCode() + " "
                    + r.body());
        }
        return r;
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)), -1);
        return r.statusCode() == 200 ? r.body() : null;
    }

    static JsonNode getJson(String url) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(url)), 200).body());
    }

    static int status(String url) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url)), -1).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static void awaitAll(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Failure failure ? failure : new Failure(String.valueOf(e.getCause()));
            }
        }
    }

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static String id(int org) {
        return String.format("p%03d", org);
    }

    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                out.put(args[i].substring(2), i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "");
            }
        }
        return out;
    }
}
