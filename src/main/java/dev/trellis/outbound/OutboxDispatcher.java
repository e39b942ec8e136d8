package dev.trellis.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.SecretMasker;
import dev.trellis.deadletter.DeadLetterRoutes;
import dev.trellis.greenhouse.Backoff;
import dev.trellis.route.HubHeaders;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: a few threads claim due items one at a time ({@code FOR UPDATE SKIP LOCKED}, so the threads
 * of every instance share the work and each item is sent by one of them), attempt them, and record the outcome.
 * Items that fail for good are filed in the dead-letter queue under route {@value #REPLAY_ROUTE}, whose replay sends
 * the item again through {@link #replay}.
 */
public final class OutboxDispatcher extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
    public static final String REPLAY_ROUTE = "outbox-item";

    private final CamelContext context;
    private final Outbox outbox;
    private final ItemDelivery delivery;
    private final SyncedRecords synced;
    private final OutboxMetrics metrics;
    private final SecretMasker masker;
    private final OutboxSettings policy;
    private final Wakeup wakeup = new Wakeup();
    private final OutboxListener listener;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private ProducerTemplate producer;
    private final OutboxPauses pauses;
    private final OutboundKinds kinds;

    OutboxDispatcher(CamelContext context, Outbox outbox, ItemDelivery delivery, SyncedRecords synced,
            OutboxMetrics metrics, SecretMasker masker, OutboxSettings policy, OutboxListener.Connector connector,
            OutboxPauses pauses, OutboundKinds kinds) {
        this.context = context;
        this.kinds = kinds;
        this.pauses = pauses;
        this.outbox = outbox;
        this.delivery = delivery;
        this.synced = synced;
        this.metrics = metrics;
        this.masker = masker;
        this.policy = policy;
        this.listener = new OutboxListener(connector, outbox, wakeup, metrics, policy.poll().toMillis());
    }

    /** Wakes this instance's threads at once (an item accepted here; other instances hear the NOTIFY). */
    public void wake() {
        wakeup.wake();
    }

    @Override
    protected void doStart() {
        running = true;
        producer = context.createProducerTemplate();
        Thread l = new Thread(listener, "outbox-listener");
        l.setDaemon(true);
        l.start();
        threads.add(l);
        for (int i = 1; i <= policy.threads(); i++) {
            Thread t = new Thread(this::work, "outbox-dispatcher-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        listener.stop();
        wakeup.wake();
        long deadline = System.nanoTime() + policy.stopGrace().toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                // a send still in flight: its item stays 'sending' and is reconciled after the restart
                t.interrupt();
            }
        }
        threads.clear();
        if (producer != null) {
            producer.stop();
        }
    }

    private void work() {
        while (running) {
            try {
                int claimer = listener.claimer();
                long seen = wakeup.generation();
                Optional<OutboxItem> item = claimer == 0 || !context.isStarted() ? Optional.empty()
                        : outbox.claim(claimer, pauses.pausedPairs());
                if (item.isEmpty()) {
                    wakeup.await(seen, claimer == 0 || !context.isStarted() ? 100 : policy.poll().toMillis());
                    continue;
                }
                List<OutboxItem> batch = new ArrayList<>(List.of(item.get()));
                if (kinds.find(item.get().kind()).map(OutboundKind::partner).orElse(false)) {
                    // Greenhouse takes these as one array: claim what else of the tenant's is due
                    batch.addAll(outbox.claimMore(claimer, item.get().tenant(), item.get().kind(),
                            policy.batchSize() - 1));
                }
                List<Outcome> outcomes;
                try {
                    outcomes = delivery.attempt(batch);
                } catch (RuntimeException e) {
                    // whether anything was sent is unknown: reconcile before any resend
                    outcomes = batch.stream().map(i -> (Outcome) new Outcome.Retry(e, true, null)).toList();
                }
                for (int i = 0; i < batch.size(); i++) {
                    process(batch.get(i), outcomes.get(i));
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Outbox dispatcher: {}", masker.mask(String.valueOf(e.getMessage())));
                sleep(1000);
            }
        }
    }

    private void process(OutboxItem item, Outcome outcome) throws InterruptedException {
        if (outcome instanceof Outcome.Delivered d) {
            record(item, d);
        } else if (outcome instanceof Outcome.Wait w) {
            persist(item, () -> outbox.retry(item, Instant.now().plus(policy.backoff()), false, w.why(), false));
        } else if (outcome instanceof Outcome.Retry r) {
            String error = error(r.cause());
            if (item.attempts() >= policy.maxAttempts()) {
                // the letter first: whoever sees the item dead finds its dead letter
                fileDeadLetter(item, r.cause(), r.endpoint());
                persist(item, () -> outbox.dead(item, r.ambiguous(), error + " (gave up after " + item.attempts()
                        + " attempts)"));
                metrics.outcome(item.kind(), "dead");
            } else {
                persist(item, () -> outbox.retry(item, Instant.now().plus(backoff(item.attempts())), r.ambiguous(),
                        error, true));
                metrics.outcome(item.kind(), r.ambiguous() ? "ambiguous" : "retry");
                LOG.warn("Outbox item {} ({}, tenant {}) attempt {} failed{}: {}", item.id(), item.kind(),
                        item.tenant(), item.attempts(), r.ambiguous() ? " and may have been applied" : "", error);
            }
        } else if (outcome instanceof Outcome.Dead d) {
            park(item, d);
        }
    }

    private void park(OutboxItem item, Outcome.Dead d) throws InterruptedException {
        fileDeadLetter(item, d.cause(), d.endpoint());
        persist(item, () -> outbox.dead(item, d.ambiguous(), error(d.cause())));
        metrics.outcome(item.kind(), "dead");
    }

    /** One database step of recording an outcome. */
    private interface Step {
        void run() throws SQLException;
    }

    /**
     * Runs a recording step until it succeeds (the database may be down for a while): an outcome is recorded late
     * rather than lost, and nothing is sent again meanwhile. When the dispatcher stops first, the item stays
     * 'sending' and is reconciled after the restart.
     */
    private boolean persist(OutboxItem item, Step step) throws InterruptedException {
        for (long wait = 250; ; wait = Math.min(wait * 2, 30_000)) {
            try {
                step.run();
                return true;
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    LOG.error("Outbox item {}: its outcome could not be recorded before the stop ({}); it is "
                            + "reconciled after the restart", item.id(), masker.mask(String.valueOf(e.getMessage())));
                    return false;
                }
                LOG.warn("Outbox item {}: recording its outcome failed, trying again in {} ms (nothing is sent "
                        + "meanwhile): {}", item.id(), wait, masker.mask(String.valueOf(e.getMessage())));
                Thread.sleep(wait);
            }
        }
    }

    /**
     * The item is in Greenhouse: mark it delivered and upsert the record, whatever else fails. A Greenhouse id that
     * another item holds is no evidence against the write: the item is delivered and flagged with that item. Only a
     * reconciled match that an item asking for the same took meanwhile is parked. Returns whether it is delivered.
     */
    private boolean record(OutboxItem item, Outcome.Delivered d) throws InterruptedException {
        OutboundKind kind = kinds.find(item.kind()).orElseThrow();
        boolean synced = prepareSynced(item, kind);
        Outcome.Delivered[] now = {d};
        Outcome.Dead[] parked = {null};
        if (!persist(item, () -> {
            try {
                recordOnce(item, kind, now[0], synced);
            } catch (Outbox.RecordTaken e) {
                Optional<OutboxItem> holder = outbox.holder(item.tenant(), kinds.holding(kind), d.greenhouseId(),
                        item.id());
                if (holder.isEmpty()) {
                    throw e; // released meanwhile: record again
                }
                if (d.reconciled() && d.heldBy() == null) {
                    // two reconciliations of items asking for the same picked one record
                    parked[0] = new Outcome.Dead(new ContestedRecord(item, kind.creates(), d.greenhouseId(),
                            holder.get().id()), true, null);
                    return;
                }
                now[0] = new Outcome.Delivered(d.greenhouseId(), d.record(), d.reconciled(), holder.get().id(),
                        "Greenhouse answered with id " + d.greenhouseId() + ", which outbox item " + holder.get().id()
                                + " already holds (its Greenhouse started its ids again?): delivered, not sent again");
                recordOnce(item, kind, now[0], synced);
            }
        })) {
            return false;
        }
        if (parked[0] != null) {
            park(item, parked[0]);
            return false;
        }
        return true;
    }

    /** Creates the synced table if needed; a failure only costs the early upsert (the next sync brings the record). */
    private boolean prepareSynced(OutboxItem item, OutboundKind kind) {
        try {
            kind.prepareSynced(synced);
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Outbox item {}: the synced table could not be prepared ({}); the record arrives with the next "
                    + "sync", item.id(), masker.mask(String.valueOf(e.getMessage())));
            return false;
        }
    }

    private void recordOnce(OutboxItem item, OutboundKind kind, Outcome.Delivered d, boolean withSynced)
            throws SQLException {
        try (Connection c = outbox.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Instant> at = outbox.delivered(c, item, d.greenhouseId(), d.heldBy(), d.warning());
                if (at.isPresent() && withSynced && d.record() != null) {
                    upsertSynced(c, item, kind, d.record());
                }
                c.commit();
                if (at.isEmpty()) {
                    Optional<OutboxItem> was = outbox.find(item.id());
                    LOG.warn("Outbox item {} was delivered already (Greenhouse id {}); this attempt got id {}{}",
                            item.id(), was.map(OutboxItem::greenhouseId).orElse(null), d.greenhouseId(),
                            was.map(w -> java.util.Objects.equals(w.greenhouseId(), d.greenhouseId())).orElse(true)
                                    ? "" : ": Greenhouse has it twice");
                    return;
                }
                if (d.heldBy() != null) {
                    metrics.idConflict(item.kind());
                    LOG.warn("Outbox item {} ({}, tenant {}) is delivered as Greenhouse record {}, which outbox item {} "
                            + "already held; recorded with record_held_by = {}, not sent again", item.id(),
                            item.kind(), item.tenant(), d.greenhouseId(), d.heldBy(), d.heldBy());
                }
                metrics.outcome(item.kind(), d.reconciled() ? "reconciled" : "delivered");
                metrics.latency(item.kind(), Duration.between(item.createdAt(), at.get()));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** The record into gh_notes / gh_interviews / ingestion_candidates; a failure there does not undo the delivery. */
    private void upsertSynced(Connection c, OutboxItem item, OutboundKind kind, JsonNode record) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            kind.writeSynced(synced, c, item, record);
        } catch (SQLException | RuntimeException e) {
            c.rollback(before);
            LOG.warn("Outbox item {}: its record could not be written to the synced tables ({}); the next sync "
                    + "brings it", item.id(), masker.mask(String.valueOf(e.getMessage())));
        }
    }

    /**
     * Sends one dead item again, now, on the caller's thread (a dead-letter replay): returns when it is delivered or
     * handed back to the queue behind an earlier item; throws the failure otherwise, and the item stays dead. An item
     * that is delivered (or queued) already is left alone, so a replay never sends anything twice.
     */
    public void replay(long id) throws Exception {
        OutboxItem item = outbox.find(id).orElseThrow(() -> new InvalidItem("outbox_id", id + " is not an outbox item"));
        if (!item.status().equals("dead")) {
            LOG.info("Replay of outbox item {}: it is {}, nothing to send", id, item.status());
            return;
        }
        if (outbox.blocked(item)) {
            outbox.requeue(id);
            wake();
            return;
        }
        int claimer = listener.claimer();
        if (claimer == 0) {
            throw new IllegalStateException("The outbox dispatcher has no database session yet; replay again shortly");
        }
        Optional<OutboxItem> claimed = outbox.claimDead(id, claimer);
        if (claimed.isEmpty()) {
            return;
        }
        item = claimed.get();
        Outcome outcome = delivery.attempt(item);
        if (outcome instanceof Outcome.Delivered d) {
            if (!record(item, d)) {
                throw new IllegalStateException("Outbox item " + id + " is not recorded as delivered: "
                        + outbox.find(id).map(OutboxItem::lastError).orElse("stopped"));
            }
        } else if (outcome instanceof Outcome.Wait w) {
            outbox.retry(item, Instant.now().plus(policy.backoff()), false, w.why(), false);
        } else if (outcome instanceof Outcome.Retry r) {
            outbox.dead(item, r.ambiguous(), error(r.cause()));
            throw r.cause();
        } else if (outcome instanceof Outcome.Dead d) {
            outbox.dead(item, d.ambiguous(), error(d.cause()));
            throw d.cause();
        }
    }

    /** Files the item in the dead-letter queue as if route outbox-item had failed on it, so replay comes back here. */
    private void fileDeadLetter(OutboxItem item, Exception cause, String endpoint) {
        Exchange exchange = new DefaultExchange(context);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outbox_id", item.id());
        body.put("kind", item.kind());
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(HubHeaders.TENANT, item.tenant());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        exchange.setProperty(Exchange.FAILURE_ROUTE_ID, REPLAY_ROUTE);
        exchange.setProperty(Exchange.FAILURE_ENDPOINT, "greenhouse:" + (endpoint == null ? item.kind() : endpoint));
        exchange.setProperty(HubHeaders.REDELIVERIES, Math.max(0, item.attempts() - 1));
        try {
            producer.send(DeadLetterRoutes.ENDPOINT, exchange);
        } catch (RuntimeException e) {
            LOG.error("Outbox item {} is dead but could not be filed as a dead letter: {}", item.id(),
                    masker.mask(String.valueOf(e.getMessage())));
        }
        LOG.warn("Outbox item {} ({}, tenant {}) went to the dead-letter queue: {}", item.id(), item.kind(),
                item.tenant(), error(cause));
    }

    private Duration backoff(int attempts) {
        return Backoff.delay(policy.backoff(), policy.maxBackoff(), attempts);
    }

    private String error(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = masker.mask(m);
        return m.length() > 2000 ? m.substring(0, 2000) + "..." : m;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
