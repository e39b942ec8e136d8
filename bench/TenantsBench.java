import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many tenants connected at runtime (issue 12), against the packaged jar only: a sandbox process serving one
 * organisation per tenant, one or two hubs (`trellis run`, embedded PostgreSQL; the second hub on the first one's
 * database), every tenant connected through {@code POST /api/tenants}. Only the HTTP API, the jar's processes, jcmd and
 * JDBC to the database are used, never Trellis's classes, so it measures whatever scheduler the jar has.
 *
 * <p>Backfill mode (default): time from the first POST until every stream of every tenant has a finished run, requests
 * against the minimum, heap after a full GC, database connections. Fails (exit 1) when a POST is not a 201, a stream
 * run fails, a tenant's candidates are not all read, or a tenant is not backfilled within the time limit.
 *
 * <p>Freshness mode ({@code --freshness}): one tenant on a second sandbox with {@code --big-candidates} candidates
 * backfilling, plus N small tenants with churn whose 15-minute streams run every minute instead; the lag (now minus
 * watermark, from {@code /api/streams}) of those streams is sampled every 15 s for {@code --minutes}; exit 3 when its
 * p95 is over the schedule's period plus 2 minutes.
 *
 * <pre>
 * java -cp target/trellis.jar bench/TenantsBench.java <tenants> [--instances 1|2] [--concurrency 8] [--xmx 512m]
 *     [--timeout-minutes 30] [--sandbox-rate-limit 0] [--budget N]
 * java -cp target/trellis.jar bench/TenantsBench.java 200 --freshness [--big-candidates 1000000] [--churn 10]
 *     [--minutes 10] [--xmx 1g]
 * </pre>
 */
public class TenantsBench {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of("target/trellis.jar").toAbsolutePath();
    /** the cron the 15-minute streams get in freshness mode: every minute (seconds staggered per stream) */
    static final int FRESH_PERIOD_SECONDS = 60;

    static final List<Process> PROCESSES = Collections.synchronizedList(new ArrayList<>());
    static Map<String, String> opts;
    static Path work;

