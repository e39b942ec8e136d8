package dev.trellis.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How a sandbox is started: network, seed, organisation sizes, limits, churn, webhooks.
 * Build with {@link #builder()}; every setting has a default (a 1,000-candidate organisation on a free port).
 */
public final class SandboxSettings {
    /** Greenhouse's documented retry waits between the 7 webhook attempts (docs/greenhouse.md#webhook-retries). */
    public static final List<Duration> GREENHOUSE_WEBHOOK_RETRY_DELAYS = List.of(
            Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofMinutes(60),
            Duration.ofMinutes(120), Duration.ofMinutes(240), Duration.ofMinutes(480));

    private final String host;
    private final int port;
    private final long seed;
    private final int orgs;
    private final Map<Resource, Long> sizes;
    private final int rateLimit;
    private final int tokenRateLimit;
    private final Duration tokenTtl;
    private final Duration partnerTokenTtl;
    private final List<String> partnerRedirectUris;
    private final Duration cursorTtl;
    private final int churnPerMinute;
    private final List<String> webhookUrls;
    private final List<Duration> webhookRetryDelays;
    private final Duration webhookTimeout;
    private final int threads;
    private final long createdIdsAbove;

    private SandboxSettings(Builder b) {
        host = b.host;
        port = b.port;
        seed = b.seed;
        orgs = b.orgs;
        sizes = OrgSizes.withDefaults(b.candidates, b.sizes);
        rateLimit = b.rateLimit;
        tokenRateLimit = b.tokenRateLimit;
        tokenTtl = b.tokenTtl;
        partnerTokenTtl = b.partnerTokenTtl;
        partnerRedirectUris = List.copyOf(b.partnerRedirectUris);
        cursorTtl = b.cursorTtl;
        churnPerMinute = b.churnPerMinute;
        webhookUrls = List.copyOf(b.webhookUrls);
        webhookRetryDelays = List.copyOf(b.webhookRetryDelays);
        webhookTimeout = b.webhookTimeout;
        threads = b.threads;
        createdIdsAbove = b.createdIdsAbove;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    /** 0 means a free port chosen at start. */
    public int port() {
        return port;
    }

    public long seed() {
        return seed;
    }

    /** Organisations served at once; organisation i is generated from seed + i with the same sizes. */
    public int orgs() {
        return orgs;
    }

    /** Number of generated records per resource (before any change). */
    public long size(Resource r) {
        return sizes.get(r);
    }

    public Map<Resource, Long> sizes() {
        return Collections.unmodifiableMap(sizes);
    }

    /** Harvest requests per credential per 30-second window; 0 = no limit (and no rate-limit headers). */
    public int rateLimit() {
        return rateLimit;
    }

    /** Token requests per client id per 60 s by default: many times a client's need, since Greenhouse names no figure. */
    public static final int DEFAULT_TOKEN_RATE_LIMIT = 600;

    /** Token requests per client id per 60-second window; 0 = no limit. */
    public int tokenRateLimit() {
        return tokenRateLimit;
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** Lifetime of partner access tokens (authorization code and refresh); Greenhouse's is one hour. */
    public Duration partnerTokenTtl() {
        return partnerTokenTtl;
    }

    /** A partner app with every scope is registered at start for each of these redirect URIs (ids from the seed). */
    public List<String> partnerRedirectUris() {
        return partnerRedirectUris;
    }

    public Duration cursorTtl() {
        return cursorTtl;
    }

    public int churnPerMinute() {
        return churnPerMinute;
    }

    public List<String> webhookUrls() {
        return webhookUrls;
    }

    /** Waits before attempts 2, 3, ...; the attempt count is this list's size + 1. */
    public List<Duration> webhookRetryDelays() {
        return webhookRetryDelays;
    }

    public Duration webhookTimeout() {
        return webhookTimeout;
    }

    public int threads() {
        return threads;
    }

    /** Records created after start (writes, ingestion, churn) get ids above this (and above the generated ones). */
    public long createdIdsAbove() {
        return createdIdsAbove;
    }

    /** Builder with defaults; sizes not set follow ratios of the candidate count (see {@link OrgSizes}). */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private long seed = 42;
        private int orgs = 1;
        private long candidates = 1_000;
        private final Map<Resource, Long> sizes = new EnumMap<>(Resource.class);
        private int rateLimit = 75;
        /** Greenhouse documents a 60 s token window but no number (docs/greenhouse.md#oauth-token): generous here. */
        private int tokenRateLimit = DEFAULT_TOKEN_RATE_LIMIT;
        private Duration tokenTtl = Duration.ofHours(1);
        private Duration partnerTokenTtl = Duration.ofHours(1);
        private final List<String> partnerRedirectUris = new ArrayList<>();
        private Duration cursorTtl = Duration.ofMinutes(15);
        private int churnPerMinute = 0;
        private final List<String> webhookUrls = new ArrayList<>();
        private List<Duration> webhookRetryDelays = GREENHOUSE_WEBHOOK_RETRY_DELAYS;
        private Duration webhookTimeout = Duration.ofSeconds(10);
        private int threads = 8;
        private long createdIdsAbove = 0;

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Serves {@code n} organisations, each with its own data (seed + i) and credentials; default 1. */
        public Builder orgs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("orgs must be at least 1");
            }
            this.orgs = n;
            return this;
        }

        public Builder candidates(long candidates) {
            if (candidates < 1) {
                throw new IllegalArgumentException("candidates must be at least 1");
            }
            this.candidates = candidates;
            return this;
        }

        /** Overrides the generated count of one resource (candidates included). */
        public Builder size(Resource resource, long count) {
            if (count < 1) {
                throw new IllegalArgumentException(resource.path() + " size must be at least 1");
            }
            if (resource == Resource.CANDIDATES) {
                candidates = count;
            } else {
                sizes.put(resource, count);
            }
            return this;
        }

        public Builder rateLimit(int perThirtySeconds) {
            this.rateLimit = Math.max(0, perThirtySeconds);
            return this;
        }

        public Builder tokenRateLimit(int perMinute) {
            this.tokenRateLimit = Math.max(0, perMinute);
            return this;
        }

        public Builder tokenTtl(Duration ttl) {
            this.tokenTtl = ttl;
            return this;
        }

        /** Partner access token lifetime (default one hour); e.g. one minute to make a hub refresh often. */
        public Builder partnerTokenTtl(Duration ttl) {
            if (ttl.toSeconds() < 1) {
                throw new IllegalArgumentException("partner token ttl must be at least one second");
            }
            this.partnerTokenTtl = ttl;
            return this;
        }

        /** Registers a partner app with every scope and this redirect URI at start (repeatable). */
        public Builder partnerRedirectUri(String uri) {
            partnerRedirectUris.add(PartnerOAuth.checkRedirectUri(uri));
            return this;
        }

        public Builder cursorTtl(Duration ttl) {
            this.cursorTtl = ttl;
            return this;
        }

        public Builder churnPerMinute(int changes) {
            this.churnPerMinute = Math.max(0, changes);
            return this;
        }

        public Builder webhookUrl(String url) {
            webhookUrls.add(url);
            return this;
        }

        public Builder webhookRetryDelays(List<Duration> delays) {
            this.webhookRetryDelays = List.copyOf(delays);
            return this;
        }

        public Builder webhookTimeout(Duration timeout) {
            this.webhookTimeout = timeout;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = Math.max(2, threads);
            return this;
        }

        /**
         * Ids of records created after start begin above {@code floor}: a sandbox started again for the same client
         * database (the demo) must not hand out ids that its previous run did.
         */
        public Builder createdIdsAbove(long floor) {
            this.createdIdsAbove = Math.max(0, floor);
            return this;
        }

        public SandboxSettings build() {
            return new SandboxSettings(this);
        }
    }
}
