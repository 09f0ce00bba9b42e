package net.dmvpnhub.nhrp.config;

import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.nhrp.SaLifetime;

import java.util.List;
import java.util.Map;

/**
 * One router's configuration, as {@link IosConfigParser} read it from the IOS subset the project
 * accepts. Immutable: a configuration is parsed and checked whole before anything is built from
 * it, so a bad line never leaves a router half-configured.
 *
 * @param source where it was read from (file name), for messages.
 */
public record RouterConfig(
    String source,
    String hostname,
    Map<String, Interface> interfaces,
    List<StaticRoute> routes,
    Map<String, TransformSet> transformSets,
    Map<String, IpsecProfile> ipsecProfiles,
    List<IsakmpKey> isakmpKeys,
    List<IsakmpPolicy> isakmpPolicies,
    List<ManualSa> manualSas,
    SaLifetime saLifetime,
    Eigrp eigrp)
{
    /**
     * {@code router eigrp AS} with its {@code network} statements and {@code eigrp stub}.
     *
     * @param stubFlags the Peer Stub TLV's flags {@code eigrp stub} gives (a bare one: connected and
     * summary), 0 without it.
     */
    public record Eigrp(int autonomousSystem, List<EigrpNetwork> networks, int stubFlags, int line)
    {
    }

    /** {@code network A.B.C.D [WILDCARD]}: the interfaces whose address it covers run EIGRP, and their subnets are advertised. */
    public record EigrpNetwork(int address, int wildcard, int line)
    {
        public boolean covers(final int interfaceAddress)
        {
            return (interfaceAddress & ~wildcard) == (address & ~wildcard);
        }
    }

    /**
     * An interface's EIGRP commands for the router's autonomous system.
     *
     * @param helloIntervalS {@code ip hello-interval eigrp AS S}, or 0 for the default.
     * @param holdTimeS {@code ip hold-time eigrp AS S}, or 0 for the default.
     * @param summaries {@code ip summary-address eigrp AS PREFIX MASK}: prefix and length pairs.
     * @param autonomousSystems the AS each of those lines named, with its line, to be checked against {@code router eigrp}.
     */
    public record EigrpInterface(int helloIntervalS, int holdTimeS, List<int[]> summaries, boolean splitHorizon, boolean nextHopSelf,
        Map<Integer, Integer> autonomousSystems)
    {
    }

    /**
     * An interface; the tunnel and NHRP fields are null, zero or empty on other interfaces.
     * {@code bandwidthKbps}, {@code delayMicros} and {@code ipMtu} are 0 where the interface does not
     * set them ({@code bandwidth}, {@code delay} in tens of microseconds, {@code ip mtu}).
     */
    public record Interface(
        String name,
        int line,
        int address,
        int prefixLength,
        String description,
        boolean shutdown,
        Tunnel tunnel,
        Nhrp nhrp,
        long bandwidthKbps,
        long delayMicros,
        int ipMtu,
        EigrpInterface eigrp)
    {
        public boolean isTunnel()
        {
            return tunnel != null;
        }
    }

    /**
     * {@code tunnel ...} commands.
     *
     * @param source an interface name or an address ({@code tunnel source}).
     * @param destination {@code tunnel destination}, or 0 (multipoint).
     * @param key {@code tunnel key}, or -1.
     * @param protectionProfile {@code tunnel protection ipsec profile}, or null.
     */
    public record Tunnel(String source, int destination, boolean multipoint, long key, String protectionProfile)
    {
    }

    /** {@code ip nhrp ...} commands of one tunnel interface. */
    public record Nhrp(
        int networkId,
        List<NhrpMap> maps,
        List<String> multicastMaps,
        List<Nhs> servers,
        boolean redirect,
        boolean shortcut,
        int holdtimeS,
        String authentication,
        boolean noUnique)
    {
    }

    /** {@code ip nhrp map TUNNEL NBMA}. */
    public record NhrpMap(int tunnel, int nbma, int line)
    {
    }

    /** {@code ip nhrp nhs TUNNEL [nbma NBMA]}. */
    public record Nhs(int tunnel, int nbma, int line)
    {
    }

    /** {@code ip route PREFIX MASK NEXTHOP|INTERFACE [DISTANCE]}. */
    public record StaticRoute(int prefix, int prefixLength, int nextHop, String outInterface, int distance, int line)
    {
    }

    /** {@code crypto ipsec transform-set NAME ...} with its {@code mode}. */
    public record TransformSet(String name, Transform transform, boolean transportMode, int line)
    {
    }

    /** {@code crypto ipsec profile NAME} with {@code set transform-set}. */
    public record IpsecProfile(String name, String transformSet, int line)
    {
    }

    /** {@code crypto isakmp key KEY address ADDRESS [MASK]}: accepted; key exchange is simulated. */
    public record IsakmpKey(String key, int address, int prefixLength)
    {
    }

    /** {@code crypto isakmp policy N} and its lines, kept as written: accepted, not used. */
    public record IsakmpPolicy(int priority, List<String> settings)
    {
    }

    /**
     * {@code crypto map NAME SEQ ipsec-manual}: keys given by hand, so independent tools can build
     * traffic the hub accepts and read what it sends.
     *
     * @param inboundKey key material for traffic from the peer (cipher key, then salt or HMAC key).
     */
    public record ManualSa(
        String map, int sequence, int peer, String transformSet, int inboundSpi, byte[] inboundKey, int outboundSpi, byte[] outboundKey,
        int line)
    {
    }

    /**
     * @return the router's tunnel interfaces.
     */
    public List<Interface> tunnels()
    {
        return interfaces.values().stream().filter(Interface::isTunnel).toList();
    }
}
