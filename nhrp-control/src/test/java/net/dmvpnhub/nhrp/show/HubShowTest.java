package net.dmvpnhub.nhrp.show;

import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.nhrp.hub.HubRigAccess;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's show commands on a small hub driven through real frames: exact IOS-style text for the
 * NHRP cache and routes, and counters that match what was sent.
 */
class HubShowTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void showIpNhrpListsStaticAndDynamicEntriesInIosLayout()
    {
        final HubRigAccess hub = new HubRigAccess();
        hub.staticMap("192.168.1.2", "3.3.3.2");
        hub.advance(10 * SECOND);
        hub.registerSpoke("10.0.0.11", "203.0.113.11", 600);
        hub.advance(65 * SECOND);
        final HubShow show = hub.show("Tunnel0");

        assertEquals("""
            10.0.0.11/32 via 10.0.0.11
               Tunnel0 created 00:01:05, expire 00:08:55
               Type: dynamic, Flags: unique registered
               NBMA address: 203.0.113.11
            192.168.1.2/32 via 192.168.1.2
               Tunnel0 created 00:01:15, never expire
               Type: static, Flags:\s
               NBMA address: 3.3.3.2
            """, show.ipNhrp(false));
        assertTrue(show.dmvpn().contains("Type:Hub, NHRP Peers:2, "));
        assertTrue(show.dmvpn().contains("    203.0.113.11       10.0.0.11    UP 00:01:05     D"), show.dmvpn());
        assertEquals(2, ((List<?>)show.ipNhrpJson().get("entries")).size());
    }

    @Test
    void showIpRouteGivesIosCodesAndNhrpOnlyFilters()
    {
        final HubRigAccess hub = new HubRigAccess();
        hub.route(new Route(parse("192.168.12.0"), 24, RouteSource.EIGRP, 90, Adjacency.tunnel(parse("10.0.0.12"))));
        hub.route(new Route(parse("192.168.13.0"), 24, RouteSource.NHRP, 250, Adjacency.tunnel(parse("10.0.0.13"))));
        final HubShow show = hub.show("Tunnel0");
        assertEquals("""
            Codes: L - local, C - connected, S - static, B - BGP, D - EIGRP, O - OSPF, H - NHRP

            C     10.0.0.0/16 is directly connected, Tunnel0
            D     192.168.12.0/24 [90/0] via 10.0.0.12, Tunnel0
            H     192.168.13.0/24 [250/0] via 10.0.0.13, Tunnel0
            """, show.ipRoute(false));
        assertEquals(1, ((List<?>)show.ipRouteJson(true).get("routes")).size());
    }

    @Test
    void cryptoAndInterfaceCountersMatchTheTraffic()
    {
        final HubRigAccess hub = new HubRigAccess();
        hub.registerSpoke("10.0.0.11", "203.0.113.11", 7200);
        final HubShow show = hub.show("Tunnel0");
        final Map<String, Object> crypto = show.cryptoIpsecSaJson();
        @SuppressWarnings("unchecked") final Map<String, Object> peer = (Map<String, Object>)((List<?>)crypto.get("peers")).get(0);
        assertEquals("203.0.113.11", peer.get("peer"));
        assertEquals(1L, peer.get("packetsDecapsulated"), "the registration request");
        assertEquals(1L, peer.get("packetsEncapsulated"), "the registration reply");
        assertTrue(show.cryptoIpsecSa().contains("#pkts encaps: 1"));
        final Map<String, Object> tunnel = show.interfaceJson();
        assertEquals(1L, tunnel.get("packetsInput"));
        assertEquals(1L, tunnel.get("packetsOutput"));
        assertEquals(true, tunnel.get("conserved"));
        assertTrue(Json.write(tunnel).contains("\"packetsOutput\": 1"));
        assertTrue(show.ipNhrpTraffic().contains("1 Registration Request"));
    }

    @Test
    void durationsReadAsIosPrintsThem()
    {
        assertEquals("00:00:00", HubShow.duration(0));
        assertEquals("01:58:49", HubShow.duration((7129) * SECOND));
        assertEquals("1d02h", HubShow.duration((86_400 + 7200 + 59) * SECOND));
        assertEquals("never", HubShow.duration(Long.MAX_VALUE));
    }
}
