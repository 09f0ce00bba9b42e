package net.dmvpnhub.nhrp.show;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.fib.RoutingTable;
import net.dmvpnhub.nhrp.hub.NhrpBinding;
import net.dmvpnhub.nhrp.hub.Hub;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.nhrp.Nhrp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hub's show commands, laid out as IOS lays them out, each also as JSON (a map for
 * {@link Json}), as FRR offers {@code show dmvpn json}. They read the server's cache copies, the
 * routing table's cold-path views and counter snapshots; call them when the agents are idle or
 * stopped for exact figures.
 */
public final class HubShow
{
    private static final long SECOND = 1_000_000_000L;
    /** The legend {@code show dmvpn} prints first, on a hub or a spoke. */
    public static final String DMVPN_LEGEND = """
        Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete
                N - NATed, L - Local, X - No Socket
                # Ent --> Number of NHRP entries with same NBMA peer
                UpDn Time --> Up or Down Time for a Tunnel
        ==========================================================================

        """;
    private final String interfaceName;
    private final NhrpServer server;
    private final RoutingTable routes;
    private final Dataplane dataplane;

    /** The show commands of a {@link Hub}, on its tunnel interface. */
    public static HubShow of(final Hub hub)
    {
        return new HubShow(hub.spec().interfaceName(), hub.server(), hub.tables().routes(), hub.dataplane());
    }

    public HubShow(final String interfaceName, final NhrpServer server, final RoutingTable routes, final Dataplane dataplane)
    {
        this.interfaceName = interfaceName;
        this.server = server;
        this.routes = routes;
        this.dataplane = dataplane;
    }

