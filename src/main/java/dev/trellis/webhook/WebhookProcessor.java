package dev.trellis.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trellis.change.ChangeSource;
import dev.trellis.config.SecretMasker;
import dev.trellis.config.Tenant;
import dev.trellis.config.Tenants;
import dev.trellis.greenhouse.GreenhouseException;
import dev.trellis.greenhouse.GreenhouseGateway;
import dev.trellis.sync.StreamDefinition;
import dev.trellis.sync.SyncTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies stored deliveries, one tenant's batch per transaction: deletions via {@link SyncTable#markDeleted}, other
 * actions by re-reading the affected records through the gateway ({@code ids=}, 50 per request, inside the rate
 * budget) and {@link SyncTable#upsert}, both with source {@code webhook}; the deliveries are marked done in the same
 * transaction, so a crash before the commit leaves them pending for the next claim.
 */
final class WebhookProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookProcessor.class);
    /** Greenhouse's limit on ids in one filter. */
    static final int IDS_PER_REQUEST = 50;

    private final DataSource dataSource;
    private final Deliveries deliveries;
    private final SyncTable tables;
    private final GreenhouseGateway gateway;
    private final Tenants tenants;
    /** (stream, tenant) → the stream's definition, when a stream of that name covers the tenant */
    private final BiFunction<String, String, Optional<StreamDefinition>> streams;
    private final WebhookMetrics metrics;
    private final SecretMasker masker;
    private final WebhookSettings settings;
    private final Clock clock;

    WebhookProcessor(DataSource dataSource, Deliveries deliveries, SyncTable tables, GreenhouseGateway gateway,
            Tenants tenants, BiFunction<String, String, Optional<StreamDefinition>> streams, WebhookMetrics metrics,
            SecretMasker masker, WebhookSettings settings, Clock clock) {
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.tables = tables;
        this.gateway = gateway;
        this.tenants = tenants;
        this.streams = streams;
        this.metrics = metrics;
        this.masker = masker;
        this.settings = settings;
        this.clock = clock;
    }

    /** Processes one batch of {@code kind} ('delete' or 'read'); returns how many deliveries it claimed. */
    int batch(String kind) throws InterruptedException {
        List<Deliveries.Claimed> claimed = List.of();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                claimed = Deliveries.claim(c, kind, settings.batchSize());
                if (claimed.isEmpty()) {
                    c.commit();
                    return 0;
                }
                String outcome = apply(c, claimed);
                c.commit();
                Instant now = clock.instant();
                for (Deliveries.Claimed d : claimed) {
                    metrics.delivery(d.tenant(), d.action(), outcome);
                    if (outcome.equals("applied")) {
                        metrics.delay(d.action(), Duration.between(d.receivedAt(), now));
                    }
                }
                return claimed.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (InterruptedException e) {
            throw e; // stopping: the rolled-back deliveries are pending for the next claim
        } catch (Exception e) {
            if (claimed.isEmpty()) {
                LOG.warn("Could not claim webhook deliveries: {}", masker.mask(String.valueOf(e.getMessage())));
                return 0;
            }
            failed(claimed, e);
            return claimed.size();
        }
    }

    /** Applies one tenant's claimed deliveries in {@code c}; returns the outcome for metrics. */
    private String apply(Connection c, List<Deliveries.Claimed> claimed) throws Exception {
        String tenantId = claimed.get(0).tenant();
        List<Long> ids = claimed.stream().map(Deliveries.Claimed::id).toList();
        Optional<Tenant> tenant = tenants.find(tenantId);
        if (tenant.isEmpty()) {
            if (tenants.known(tenantId).isPresent()) {
                // paused or disconnected: nothing is read or written for it until it runs again
                postpone(c, ids, settings.pausedRecheck());
                return "postponed";
            }
            Deliveries.finish(c, ids, "skipped", "Tenant " + tenantId + " is not configured on this hub");
            return "skipped";
        }
        // tables in one order (by stream) in every transaction: two batches touching the same records never deadlock
        Map<String, Set<Long>> deletes = new TreeMap<>();
        Map<List<String>, Set<Long>> reads = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Deliveries.Claimed d : claimed) {
            ActionPlan plan = ActionPlan.of(d.action(), d.body().path("payload"));
            plan.deletes().forEach(t -> deletes.computeIfAbsent(t.stream(), k -> new LinkedHashSet<>()).add(t.id()));
            plan.reads().forEach(t -> reads.computeIfAbsent(List.of(t.stream(), t.param()), k -> new LinkedHashSet<>())
                    .add(t.id()));
        }
        for (Map.Entry<String, Set<Long>> e : deletes.entrySet()) {
            Optional<StreamDefinition> def = streams.apply(e.getKey(), tenantId);
            if (def.isPresent()) {
                tables.ensure(def.get());
                tables.markDeleted(c, def.get(), tenantId, e.getValue(), ChangeSource.WEBHOOK);
            }
        }
        if (!reads.isEmpty()) {
            reRead(c, tenant.get(), reads);
        }
        Deliveries.finish(c, ids, "done", null);
        return "applied";
    }

    private void reRead(Connection c, Tenant tenant, Map<List<String>, Set<Long>> reads) throws Exception {
        if (tenant.harvest().isEmpty()) {
            return; // no Harvest credentials: nothing to read with (polling has none either)
        }
        long sub = tenant.harvest().get().userId();
        Instant readStart = databaseNow(c);
        for (Map.Entry<List<String>, Set<Long>> e : reads.entrySet()) {
            Optional<StreamDefinition> found = streams.apply(e.getKey().get(0), tenant.id());
            if (found.isEmpty()) {
                continue; // no stream keeps this resource for the tenant
            }
            StreamDefinition def = found.get();
            tables.ensure(def);
            List<Long> all = new ArrayList<>(e.getValue());
            for (int from = 0; from < all.size(); from += IDS_PER_REQUEST) {
                String idList = all.subList(from, Math.min(all.size(), from + IDS_PER_REQUEST)).stream()
                        .map(String::valueOf).collect(Collectors.joining(","));
                String url = "/v3/" + def.resource() + "?" + e.getKey().get(1) + "=" + idList + "&per_page=500"
                        + (def.query().isEmpty() ? "" : "&" + def.query());
                while (url != null) {
                    GreenhouseGateway.Answer answer = gateway.get(tenant, sub, url);
                    JsonNode page = answer.body();
                    if (page == null || !page.isArray()) {
                        throw new GreenhouseException(answer.status(), true, "GET /v3/" + def.resource()
                                + " for tenant " + tenant.id() + " did not answer a list");
                    }
                    upsertLive(c, def, tenant.id(), page, answer.text(), readStart);
                    url = answer.next().orElse(null);
                }
            }
        }
    }

    /**
     * Upserts what was read, except records marked deleted since the read began: a deletion applied meanwhile is
     * newer than what this read saw, and stays.
     */
    private void upsertLive(Connection c, StreamDefinition def, String tenant, JsonNode page, String text,
            Instant readStart) throws SQLException {
        if (page.isEmpty()) {
            return;
        }
        Long[] ids = new Long[page.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = page.get(i).path("id").asLong();
        }
        Set<Long> deletedSince = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select id, deleted_at from " + def.table()
                + " where tenant = ? and id = any(?) for update")) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("bigint", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp deletedAt = rs.getTimestamp(2);
                    if (deletedAt != null && !deletedAt.toInstant().isBefore(readStart)) {
                        deletedSince.add(rs.getLong(1));
                    }
                }
            }
        }
        if (deletedSince.isEmpty()) {
            tables.upsert(c, def, tenant, page, text, false, ChangeSource.WEBHOOK, false);
            return;
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        page.forEach(r -> {
            if (!deletedSince.contains(r.path("id").asLong())) {
                kept.add(r);
            }
        });
        tables.upsert(c, def, tenant, kept, kept.toString(), false, ChangeSource.WEBHOOK, false);
    }

    private static Instant databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static void postpone(Connection c, List<Long> ids, Duration wait) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update webhook_delivery set next_attempt_at = now() + "
                + "? * interval '1 millisecond' where id = any(?)")) {
            ps.setLong(1, wait.toMillis());
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /** A batch that failed (Greenhouse away, a refusal): tried again later, then left to the polling streams. */
    private void failed(List<Deliveries.Claimed> claimed, Exception e) {
        int attempts = claimed.stream().mapToInt(Deliveries.Claimed::attempts).max().orElse(0);
        long factor = 1L << Math.min(attempts, 16);
        Duration wait = settings.backoff().multipliedBy(factor);
        if (wait.compareTo(settings.maxBackoff()) > 0) {
            wait = settings.maxBackoff();
        }
        String message = masker.mask(String.valueOf(e.getMessage()));
        String tenant = claimed.get(0).tenant();
        String next = attempts + 1 >= settings.maxAttempts() ? "given up: the polling streams catch the change"
                : "next attempt in " + wait.toMillis() + " ms";
        LOG.warn("{} webhook deliveries of tenant {} failed (attempt {}), {}: {}", claimed.size(), tenant,
                attempts + 1, next, message);
        try {
            deliveries.retry(claimed.stream().map(Deliveries.Claimed::id).toList(), wait, settings.maxAttempts(),
                    message);
        } catch (SQLException ex) {
            LOG.warn("Could not record the failure of webhook deliveries: {}", masker.mask(ex.getMessage()));
        }
        claimed.forEach(d -> metrics.delivery(d.tenant(), d.action(), "failed"));
    }
}
