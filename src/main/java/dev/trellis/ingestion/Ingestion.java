package dev.trellis.ingestion;

import dev.trellis.api.JsonResponse;
import dev.trellis.check.CheckSettings;
import dev.trellis.check.CheckSetup;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseSettings;
import dev.trellis.greenhouse.JobBoardClient;
import dev.trellis.greenhouse.RateBudget;
import dev.trellis.outbound.Outbound;
import dev.trellis.outbound.Outbox;
import dev.trellis.outbound.OutboxDispatcher;
import dev.trellis.outbound.OutboxIntake;
import dev.trellis.outbound.PartnerWrites;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the sourcing-partner module from the hub's parts and binds what {@link IngestionRoutes} uses. */
public final class Ingestion {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);
    private Ingestion() {
    }

    /**
     * Call after {@link Outbound#configure}: pushes go through its dispatcher. Returns what starts a tenant connected
     * while the hub runs: its jobs imported now, in the background, instead of at the next hourly import.
     */
    public static Consumer<String> configure(CamelContext context, CheckSettings check, GreenhouseSettings greenhouse,
            DataSource dataSource, Tenants tenants, HttpClient http, GreenhouseGateway gateway,
            RateBudget harvestBudget, SecretMasker masker, MeterRegistry meters) {
        PartnerClient partner = new PartnerClient(gateway);
        context.getRegistry().bind(PartnerWrites.BEAN, partner);
        OutboxDispatcher dispatcher = context.getRegistry().lookupByNameAndType(Outbound.DISPATCHER,
                OutboxDispatcher.class);
        OutboxIntake intake = new OutboxIntake(tenants, new Outbox(dataSource),
                dispatcher == null ? () -> { } : dispatcher::wake);
        IngestionTenants ingestionTenants = new IngestionTenants(tenants);
        Db db = new Db(dataSource);
        JobImport jobs = new JobImport(ingestionTenants, db, partner, new JobBoardClient(gateway), meters);
        context.getRegistry().bind(IngestionApi.BEAN, new IngestionApi(ingestionTenants,
                new PartnerConnect(ingestionTenants,
                        CheckSetup.check(check, greenhouse, http, harvestBudget, masker, meters), meters),
                jobs, new JobLinks(db),
                new CandidatePush(db, intake, meters), new StatusSync(tenants, db, partner, gateway, meters),
                new JsonResponse(masker)));
        ExecutorService imports = context.getExecutorServiceManager().newSingleThreadExecutor(Ingestion.class,
                "ingestion-import");
        return tenantId -> tenants.find(tenantId).filter(t -> t.ingestion().isPresent() || t.jobBoard().isPresent())
                .ifPresent(t -> imports.execute(() -> {
                    try {
                        jobs.importJobs(t);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        LOG.warn("Job import of tenant {} failed: {}", t.id(), e.getMessage());
                    }
                }));
    }
}