    record Hub(Process process, String api, String metrics, Path log) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].matches("\\d+")) {
            System.err.println("usage: java -cp target/trellis.jar bench/TenantsBench.java <tenants> [--instances 2] "
                    + "[--concurrency 8] [--xmx 512m] [--timeout-minutes 30] [--sandbox-rate-limit 0] [--budget N] "
                    + "[--hub key=value,...] | "
                    + "<small tenants> --freshness [--big-candidates 1000000] [--churn 10] [--minutes 10]");
            System.exit(2);
        }
        opts = options(args);
        int tenants = Integer.parseInt(args[0]);
        work = Files.createTempDirectory("tenants-bench");
        System.out.println("tenants-bench: work dir " + work + " (hub and sandbox logs)");
        Runtime.getRuntime().addShutdownHook(new Thread(TenantsBench::stopAll));
        int code;
        try {
            code = opts.containsKey("freshness") ? freshness(tenants) : backfill(tenants);
        } catch (Failure f) {
            System.out.println("tenants-bench: FAILED: " + f.getMessage());
            code = 1;
        } catch (Exception e) {
            System.out.println("tenants-bench: FAILED: " + e);
            e.printStackTrace(System.out);
            code = 1;
        } finally {
            stopAll();
        }
        System.exit(code);
    }

    /** A condition the benchmark requires did not hold: reported, and the run exits 1. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    // ---- backfill ------------------------------------------------------------------------------------------------

    static int backfill(int n) throws Exception {
        int instances = Integer.parseInt(opts.getOrDefault("instances", "1"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
        long timeout = Long.parseLong(opts.getOrDefault("timeout-minutes", "30")) * 60_000L;
        String sandboxRate = opts.getOrDefault("sandbox-rate-limit", "0");
        String sandbox = startSandbox("sandbox", n, 200, sandboxRate, 0, 42);
        JsonNode orgs = getJson(sandbox + "/_sandbox/orgs");
        String yaml = streamsYaml(false);
        int streamCount = count(yaml, "routeTemplateRef: harvest-stream");
        int pg = free();
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        List<Hub> hubs = new ArrayList<>();
        hubs.add(startHub("hub1", yaml, pg, true, key));
        if (instances > 1) {
            hubs.add(startHub("hub2", yaml, pg, false, key));
        }
        String db = "jdbc:postgresql://127.0.0.1:" + pg + "/postgres";

        // what one connection check costs: measured once on a check that saves nothing, subtracted from the totals
        delete(sandbox + "/_sandbox/requests");
        HttpResponse<String> probe = send(HttpRequest.newBuilder(URI.create(hubs.get(0).api() + "/api/tenants/check"))
                .POST(HttpRequest.BodyPublishers.ofString(body("probe", orgs.get(0)).toString())));
        if (probe.statusCode() != 200 || !JSON.readTree(probe.body()).path("usable").asBoolean()) {
            throw new Failure("POST /api/tenants/check of org 0: " + probe.statusCode() + " " + probe.body());
        }
        Map<String, Long> checkCost = requests(sandbox);
        delete(sandbox + "/_sandbox/requests");

        System.out.printf("tenants-bench: %d tenants, %d streams each, %d instance(s), %d POSTs at a time, sandbox "
                + "rate limit %s, hub budget %s%n", n, streamCount, instances, concurrency, sandboxRate,
                opts.getOrDefault("budget", "default"));
        Sampler sampler = new Sampler(hubs, db);
        sampler.start();
        Instant t0 = Instant.now();
        long n0 = System.nanoTime();
        Map<String, Integer> postedTo = new ConcurrentHashMap<>();
        List<Long> postMillis = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        List<String> notActive = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> posts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int org = i;
            posts.add(pool.submit(() -> {
                String id = id(org);
                int h = org % hubs.size();
                long s = System.nanoTime();
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(hubs.get(h).api() + "/api/tenants"))
                        .POST(HttpRequest.BodyPublishers.ofString(body(id, orgs.get(org)).toString())));
                postMillis.add((System.nanoTime() - s) / 1_000_000);
                if (r.statusCode() != 201) {
                    refused.add(id + " -> " + r.statusCode() + " " + abbreviate(r.body()));
                } else {
                    postedTo.put(id, h);
                    String status = JSON.readTree(r.body()).path("status").asText();
                    if (!status.equals("active")) {
                        notActive.add(id + " " + status + " " + abbreviate(r.body()));
                    }
                }
                return null;
            }));
        }
        awaitAll(posts);
        pool.shutdown();
        double postSeconds = (System.nanoTime() - n0) / 1e9;
        System.out.printf("tenants-bench: %d POSTs answered in %.1f s; POST latency %s%n", n, postSeconds,
                percentiles(postMillis, "ms"));
        if (!notActive.isEmpty()) {
            System.out.println("tenants-bench: saved but not active: " + notActive.size() + ", e.g. "
                    + notActive.subList(0, Math.min(3, notActive.size())));
        }
        if (!refused.isEmpty()) {
            for (Hub hub : hubs) {
                logFindings(hub);
            }
            throw new Failure(refused.size() + " POST /api/tenants refused, e.g. " + refused.subList(0,
                    Math.min(5, refused.size())));
        }

        // poll each tenant not yet backfilled, on the instance it was posted to; sample heap and connections between
        Set<String> pending = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            pending.add(id(i));
        }
        Map<String, Instant> finished = new TreeMap<>();
        Map<String, Long> pagesMinimum = new TreeMap<>();
        Map<String, Long> pagesMade = new TreeMap<>();
        Map<String, Integer> runsByOwner = new TreeMap<>();
        List<String> failedRuns = new ArrayList<>();
        List<Long> pollMillis = new ArrayList<>();
        int rounds = 0;
        while (!pending.isEmpty()) {
            if (System.nanoTime() - n0 > timeout * 1_000_000L) {
                StringBuilder why = new StringBuilder();
                for (String id : pending.stream().limit(5).toList()) {
                    why.append("\n  ").append(id).append(": ").append(unfinished(hubs.get(postedTo.get(id)), id));
                }
                throw new Failure(pending.size() + " of " + n + " tenants not backfilled after "
                        + timeout / 60_000 + " min, e.g.:" + why);
            }
            for (Hub hub : hubs) {
                if (!hub.process().isAlive()) {
                    throw new Failure("hub exited: see " + hub.log());
                }
            }
            rounds++;
            for (String id : List.copyOf(pending)) {
                long s = System.nanoTime();
                JsonNode streams = getJson(hubs.get(postedTo.get(id)).api() + "/api/streams?tenant=" + id)
                        .path("streams");
                pollMillis.add((System.nanoTime() - s) / 1_000_000);
                if (streams.size() < streamCount) {
                    continue;
                }
                Instant last = Instant.EPOCH;
                boolean done = true;
                for (JsonNode st : streams) {
                    JsonNode run = st.path("lastRun");
                    if (run.isMissingNode() || run.isNull() || run.path("endedAt").isNull()) {
                        done = false;
                        break;
                    }
                    if (!run.path("status").asText().equals("done")) {
                        failedRuns.add(id + "/" + st.path("stream").asText() + " " + run.path("status").asText()
                                + ": " + abbreviate(run.path("error").asText()));
                    }
                    Instant ended = Instant.parse(run.path("endedAt").asText());
                    last = ended.isAfter(last) ? ended : last;
                }
                if (!done) {
                    continue;
                }
                if (!failedRuns.isEmpty()) {
                    throw new Failure("stream runs did not succeed: " + failedRuns);
                }
                for (JsonNode st : streams) {
                    runsByOwner.merge(st.path("lastRun").path("owner").asText(), 1, Integer::sum);
                }
                finished.put(id, last);
                pending.remove(id);
            }
            if (!pending.isEmpty()) {
                Thread.sleep(1000);
            }
        }
        sampler.stopped = true;
        sampler.join();
        Instant lastEnd = Collections.max(finished.values());
        double seconds = Duration.between(t0, lastEnd).toMillis() / 1e3;
        List<Long> perTenant = new ArrayList<>();
        finished.values().forEach(e -> perTenant.add(Duration.between(t0, e).toMillis()));

        Map<String, Long> made = requests(sandbox);
        long runs = verify(db, n, streamCount, pagesMinimum, pagesMade);
        Map<String, Long> total = classify(made);
        Map<String, Long> check = classify(checkCost);
        long checkTotal = check.values().stream().mapToLong(Long::longValue).sum();
        long all = total.values().stream().mapToLong(Long::longValue).sum();
        long minimum = n * checkTotal + pagesMinimum.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> overhead = new LinkedHashMap<>();
        total.forEach((k, v) -> overhead.put(k, v - n * check.get(k)));
        overhead.merge("harvest GET", -pagesMinimum.values().stream().mapToLong(Long::longValue).sum(), Long::sum);

        System.out.printf("tenants-bench: all %d tenants backfilled %.1f s after the first POST (last stream run "
                + "ended at %s); %d polling rounds, GET /api/streams?tenant= latency %s%n", n, seconds, lastEnd, rounds,
                percentiles(pollMillis, "ms"));
        System.out.printf("tenants-bench: time from the first POST to each tenant's backfill: %s%n",
                percentiles(perTenant, "ms"));
        System.out.printf("tenants-bench: requests to the sandbox: %d in all %s%n", all, total);
        System.out.printf("tenants-bench: one connection check (POST /api/tenants/check, saves nothing) costs %d: %s%n",
                checkTotal, checkCost);
        System.out.printf("tenants-bench: minimum = %d checks x %d + per stream max(1, ceil(fetched / 500)) pages "
                + "(%d) = %d; made %d: %.1f %% over; over the minimum by class: %s; pages the hub counted %d%n", n,
                checkTotal, minimum - n * checkTotal, minimum, all, 100.0 * (all - minimum) / minimum, overhead,
                pagesMade.values().stream().mapToLong(Long::longValue).sum());
        System.out.printf("tenants-bench: stream runs %d for %d streams (%d more: streams run again after their "
                + "backfill, e.g. a run taken for interrupted and resumed)%n", runs, n * streamCount, runs - n * streamCount);
        made.forEach((k, v) -> {
            if (!k.matches(".* 2\\d\\d$")) {
                System.out.println("tenants-bench:   not 2xx: " + k + " x" + v);
            }
        });
        System.out.println("tenants-bench: stream runs by instance (owner): " + runsByOwner);
        for (Hub hub : hubs) {
            System.out.printf("tenants-bench: %s heap used after a full GC %.1f MB (used before GC, sampled every "
                    + "0.5 s during the run: peak %.0f MB); %s%n", hub.log().getFileName(), heapAfterGc(hub) / 1e6,
                    sampler.peakHeap.getOrDefault(hub.log().getFileName().toString(), 0.0) / 1e6,
                    hikari(get(hub.metrics())));
        }
        System.out.printf("tenants-bench: database connections (pg_stat_activity client backends, all instances): "
                + "peak %d (sampled every 0.5 s, %d samples), now %d%n", sampler.peakConnections, sampler.samples,
                connections(db));
        long s0 = System.nanoTime();
        int listed = getJson(hubs.get(0).api() + "/api/streams").path("streams").size();
        System.out.printf("tenants-bench: GET /api/streams (every stream of every tenant, %d) answered in %d ms%n",
                listed, (System.nanoTime() - s0) / 1_000_000);
        for (Hub hub : hubs) {
            String m = get(hub.metrics());
            System.out.printf("tenants-bench: %s /observe/metrics: %d lines, %d KB, %d with a tenant label%n",
                    hub.log().getFileName(), m.lines().count(), m.length() / 1024,
                    m.lines().filter(l -> l.contains("tenant=\"")).count());
            histogram(hub);
            logFindings(hub);
        }
        return 0;
    }

    /**
     * From the database: every tenant holds all 200 of its organisation's candidates; the minimum pages of each stream
     * (max(1, ceil(records / 500)) for the records its first run read) and the pages all its runs made. Returns the
     * number of runs.
     */
    static long verify(String db, int n, int streamCount, Map<String, Long> minimum, Map<String, Long> pages)
            throws Exception {
        try (Connection c = DriverManager.getConnection(db, "postgres", ""); Statement s = c.createStatement()) {
            Map<String, Long> candidates = new TreeMap<>();
            try (ResultSet rs = s.executeQuery("select tenant, count(*) from gh_candidates group by tenant")) {
                while (rs.next()) {
                    candidates.put(rs.getString(1), rs.getLong(2));
                }
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (candidates.getOrDefault(id(i), 0L) != 200) {
                    wrong.add(id(i) + "=" + candidates.getOrDefault(id(i), 0L));
                }
            }
            if (!wrong.isEmpty()) {
                throw new Failure(wrong.size() + " tenants do not hold their 200 candidates: " + wrong.subList(0,
                        Math.min(10, wrong.size())));
            }
            try (ResultSet rs = s.executeQuery("select distinct on (tenant, stream) tenant, fetched from sync_run "
                    + "where kind = 'incremental' order by tenant, stream, id")) {
                while (rs.next()) {
                    minimum.merge(rs.getString(1), Math.max(1, (rs.getLong(2) + 499) / 500), Long::sum);
                }
            }
            long runs = 0;
            try (ResultSet rs = s.executeQuery("select tenant, count(*), sum(pages) from sync_run group by tenant")) {
                while (rs.next()) {
                    runs += rs.getLong(2);
                    pages.put(rs.getString(1), rs.getLong(3));
                }
            }
            if (minimum.size() != n) {
                throw new Failure("runs of " + minimum.size() + " tenants in sync_run, not " + n);
            }
            return runs;
        }
    }

    /** Samples each hub's heap (its metrics) and the database's client connections every 0.5 s. */
    static final class Sampler extends Thread {
        final List<Hub> hubs;
        final String db;
        final Map<String, Double> peakHeap = new ConcurrentHashMap<>();
        volatile long peakConnections;
        volatile int samples;
        volatile boolean stopped;

        Sampler(List<Hub> hubs, String db) {
            super("sampler");
            this.hubs = hubs;
            this.db = db;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(db, "postgres", ""); Statement s = c.createStatement()) {
                while (!stopped) { // not interrupt(): the HTTP client's send swallows it
                    for (Hub hub : hubs) {
                        peakHeap.merge(hub.log().getFileName().toString(), heap(get(hub.metrics())), Math::max);
                    }
                    try (ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where backend_type = "
                            + "'client backend' and pid <> pg_backend_pid()")) {
                        rs.next();
                        peakConnections = Math.max(peakConnections, rs.getLong(1));
                    }
                    samples++;
                    Thread.sleep(500);
                }
            } catch (Exception e) {
                System.out.println("tenants-bench: sampler stopped: " + e);
            }
        }
    }

    /** What a tenant still waits for, for the failure message. */
    static String unfinished(Hub hub, String id) {
        JsonNode streams = getJson(hub.api() + "/api/streams?tenant=" + id).path("streams");
        Map<String, Integer> states = new TreeMap<>();
        for (JsonNode st : streams) {
            JsonNode run = st.path("lastRun");
            String s = run.isNull() || run.isMissingNode() ? "never run" : run.path("endedAt").isNull()
                    ? st.path("state").asText() : run.path("status").asText();
            states.merge(s, 1, Integer::sum);
        }
        return streams.size() + " streams " + states;
    }

    // ---- freshness -----------------------------------------------------------------------------------------------

    static int freshness(int small) throws Exception {
        long big = Long.parseLong(opts.getOrDefault("big-candidates", "1000000"));
        int churn = Integer.parseInt(opts.getOrDefault("churn", "10"));
        long minutes = Long.parseLong(opts.getOrDefault("minutes", "10"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
        String smallSandbox = startSandbox("sandbox-small", small, 200, "0", churn, 42);
        String bigSandbox = startSandbox("sandbox-big", 1, big, "0", 0, 4242);
        JsonNode smallOrgs = getJson(smallSandbox + "/_sandbox/orgs");
        JsonNode bigOrg = getJson(bigSandbox + "/_sandbox/orgs").get(0);
        String yaml = streamsYaml(true);
        Set<String> frequent = frequentStreams(yaml);
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        int pg = free();
        Hub hub = startHub("hub1", yaml, pg, true, key);
        System.out.printf("tenants-bench: freshness: 1 tenant of %d candidates + %d tenants of 200 with churn %d/min; "
                + "streams %s every %d s; sampling for %d min%n", big, small, churn, frequent, FRESH_PERIOD_SECONDS,
                minutes);

        Instant t0 = Instant.now();
        post(hub, body("big", bigOrg));
        Map<String, Instant> connected = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> posts = new ArrayList<>();
        for (int i = 0; i < small; i++) {
            int org = i;
            posts.add(pool.submit(() -> {
                post(hub, body(id(org), smallOrgs.get(org)));
                connected.put(id(org), Instant.now());
                return null;
            }));
        }
        awaitAll(posts);
        pool.shutdown();
        System.out.printf("tenants-bench: %d POSTs 201 in %.1f s%n", small + 1,
                Duration.between(t0, Instant.now()).toMillis() / 1e3);

        List<Long> lags = new ArrayList<>();
        List<Long> pollMillis = new ArrayList<>();
        long over = 0;
        long limit = FRESH_PERIOD_SECONDS + 120;
        long end = System.nanoTime() + minutes * 60_000_000_000L;
        String bigState = "";
        while (System.nanoTime() < end) {
            if (!hub.process().isAlive()) {
                throw new Failure("hub exited: see " + hub.log());
            }
            long roundStart = System.nanoTime();
            Instant now = Instant.now();
            List<Long> round = new ArrayList<>();
            for (int i = 0; i < small; i++) {
                long s = System.nanoTime();
                JsonNode streams = getJson(hub.api() + "/api/streams?tenant=" + id(i)).path("streams");
                pollMillis.add((System.nanoTime() - s) / 1_000_000);
                for (JsonNode st : streams) {
                    if (!frequent.contains(st.path("stream").asText())) {
                        continue;
                    }
                    // not synced yet: lagging since its connection was made
                    long lag = st.path("lagSeconds").isNumber() ? st.path("lagSeconds").asLong()
                            : Duration.between(connected.get(id(i)), now).toSeconds();
                    round.add(lag);
                }
            }
            lags.addAll(round);
            over += round.stream().filter(l -> l > limit).count();
            bigState = bigProgress(hub);
            System.out.printf("tenants-bench: t+%.0f s lag p95 %d s, max %d s over %d samples; big tenant: %s%n",
                    Duration.between(t0, Instant.now()).toMillis() / 1e3, percentile(round, 95),
                    round.isEmpty() ? 0 : Collections.max(round), round.size(), bigState);
            Thread.sleep(Math.max(0, 15_000 - (System.nanoTime() - roundStart) / 1_000_000));
        }
        // the other streams of the small tenants: their first run was queued at the POST like the big tenant's
        int finishedStreams = 0;
        int allStreams = 0;
        for (int i = 0; i < small; i++) {
            for (JsonNode st : getJson(hub.api() + "/api/streams?tenant=" + id(i)).path("streams")) {
                allStreams++;
                JsonNode run = st.path("lastRun");
                finishedStreams += !run.isMissingNode() && !run.isNull() && !run.path("endedAt").isNull() ? 1 : 0;
            }
        }
        System.out.printf("tenants-bench: small tenants' streams with a finished run at the end: %d of %d%n",
                finishedStreams, allStreams);
        long p95 = percentile(lags, 95);
        System.out.printf("tenants-bench: lag of the frequent streams of %d small tenants over %d min: %s (%d samples, "
                + "%d over %d s); target p95 <= period %d s + 120 s: %s%n", small, minutes, percentiles(lags, "s"),
                lags.size(), over, limit, FRESH_PERIOD_SECONDS, p95 <= limit ? "met" : "NOT MET");
        System.out.printf("tenants-bench: GET /api/streams?tenant= latency %s; big tenant at the end: %s%n",
                percentiles(pollMillis, "ms"), bigState);
        System.out.printf("tenants-bench: heap used after a full GC %.1f MB; database connections now %d%n",
                heapAfterGc(hub) / 1e6, connections("jdbc:postgresql://127.0.0.1:" + pg + "/postgres"));
        logFindings(hub);
        return p95 <= limit ? 0 : 3;
    }

    static String bigProgress(Hub hub) {
        JsonNode streams = getJson(hub.api() + "/api/streams?tenant=big").path("streams");
        long fetched = 0;
        int done = 0;
        for (JsonNode st : streams) {
            JsonNode run = st.path("lastRun");
            fetched += run.path("fetched").asLong();
            if (!run.isMissingNode() && !run.isNull() && !run.path("endedAt").isNull()) {
                done++;
            }
        }
        return done + "/" + streams.size() + " streams finished, " + fetched + " records fetched";
    }

    /** The streams whose shipped schedule is every 15 minutes. */
    static Set<String> frequentStreams(String yaml) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\{name: stream, value: \"([a-z_]+)\"}\\s*\n\\s*- \\{name: schedule, value: \"\\d+ \\* \\* \\* \\* \\?\"}")
                .matcher(yaml);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    // ---- processes -----------------------------------------------------------------------------------------------

    /** {@code trellis sandbox} in its own JVM; returns its base URL once it answers. */
    static String startSandbox(String name, int orgs, long candidates, String rateLimit, int churn, int seed)
            throws Exception {
        int port = free();
        List<String> cmd = new ArrayList<>(List.of("java", candidates > 100_000 ? "-Xmx512m" : "-Xmx256m", "-jar",
                JAR.toString(), "sandbox", "--orgs", "" + orgs, "--candidates", "" + candidates, "--seed", "" + seed,
                "--rate-limit", rateLimit, "--port", "" + port));
        if (rateLimit.equals("0")) {
            cmd.addAll(List.of("--token-rate-limit", "0"));
        }
        if (churn > 0) {
            cmd.addAll(List.of("--churn", "" + churn));
        }
        Path log = work.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PROCESSES.add(p);
        String url = "http://127.0.0.1:" + port;
        await(p, log, Duration.ofMinutes(3), () -> status(url + "/_sandbox/info") == 200);
        return url;
    }

    /** {@code trellis run} in its own JVM: the first on its embedded PostgreSQL at {@code pgPort}, others on it. */
    static Hub startHub(String name, String yaml, int pgPort, boolean embedded, String key) throws Exception {
        Path home = work.resolve(name);
        Files.createDirectories(home.resolve("routes"));
        Files.createDirectories(home.resolve("config/tenants"));
        Files.writeString(home.resolve("routes/streams.camel.yaml"), yaml);
        int port = free();
        int management = free();
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + opts.getOrDefault("xmx", "512m"), "-jar",
                JAR.toString(), "run", "--home", home.toString(), "--port", "" + port, "--management-port",
                "" + management, "-P", "trellis.demo.enabled=false", "-P", "trellis.check.on-startup=false"));
        if (embedded) {
            cmd.addAll(List.of("-P", "trellis.db.embedded-port=" + pgPort));
        } else {
            cmd.addAll(List.of("-P", "trellis.db.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "-P",
                    "trellis.db.user=postgres"));
        }
        if (opts.containsKey("budget")) {
            cmd.addAll(List.of("-P", "trellis.greenhouse.rate-budget=" + opts.get("budget")));
        }
        // --hub "key=value,key=value": any other setting of the hubs, e.g. trellis.metrics.tenant-label=false
        if (opts.containsKey("hub")) {
            for (String kv : opts.get("hub").split(",")) {
                cmd.addAll(List.of("-P", kv.trim()));
            }
        }
        Path log = work.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // one key for every instance: each must open the secrets another one sealed
        pb.environment().put("TRELLIS_ENCRYPTION_KEY", key);
        Process p = pb.start();
        PROCESSES.add(p);
        String api = "http://127.0.0.1:" + port;
        long s = System.nanoTime();
        await(p, log, Duration.ofMinutes(4), () -> status(api + "/api/tenants") == 200);
        System.out.printf("tenants-bench: %s up in %.1f s (pid %d, log %s)%n", name, (System.nanoTime() - s) / 1e9,
                p.pid(), log);
        return new Hub(p, api, "http://127.0.0.1:" + management + "/observe/metrics", log);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Process p, Path log, Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.ok()) {
            if (!p.isAlive()) {
                throw new Failure("process exited: see " + log + "\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new Failure("not up after " + limit + ": see " + log + "\n" + tail(log));
            }
            Thread.sleep(250);
        }
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static void stopAll() {
        synchronized (PROCESSES) {
            for (Process p : PROCESSES) {
                p.destroy();
            }
            for (Process p : PROCESSES) {
                try {
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
            PROCESSES.clear();
        }
    }

    /** The shipped streams with every schedule 12 hours away, or (fresh) the 15-minute ones every minute. */
    static String streamsYaml(boolean fresh) throws IOException {
        String yaml = Files.readString(Path.of("routes/streams.camel.yaml"));
        int hour = (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 12) % 24;
        Matcher m = Pattern.compile("\\{name: schedule, value: \"([^\"]*)\"}").matcher(yaml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Matcher quarter = Pattern.compile("0 (\\d+)/15 \\* \\* \\* \\?").matcher(m.group(1));
            String cron = fresh && quarter.matches() ? (Integer.parseInt(quarter.group(1)) * 10 % 60) + " * * * * ?"
                    : "0 0 " + hour + " * * ?";
            m.appendReplacement(out, Matcher.quoteReplacement("{name: schedule, value: \"" + cron + "\"}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---- measurements --------------------------------------------------------------------------------------------

    /** jcmd GC.run, then the heap used as the hub's own metrics report it. */
    static double heapAfterGc(Hub hub) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", "" + hub.process().pid(), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        jcmd.waitFor(60, TimeUnit.SECONDS);
        Thread.sleep(500);
        return heap(get(hub.metrics()));
    }

    /** The classes holding most of a hub's live heap (jcmd GC.class_histogram, which collects first). */
    static void histogram(Hub hub) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", "" + hub.process().pid(), "GC.class_histogram").redirectErrorStream(true)
                .start();
        List<String> lines = new String(jcmd.getInputStream().readAllBytes()).lines().toList();
        jcmd.waitFor(60, TimeUnit.SECONDS);
        System.out.println("tenants-bench: " + hub.log().getFileName() + " live heap by class (top 8):");
        lines.stream().filter(l -> l.matches("\\s*\\d+:\\s+\\d+.*")).limit(8).forEach(l -> System.out.println("tenants-bench:  " + l));
    }

    static double heap(String metrics) {
        double sum = 0;
        if (metrics == null) {
            return 0;
        }
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The hub's Hikari pool gauges, when its metrics have them. */
    static String hikari(String metrics) {
        if (metrics == null) {
            return "no metrics";
        }
        StringBuilder out = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("hikaricp_connections") && !line.startsWith("hikaricp_connections_usage")
                    && !line.startsWith("hikaricp_connections_acquire") && !line.startsWith("hikaricp_connections_creation")) {
                out.append(line.replaceAll("\\{.*}", "")).append("; ");
            }
        }
        return out.length() == 0 ? "no hikaricp_* metrics" : "Hikari " + out.toString().trim();
    }

    /** Client connections to the database now, this one excluded. */
    static long connections(String url) {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where backend_type = 'client "
                        + "backend' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The sandbox's request counters ("METHOD /path STATUS" -> count). */
    static Map<String, Long> requests(String sandbox) {
        Map<String, Long> out = new TreeMap<>();
        getJson(sandbox + "/_sandbox/requests").fields().forEachRemaining(e -> {
            if (!e.getKey().contains(" /_sandbox/")) { // the benchmark's own control calls
                out.put(e.getKey(), e.getValue().asLong());
            }
        });
        return out;
    }

    static Map<String, Long> classify(Map<String, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : List.of("token", "harvest GET", "harvest probes (POST/PATCH/DELETE)", "ingestion", "job board",
                "other")) {
            out.put(k, 0L);
        }
        counts.forEach((k, v) -> {
            String c = k.startsWith("POST /token") ? "token" : k.startsWith("GET /v3/") ? "harvest GET"
                    : k.contains(" /v3/") ? "harvest probes (POST/PATCH/DELETE)" : k.contains("/v1/partner")
                    ? "ingestion" : k.contains("/v1/boards") ? "job board" : "other";
            out.merge(c, v, Long::sum);
        });
        return out;
    }

    /** ERROR and WARN lines of a hub's log, counted, with the first few distinct messages. */
    static void logFindings(Hub hub) throws IOException {
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, Integer> runThreads = new TreeMap<>();
        int errors = 0;
        int warns = 0;
        for (String line : Files.readAllLines(hub.log())) {
            Matcher run = Pattern.compile("\\[([^\\]]*)] dev\\.trellis\\.sync\\.StreamSync - Stream .* done:").matcher(line);
            if (run.find()) {
                runThreads.merge(run.group(1).replaceAll("[#-]?\\d+", "").replaceAll("\\s+", " "), 1, Integer::sum);
            }
            boolean error = line.contains(" ERROR ");
            boolean warn = line.contains(" WARN ");
            if (!error && !warn) {
                continue;
            }
            errors += error ? 1 : 0;
            warns += warn ? 1 : 0;
            String message = line.replaceAll("^\\S+ \\S+ ", "").replaceAll("t-\\d{4}", "t-NNNN").replaceAll("\\d+", "N");
            seen.merge(abbreviate(message), 1, Integer::sum);
        }
        System.out.printf("tenants-bench: %s: stream windows done, by thread: %s%n", hub.log().getFileName(), runThreads);
        System.out.printf("tenants-bench: %s: %d ERROR and %d WARN lines%n", hub.log().getFileName(), errors, warns);
        seen.entrySet().stream().limit(12).forEach(e -> System.out.println("tenants-bench:   x" + e.getValue() + " "
                + e.getKey()));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static String id(int org) {
        return String.format("t-%04d", org);
    }

    /** A connection of organisation {@code org}: Harvest, Candidate Ingestion and its job board. */
    static ObjectNode body(String id, JsonNode org) {
        ObjectNode b = JSON.createObjectNode().put("id", id).put("name", "Bench " + id);
        b.putObject("harvest").put("client_id", org.get("client_id").asText())
                .put("client_secret", org.get("client_secret").asText())
                .put("user_id", org.get("site_admin_user_id").asLong())
                .put("base_url", org.get("base_url").asText()).put("token_url", org.get("token_url").asText());
        b.putObject("ingestion").put("api_key", org.get("partner_api_key").asText())
                .put("user_email", org.get("partner_user_email").asText()).put("base_url", org.get("base_url").asText());
        b.putObject("job_board").put("token", org.get("job_board_token").asText())
                .put("base_url", org.get("base_url").asText());
        return b;
    }

    static void post(Hub hub, ObjectNode body) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(hub.api() + "/api/tenants"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        if (r.statusCode() != 201) {
            throw new Failure("POST /api/tenants " + body.path("id").asText() + " -> " + r.statusCode() + " "
                    + abbreviate(r.body()));
        }
    }

    /** Waits for every POST; one that threw fails the run with its reason. */
    static void awaitAll(List<Future<?>> posts) throws InterruptedException {
        for (Future<?> f : posts) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Failure failure ? failure : new Failure("a POST failed: " + e.getCause());
            }
        }
    }

    static String percentiles(List<Long> values, String unit) {
        if (values.isEmpty()) {
            return "none";
        }
        return "p50 " + percentile(values, 50) + " " + unit + ", p95 " + percentile(values, 95) + " " + unit + ", max "
                + Collections.max(values) + " " + unit;
    }

    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("not an option: " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("freshness")) {
                out.put(name, "true");
            } else {
                out.put(name, args[++i]);
            }
        }
        return out;
    }

    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.header("Content-Type", "application/json").timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int status(String url) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url))).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static String get(String url) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url))).body();
        } catch (Exception e) {
            return null;
        }
    }

    static JsonNode getJson(String url) {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)));
            if (r.statusCode() != 200) {
                throw new Failure("GET " + url + " -> " + r.statusCode() + " " + abbreviate(r.body()));
            }
            return JSON.readTree(r.body());
        } catch (Failure f) {
            throw f;
        } catch (Exception e) {
            throw new Failure("GET " + url + ": " + e);
        }
    }

    static void delete(String url) throws Exception {
        send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }
}
