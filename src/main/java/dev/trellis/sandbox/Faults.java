package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Switchable misbehaviour, shared by the HTTP server and tests. Count-based faults ("the next N") are exact, so tests
 * can assert on them; the 5xx share is drawn from a seeded random stream. Faults hit the APIs, never {@code /_sandbox}.
 * Every setter returns this for chaining; {@link #clear()} switches everything off.
 */
public final class Faults {
    private final AtomicInteger storm = new AtomicInteger();
    private volatile int stormRetryAfterSeconds = 30;
    private volatile double serverErrorShare;
    private final AtomicInteger nextServerErrors = new AtomicInteger();
    private volatile long latencyMillis;
    private final AtomicInteger truncations = new AtomicInteger();
    private final AtomicInteger drops = new AtomicInteger();
    private volatile long dropHangMillis;
    private volatile long tokenMaxAgeMillis;
    private final AtomicInteger lostRefreshAnswers = new AtomicInteger();
    private final Random random;

    Faults(long seed) {
        random = new Random(seed);
    }

    /** The next {@code requests} Harvest (/v3) requests answer 429 with {@code Retry-After: retryAfterSeconds}. */
    public Faults rateLimitStorm(int requests, int retryAfterSeconds) {
        stormRetryAfterSeconds = Math.max(0, retryAfterSeconds);
        storm.set(Math.max(0, requests));
        return this;
    }

    /** This share (0..1) of Harvest and Ingestion requests answer 503 before doing anything. */
    public Faults serverErrors(double share) {
        serverErrorShare = Math.max(0, Math.min(1, share));
        return this;
    }

    /** The next {@code requests} Harvest and Ingestion requests answer 503 before doing anything. */
    public Faults failNext(int requests) {
        nextServerErrors.set(Math.max(0, requests));
        return this;
    }

    /** Every API answer (not /_sandbox) is delayed by this much. */
    public Faults latency(Duration delay) {
        latencyMillis = Math.max(0, delay.toMillis());
        return this;
    }

    /**
     * The next {@code responses} successful API answers announce their full Content-Length but send only half the
     * body, then close the connection (the client sees a premature end of stream).
     */
    public Faults truncateBodies(int responses) {
        truncations.set(Math.max(0, responses));
        return this;
    }

    /**
     * The next {@code writes} successful writes (POST/PATCH/DELETE on Harvest, Ingestion or the Job Board) are applied,
     * then the connection is held for {@code hang} (zero: not at all) and closed without an answer: the ambiguous
     * timeout, where the client cannot know the write happened.
     */
    public Faults dropResponsesAfterWrite(int writes, Duration hang) {
        dropHangMillis = Math.max(0, hang.toMillis());
        drops.set(Math.max(0, writes));
        return this;
    }

    /** Tokens older than this are refused with 401 although their {@code expires_at} is later; zero switches off. */
    public Faults tokenMaxAge(Duration age) {
        tokenMaxAgeMillis = Math.max(0, age.toMillis());
        return this;
    }

    /**
     * The next {@code refreshes} successful partner refreshes ({@code grant_type=refresh_token}) rotate the refresh
     * token (the old one is dead) and issue the new tokens, then close the connection without an answer: the refresh
     * answer lost in transit.
     */
    public Faults loseRefreshAnswers(int refreshes) {
        lostRefreshAnswers.set(Math.max(0, refreshes));
        return this;
    }

    /** Switches every fault off. */
    public Faults clear() {
        storm.set(0);
        serverErrorShare = 0;
        nextServerErrors.set(0);
        latencyMillis = 0;
        truncations.set(0);
        drops.set(0);
        dropHangMillis = 0;
        tokenMaxAgeMillis = 0;
        lostRefreshAnswers.set(0);
        return this;
    }

    /** The current switches, as the control API shows them. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("rate_limit_storm", storm.get());
        o.put("rate_limit_storm_retry_after", stormRetryAfterSeconds);
        o.put("server_error_share", serverErrorShare);
        o.put("fail_next", nextServerErrors.get());
        o.put("latency_ms", latencyMillis);
        o.put("truncate_bodies", truncations.get());
        o.put("drop_responses_after_write", drops.get());
        o.put("drop_hang_ms", dropHangMillis);
        o.put("token_max_age_ms", tokenMaxAgeMillis);
        o.put("lose_refresh_answers", lostRefreshAnswers.get());
        return o;
    }

    /** Sets the switches present in a control-API body (same names as {@link #toJson()}). */
    void apply(JsonNode body) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!toJson().has(f)) {
                throw ApiException.of(422, Json.errors("Unknown fault: " + f));
            }
        }
        if (body.has("rate_limit_storm")) {
            rateLimitStorm(body.get("rate_limit_storm").asInt(),
                    body.path("rate_limit_storm_retry_after").asInt(stormRetryAfterSeconds));
        }
        if (body.has("server_error_share")) {
            serverErrors(body.get("server_error_share").asDouble());
        }
        if (body.has("fail_next")) {
            failNext(body.get("fail_next").asInt());
        }
        if (body.has("latency_ms")) {
            latency(Duration.ofMillis(body.get("latency_ms").asLong()));
        }
        if (body.has("truncate_bodies")) {
            truncateBodies(body.get("truncate_bodies").asInt());
        }
        if (body.has("drop_responses_after_write")) {
            dropResponsesAfterWrite(body.get("drop_responses_after_write").asInt(),
                    Duration.ofMillis(body.path("drop_hang_ms").asLong(dropHangMillis)));
        }
        if (body.has("token_max_age_ms")) {
            tokenMaxAge(Duration.ofMillis(body.get("token_max_age_ms").asLong()));
        }
        if (body.has("lose_refresh_answers")) {
            loseRefreshAnswers(body.get("lose_refresh_answers").asInt());
        }
    }

    boolean takeStorm() {
        return takeOne(storm);
    }

    int stormRetryAfterSeconds() {
        return stormRetryAfterSeconds;
    }

    boolean takeServerError() {
        if (takeOne(nextServerErrors)) {
            return true;
        }
        double share = serverErrorShare;
        if (share <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < share;
        }
    }

    long latencyMillis() {
        return latencyMillis;
    }

    boolean takeTruncation() {
        return takeOne(truncations);
    }

    /** The hang before dropping, or -1 when this write is answered normally. */
    long takeDrop() {
        return takeOne(drops) ? dropHangMillis : -1;
    }

    boolean takeLostRefreshAnswer() {
        return takeOne(lostRefreshAnswers);
    }

    long tokenMaxAgeMillis() {
        return tokenMaxAgeMillis;
    }

    private static boolean takeOne(AtomicInteger counter) {
        while (true) {
            int n = counter.get();
            if (n <= 0) {
                return false;
            }
            if (counter.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }
}
