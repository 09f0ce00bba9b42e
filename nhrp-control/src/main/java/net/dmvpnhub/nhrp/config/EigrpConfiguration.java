package net.dmvpnhub.nhrp.config;

import net.dmvpnhub.nhrp.eigrp.EigrpConfig;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.eigrp.Eigrp;

import java.util.ArrayList;
import java.util.List;

/**
 * What a router's {@code router eigrp} section and its tunnel interface's EIGRP commands mean for
 * {@link net.dmvpnhub.nhrp.eigrp.EigrpRouter}: the tunnel must be covered by a {@code network}
 * statement (EIGRP runs over it), the connected subnets of every interface a {@code network}
 * statement covers are advertised, and the tunnel's {@code bandwidth}, {@code delay}, {@code ip
 * mtu}, timers, summaries, split horizon and next-hop-self apply (IOS's defaults where not set).
 */
public final class EigrpConfiguration
{
    /** IOS's {@code ip mtu} of a GRE tunnel over a 1500-byte underlay when none is set. */
    public static final int DEFAULT_TUNNEL_MTU = 1476;

    private EigrpConfiguration()
    {
    }

    /**
     * @return the router's EIGRP on its tunnel, or null when it has no {@code router eigrp}.
     * @throws ConfigException when EIGRP would not run over the tunnel.
     */
    public static EigrpConfig of(final RouterConfig config) throws ConfigException
    {
        final RouterConfig.Eigrp eigrp = config.eigrp();
        if (eigrp == null)
        {
            return null;
        }
        final RouterConfig.Interface tunnel = config.tunnels().stream().findFirst()
            .orElseThrow(() -> new ConfigException(List.of(config.source() + ":" + eigrp.line() + ": router eigrp " +
                eigrp.autonomousSystem() + " on a router without a tunnel interface")));
        if (eigrp.networks().stream().noneMatch(n -> n.covers(tunnel.address())))
        {
            throw new ConfigException(List.of(config.source() + ":" + eigrp.line() + ": no 'network' statement of router eigrp " +
                eigrp.autonomousSystem() + " covers " + tunnel.name() + "'s address " + Ipv4Address.toString(tunnel.address()) +
                ": EIGRP would not run over the tunnel"));
        }
        final List<EigrpConfig.Prefix> connected = new ArrayList<>();
        for (final RouterConfig.Interface i : config.interfaces().values())
        {
            if (i.address() != 0 && !i.shutdown() && eigrp.networks().stream().anyMatch(n -> n.covers(i.address())))
            {
                connected.add(new EigrpConfig.Prefix(i.address(), i.prefixLength()));
            }
        }
        final RouterConfig.EigrpInterface t = tunnel.eigrp();
        final List<EigrpConfig.Prefix> summaries = t.summaries().stream().map(s -> new EigrpConfig.Prefix(s[0], s[1])).toList();
        return new EigrpConfig(eigrp.autonomousSystem(), tunnel.address(),
            t.helloIntervalS() == 0 ? Eigrp.DEFAULT_HELLO_S : t.helloIntervalS(),
            t.holdTimeS() == 0 ? Eigrp.DEFAULT_HOLD_S : t.holdTimeS(),
            eigrp.stubFlags(), connected, summaries, t.splitHorizon(), t.nextHopSelf(),
            tunnel.bandwidthKbps() == 0 ? EigrpConfig.DEFAULT_TUNNEL_BANDWIDTH_KBPS : tunnel.bandwidthKbps(),
            tunnel.delayMicros() == 0 ? EigrpConfig.DEFAULT_TUNNEL_DELAY_MICROS : tunnel.delayMicros(),
            tunnel.ipMtu() == 0 ? DEFAULT_TUNNEL_MTU : tunnel.ipMtu());
    }
}
