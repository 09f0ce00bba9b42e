package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.nhrp.Nhrp;

/**
 * What every simulated spoke of a network is configured with, as IOS sets it on a spoke's
 * {@code interface TunnelN}, plus the simulation's own timing. Build one with {@link #builder}.
 *
 * @param phase the DMVPN phase: how the spoke routes and whether it resolves.
 * @param hubNbma the hub's NBMA address ({@code ip nhrp nhs ... nbma}, or Phase 1's
 * {@code tunnel destination}).
 * @param hubTunnel the hub's tunnel address ({@code ip nhrp nhs}).
 * @param tunnelPrefixLength the tunnel subnet's prefix length ({@code ip address ... mask}).
 * @param tunnelKey {@code tunnel key}, or -1 for none.
 * @param register whether the spoke registers with the NHS (always in Phases 2 and 3; a Phase 1
 * spoke the hub knows by a static map need not).
 * @param unique the U flag in registrations ({@code ip nhrp registration no-unique} clears it, for
 * spokes whose NBMA address may change).
 * @param holdingTimeS {@code ip nhrp holdtime}: asked for in registrations, given in the
 * resolution replies the spoke answers; registrations are refreshed at a third of it.
 * @param authentication {@code ip nhrp authentication}, or null.
 * @param mtu the MTU put in CIEs.
 * @param summaryPrefix the route the hub gives the spokes (Phase 3's summary, or a default
 * route with length 0), next hop the hub.
 * @param summaryLength its prefix length.
 * @param startJitterNs a spoke starts within this long of being told to, uniformly (seeded).
 * @param registrationTimeoutNs how long a Registration Request waits for its reply.
 * @param retryBaseNs first retry delay after a timeout or NAK; doubles per failure.
 * @param retryMaxNs the back-off's cap ({@code ip nhrp registration timeout} style).
 * @param ikeTimeoutNs how long an IKE exchange with the hub may take before a retry.
 * @param resolutionTimeoutNs how long a Resolution Request waits; meanwhile no other is sent for
 * the same target.
 * @param shortcutRefreshLeadNs a used shortcut is renewed this long before it expires (at most
 * half its holding time); an idle one expires.
 * @param timerExpiryLimit timers fired per duty cycle at most, so a storm of start-ups spreads over
 * duty cycles instead of one long one.
 */
