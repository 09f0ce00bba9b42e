package net.dmvpnhub.nhrp.show;

import net.dmvpnhub.nhrp.eigrp.EigrpRouter;
import net.dmvpnhub.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The EIGRP show commands of any router running an {@link EigrpRouter} (the hub, a simulated
 * spoke), in IOS 15's layout and as JSON: {@code show ip eigrp neighbors}, {@code show ip eigrp
 * topology} (its summary form: the best route per prefix) and {@code show ip route eigrp}.
 */
public final class EigrpShow
{
    private EigrpShow()
    {
    }

    /** IOS's short interface name: Tunnel0 is Tu0. */
    private static String shortName(final String interfaceName)
    {
        return interfaceName.startsWith("Tunnel") ? "Tu" + interfaceName.substring("Tunnel".length()) : interfaceName;
    }

    public static String neighbors(final EigrpRouter router, final String interfaceName, final long nowNs)
    {
        final StringBuilder out = new StringBuilder();
        out.append("EIGRP-IPv4 Neighbors for AS(").append(router.config().autonomousSystem()).append(")\n");
        out.append("H   Address                 Interface              Hold Uptime   SRTT   RTO  Q  Seq\n");
        out.append("                                                   (sec)         (ms)       Cnt Num\n");
        int h = 0;
        for (final EigrpRouter.NeighborView n : router.neighbors(nowNs))
        {
            out.append(String.format(Locale.ROOT, "%-4d%-24s%-23s%4d %-9s%4d %5d %2d %4d%n", h++, Ipv4Address.toString(n.address()),
                shortName(interfaceName), n.holdRemainingS(), HubShow.duration(n.upForNs()), n.srttMs(), n.rtoMs(), n.queued(), n.sequence()));
        }
        return out.toString();
    }

    public static Map<String, Object> neighborsJson(final EigrpRouter router, final String interfaceName, final long nowNs)
    {
        final List<Object> list = new ArrayList<>();
        int h = 0;
        for (final EigrpRouter.NeighborView n : router.neighbors(nowNs))
        {
            final Map<String, Object> e = new LinkedHashMap<>();
            e.put("handle", h++);
            e.put("address", Ipv4Address.toString(n.address()));
            e.put("interface", interfaceName);
            e.put("holdSeconds", n.holdRemainingS());
            e.put("uptimeSeconds", n.upForNs() / 1_000_000_000L);
            e.put("up", n.up());
            e.put("srttMs", n.srttMs());
            e.put("rtoMs", n.rtoMs());
            e.put("queued", n.queued());
            e.put("sequence", n.sequence());
            e.put("stub", n.stubFlags() != 0);
            list.add(e);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("autonomousSystem", router.config().autonomousSystem());
        json.put("neighbors", list);
        return json;
    }

    public static String topology(final EigrpRouter router, final String interfaceName)
    {
        final StringBuilder out = new StringBuilder();
        out.append("EIGRP-IPv4 Topology Table for AS(").append(router.config().autonomousSystem()).append(")/ID(")
            .append(Ipv4Address.toString(router.config().routerAddress())).append(")\n");
        out.append("Codes: P - Passive, A - Active, U - Update, Q - Query, R - Reply,\n");
        out.append("       r - reply Status, s - sia Status\n\n");
        for (final EigrpRouter.TopologyView v : router.topology())
        {
            out.append("P ").append(v.prefix()).append(", ").append(v.successors()).append(" successors, FD is ")
                .append(v.feasibleDistance()).append('\n');
            if (v.summary())
            {
                out.append("        via Summary (").append(v.feasibleDistance()).append("/0), Null0\n");
            }
            else if (v.connected())
            {
                out.append("        via Connected\n");
            }
            else
            {
                out.append("        via ").append(Ipv4Address.toString(v.viaNeighbor())).append(" (").append(v.feasibleDistance()).append('/')
                    .append(v.reportedDistance()).append("), ").append(interfaceName).append('\n');
            }
        }
        return out.toString();
    }

    public static Map<String, Object> topologyJson(final EigrpRouter router)
    {
        final List<Object> list = new ArrayList<>();
        for (final EigrpRouter.TopologyView v : router.topology())
        {
            final Map<String, Object> e = new LinkedHashMap<>();
            e.put("prefix", v.prefix().toString());
            e.put("feasibleDistance", v.feasibleDistance());
            e.put("origin", v.summary() ? "summary" : v.connected() ? "connected" : "learned");
            e.put("via", v.summary() || v.connected() ? null : Ipv4Address.toString(v.viaNeighbor()));
            e.put("reportedDistance", v.summary() || v.connected() ? null : v.reportedDistance());
            list.add(e);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("autonomousSystem", router.config().autonomousSystem());
        json.put("routerId", Ipv4Address.toString(router.config().routerAddress()));
        json.put("prefixes", list);
        return json;
    }

    /** {@code show ip route eigrp}: the router's D routes, each via its next hop with its metric, and its summaries to Null0. */
    public static String routes(final EigrpRouter router, final String interfaceName)
    {
        final StringBuilder out = new StringBuilder();
        out.append("Codes: D - EIGRP\n\n");
        for (final EigrpRouter.TopologyView v : router.topology())
        {
            if (v.summary())
            {
                out.append("D     ").append(v.prefix()).append(" is a summary, Null0\n");
            }
            else if (!v.connected())
            {
                out.append("D     ").append(v.prefix()).append(" [90/").append(v.feasibleDistance()).append("] via ")
                    .append(Ipv4Address.toString(v.viaNextHop() != 0 ? v.viaNextHop() : v.viaNeighbor())).append(", ").append(interfaceName)
                    .append('\n');
            }
        }
        return out.toString();
    }

    public static Map<String, Object> routesJson(final EigrpRouter router)
    {
        final List<Object> list = new ArrayList<>();
        for (final EigrpRouter.TopologyView v : router.topology())
        {
            if (v.connected())
            {
                continue;
            }
            final Map<String, Object> e = new LinkedHashMap<>();
            e.put("prefix", v.prefix().toString());
            e.put("distance", v.summary() ? 5 : 90);
            e.put("metric", v.feasibleDistance());
            e.put("nextHop", v.summary() ? null : Ipv4Address.toString(v.viaNextHop() != 0 ? v.viaNextHop() : v.viaNeighbor()));
            e.put("summary", v.summary());
            list.add(e);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("routes", list);
        return json;
    }
}
