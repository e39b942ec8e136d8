package dev.trellis.hub;

import dev.trellis.config.Tenant;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup first run: with no tenant configured, an in-process sandbox stands in for a Greenhouse
 * organisation, as tenant "demo", so a new user sees streams fill the database without any account.
 */
final class DemoTenant implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoTenant.class);

    private final Sandbox sandbox;
    private final Tenant tenant;

    private DemoTenant(Sandbox sandbox) {
        this.sandbox = sandbox;
        SandboxCredentials c = sandbox.credentials();
        URI base = URI.create(c.baseUrl());
        this.tenant = new Tenant("demo", "the in-process demo sandbox",
                Optional.of(new Tenant.Harvest(base, URI.create(c.tokenUrl()), c.clientId(), c.clientSecret(),
                        c.siteAdminUserId())),
                Optional.of(new Tenant.Ingestion(base, c.partnerApiKey(), c.partnerUserEmail())),
                Optional.of(new Tenant.JobBoard(base, c.jobBoardToken())),
                Optional.of(c.webhookSecret()));
    }

    static DemoTenant start(long candidates) throws IOException {
        DemoTenant demo = new DemoTenant(Sandbox.start(SandboxSettings.builder().port(0).seed(42)
                .candidates(candidates).createdIdsAbove(createdIdBase(System.currentTimeMillis())).build()));
        String line = "=".repeat(100);
        LOG.warn(line);
        LOG.warn("No tenant is configured: this is a DEMO. Tenant \"demo\" is an in-process Greenhouse sandbox with {} "
                + "candidates at {}", candidates, demo.sandbox.baseUrl());
        LOG.warn("Its streams sync into the database now; watch them with `java -jar target/trellis.jar status`.");
        LOG.warn("To connect a real Greenhouse organisation: copy config/tenants/example.properties.sample to "
                + "config/tenants/<tenant-id>.properties, fill it in, and restart (trellis.demo.enabled=false turns the "
                + "demo off).");
        LOG.warn(line);
        return demo;
    }

    /**
     * Where the ids of records the demo creates (notes, interviews, ingested candidates) start: the sandbox keeps
     * nothing across restarts, but the hub's database does, so each start counts from its start time (1,000 ids
     * per millisecond) and never repeats an id an earlier run handed out.
     */
    static long createdIdBase(long startMillis) {
        return startMillis * 1000;
    }

    Tenant tenant() {
        return tenant;
    }

    @Override
    public void close() {
        sandbox.stop();
    }
}