public record SpokeConfig(
    Phase phase,
    int hubNbma,
    int hubTunnel,
    int tunnelPrefixLength,
    long tunnelKey,
    boolean register,
    boolean unique,
    int holdingTimeS,
    byte[] authentication,
    int mtu,
    int summaryPrefix,
    int summaryLength,
    long startJitterNs,
    long registrationTimeoutNs,
    long retryBaseNs,
    long retryMaxNs,
    long ikeTimeoutNs,
    long resolutionTimeoutNs,
    long shortcutRefreshLeadNs,
    int timerExpiryLimit)
{
    /** The DMVPN design phase. */
    public enum Phase
    {
        /** Hub and spoke only: point-to-point GRE to the hub, no resolution. */
        PHASE_1,
        /** Spokes learn each other's LANs with the next hop kept and resolve that next hop at the hub. */
        PHASE_2,
        /** The hub summarises and redirects; spokes resolve on a Traffic Indication and install H routes. */
        PHASE_3
    }

    public SpokeConfig
    {
        if (tunnelPrefixLength < 1 || tunnelPrefixLength > 30)
        {
            throw new IllegalArgumentException("tunnel prefix length " + tunnelPrefixLength + " outside 1..30");
        }
        if (summaryLength < 0 || summaryLength > 32)
        {
            throw new IllegalArgumentException("summary length " + summaryLength + " outside 0..32");
        }
        if (holdingTimeS < 3 || holdingTimeS > 65535)
        {
            throw new IllegalArgumentException("holding time " + holdingTimeS + " s outside 3..65535");
        }
        if (authentication != null && (authentication.length == 0 || authentication.length > Nhrp.AUTHENTICATION_MAX_PASSWORD_LENGTH))
        {
            throw new IllegalArgumentException("NHRP authentication must be 1 to 8 bytes");
        }
        if (startJitterNs < 0 || registrationTimeoutNs <= 0 || retryBaseNs <= 0 || retryMaxNs < retryBaseNs || ikeTimeoutNs <= 0 ||
            resolutionTimeoutNs <= 0 || shortcutRefreshLeadNs < 0 || timerExpiryLimit < 1)
        {
            throw new IllegalArgumentException("negative or zero timing, or a back-off cap below its base");
        }
        if (phase != Phase.PHASE_1 && !register)
        {
            throw new IllegalArgumentException(phase + " spokes must register: the hub learns them only that way");
        }
    }

    /**
     * @return a builder with the defaults: Phase 3, hub 198.18.0.1 / 10.0.0.1 on a /16, tunnel key
     * 999, unique registrations of 7200 s, MTU 1400, summary 10.128.0.0/9, no start jitter, 1 s
     * timeouts with back-off to 64 s.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /** Collects a {@link SpokeConfig}; every setter returns the builder. */
    public static final class Builder
    {
        private static final long SECOND_NS = 1_000_000_000L;

        private Phase phase = Phase.PHASE_3;
        private int hubNbma = Ipv4Address.parse("198.18.0.1");
        private int hubTunnel = Ipv4Address.parse("10.0.0.1");
        private int tunnelPrefixLength = 16;
        private long tunnelKey = 999;
        private boolean register = true;
        private boolean unique = true;
        private int holdingTimeS = Nhrp.DEFAULT_HOLDING_TIME_S;
        private byte[] authentication;
        private int mtu = 1400;
        private int summaryPrefix = AddressPlan.DEFAULT_FIRST_LAN;
        private int summaryLength = 9;
        private long startJitterNs;
        private long registrationTimeoutNs = SECOND_NS;
        private long retryBaseNs = SECOND_NS;
        private long retryMaxNs = 64 * SECOND_NS;
        private long ikeTimeoutNs = 2 * SECOND_NS;
        private long resolutionTimeoutNs = SECOND_NS;
        private long shortcutRefreshLeadNs = 120 * SECOND_NS;
        private int timerExpiryLimit = 1024;

        private Builder()
        {
        }

        /** Sets the phase, and registration to its default for it (off in Phase 1: call {@link #register} after to change). */
        public Builder phase(final Phase phase)
        {
            this.phase = phase;
            this.register = phase != Phase.PHASE_1;
            return this;
        }

        public Builder hub(final int hubNbma, final int hubTunnel, final int tunnelPrefixLength)
        {
            this.hubNbma = hubNbma;
            this.hubTunnel = hubTunnel;
            this.tunnelPrefixLength = tunnelPrefixLength;
            return this;
        }

        public Builder tunnelKey(final long key)
        {
            this.tunnelKey = key;
            return this;
        }

        public Builder register(final boolean register)
        {
            this.register = register;
            return this;
        }

        public Builder unique(final boolean unique)
        {
            this.unique = unique;
            return this;
        }

        public Builder holdingTimeS(final int seconds)
        {
            this.holdingTimeS = seconds;
            return this;
        }

        public Builder authentication(final byte[] password)
        {
            this.authentication = password;
            return this;
        }

        public Builder mtu(final int mtu)
        {
            this.mtu = mtu;
            return this;
        }

        public Builder summary(final int prefix, final int length)
        {
            this.summaryPrefix = prefix;
            this.summaryLength = length;
            return this;
        }

        public Builder startJitterNs(final long ns)
        {
            this.startJitterNs = ns;
            return this;
        }

        public Builder registrationTimeoutNs(final long ns)
        {
            this.registrationTimeoutNs = ns;
            return this;
        }

        public Builder retryNs(final long baseNs, final long maxNs)
        {
            this.retryBaseNs = baseNs;
            this.retryMaxNs = maxNs;
            return this;
        }

        public Builder ikeTimeoutNs(final long ns)
        {
            this.ikeTimeoutNs = ns;
            return this;
        }

        public Builder resolutionTimeoutNs(final long ns)
        {
            this.resolutionTimeoutNs = ns;
            return this;
        }

        public Builder shortcutRefreshLeadNs(final long ns)
        {
            this.shortcutRefreshLeadNs = ns;
            return this;
        }

        public Builder timerExpiryLimit(final int limit)
        {
            this.timerExpiryLimit = limit;
            return this;
        }

        public SpokeConfig build()
        {
            return new SpokeConfig(phase, hubNbma, hubTunnel, tunnelPrefixLength, tunnelKey, register, unique, holdingTimeS,
                authentication, mtu, summaryPrefix, summaryLength, startJitterNs, registrationTimeoutNs, retryBaseNs, retryMaxNs,
                ikeTimeoutNs, resolutionTimeoutNs, shortcutRefreshLeadNs, timerExpiryLimit);
        }
    }
}
