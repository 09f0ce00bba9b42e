package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.wire.nhrp.Nhrp;

import java.util.List;

/**
 * The hub's NHRP configuration, as IOS sets it on {@code interface TunnelN}.
 *
 * @param hubNbma the hub's NBMA address ({@code tunnel source}).
 * @param hubTunnel the hub's tunnel (protocol) address ({@code ip address}).
 * @param tunnelPrefixLength the tunnel subnet's prefix length.
 * @param networkId {@code ip nhrp network-id} (local only: never sent).
 * @param holdingTimeS {@code ip nhrp holdtime}: what the hub puts in the replies it answers for
 * itself, and the holding time it accepts at most in a registration (a larger one is cut down).
 * @param authentication {@code ip nhrp authentication} (at most 8 bytes), or null for none.
 * @param redirect {@code ip nhrp redirect} (Phase 3): send Traffic Indications for hairpinned
 * traffic, and forward resolution requests to the owning spoke instead of answering for it.
 * @param trafficIndicationIntervalNs at most one Traffic Indication per (source spoke, destination)
 * per interval.
 * @param admissionBound registration and resolution requests waiting in the punt rings beyond
 * which the hub answers NAK code 5 (insufficient resources) instead of processing them.
 * @param mtu the MTU the hub advertises in its CIEs.
 * @param multicastDynamic {@code ip nhrp map multicast dynamic}: every registered spoke is a
 * multicast peer (the NBMA addresses a packet to a multicast group leaves the tunnel towards).
 * @param multicastStatic {@code ip nhrp map multicast NBMA-ADDRESS} lines, in configuration order.
 */
public record NhsConfig(
    int hubNbma,
    int hubTunnel,
    int tunnelPrefixLength,
    int networkId,
    int holdingTimeS,
    byte[] authentication,
    boolean redirect,
    long trafficIndicationIntervalNs,
    int admissionBound,
    int mtu,
    boolean multicastDynamic,
    List<Integer> multicastStatic)
{
    public NhsConfig
    {
        multicastStatic = List.copyOf(multicastStatic);
        if (tunnelPrefixLength < 1 || tunnelPrefixLength > 32)
        {
            throw new IllegalArgumentException("tunnel prefix length " + tunnelPrefixLength + " outside 1..32");
        }
        if (holdingTimeS < 1 || holdingTimeS > 65535)
        {
            throw new IllegalArgumentException("holding time " + holdingTimeS + " s outside 1..65535");
        }
        if (authentication != null && (authentication.length == 0 || authentication.length > Nhrp.AUTHENTICATION_MAX_PASSWORD_LENGTH))
        {
            throw new IllegalArgumentException("NHRP authentication must be 1 to 8 bytes");
        }
        if (trafficIndicationIntervalNs < 0 || admissionBound < 1)
        {
            throw new IllegalArgumentException("negative traffic indication interval or admission bound below 1");
        }
    }

    /**
     * Phase 3 defaults: holding time 7200 s, redirect on, one indication per pair per 10 s, every
     * registered spoke a multicast peer ({@code ip nhrp map multicast dynamic}, as DMVPN hubs carry).
     */
    public static NhsConfig phase3(final int hubNbma, final int hubTunnel, final int tunnelPrefixLength)
    {
        return new NhsConfig(hubNbma, hubTunnel, tunnelPrefixLength, 1, Nhrp.DEFAULT_HOLDING_TIME_S, null, true,
            10_000_000_000L, 768, 1400, true, List.of());
    }

    public NhsConfig withRedirect(final boolean on)
    {
        return new NhsConfig(hubNbma, hubTunnel, tunnelPrefixLength, networkId, holdingTimeS, authentication, on,
            trafficIndicationIntervalNs, admissionBound, mtu, multicastDynamic, multicastStatic);
    }

    public NhsConfig withAuthentication(final byte[] password)
    {
        return new NhsConfig(hubNbma, hubTunnel, tunnelPrefixLength, networkId, holdingTimeS, password, redirect,
            trafficIndicationIntervalNs, admissionBound, mtu, multicastDynamic, multicastStatic);
    }

    public NhsConfig withAdmissionBound(final int bound)
    {
        return new NhsConfig(hubNbma, hubTunnel, tunnelPrefixLength, networkId, holdingTimeS, authentication, redirect,
            trafficIndicationIntervalNs, bound, mtu, multicastDynamic, multicastStatic);
    }

    /** {@code ip nhrp map multicast dynamic} (or not) and the static {@code ip nhrp map multicast} addresses. */
    public NhsConfig withMulticast(final boolean dynamic, final List<Integer> statics)
    {
        return new NhsConfig(hubNbma, hubTunnel, tunnelPrefixLength, networkId, holdingTimeS, authentication, redirect,
            trafficIndicationIntervalNs, admissionBound, mtu, dynamic, statics);
    }
}
