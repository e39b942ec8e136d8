package dev.trellis.check;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.check.CheckResult.Status;
import dev.trellis.config.Tenant;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.greenhouse.GreenhouseRejection;
import dev.trellis.greenhouse.GreenhouseShape;
import dev.trellis.greenhouse.MissingPermission;

/**
 * Step 3's probes of one run, through the gateway (so they count against the tenant's rate budget): a list with the
 * cheapest request, a write with a request that fails validation before it could write anything.
 */
final class HarvestProbes {
    private final CheckRun run;
    private final Tenant tenant;
    private final GreenhouseGateway gateway;
    private boolean baseUrlFixed;

    GreenhouseGateway gateway() {
        return gateway;
    }

    HarvestProbes(CheckRun run, GreenhouseGateway gateway) {
        this.run = run;
        this.tenant = run.tenant;
        this.gateway = gateway;
    }

    /** The row detail for an answer that is not Greenhouse's. */
    static String notGreenhouse(String url, String what) {
        return "this does not look like Greenhouse's Harvest API at " + url + ": " + what;
    }

    /** A probe answered by something that is not Greenhouse's Harvest API; the fix names harvest.base-url once. */
    Probe notHarvest(String request, int status, String body) {
        Tenant.Harvest h = tenant.harvest().orElseThrow();
        if (!baseUrlFixed) {
            baseUrlFixed = true;
            run.fixes.add("Harvest base URL: harvest.base-url = " + h.baseUrl() + " in " + tenant.source() + " does "
                    + "not look like Greenhouse's Harvest API (" + request + " answered " + CheckRun.answered(status,
                    body) + "). Greenhouse's is https://harvest.greenhouse.io, without /v3 (Trellis adds the path).");
        }
        return new Probe(Status.UNKNOWN, notGreenhouse(h.baseUrl().toString(), request + " answered "
                + CheckRun.answered(status, body) + ", not an answer of Greenhouse's"), null, false);
    }

    static String resource(String scope) {
        return scope.split(":")[1];
    }

    Probe list(Tenant.Harvest h, String resource, String filter) throws InterruptedException {
        String path = "/v3/" + resource + "?per_page=1" + (filter == null ? "&fields=id" : "&" + filter);
        try {
            GreenhouseGateway.Answer a = gateway.get(tenant, h.userId(), path);
            if (!GreenhouseShape.listPage(a.body())) {
                return notHarvest("GET " + path, a.status(), a.text());
            }
            return new Probe(Status.OK, "GET " + path + " answered " + a.status(), a.body(), false);
        } catch (MissingPermission e) {
            String said = said(e);
            boolean rule = said.toLowerCase().contains("site admin");
            return new Probe(rule ? Status.BLOCKED : Status.MISSING, "GET /v3/" + resource + " refused (403): "
                    + said, null, rule);
        } catch (GreenhouseRejection e) {
            if (e.status() == 404) {
                // every list of the check exists in Greenhouse: a 404 means there is no Harvest API here
                return notHarvest("GET " + path, e.status(), e.body());
            }
            return new Probe(Status.UNKNOWN, "GET /v3/" + resource + " failed: " + e.getMessage(), null, false);
        } catch (GreenhouseException e) {
            return new Probe(Status.UNKNOWN, "GET /v3/" + resource + " failed: " + e.getMessage(), null, false);
        } catch (RuntimeException e) {
            return new Probe(Status.UNKNOWN, "GET /v3/" + resource + " failed: " + e, null, false);
        }
    }

    /** A write that fails validation (empty body, or record id 0) before it could write anything. */
    Probe write(Tenant.Harvest h, String scope) throws InterruptedException {
        String[] parts = scope.split(":");
        String method;
        String path;
        switch (parts[2]) {
            case "create" -> {
                method = "POST";
                path = "/v3/" + parts[1];
            }
            case "update" -> {
                method = "PATCH";
                path = "/v3/" + parts[1] + "/0";
            }
            case "destroy" -> {
                method = "DELETE";
                path = "/v3/" + parts[1] + "/0";
            }
            default -> {
                return new Probe(Status.UNKNOWN, "no probe for " + scope, null, false);
            }
        }
        String request = method + " " + path + (method.equals("DELETE") ? "" : " {}");
        try {
            GreenhouseGateway.Answer a = gateway.send(tenant, h.userId(), method, path,
                    method.equals("DELETE") ? null : JsonNodeFactory.instance.objectNode());
            // Greenhouse refuses an empty body and record 0: whatever took them is not Greenhouse
            return notHarvest(request, a.status(), a.text());
        } catch (MissingPermission e) {
            return new Probe(Status.MISSING, request + " refused (403): " + said(e), null, false);
        } catch (GreenhouseException e) {
            if (GreenhouseShape.refusedByEndpoint(e)) {
                return new Probe(Status.OK, request + " passed the permission check and was refused by Greenhouse "
                        + (e.status() == 404 ? "for a record that does not exist" : "as invalid") + " ("
                        + e.status() + "), so nothing was written", null, false);
            }
            if (e instanceof GreenhouseRejection r && e.status() >= 400 && e.status() < 500 && e.status() != 401) {
                return notHarvest(request, e.status(), r.body());
            }
            return new Probe(Status.UNKNOWN, request + " failed: " + e.getMessage(), null, false);
        } catch (RuntimeException e) {
            return new Probe(Status.UNKNOWN, request + " failed: " + e, null, false);
        }
    }

    static String said(GreenhouseException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("Greenhouse said: ");
        return i < 0 ? m : m.substring(i + "Greenhouse said: ".length());
    }
}
