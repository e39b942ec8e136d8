package dev.trellis.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trellis.metrics.tenant-label=false: no series carries a tenant label, counters are summed over tenants. */
class TenantLabelTest {
    @TempDir
    Path dir;

    @Test
    void withoutTheTenantLabelCountersAreSummedAndPerTenantGaugesLeftOut() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxSettings.builder().seed(3).candidates(120).rateLimit(0).build())) {
            TestHome home = new TestHome(dir).shippedStreamsUnscheduled()
                    .sandboxTenant("one", sandbox).sandboxTenant("two", sandbox)
                    .property("trellis.metrics.tenant-label", "false")
                    .property("trellis.greenhouse.rate-budget", "100000");
            Hub hub = home.start();
            try {
                for (String tenant : new String[] {"one", "two"}) {
                    assertEquals(200, HttpCalls.get(home.apiUrl() + "/api/tenants/" + tenant + "/check").status());
                    assertEquals(202, HttpCalls.post(home.apiUrl() + "/api/streams/" + tenant + "/candidates/sync")
                            .status());
                }
                String metrics = "";
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!metrics.contains("trellis_sync_records_total{outcome=\"fetched\",stream=\"candidates\"} 240.0")
                        && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
                }
                assertTrue(metrics.contains("trellis_sync_records_total{outcome=\"fetched\",stream=\"candidates\"} 240.0"),
                        "both tenants' 120 candidates in one series: " + metrics.lines()
                                .filter(l -> l.startsWith("trellis_sync_records_total")).toList());
                assertTrue(metrics.contains("trellis_greenhouse_requests_total{endpoint=\"GET /v3/candidates\""), metrics);
                assertFalse(metrics.contains("tenant=\""), "no series has a tenant label: " + metrics.lines()
                        .filter(l -> l.contains("tenant=\"")).limit(5).toList());
                assertFalse(metrics.contains("trellis_check_permission{"), "per-tenant gauges are left out");
            } finally {
                hub.stop();
            }
        }
    }
}
