package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.nhrp.show.HubShow;
import net.dmvpnhub.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One simulated spoke's show commands, in IOS's layout and as JSON: {@code show ip route} (the
 * connected LAN and tunnel subnet, the route the hub gives, and NHRP shortcut routes, code H,
 * distance 250) and {@code show ip nhrp} (its bindings). Read on the spokes' thread or when it is
 * stopped.
 */
public final class SpokeShow
{
    private static final long SECOND = 1_000_000_000L;
    private final Spokes spokes;
    private final String interfaceName;
    private final long nowNs;

    /**
     * @param nowNs the spokes' clock now, for expiries.
     */
    public SpokeShow(final Spokes spokes, final String interfaceName, final long nowNs)
    {
        this.spokes = spokes;
        this.interfaceName = interfaceName;
        this.nowNs = nowNs;
    }

    private static String address(final int address)
    {
        return Ipv4Address.toString(address);
    }

    /** {@code show crypto ipsec sa} on spoke {@code s}: its SAs with the hub and with the spokes it has direct tunnels with. */
    public String cryptoIpsecSa(final int s)
    {
        return HubShow.cryptoIpsecSa(interfaceName, cryptoPeers(s));
    }

    public Map<String, Object> cryptoIpsecSaJson(final int s)
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", interfaceName);
        json.put("peers", cryptoPeers(s));
        return json;
    }

    private List<Map<String, Object>> cryptoPeers(final int s)
    {
        final List<Map<String, Object>> peers = new ArrayList<>();
        spokes.ipsecPeers(s).forEach((peer, sas) -> peers.add(HubShow.cryptoPeer(peer, sas)));
        return peers;
    }

    /** {@code show ip route} on spoke {@code s}. */
    public String ipRoute(final int s)
    {
        final StringBuilder out = new StringBuilder();
        out.append("Codes: L - local, C - connected, S - static, B - BGP, D - EIGRP, O - OSPF, H - NHRP\n\n");
        for (final Map<String, Object> r : routes(s))
        {
            out.append(String.format(Locale.ROOT, "%-5s %s", r.get("code"), r.get("prefix")));
            if (r.get("nextHop") == null)
            {
                out.append(" is directly connected, ").append(r.get("interface"));
            }
            else
            {
                out.append(" [").append(r.get("distance")).append("/").append(r.get("metric")).append("] via ").append(r.get("nextHop"))
                    .append(r.get("expiresInSeconds") == null ? "" : ", " + HubShow.duration((long)r.get("expiresInSeconds") * SECOND))
                    .append(", ").append(interfaceName);
            }
            out.append('\n');
        }
        return out.toString();
    }

    public Map<String, Object> ipRouteJson(final int s)
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("spoke", address(spokes.tunnel(s)));
        json.put("routes", routes(s));
        return json;
    }

    private List<Map<String, Object>> routes(final int s)
    {
        final SpokeConfig config = spokes.config();
        final List<Map<String, Object>> routes = new ArrayList<>();
        if (config.phase() != SpokeConfig.Phase.PHASE_1 && spokes.summaryByRoutingProtocol())
        {
            // Learned from EIGRP, while it is.
            if (spokes.hasSummary(s))
            {
                routes.add(route(config.summaryLength() == 0 ? "D*" : "D", config.summaryPrefix(), config.summaryLength(),
                    address(config.hubTunnel()), 90, spokes.summaryMetric(s), null, interfaceName));
            }
        }
        else if (config.phase() != SpokeConfig.Phase.PHASE_1)
        {
            routes.add(route(config.summaryLength() == 0 ? "S*" : "S", config.summaryPrefix(), config.summaryLength(),
                address(config.hubTunnel()), 1, 0, null, interfaceName));
        }
        final int tunnelLength = config.tunnelPrefixLength();
        routes.add(route("C", spokes.tunnel(s) & mask(tunnelLength), tunnelLength, null, 0, 0, null, interfaceName));
        routes.add(route("C", spokes.lan(s), spokes.plan().lanPrefixLength(), null, 0, 0, null, "LAN"));
        for (final SpokeCacheEntry e : spokes.cache(s))
        {
            if (e.kind() == SpokeCacheEntry.Kind.ROUTE)
            {
                routes.add(route("H", e.prefix(), e.length(), address(e.nextHop()), 250, 1, Math.max(0, (e.expiresNs() - nowNs) / SECOND),
                    interfaceName));
            }
        }
        routes.sort((a, b) -> Long.compare(Integer.toUnsignedLong((int)a.get("network")), Integer.toUnsignedLong((int)b.get("network"))));
        routes.forEach(r -> r.remove("network"));
        return routes;
    }

    private static Map<String, Object> route(
        final String code, final int prefix, final int length, final String nextHop, final int distance, final long metric,
        final Long expiresInSeconds, final String interfaceName)
    {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put("code", code);
        r.put("network", prefix);
        r.put("prefix", address(prefix) + "/" + length);
        r.put("nextHop", nextHop);
        r.put("distance", distance);
        r.put("metric", metric);
        r.put("expiresInSeconds", expiresInSeconds);
        r.put("interface", interfaceName);
        return r;
    }

    private static int mask(final int length)
    {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** {@code show ip nhrp} on spoke {@code s}: its bindings. */
    public String ipNhrp(final int s)
    {
        final StringBuilder out = new StringBuilder();
        for (final SpokeCacheEntry e : spokes.cache(s))
        {
            if (e.kind() == SpokeCacheEntry.Kind.ROUTE)
            {
                continue;
            }
            out.append(address(e.prefix())).append('/').append(e.length()).append(" via ").append(address(e.nextHop())).append('\n');
            if (e.kind() == SpokeCacheEntry.Kind.PENDING)
            {
                out.append("   ").append(interfaceName).append(", expire ").append(HubShow.duration(e.expiresNs() - nowNs)).append('\n');
                out.append("   Type: incomplete, Flags: negative\n");
                out.append("   Cache hits: 0\n");
                continue;
            }
            out.append("   ").append(interfaceName).append(", expire ").append(HubShow.duration(e.expiresNs() - nowNs)).append('\n');
            out.append("   Type: dynamic, Flags: router").append(e.requester() ? "" : " nhop").append(e.used() ? " used" : "").append('\n');
            out.append("   NBMA address: ").append(address(e.nbma())).append('\n');
        }
        return out.toString();
    }
}
