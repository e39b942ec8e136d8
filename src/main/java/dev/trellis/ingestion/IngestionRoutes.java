package dev.trellis.ingestion;

import dev.trellis.config.Settings;
import org.apache.camel.builder.RouteBuilder;

/**
 * Sourcing partners: the REST API under {@code /api/tenants/{tenant}/ingestion} and {@code .../job-links}, the
 * connect check at start-up, and the schedules of the job import and the status sync. The scheduled routes use the
 * shared error channel (redelivery, then the dead-letter queue).
 */
public final class IngestionRoutes extends RouteBuilder {
    /** A REST endpoint hands the request to an {@link IngestionApi} method: {@code API + "connect"}, ... */
    private static final String API = "bean:" + IngestionApi.BEAN + "?method=";

    @Override
    public void configure() {
        IngestionApi api = getContext().getRegistry().lookupByNameAndType(IngestionApi.BEAN, IngestionApi.class);
        if (api == null) {
            return;
        }
        Settings settings = new Settings(getContext());
        long jobsPeriod = settings.number("trellis.ingestion.jobs-period-minutes", 60) * 60_000;
        long statusPeriod = settings.number("trellis.ingestion.status-period-minutes", 15) * 60_000;
        // like the connection check (whose step 4 is the same code): on unless trellis.check.on-startup is false
        String startup = settings.string("trellis.check.on-startup", "true");
        boolean connectOnStartup = settings.string("trellis.ingestion.connect-on-startup", startup).equals("true");
        boolean importOnStartup = settings.string("trellis.ingestion.import-on-startup", startup).equals("true");

        rest("/api/tenants")
                .post("/{tenant}/ingestion/connect").routeId("api-ingestion-connect").to(API + "connect")
                .post("/{tenant}/ingestion/import").routeId("api-ingestion-import").to(API + "importNow")
                .post("/{tenant}/ingestion/status-sync").routeId("api-ingestion-status-sync").to(API + "syncNow")
                .get("/{tenant}/ingestion/jobs").routeId("api-ingestion-jobs").to(API + "jobs")
                .get("/{tenant}/ingestion/jobs/{jobId}").routeId("api-ingestion-job").to(API + "job")
                .post("/{tenant}/ingestion/candidates").routeId("api-ingestion-push").to(API + "push")
                .get("/{tenant}/ingestion/candidates").routeId("api-ingestion-candidates").to(API + "candidates")
                .get("/{tenant}/ingestion/candidates/{externalId}").routeId("api-ingestion-candidate")
                .to(API + "candidate")
                .get("/{tenant}/job-links").routeId("api-ingestion-links").to(API + "links")
                .put("/{tenant}/job-links/{partnerJobRef}").routeId("api-ingestion-link-put").to(API + "putLink")
                .delete("/{tenant}/job-links/{partnerJobRef}").routeId("api-ingestion-link-delete")
                .to(API + "deleteLink");

        if (connectOnStartup) {
            from("timer:ingestion-connect?repeatCount=1&delay=" + settings.number("trellis.ingestion.startup-delay-ms",
                    1000)).routeId("ingestion-connect").process(exchange -> api.partnerConnect().connectAll());
        }
        if (jobsPeriod > 0) {
            from("timer:ingestion-jobs?delay=" + (importOnStartup
                    ? settings.number("trellis.ingestion.startup-delay-ms", 1000) : jobsPeriod) + "&period=" + jobsPeriod).routeId("ingestion-job-import").process(exchange -> api.jobImport().importAll());
        }
        if (statusPeriod > 0) {
            from("timer:ingestion-status?delay=" + statusPeriod + "&period=" + statusPeriod)
                    .routeId("ingestion-status-sync").process(exchange -> api.statusSync().syncAll());
        }
    }
}