    /** IOS's hh:mm:ss below a day, else 1d02h, or "never". */
    public static String duration(final long ns)
    {
        if (ns == Long.MAX_VALUE)
        {
            return "never";
        }
        final long s = Math.max(0, ns / SECOND);
        if (s >= 86_400)
        {
            return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
        }
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60);
    }

    private static String address(final int address)
    {
        return Ipv4Address.toString(address);
    }

    private boolean used(final NhrpBinding b, final long now)
    {
        return b.lastUsedNs() != Long.MIN_VALUE && now - b.lastUsedNs() < 60 * SECOND;
    }

    private List<String> flags(final NhrpBinding b, final long now)
    {
        final List<String> flags = new ArrayList<>();
        if (b.unique())
        {
            flags.add("unique");
        }
        if (!b.isStatic())
        {
            flags.add("registered");
        }
        if (used(b, now))
        {
            flags.add("used");
        }
        if (b.claimedNbma() != b.nbma())
        {
            flags.add("nat");
        }
        return flags;
    }

    /** {@code show ip nhrp [detail]}. */
    public String ipNhrp(final boolean detail)
    {
        final long now = server.nowNs();
        final StringBuilder out = new StringBuilder();
        for (final NhrpBinding b : server.cache())
        {
            out.append(address(b.tunnel())).append('/').append(b.prefixLength()).append(" via ").append(address(b.tunnel())).append('\n');
            out.append("   ").append(interfaceName).append(" created ").append(duration(now - b.createdNs()))
                .append(b.isStatic() ? ", never expire" : ", expire " + duration(b.expiresNs() - now)).append('\n');
            final List<String> flags = flags(b, now);
            out.append("   Type: ").append(b.isStatic() ? "static" : "dynamic").append(", Flags: ")
                .append(flags.isEmpty() ? "" : String.join(" ", flags)).append('\n');
            out.append("   NBMA address: ").append(address(b.nbma())).append('\n');
            if (b.claimedNbma() != b.nbma())
            {
                out.append("       (Claimed NBMA address: ").append(address(b.claimedNbma())).append(")\n");
            }
            if (detail)
            {
                out.append("   Holding time: ").append(b.holdingTimeS()).append(" s, IPsec SA id: ").append(b.saId()).append('\n');
            }
        }
        return out.toString();
    }

    public Map<String, Object> ipNhrpJson()
    {
        final long now = server.nowNs();
        final List<Object> entries = new ArrayList<>();
        for (final NhrpBinding b : server.cache())
        {
            final Map<String, Object> e = new LinkedHashMap<>();
            e.put("interface", interfaceName);
            e.put("protocolAddress", address(b.tunnel()));
            e.put("prefixLength", b.prefixLength());
            e.put("nbmaAddress", address(b.nbma()));
            e.put("claimedNbmaAddress", address(b.claimedNbma()));
            e.put("type", b.isStatic() ? "static" : "dynamic");
            e.put("flags", flags(b, now));
            e.put("createdSeconds", (now - b.createdNs()) / SECOND);
            e.put("expiresInSeconds", b.isStatic() ? null : (b.expiresNs() - now) / SECOND);
            e.put("holdingTimeSeconds", b.holdingTimeS());
            entries.add(e);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("entries", entries);
        return json;
    }

    /** {@code show dmvpn}: one line per peer, as a hub shows its spokes. */
    public String dmvpn()
    {
        return dmvpn(false);
    }

    /**
     * {@code show dmvpn [detail]}: with detail, IOS's longer layout: the tunnel's own addresses,
     * each peer's target network, and the crypto session behind every peer (its IPsec flow, SAs
     * and outbound SPI). Key exchange is simulated, so the IKE line names no version.
     */
    public String dmvpn(final boolean detail)
    {
        if (detail)
        {
            return dmvpnDetail();
        }
        final long now = server.nowNs();
        final List<NhrpBinding> cache = server.cache();
        final StringBuilder out = new StringBuilder();
        out.append(DMVPN_LEGEND);
        out.append("Interface: ").append(interfaceName).append(", IPv4 NHRP Details \n");
        out.append("Type:Hub, NHRP Peers:").append(cache.size()).append(", \n\n");
        out.append(" # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n");
        out.append(" ----- --------------- --------------- ----- -------- -----\n");
        for (final NhrpBinding b : cache)
        {
            out.append(String.format(Locale.ROOT, " %5d %15s %15s %5s %8s %5s%n", 1, address(b.nbma()), address(b.tunnel()),
                b.saId() != 0 ? "UP" : "NHRP", duration(now - b.createdNs()), attributes(b)));
        }
        return out.toString();
    }

    private String dmvpnDetail()
    {
        final long now = server.nowNs();
        final List<NhrpBinding> cache = server.cache();
        final String hubNbma = address(server.config().hubNbma());
        final StringBuilder out = new StringBuilder();
        out.append(DMVPN_LEGEND);
        out.append("Interface ").append(interfaceName).append(" is up/up, Addr. is ").append(address(server.config().hubTunnel()))
            .append(", VRF \"\" \n");
        out.append("   Tunnel Src./Dest. addr: ").append(hubNbma).append("/MGRE, Tunnel VRF \"\"\n");
        out.append("   Protocol/Transport: \"multi-GRE/IP\"\n");
        out.append("Type:Hub, Total NBMA Peers (v4/v6): ").append(cache.size()).append("\n\n");
        out.append("# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network\n");
        out.append("----- --------------- --------------- ----- -------- ----- -----------------\n");
        for (final NhrpBinding b : cache)
        {
            out.append(String.format(Locale.ROOT, "%5d %-15s %15s %5s %8s %5s %18s%n", 1, address(b.nbma()), address(b.tunnel()),
                b.saId() != 0 ? "UP" : "NHRP", duration(now - b.createdNs()), attributes(b),
                address(b.tunnel()) + "/" + b.prefixLength()));
        }
        out.append("\n\nCrypto Session Details: \n");
        out.append("--------------------------------------------------------------------------------\n\n");
        for (final Map<String, Object> peer : cryptoPeers())
        {
            out.append("Interface: ").append(interfaceName).append('\n');
            out.append("Session: [").append(peer.get("sessionId")).append("]\n");
            out.append("  IKE SA: local ").append(hubNbma).append("/500 remote ").append(peer.get("peer")).append("/500 Active \n");
            out.append("  Crypto Session Status: UP-ACTIVE     \n");
            out.append("  fvrf: (none),\tPhase1_id: ").append(peer.get("peer")).append('\n');
            out.append("  IPSEC FLOW: permit 47 host ").append(hubNbma).append(" host ").append(peer.get("peer")).append(" \n");
            out.append("        Active SAs: 2, origin: crypto map\n");
            out.append("        Outbound SPI : ").append(peer.get("outboundSpi")).append(", transform : ").append(peer.get("transform"))
                .append(" \n");
            out.append("   Socket State: Open\n\n");
        }
        return out.toString();
    }

    private static String attributes(final NhrpBinding b)
    {
        return (b.isStatic() ? "S" : "D") + (b.claimedNbma() != b.nbma() ? "N" : "");
    }

    public Map<String, Object> dmvpnJson()
    {
        return dmvpnJson(false);
    }

    /** With detail, each peer's crypto session too (as {@link #cryptoIpsecSaJson()} lists them). */
    public Map<String, Object> dmvpnJson(final boolean detail)
    {
        final long now = server.nowNs();
        final List<Object> peers = new ArrayList<>();
        for (final NhrpBinding b : server.cache())
        {
            final Map<String, Object> p = new LinkedHashMap<>();
            p.put("nbmaAddress", address(b.nbma()));
            p.put("tunnelAddress", address(b.tunnel()));
            p.put("state", b.saId() != 0 ? "UP" : "NHRP");
            p.put("upSeconds", (now - b.createdNs()) / SECOND);
            p.put("attributes", attributes(b));
            peers.add(p);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", interfaceName);
        json.put("type", "hub");
        json.put("peers", peers);
        if (detail)
        {
            json.put("tunnelAddress", address(server.config().hubTunnel()));
            json.put("nbmaAddress", address(server.config().hubNbma()));
            json.put("cryptoSessions", cryptoPeers());
        }
        return json;
    }

    /** {@code show ip nhrp multicast}: the tunnel's multicast list, static entries first (IOS 15's layout). */
    public String ipNhrpMulticast()
    {
        return multicastList(interfaceName, server.multicastPeers().stream()
            .map(p -> new String[]{Ipv4Address.toString(p.nbma()), p.dynamic() ? "dynamic" : "static"}).toList());
    }

    public Map<String, Object> ipNhrpMulticastJson()
    {
        return multicastListJson(interfaceName, server.multicastPeers().stream()
            .map(p -> new String[]{Ipv4Address.toString(p.nbma()), p.dynamic() ? "dynamic" : "static"}).toList());
    }

    /** {@code show ip nhrp multicast} of any router: one line per NBMA address and its flag ({@code static} or {@code dynamic}). */
    public static String multicastList(final String interfaceName, final List<String[]> entries)
    {
        final StringBuilder out = new StringBuilder("  I/F     NBMA address\n");
        for (final String[] entry : entries)
        {
            out.append(String.format(Locale.ROOT, "%-11s%-17sFlags: %-17s(Enabled)%n", interfaceName, entry[0], entry[1]));
        }
        return out.toString();
    }

    public static Map<String, Object> multicastListJson(final String interfaceName, final List<String[]> entries)
    {
        final List<Map<String, Object>> list = new ArrayList<>();
        for (final String[] entry : entries)
        {
            final Map<String, Object> e = new LinkedHashMap<>();
            e.put("nbma", entry[0]);
            e.put("flags", entry[1]);
            list.add(e);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", interfaceName);
        json.put("entries", list);
        return json;
    }

    /** {@code show ip nhrp traffic}. */
    public String ipNhrpTraffic()
    {
        return server.traffic().render(interfaceName);
    }

    public Map<String, Object> ipNhrpTrafficJson()
    {
        final NhrpTraffic t = server.traffic();
        final Map<String, Object> sent = new LinkedHashMap<>();
        final Map<String, Object> received = new LinkedHashMap<>();
        for (int type = Nhrp.TYPE_RESOLUTION_REQUEST; type <= Nhrp.TYPE_TRAFFIC_INDICATION; type++)
        {
            sent.put(Nhrp.typeName(type), t.sent(type));
            received.put(Nhrp.typeName(type), t.received(type));
        }
        final Map<String, Object> ignored = new LinkedHashMap<>();
        for (final NhrpTraffic.Ignored reason : NhrpTraffic.Ignored.values())
        {
            ignored.put(reason.name().toLowerCase(Locale.ROOT).replace('_', '-'), t.ignored(reason));
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", interfaceName);
        json.put("sent", sent);
        json.put("received", received);
        json.put("ignored", ignored);
        json.put("admissionNaks", t.admissionNaks());
        json.put("trafficIndicationsSuppressed", t.trafficIndicationsSuppressed());
        return json;
    }

    /** {@code show ip route [nhrp]}: IOS's codes, best route per prefix. */
    public String ipRoute(final boolean nhrpOnly)
    {
        final StringBuilder out = new StringBuilder();
        out.append("Codes: L - local, C - connected, S - static, B - BGP, D - EIGRP, O - OSPF, H - NHRP\n\n");
        for (final Route r : sortedRoutes(nhrpOnly))
        {
            final Adjacency a = r.adjacency();
            // IOS's L: an address of the router itself, here the tunnel's own.
            final boolean own = a.kind() == Adjacency.Kind.LOCAL && r.length() == 32 && r.source() == RouteSource.CONNECTED;
            out.append(own ? 'L' : r.source().code()).append("     ").append(address(r.prefix())).append('/').append(r.length());
            switch (a.kind())
            {
                case TUNNEL -> out.append(" [").append(r.distance()).append("/0] via ").append(address(a.nextHop())).append(", ")
                    .append(interfaceName);
                case ATTACHED -> out.append(" is directly connected, ").append(interfaceName);
                case LOCAL -> out.append(" is directly connected, ").append(own ? interfaceName : "local");
                case DISCARD -> out.append(" is directly connected, Null0");
            }
            out.append('\n');
        }
        return out.toString();
    }

    public Map<String, Object> ipRouteJson(final boolean nhrpOnly)
    {
        final List<Object> list = new ArrayList<>();
        for (final Route r : sortedRoutes(nhrpOnly))
        {
            final Map<String, Object> e = new LinkedHashMap<>();
            e.put("prefix", address(r.prefix()) + "/" + r.length());
            e.put("code", String.valueOf(r.source().code()));
            e.put("distance", r.distance());
            e.put("kind", r.adjacency().kind().name().toLowerCase(Locale.ROOT));
            e.put("nextHop", r.adjacency().kind() == Adjacency.Kind.TUNNEL ? address(r.adjacency().nextHop()) : null);
            list.add(e);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("routes", list);
        return json;
    }

    private List<Route> sortedRoutes(final boolean nhrpOnly)
    {
        final List<Route> best = new ArrayList<>(routes.bestRoutes());
        best.removeIf(r -> nhrpOnly && r.source() != RouteSource.NHRP);
        best.sort(Comparator.<Route>comparingLong(r -> r.prefix() & 0xFFFF_FFFFL).thenComparingInt(Route::length));
        return best;
    }

    /** {@code show crypto ipsec sa}: per peer, packets each way and errors by kind. */
    public String cryptoIpsecSa()
    {
        return cryptoIpsecSa(interfaceName, cryptoPeers());
    }

    /**
     * {@code show crypto ipsec sa} in IOS's layout for any router's peers, each as
     * {@link #cryptoPeer} gives it (the hub's, a simulated spoke's).
     */
    public static String cryptoIpsecSa(final String interfaceName, final List<Map<String, Object>> peers)
    {
        final StringBuilder out = new StringBuilder();
        out.append("interface: ").append(interfaceName).append('\n');
        for (final Map<String, Object> peer : peers)
        {
            out.append("    current_peer ").append(peer.get("peer")).append(" port 500\n");
            out.append("     #pkts encaps: ").append(peer.get("packetsEncapsulated")).append(", #pkts encrypt: ")
                .append(peer.get("packetsEncapsulated")).append('\n');
            out.append("     #pkts decaps: ").append(peer.get("packetsDecapsulated")).append(", #pkts decrypt: ")
                .append(peer.get("packetsDecapsulated")).append('\n');
            @SuppressWarnings("unchecked") final Map<String, Object> errors = (Map<String, Object>)peer.get("errors");
            out.append("     #errors: ").append(errors.isEmpty() ? "none" : errors.toString()).append('\n');
            out.append("     inbound esp sas: spi: ").append(peer.get("inboundSpi"));
            if (peer.containsKey("previousInboundSpi"))
            {
                // A rekey's overlap: the SA it replaced still takes what the peer sent before it switched.
                out.append(", spi: ").append(peer.get("previousInboundSpi")).append(" (previous)");
            }
            out.append(", outbound esp sas: spi: ").append(peer.get("outboundSpi")).append(", transform: ").append(peer.get("transform"))
                .append(" ,\n\n");
        }
        return out.toString();
    }

    public Map<String, Object> cryptoIpsecSaJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", interfaceName);
        json.put("peers", cryptoPeers());
        return json;
    }

    private List<Map<String, Object>> cryptoPeers()
    {
        final List<Map<String, Object>> peers = new ArrayList<>();
        for (final NhrpBinding b : server.cache())
        {
            final PeerSas sas = b.saId() == 0 ? null : server.peerSas(b.saId());
            if (sas == null)
            {
                continue;
            }
            final Map<String, Object> p = new LinkedHashMap<>();
            p.put("peer", address(b.nbma()));
            p.put("tunnelAddress", address(b.tunnel()));
            p.put("sessionId", String.format(Locale.ROOT, "0x%08X", b.saId()));
            p.putAll(cryptoPeer(b.nbma(), sas));
            peers.add(p);
        }
        return peers;
    }

    /**
     * One peer of {@code show crypto ipsec sa} (JSON form): packets each way, errors by kind on
     * both SAs, the SPIs (the previous inbound one during a rekey's overlap) and the transform.
     */
    public static Map<String, Object> cryptoPeer(final int peerAddress, final PeerSas sas)
    {
        final SecurityAssociation out = sas.outbound();
        final SecurityAssociation in = sas.currentInbound();
        final Map<String, Object> errors = new LinkedHashMap<>();
        for (final EspStatus status : EspStatus.values())
        {
            final long n = in.drops(status) + out.drops(status);
            if (n > 0)
            {
                errors.put(status.name().toLowerCase(Locale.ROOT).replace('_', '-'), n);
            }
        }
        final Map<String, Object> p = new LinkedHashMap<>();
        p.put("peer", address(peerAddress));
        p.put("packetsEncapsulated", out.packets());
        p.put("packetsDecapsulated", in.packets());
        p.put("errors", errors);
        p.put("inboundSpi", String.format(Locale.ROOT, "0x%08X", in.spi()));
        final SecurityAssociation previous = sas.previousInbound();
        if (previous != null)
        {
            p.put("previousInboundSpi", String.format(Locale.ROOT, "0x%08X", previous.spi()));
        }
        p.put("outboundSpi", String.format(Locale.ROOT, "0x%08X", out.spi()));
        p.put("transform", out.transform().iosName());
        return p;
    }

    /** {@code show interface TunnelN}: the dataplane's counters for the tunnel. */
    public String interfaceCounters()
    {
        final Map<String, Object> c = interfaceJson();
        final StringBuilder out = new StringBuilder();
        out.append(interfaceName).append(" is up, line protocol is up\n");
        // A tunnel without 'tunnel key' has none (the dataplane holds -1): IOS prints no key then.
        out.append("  Tunnel protocol/transport multi-GRE/IP").append(c.get("greKey") == null ? "" : ", key " + c.get("greKey")).append('\n');
        out.append("     ").append(c.get("packetsInput")).append(" packets input\n");
        out.append("     ").append(c.get("packetsOutput")).append(" packets output\n");
        out.append("     ").append(c.get("punted")).append(" packets to the control plane\n");
        out.append("     ").append(c.get("multicastPackets")).append(" multicast packets replicated into ").append(c.get("multicastCopies"))
            .append(" copies\n");
        @SuppressWarnings("unchecked") final Map<String, Object> drops = (Map<String, Object>)c.get("drops");
        out.append("     ").append(c.get("dropped")).append(" drops").append(drops.isEmpty() ? "" : ": " + drops).append('\n');
        out.append("     ").append(c.get("icmpTimeExceededSent")).append(" ICMP time exceeded sent, ").append(c.get("icmpEchoRepliesSent"))
            .append(" echo replies sent, ").append(c.get("icmpErrorsRateLimited")).append(" ICMP errors rate-limited\n");
        return out.toString();
    }

    public Map<String, Object> interfaceJson()
    {
        final WorkerCounters t = dataplane.totals();
        final Map<String, Object> drops = new LinkedHashMap<>();
        for (int reason = 0; reason < DropReasons.COUNT; reason++)
        {
            if (!DropReasons.isOk(reason) && t.drops(reason) > 0)
            {
                drops.put(DropReasons.name(reason), t.drops(reason));
            }
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("interface", interfaceName);
        final long key = dataplane.workers()[0].config().tunnelKey();
        json.put("greKey", key < 0 ? null : key);
        json.put("packetsInput", t.received());
        json.put("packetsOutput", t.transmitted());
        json.put("injected", t.injected());
        json.put("punted", t.punted());
        json.put("multicastPackets", t.multicastPackets());
        json.put("multicastCopies", t.copies());
        json.put("dropped", t.dropped());
        json.put("drops", drops);
        json.put("redirectsSignalled", t.redirectsSignalled());
        json.put("icmpTimeExceededSent", t.timeExceededSent());
        json.put("icmpEchoRepliesSent", t.echoRepliesSent());
        json.put("icmpErrorsRateLimited", t.icmpErrorsSuppressed());
        json.put("icmpErrorsNotAllowed", t.icmpErrorsNotAllowed());
        json.put("conserved", dataplane.conserved());
        return json;
    }
}
