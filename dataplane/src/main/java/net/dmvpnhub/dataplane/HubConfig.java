package net.dmvpnhub.dataplane;

/**
 * The hub's tunnel as the dataplane needs it.
 *
 * @param hubNbma the hub's NBMA (underlay) address, source of every frame it sends.
 * @param tunnelKey GRE key of the mGRE tunnel ({@code tunnel key}), or -1 for none.
 * @param requireEsp drop GRE that arrives without ESP ({@code tunnel protection ipsec}).
 * @param redirect signal hairpinned packets for a Traffic Indication ({@code ip nhrp redirect}).
 * @param redirectIntervalNs per (source, next hop) pair, at most one redirect signal per interval.
 * @param resolutionIntervalNs per next hop, at most one resolution request per interval.
 * @param backPressure a worker takes frames only when its output rings (transmit, handoff) have
 * room for a whole batch, so a slow consumer slows the producer instead of losing frames; when
 * false, a full output ring is a named drop.
 * @param hubTunnel the hub's tunnel (overlay) address, source of the ICMP errors it sends; 0: the
 * hub sends none (a frame whose TTL expires is only counted).
 * @param icmpErrorBurst ICMP errors the hub may send back to back ({@link IcmpRateLimiter}).
 * @param icmpErrorIntervalNs one more ICMP error allowed per interval ({@code ip icmp rate-limit
 * unreachable}, whose IOS default is 500 ms); 0: no limit.
 * @param injectWeight the most frames a worker takes from the control plane's injection ring in
 * one duty cycle while frames to forward wait, received or handed over by another worker (1 to
 * {@link HubWorker#BATCH}); with none waiting it takes a whole batch. A weighted round robin between the control plane's
 * packets and forwarding: {@link HubWorker#BATCH} weighs them alike; the default,
 * {@link #DEFAULT_INJECT_WEIGHT}, holds the control plane's share of a busy worker down during a
 * registration storm at the cost of the storm's length (the NHS paces itself by the room left,
 * {@link Dataplane#injectRoom}).
 * @param redirectPairs (source, next hop) pairs each worker's redirect limiter keeps apart, a power
 * of two of at least 4: sized for the pairs that hairpin within one interval (about a quarter of
 * the slots; beyond that, pairs whose set is full are signalled every packet).
 * @param replicationWeight the most multicast copies ({@link Dataplane#injectMulticast}) a worker
 * makes in one duty cycle while frames to forward wait (1 to {@link HubWorker#BATCH}); with none
 * waiting it makes a whole batch. The rest of a replication waits for the next cycles, so a
 * packet to every one of 10,000 spokes never holds unicast back for longer than one bounded step.
 */
