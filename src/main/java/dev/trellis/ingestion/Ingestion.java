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
import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/** Builds the sourcing-partner module from the hub's parts and binds what {@link IngestionRoutes} uses. */
public final class Ingestion {
    private Ingestion() {
    }

    /** Call after {@link Outbound#configure}: pushes go through its dispatcher. */
    public static void configure(CamelContext context, CheckSettings check, GreenhouseSettings greenhouse,
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
        context.getRegistry().bind(IngestionApi.BEAN, new IngestionApi(ingestionTenants,
                new PartnerConnect(ingestionTenants,
                        CheckSetup.check(check, greenhouse, http, harvestBudget, masker, meters), meters),
                new JobImport(ingestionTenants, db, partner, new JobBoardClient(gateway), meters), new JobLinks(db),
                new CandidatePush(db, intake, meters), new StatusSync(tenants, db, partner, gateway, meters),
                new JsonResponse(masker)));
    }
}
