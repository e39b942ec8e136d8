package dev.trellis.sandbox;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trellis sandbox}: runs the Greenhouse emulator until killed. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Run a Greenhouse emulator (Harvest v3 with its OAuth token endpoint, Candidate Ingestion, Job "
                + "Board, webhooks) with a deterministic organisation. See docs/sandbox.md.")
public final class SandboxCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Port to listen on (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port = 8089;

    @Option(names = "--host", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host = "127.0.0.1";

    @Option(names = "--seed", description = "Seed of the generated organisation. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(names = "--orgs", description = "Organisations served at once, each with its own data (seed + i) and "
            + "credentials (GET /_sandbox/orgs). Default: ${DEFAULT-VALUE}.")
    int orgs = 1;

    @Option(names = "--candidates", description = "Number of candidates. Default: ${DEFAULT-VALUE}.")
    long candidates = 10_000;

    @Option(names = "--users", description = "Number of users (default: candidates/200, 12..20000).")
    Long users;

    @Option(names = "--jobs", description = "Number of jobs (default: candidates/100, 5..50000).")
    Long jobs;

    @Option(names = "--applications", description = "Number of applications (default: 1.3 x candidates).")
    Long applications;

    @Option(names = "--interviews", description = "Number of interviews (default: 0.6 x applications).")
    Long interviews;

    @Option(names = "--notes", description = "Number of notes (default: 1.5 x candidates).")
    Long notes;

    @Option(names = "--rate-limit", description = "Harvest requests per credential per 30 s window; 0 = off. "
            + "Default: ${DEFAULT-VALUE}.")
    int rateLimit = 75;

    @Option(names = "--token-rate-limit", description = "Token requests per client per 60 s window; 0 = off. "
            + "Greenhouse names no figure, so the default is generous. Default: ${DEFAULT-VALUE}.")
    int tokenRateLimit = SandboxSettings.DEFAULT_TOKEN_RATE_LIMIT;

    @Option(names = "--token-ttl", description = "Access token lifetime in seconds. Default: ${DEFAULT-VALUE}.")
    long tokenTtl = 3600;

    @Option(names = "--partner-token-ttl", description = "Partner access token lifetime in seconds (authorization "
            + "code and refresh). Default: ${DEFAULT-VALUE}.")
    long partnerTokenTtl = 3600;

    @Option(names = "--partner-redirect-uri", description = "Registers a partner app with every scope and this "
            + "redirect URI (repeatable); its client id and secret are printed and derive from the seed.")
    List<String> partnerRedirectUris = new ArrayList<>();

    @Option(names = "--cursor-ttl", description = "Paging cursor lifetime in seconds. Default: ${DEFAULT-VALUE}.")
    long cursorTtl = 900;

    @Option(names = "--churn", description = "Changes per minute in each organisation (updates, creations, "
            + "deletions). Default: ${DEFAULT-VALUE}.")
    int churn = 0;

    @Option(names = "--webhook-url", description = "Webhook target URL of organisation 0; with {org} in it, of "
            + "every organisation (repeatable).")
    List<String> webhookUrls = new ArrayList<>();

    @Option(names = "--webhook-retry-seconds", split = ",",
            description = "Waits between webhook attempts, in seconds (default: Greenhouse's 60,900,3600,7200,14400,28800).")
    List<Long> webhookRetrySeconds;

    @Option(names = "--threads", description = "HTTP worker threads. Default: ${DEFAULT-VALUE}.")
    int threads = 8;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SandboxSettings.Builder b = SandboxSettings.builder().port(port).host(host).seed(seed)
                .rateLimit(rateLimit).tokenRateLimit(tokenRateLimit).tokenTtl(Duration.ofSeconds(tokenTtl))
                .cursorTtl(Duration.ofSeconds(cursorTtl)).churnPerMinute(churn).threads(threads);
        option("--orgs", () -> b.orgs(orgs));
        option("--candidates", () -> b.candidates(candidates));
        size("--users", Resource.USERS, users, b);
        size("--jobs", Resource.JOBS, jobs, b);
        size("--applications", Resource.APPLICATIONS, applications, b);
        size("--interviews", Resource.INTERVIEWS, interviews, b);
        size("--notes", Resource.NOTES, notes, b);
        webhookUrls.forEach(b::webhookUrl);
        option("--partner-token-ttl", () -> b.partnerTokenTtl(Duration.ofSeconds(partnerTokenTtl)));
        partnerRedirectUris.forEach(uri -> option("--partner-redirect-uri", () -> b.partnerRedirectUri(uri)));
        if (webhookRetrySeconds != null) {
            b.webhookRetryDelays(webhookRetrySeconds.stream().map(Duration::ofSeconds).toList());
        }
        Sandbox sandbox = Sandbox.start(b.build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.stop();
            stopped.countDown();
        }, "sandbox-shutdown"));
        print(sandbox, System.out);
        stopped.await();
        return 0;
    }

    /** A value the settings refuse is a usage error naming the option (exit 2), not a stack trace. */
    private void option(String name, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + name + "': "
                    + e.getMessage());
        }
    }

    private void size(String name, Resource r, Long value, SandboxSettings.Builder b) {
        if (value != null) {
            option(name, () -> b.size(r, value));
        }
    }

    static void print(Sandbox sandbox, PrintStream out) {
        SandboxCredentials c = sandbox.credentials();
        int orgs = sandbox.orgs();
        out.println("Greenhouse sandbox ready (seed " + sandbox.settings().seed() + ", "
                + sandbox.settings().size(Resource.CANDIDATES) + " candidates"
                + (orgs == 1 ? ")" : " in each of " + orgs + " organisations; organisation 0 below)"));
        out.println("  base URL              " + c.baseUrl());
        out.println("  token endpoint        " + c.tokenUrl());
        out.println("  Harvest v3            " + c.harvestBaseUrl());
        out.println("  Candidate Ingestion   " + c.ingestionBaseUrl());
        out.println("  Job Board             " + c.jobBoardBaseUrl());
        out.println("  control               " + c.baseUrl() + "/_sandbox/info");
        out.println("  client id             " + c.clientId());
        out.println("  client secret         " + c.clientSecret() + "   (all scopes)");
        out.println("  Site Admin user id    " + c.siteAdminUserId() + "   (use as sub for list reads)");
        out.println("  non-admin user id     " + c.nonAdminUserId());
        out.println("  partner API key       " + c.partnerApiKey());
        out.println("  partner user e-mail   " + c.partnerUserEmail() + "   (On-Behalf-Of)");
        out.println("  job board token       " + c.jobBoardToken());
        out.println("  job board API key     " + c.jobBoardApiKey());
        out.println("  webhook secret        " + c.webhookSecret());
        out.println("  rate limit            " + (sandbox.settings().rateLimit() == 0 ? "off"
                : sandbox.settings().rateLimit() + " requests / 30 s per credential"));
        for (PartnerApp app : sandbox.partnerApps()) {
            out.println("  partner app           " + app.clientId() + "   secret " + app.clientSecret());
            out.println("    redirect URI        " + app.redirectUri() + "   (all scopes)");
            out.println("    authorize / token   " + c.authorizeUrl() + "   " + c.tokenUrl());
            out.println("    Ingestion OAuth     " + c.ingestionAuthorizeUrl() + "   " + c.ingestionTokenUrl());
        }
        if (orgs > 1) {
            out.println("  organisations         " + orgs + "   (0.." + (orgs - 1) + "; every one's credentials: "
                    + c.baseUrl() + "/_sandbox/orgs)");
        }
        out.println("Press Ctrl+C to stop.");
        out.flush();
    }
}
