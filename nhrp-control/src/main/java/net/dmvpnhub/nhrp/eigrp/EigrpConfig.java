package net.dmvpnhub.nhrp.eigrp;

import net.dmvpnhub.wire.eigrp.Eigrp;

import java.util.List;

/**
 * One router's EIGRP on its tunnel interface, as DMVPN configures it: {@code router eigrp AS}
 * with its {@code network} statements (here already resolved to the connected prefixes they
 * cover), {@code eigrp stub} on spokes, and on the tunnel interface {@code ip hello-interval
 * eigrp}, {@code ip hold-time eigrp}, {@code ip summary-address eigrp} (a Phase 3 hub),
 * {@code no ip split-horizon eigrp} and {@code no ip next-hop-self eigrp} (a Phase 2 hub),
 * {@code bandwidth} and {@code delay}.
 *
 * @param autonomousSystem 1 to 65535.
 * @param routerAddress this router's tunnel address, the source of its packets.
 * @param helloIntervalS seconds between hellos (IOS default 5).
 * @param holdTimeS what this router asks its neighbours to hold it for (IOS default 15).
 * @param stubFlags {@code eigrp stub}'s flags ({@link Eigrp#STUB_CONNECTED}, ...), 0: not a stub.
 * @param connected the connected prefixes the {@code network} statements cover: advertised as internal routes.
 * @param summaries {@code ip summary-address eigrp} on the tunnel: advertised instead of the routes they cover.
 * @param splitHorizon routes learned on the tunnel are not advertised back out of it (IOS's default;
 * a Phase 2 hub turns it off so spokes learn each other's LANs).
 * @param nextHopSelf routes advertised with this router as next hop (IOS's default; a Phase 2 hub
 * turns it off so a spoke's LAN keeps that spoke as next hop and traffic can go spoke to spoke).
 * @param bandwidthKbps the tunnel's {@code bandwidth}.
 * @param delayMicros the tunnel's {@code delay}, in microseconds (IOS configures tens of microseconds).
 * @param mtu the tunnel's {@code ip mtu}, advertised with each route.
 */
public record EigrpConfig(
    int autonomousSystem,
    int routerAddress,
    int helloIntervalS,
    int holdTimeS,
    int stubFlags,
    List<Prefix> connected,
    List<Prefix> summaries,
    boolean splitHorizon,
    boolean nextHopSelf,
    long bandwidthKbps,
    long delayMicros,
    int mtu)
{
    /** IOS's tunnel interface defaults: 100 kbit/s and 50,000 us. */
    public static final long DEFAULT_TUNNEL_BANDWIDTH_KBPS = 100;
    public static final long DEFAULT_TUNNEL_DELAY_MICROS = 50_000;

    /** An IPv4 prefix, its bits beyond the length zero. */
    public record Prefix(int prefix, int length)
    {
        public Prefix
        {
            if (length < 0 || length > 32)
            {
                throw new IllegalArgumentException("prefix length must be 0 to 32, not " + length);
            }
            prefix = length == 0 ? 0 : prefix & -1 << 32 - length;
        }

        /** @return true when {@code other} lies within this prefix (or is it). */
        public boolean covers(final Prefix other)
        {
            return other.length >= length && (length == 0 || (other.prefix & -1 << 32 - length) == prefix);
        }

        @Override
        public String toString()
        {
            return net.dmvpnhub.wire.Ipv4Address.toString(prefix) + "/" + length;
        }
    }

    public EigrpConfig
    {
        if (autonomousSystem < 1 || autonomousSystem > 65535)
        {
            throw new IllegalArgumentException("EIGRP autonomous system must be 1 to 65535, not " + autonomousSystem);
        }
        if (helloIntervalS < 1 || helloIntervalS > 65535 || holdTimeS < 1 || holdTimeS > 65535)
        {
            throw new IllegalArgumentException("hello interval and hold time must be 1 to 65535 s, not " + helloIntervalS + " and " + holdTimeS);
        }
        if (bandwidthKbps < 1 || delayMicros < 0 || mtu < 68 || mtu > 0xFF_FFFF)
        {
            throw new IllegalArgumentException("bandwidth, delay or MTU out of range: " + bandwidthKbps + " kbit/s, " + delayMicros +
                " us, " + mtu + " bytes");
        }
        connected = List.copyOf(connected);
        summaries = List.copyOf(summaries);
    }

    /**
     * A router with IOS's defaults: hello 5 s, hold 15 s, split horizon and next-hop-self on,
     * the tunnel's default bandwidth and delay, MTU 1400; not a stub, no summary.
     */
    public static EigrpConfig defaults(final int autonomousSystem, final int routerAddress, final List<Prefix> connected)
    {
        return new EigrpConfig(autonomousSystem, routerAddress, Eigrp.DEFAULT_HELLO_S, Eigrp.DEFAULT_HOLD_S, 0, connected, List.of(),
            true, true, DEFAULT_TUNNEL_BANDWIDTH_KBPS, DEFAULT_TUNNEL_DELAY_MICROS, 1400);
    }

    public EigrpConfig withStub(final int flags)
    {
        return new EigrpConfig(autonomousSystem, routerAddress, helloIntervalS, holdTimeS, flags, connected, summaries, splitHorizon,
            nextHopSelf, bandwidthKbps, delayMicros, mtu);
    }

    public EigrpConfig withSummaries(final List<Prefix> prefixes)
    {
        return new EigrpConfig(autonomousSystem, routerAddress, helloIntervalS, holdTimeS, stubFlags, connected, prefixes, splitHorizon,
            nextHopSelf, bandwidthKbps, delayMicros, mtu);
    }

    /** {@code no ip split-horizon eigrp} and {@code no ip next-hop-self eigrp} (false, false): a Phase 2 hub. */
    public EigrpConfig withSplitHorizonAndNextHopSelf(final boolean splitHorizonOn, final boolean nextHopSelfOn)
    {
        return new EigrpConfig(autonomousSystem, routerAddress, helloIntervalS, holdTimeS, stubFlags, connected, summaries, splitHorizonOn,
            nextHopSelfOn, bandwidthKbps, delayMicros, mtu);
    }

    public EigrpConfig withTimers(final int helloS, final int holdS)
    {
        return new EigrpConfig(autonomousSystem, routerAddress, helloS, holdS, stubFlags, connected, summaries, splitHorizon, nextHopSelf,
            bandwidthKbps, delayMicros, mtu);
    }

    public EigrpConfig withInterface(final long bandwidth, final long delay, final int ipMtu)
    {
        return new EigrpConfig(autonomousSystem, routerAddress, helloIntervalS, holdTimeS, stubFlags, connected, summaries, splitHorizon,
            nextHopSelf, bandwidth, delay, ipMtu);
    }

    public boolean isStub()
    {
        return stubFlags != 0;
    }
}
