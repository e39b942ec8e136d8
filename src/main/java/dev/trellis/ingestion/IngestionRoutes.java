package dev.trellis.ingestion;

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
        IngestionSettings settings = getContext().getRegistry().findSingleByType(IngestionSettings.class);
        long jobsPeriod = settings.jobsPeriod().toMillis();
        long statusPeriod = settings.statusPeriod().toMillis();
        boolean connectOnStartup = settings.connectOnStartup();
        boolean importOnStartup = settings.importOnStartup();

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
            from("timer:ingestion-connect?repeatCount=1&delay=" + settings.startupDelay().toMillis())
                    .routeId("ingestion-connect").process(exchange -> api.partnerConnect().connectAll());
        }
        if (jobsPeriod > 0) {
            from("timer:ingestion-jobs?delay=" + (importOnStartup
                    ? settings.startupDelay().toMillis() : jobsPeriod) + "&period=" + jobsPeriod).routeId("ingestion-job-import").process(exchange -> api.jobImport().importAll());
        }
        if (statusPeriod > 0) {
            from("timer:ingestion-status?delay=" + statusPeriod + "&period=" + statusPeriod)
                    .routeId("ingestion-status-sync").process(exchange -> api.statusSync().syncAll());
        }
    }
}
