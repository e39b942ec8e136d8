package dev.trellis.ingestion;

import org.apache.camel.builder.RouteBuilder;

/**
 * Sourcing partners: the REST API under {@code /api/tenants/{tenant}/ingestion} and {@code .../job-links}, the
 * connect check at start-up, and the schedules of the job import and the status sync. The scheduled routes use the
 * shared error channel (redelivery, then the dead-letter queue).
 */
public final class IngestionRoutes extends RouteBuilder {
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
                .post("/{tenant}/ingestion/connect").routeId("api-ingestion-connect").to("direct:api-ingestion-connect")
                .post("/{tenant}/ingestion/import").routeId("api-ingestion-import").to("direct:api-ingestion-import")
                .post("/{tenant}/ingestion/status-sync").routeId("api-ingestion-status-sync")
                .to("direct:api-ingestion-status-sync")
                .get("/{tenant}/ingestion/jobs").routeId("api-ingestion-jobs").to("direct:api-ingestion-jobs")
                .get("/{tenant}/ingestion/jobs/{jobId}").routeId("api-ingestion-job").to("direct:api-ingestion-job")
                .post("/{tenant}/ingestion/candidates").routeId("api-ingestion-push").to("direct:api-ingestion-push")
                .get("/{tenant}/ingestion/candidates").routeId("api-ingestion-candidates")
                .to("direct:api-ingestion-candidates")
                .get("/{tenant}/ingestion/candidates/{externalId}").routeId("api-ingestion-candidate")
                .to("direct:api-ingestion-candidate")
                .get("/{tenant}/job-links").routeId("api-ingestion-links").to("direct:api-ingestion-links")
                .put("/{tenant}/job-links/{partnerJobRef}").routeId("api-ingestion-link-put")
                .to("direct:api-ingestion-link-put")
                .delete("/{tenant}/job-links/{partnerJobRef}").routeId("api-ingestion-link-delete")
                .to("direct:api-ingestion-link-delete");
        from("direct:api-ingestion-connect").routeId("api-ingestion-connect-handler").process(api::connect);
        from("direct:api-ingestion-import").routeId("api-ingestion-import-handler").process(api::importNow);
        from("direct:api-ingestion-status-sync").routeId("api-ingestion-status-sync-handler").process(api::syncNow);
        from("direct:api-ingestion-jobs").routeId("api-ingestion-jobs-handler").process(api::jobs);
        from("direct:api-ingestion-job").routeId("api-ingestion-job-handler").process(api::job);
        from("direct:api-ingestion-push").routeId("api-ingestion-push-handler").process(api::push);
        from("direct:api-ingestion-candidates").routeId("api-ingestion-candidates-handler").process(api::candidates);
        from("direct:api-ingestion-candidate").routeId("api-ingestion-candidate-handler").process(api::candidate);
        from("direct:api-ingestion-links").routeId("api-ingestion-links-handler").process(api::links);
        from("direct:api-ingestion-link-put").routeId("api-ingestion-link-put-handler").process(api::putLink);
        from("direct:api-ingestion-link-delete").routeId("api-ingestion-link-delete-handler").process(api::deleteLink);

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
