package dev.trellis.check;

import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.JobBoardClient;
import dev.trellis.greenhouse.PartnerApi;
import dev.trellis.sync.StreamCatalog;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Checks one tenant, in order: (1) the token endpoint accepts the client id and secret; (2) the {@code sub} user is
 * active and a Site Admin; (3) every permission of every enabled feature: list scopes with the cheapest request
 * ({@code per_page=1&fields=id}), write scopes from the token's granted scopes when the token answer lists them,
 * else with a request that fails validation before it could write; (4) the Candidate Ingestion key and user
 * e-mail, and the job board token; (5) the webhook secret. Every request but the token's goes through the gateway,
 * so it counts against the tenant's rate budget. Nothing is ever written; no secret is ever put in a row.
 */
public final class ConnectionCheck {
    /** Which features are switched off (trellis.check.disabled-features) and which tenants receive webhooks. */
    public record Options(List<String> disabledFeatures, List<String> webhookTenants) {
        /** An entry is a feature id ({@code notes}, {@code sync:offers}, {@code sync:*}), optionally {@code tenant/}. */
        public boolean enabled(String tenant, String featureId) {
            for (String entry : disabledFeatures) {
                String pattern = entry;
                int slash = entry.indexOf('/');
                if (slash >= 0) {
                    if (!entry.substring(0, slash).equals(tenant)) {
                        continue;
                    }
                    pattern = entry.substring(slash + 1);
                }
                if (pattern.equals(featureId) || pattern.endsWith("*")
                        && featureId.startsWith(pattern.substring(0, pattern.length() - 1))) {
                    return false;
                }
            }
            return true;
        }

        /** Also honours the features the tenant's own connection switches off ({@code disabled_features}). */
        public boolean enabled(Tenant tenant, String featureId) {
            return enabled(tenant.id(), featureId)
                    && new Options(tenant.disabledFeatures(), List.of()).enabled(tenant.id(), featureId);
        }

        public boolean webhooks(Tenant tenant) {
            return enabled(tenant, Feature.WEBHOOKS.id()) && (tenant.webhookSecret().isPresent()
                    || webhookTenants.contains("all") || webhookTenants.contains(tenant.id()));
        }
    }

    private final HttpClient http;
    private final Supplier<GreenhouseGateway> gateways;
    private final SecretMasker masker;
    private final Duration timeout;
    private final Clock clock;
    private final Options options;

    /**
     * {@code gateways} gives a gateway with a fresh token cache for each check, so a credential fixed in Greenhouse
     * shows up at once; it shares the rate budget of the hub (or of the command line).
     */
    public ConnectionCheck(HttpClient http, Supplier<GreenhouseGateway> gateways, SecretMasker masker, Duration timeout,
            Clock clock, Options options) {
        this.http = http;
        this.gateways = gateways;
        this.masker = masker;
        this.timeout = timeout;
        this.clock = clock;
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** The streams of {@code streams} that cover the tenant and whose check is enabled. */
    public List<StreamCatalog.Entry> enabledStreams(Tenant tenant, List<StreamCatalog.Entry> streams) {
        if (tenant.harvest().isEmpty()) {
            return List.of();
        }
        return streams.stream().filter(s -> s.covers(tenant.id()) && options.enabled(tenant, Feature.syncId(s.stream())))
                .toList();
    }

    public CheckResult check(Tenant tenant, List<StreamCatalog.Entry> streams) throws InterruptedException {
        CheckRun run = new CheckRun(tenant, masker);
        GreenhouseGateway gateway = gateways.get();
        if (tenant.harvest().isPresent()) {
            new HarvestCheck(run, http, timeout, new HarvestProbes(run, gateway))
                    .run(harvestNeeds(tenant, enabledStreams(tenant, streams)));
        }
        if (tenant.ingestion().isPresent() && options.enabled(tenant, Feature.INGESTION.id())) {
            new IngestionCheck(run, new PartnerApi(gateway)).run(tenant.ingestion().get());
        }
        if (tenant.jobBoard().isPresent() && options.enabled(tenant, Feature.JOB_BOARD.id())) {
            new JobBoardCheck(run, new JobBoardClient(gateway)).run(tenant.jobBoard().get());
        }
        if (options.webhooks(tenant)) {
            webhooks(run);
        }
        return new CheckResult(tenant.id(), clock.instant(), run.rows, run.fix());
    }

    /**
     * Only step 4, Candidate Ingestion and the job board: the connect check of a sourcing partner (at start-up,
     * {@code trellis ingestion connect}, {@code POST /api/tenants/{tenant}/ingestion/connect}).
     */
    public CheckResult checkIngestion(Tenant tenant) throws InterruptedException {
        CheckRun run = new CheckRun(tenant, masker);
        GreenhouseGateway gateway = gateways.get();
        if (tenant.ingestion().isPresent()) {
            new IngestionCheck(run, new PartnerApi(gateway)).run(tenant.ingestion().get());
        }
        if (tenant.jobBoard().isPresent()) {
            new JobBoardCheck(run, new JobBoardClient(gateway)).run(tenant.jobBoard().get());
        }
        return new CheckResult(tenant.id(), clock.instant(), run.rows, run.fixes);
    }

    /** Every permission of the tenant's enabled Harvest features, with the streams' list scopes first. */
    private Map<String, List<Feature.Need>> harvestNeeds(Tenant tenant, List<StreamCatalog.Entry> streams) {
        Map<String, List<Feature.Need>> needs = new LinkedHashMap<>();
        for (StreamCatalog.Entry s : streams) {
            needs.put(Feature.syncId(s.stream()), List.of(Feature.syncNeed(s.stream(), s.definition().resource(), s.definition().table())));
        }
        for (Feature f : List.of(Feature.NOTES, Feature.EMAILS, Feature.INTERVIEWS)) {
            if (options.enabled(tenant, f.id())) {
                needs.put(f.id(), f.needs());
            }
        }
        return needs;
    }

    /** Step 5: a tenant that receives webhooks needs their secret. */
    private static void webhooks(CheckRun run) {
        Feature.Need need = Feature.WEBHOOKS.needs().get(0);
        if (run.tenant.webhookSecret().filter(s -> !s.isBlank()).isPresent()) {
            run.add(5, Feature.WEBHOOKS.id(), need.permission(), null, CheckResult.Status.OK,
                    "webhooks.secret is configured", need.impact());
        } else {
            run.add(5, Feature.WEBHOOKS.id(), need.permission(), null, CheckResult.Status.MISSING, "webhooks are "
                    + "enabled for this tenant (trellis.check.webhook-tenants) but webhooks.secret is not set",
                    need.impact());
            run.fixes.add("Webhooks: set webhooks.secret in " + run.tenant.source() + " to the Secret key of the tenant's web hooks in Greenhouse (Configure > Dev Center > "
                    + "Web Hooks).");
        }
    }
}
