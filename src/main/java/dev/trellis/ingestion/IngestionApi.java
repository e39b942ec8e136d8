package dev.trellis.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.api.ApiException;
import dev.trellis.api.BadField;
import dev.trellis.api.JsonBody;
import dev.trellis.api.JsonResponse;
import dev.trellis.config.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** The REST handlers of {@link IngestionRoutes}; refusals answer 400/404 naming the field. */
public final class IngestionApi {
    public static final String BEAN = "ingestionApi";

    private final IngestionTenants tenants;
    private final PartnerConnect connect;
    private final JobImport jobImport;
    private final JobLinks links;
    private final CandidatePush push;
    private final StatusSync statusSync;
    private final JsonResponse response;

    public IngestionApi(IngestionTenants tenants, PartnerConnect connect, JobImport jobImport, JobLinks links,
            CandidatePush push, StatusSync statusSync, JsonResponse response) {
        this.tenants = tenants;
        this.connect = connect;
        this.jobImport = jobImport;
        this.links = links;
        this.push = push;
        this.statusSync = statusSync;
        this.response = response;
    }

    /** For the schedules of {@link IngestionRoutes}. */
    PartnerConnect partnerConnect() {
        return connect;
    }

    JobImport jobImport() {
        return jobImport;
    }

    StatusSync statusSync() {
        return statusSync;
    }

    private void answer(Exchange exchange, int status, JsonResponse.Handler handler) {
        response.answer(exchange, status, ex -> {
            try {
                return handler.handle(ex);
            } catch (Refused e) {
                throw ApiException.badRequest(e.getMessage());
            } catch (NotFound e) {
                throw ApiException.notFound(e.getMessage());
            }
        });
    }

    private Tenant tenant(Exchange ex) {
        return tenants.tenant(ex.getIn().getHeader("tenant", String.class));
    }

    public void connect(Exchange exchange) {
        answer(exchange, 200, ex -> {
            Tenant t = tenant(ex);
            if (t.ingestion().isEmpty() && t.jobBoard().isEmpty()) {
                throw new Refused("Tenant '" + t.id() + "' has neither a Candidate Ingestion key "
                        + "(ingestion.api-key, ingestion.user-email) nor a job board (job-board.token) in " + t.source());
            }
            return connect.connect(t).toMap();
        });
    }

    public void importNow(Exchange exchange) {
        answer(exchange, 200, ex -> {
            JobImport.Imported i = jobImport.importJobs(tenant(ex));
            return Map.of("jobs", i.jobs(), "jobs_gone", i.jobsGone(), "board_posts", i.posts(),
                    "board_posts_gone", i.postsGone());
        });
    }

    public void syncNow(Exchange exchange) {
        answer(exchange, 200, ex -> {
            StatusSync.Synced s = statusSync.syncStatus(tenants.ingestionTenant(ex.getIn().getHeader("tenant",
                    String.class)));
            return Map.of("candidates_seen", s.candidates(), "changes", s.changes(), "gone", s.gone());
        });
    }

    public void jobs(Exchange exchange) {
        answer(exchange, 200, ex -> Map.of("jobs", jobImport.jobs(tenant(ex))));
    }

    public void job(Exchange exchange) {
        answer(exchange, 200, ex -> jobImport.partnerJob(tenant(ex), JsonResponse.number(ex, "jobId")
                .orElseThrow(() -> ApiException.badRequest("Parameter 'jobId' is required"))));
    }

    public void links(Exchange exchange) {
        answer(exchange, 200, ex -> Map.of("links", links.links(tenant(ex))));
    }

    public void putLink(Exchange exchange) {
        answer(exchange, 200, ex -> {
            String body = ex.getIn().getBody(String.class);
            JsonNode json = body == null || body.isBlank() ? null : JsonBody.parse(body);
            if (json == null || !json.isObject()) {
                throw new Refused("Field 'body': must be {\"job_id\": <Greenhouse job id>, "
                        + "\"name\": \"<partner job name>\"}");
            }
            return links.putLink(tenant(ex), ex.getIn().getHeader("partnerJobRef", String.class), json);
        });
    }

    public void deleteLink(Exchange exchange) {
        answer(exchange, 200, ex -> {
            String ref = ex.getIn().getHeader("partnerJobRef", String.class);
            if (!links.deleteLink(tenant(ex), ref)) {
                throw new NotFound("No job link '" + ref + "'");
            }
            return Map.of("deleted", ref);
        });
    }

    public void push(Exchange exchange) {
        answer(exchange, 202, ex -> {
            Tenant t = tenants.ingestionTenant(ex.getIn().getHeader("tenant", String.class));
            String body = ex.getIn().getBody(String.class);
            List<CandidatePush.Pushed> pushed;
            try {
                pushed = push.push(t, body == null || body.isBlank() ? null : JsonBody.parse(body));
            } catch (Refused | BadField e) {
                push.refused(t);
                throw e;
            }
            List<Map<String, Object>> items = pushed.stream().map(p -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("external_id", p.externalId());
                m.put("outbox_id", p.outboxId());
                m.put("status", p.status());
                m.put("repeated", p.repeated());
                m.put("status_url", "/api/tenants/" + t.id() + "/ingestion/candidates/" + p.externalId());
                return m;
            }).toList();
            return Map.of("candidates", items);
        });
    }

    public void candidates(Exchange exchange) {
        answer(exchange, 200, ex -> Map.of("candidates", push.candidates(tenant(ex),
                JsonResponse.number(ex, "limit").orElse(100L).intValue())));
    }

    public void candidate(Exchange exchange) {
        answer(exchange, 200, ex -> push.candidate(tenant(ex), ex.getIn().getHeader("externalId", String.class)));
    }
}