public record HubConfig(
    int hubNbma,
    long tunnelKey,
    boolean requireEsp,
    boolean redirect,
    long redirectIntervalNs,
    long resolutionIntervalNs,
    boolean backPressure,
    int hubTunnel,
    int icmpErrorBurst,
    long icmpErrorIntervalNs,
    int injectWeight,
    int redirectPairs,
    int replicationWeight)
{
    /** The redirect limiter's pairs by default: 16,384 (256 KiB off-heap per worker), for about 4,096 hairpinning pairs per interval. */
    public static final int DEFAULT_REDIRECT_PAIRS = 1 << 14;

    /** At most one redirect signal per (source, next hop) pair per interval. */
    public static final long DEFAULT_REDIRECT_INTERVAL_NS = 1_000_000_000L;
    /** At most one resolution request per next hop per interval. */
    public static final long DEFAULT_RESOLUTION_INTERVAL_NS = 100_000_000L;
    /** IOS's default {@code ip icmp rate-limit unreachable} interval. */
    public static final long DEFAULT_ICMP_ERROR_INTERVAL_NS = 500_000_000L;
    /**
     * Errors allowed back to back: IOS's bucket holds one, but IOS does not limit Time Exceeded that
     * way; ten let a traceroute's three probes per hop through while a flood is still held to one
     * error per interval.
     */
    public static final int DEFAULT_ICMP_ERROR_BURST = 10;
    /**
     * Control-plane packets a worker sends per duty cycle while frames to forward wait, against
     * the up to 64 it receives. Each answer brings the next request on the receive ring, so a
     * storm takes about twice the weight's share of a busy worker: a low weight keeps forwarding
     * close to steady state during a registration storm and makes the storm last longer; a batch
     * (weighed alike) ends the storm soonest and halves forwarding meanwhile. {@code ./dmvpn storm}
     * measures both sides at any weight ({@code --inject-weight}). With nothing to forward waiting
     * the weight does not apply, so an idle hub's storm is not slowed.
     */
    public static final int DEFAULT_INJECT_WEIGHT = 3;
    /**
     * Multicast copies a worker makes per duty cycle while frames to forward wait, against the up
     * to 64 it receives: a copy costs about what a forwarded frame does (a slot, a copy of the
     * packet, GRE, ESP), so a replication in progress takes at most about a fifth of a busy
     * worker, and one hello to 10,000 spokes spreads over about 600 cycles.
     */
    public static final int DEFAULT_REPLICATION_WEIGHT = 16;

    public HubConfig
    {
        if (redirectIntervalNs < 0 || resolutionIntervalNs < 0 || icmpErrorIntervalNs < 0)
        {
            throw new IllegalArgumentException("rate-limit intervals cannot be negative");
        }
        if (icmpErrorBurst < 0)
        {
            throw new IllegalArgumentException("ICMP error burst cannot be negative");
        }
        if (injectWeight < 1 || injectWeight > HubWorker.BATCH)
        {
            throw new IllegalArgumentException("inject weight must be 1 to " + HubWorker.BATCH + ", not " + injectWeight);
        }
        if (replicationWeight < 1 || replicationWeight > HubWorker.BATCH)
        {
            throw new IllegalArgumentException("replication weight must be 1 to " + HubWorker.BATCH + ", not " + replicationWeight);
        }
        if (Integer.bitCount(redirectPairs) != 1 || redirectPairs < PairRateLimiter.WAYS)
        {
            throw new IllegalArgumentException("redirect pairs must be a power of two of at least " + PairRateLimiter.WAYS + ", not " +
                redirectPairs);
        }
    }

    /**
     * A hub's tunnel from its NBMA address and the defaults: no GRE key, {@code tunnel protection}
     * (ESP required), no redirect, redirect signals at most once a second per pair and resolution
     * requests once per 100 ms per next hop, back-pressure on, no tunnel address (no ICMP errors),
     * the default ICMP rate limit and injection weight. Change what differs with the builder's setters.
     */
    public static Builder builder(final int hubNbma)
    {
        return new Builder(hubNbma);
    }

    /** Builds a {@link HubConfig} from named settings; every one not set keeps its default ({@link #builder}). */
    public static final class Builder
    {
        private final int hubNbma;
        private long tunnelKey = -1;
        private boolean requireEsp = true;
        private boolean redirect;
        private long redirectIntervalNs = DEFAULT_REDIRECT_INTERVAL_NS;
        private long resolutionIntervalNs = DEFAULT_RESOLUTION_INTERVAL_NS;
        private boolean backPressure = true;
        private int hubTunnel;
        private int icmpErrorBurst = DEFAULT_ICMP_ERROR_BURST;
        private long icmpErrorIntervalNs = DEFAULT_ICMP_ERROR_INTERVAL_NS;
        private int injectWeight = DEFAULT_INJECT_WEIGHT;
        private int redirectPairs = DEFAULT_REDIRECT_PAIRS;
        private int replicationWeight = DEFAULT_REPLICATION_WEIGHT;

        private Builder(final int hubNbma)
        {
            this.hubNbma = hubNbma;
        }

        /** {@code tunnel key}; -1: none. */
        public Builder tunnelKey(final long key)
        {
            this.tunnelKey = key;
            return this;
        }

        /** {@code tunnel protection ipsec}: GRE without ESP is dropped. */
        public Builder requireEsp(final boolean require)
        {
            this.requireEsp = require;
            return this;
        }

        /** {@code ip nhrp redirect}: hairpinned packets signal a Traffic Indication. */
        public Builder redirect(final boolean on)
        {
            this.redirect = on;
            return this;
        }

        public Builder redirectIntervalNs(final long intervalNs)
        {
            this.redirectIntervalNs = intervalNs;
            return this;
        }

        public Builder resolutionIntervalNs(final long intervalNs)
        {
            this.resolutionIntervalNs = intervalNs;
            return this;
        }

        public Builder backPressure(final boolean on)
        {
            this.backPressure = on;
            return this;
        }

        /** The hub's own tunnel address, source of the ICMP it sends; 0: none. */
        public Builder hubTunnel(final int address)
        {
            this.hubTunnel = address;
            return this;
        }

        public Builder icmpErrorRateLimit(final int burst, final long intervalNs)
        {
            this.icmpErrorBurst = burst;
            this.icmpErrorIntervalNs = intervalNs;
            return this;
        }

        public Builder injectWeight(final int weight)
        {
            this.injectWeight = weight;
            return this;
        }

        /** The redirect limiter's size in (source, next hop) pairs per worker (see the record's description). */
        public Builder redirectPairs(final int pairs)
        {
            this.redirectPairs = pairs;
            return this;
        }

        /** Multicast copies per duty cycle while frames to forward wait (see the record's description). */
        public Builder replicationWeight(final int weight)
        {
            this.replicationWeight = weight;
            return this;
        }

        public HubConfig build()
        {
            return new HubConfig(hubNbma, tunnelKey, requireEsp, redirect, redirectIntervalNs, resolutionIntervalNs, backPressure,
                hubTunnel, icmpErrorBurst, icmpErrorIntervalNs, injectWeight, redirectPairs, replicationWeight);
        }
    }

    /** @return this configuration with another injection weight (see the class description). */
    public HubConfig withInjectWeight(final int weight)
    {
        return new HubConfig(hubNbma, tunnelKey, requireEsp, redirect, redirectIntervalNs, resolutionIntervalNs, backPressure, hubTunnel,
            icmpErrorBurst, icmpErrorIntervalNs, weight, redirectPairs, replicationWeight);
    }
}
