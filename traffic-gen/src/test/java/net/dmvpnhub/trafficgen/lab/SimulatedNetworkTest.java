package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.nhrp.config.ConfigException;
import net.dmvpnhub.nhrp.config.IosConfigParser;
import net.dmvpnhub.nhrp.config.RouterConfig;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.trafficgen.spoke.SpokeDrop;
import net.dmvpnhub.wire.eigrp.Eigrp;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static net.dmvpnhub.trafficgen.lab.SimulatedNetwork.SECOND;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference labs built from their configuration files in examples/: goldens of what an
 * operator sees (show ip nhrp on every router, traceroutes through the hub and, in Phase 3, over
 * the shortcut), pings, the actions, and the configuration errors between files. Every test ends
 * with every frame accounted for and no slot held.
 */
class SimulatedNetworkTest extends NetworkTest
{
    static RouterConfig example(final String file) throws IOException, ConfigException
    {
        return IosConfigParser.parse(Path.of("..", "examples", file));
    }

    /** An example file with some lines changed (a line may become several), parsed under its own name. */
    static RouterConfig edited(final String file, final String as, final UnaryOperator<String> edit) throws IOException, ConfigException
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(Path.of("..", "examples", file)))
        {
            lines.addAll(List.of(edit.apply(line).split("\n", -1)));
        }
        return IosConfigParser.parse(as, lines);
    }

    private static SimulatedNetwork phase1() throws Exception
    {
        return SimulatedNetwork.build(List.of(example("phase1-R1.cfg"), example("phase1-R3.cfg"), example("phase1-R4.cfg")));
    }

    private static SimulatedNetwork phase3() throws Exception
    {
        return SimulatedNetwork.build(List.of(example("phase3-hub.cfg"), example("phase3-spoke.cfg"), example("phase3-spoke2.cfg")));
    }

    @Test
    void aSpokesShowIpNhrpTrafficCountsWhatItSentAndReceivedAndAddsUpWithTheHubs() throws Exception
    {
        network = phase3();
        network.advance(10 * SECOND);
        network.traceroute("SPOKE1", parse("10.128.1.1"));
        network.advance(SECOND);
        assertEquals("""
            Tunnel0: Max-send limit:10000Pkts/10Sec, Usage:0%
               Sent: Total 2
                     1 Resolution Request  0 Resolution Reply  1 Registration Request
                     0 Registration Reply  0 Purge Request  0 Purge Reply
                     0 Error Indication  0 Traffic Indication  0 Redirect Suppress
               Rcvd: Total 3
                     0 Resolution Request  1 Resolution Reply  0 Registration Request
                     1 Registration Reply  0 Purge Request  0 Purge Reply
                     0 Error Indication  1 Traffic Indication  0 Redirect Suppress
            """, network.show("SPOKE1", "show ip nhrp traffic"), "registered once, redirected once, resolved SPOKE2 once");
        assertEquals("""
            Tunnel0: Max-send limit:10000Pkts/10Sec, Usage:0%
               Sent: Total 3
                     1 Resolution Request  1 Resolution Reply  1 Registration Request
                     0 Registration Reply  0 Purge Request  0 Purge Reply
                     0 Error Indication  0 Traffic Indication  0 Redirect Suppress
               Rcvd: Total 4
                     1 Resolution Request  1 Resolution Reply  0 Registration Request
                     1 Registration Reply  0 Purge Request  0 Purge Reply
                     0 Error Indication  1 Traffic Indication  0 Redirect Suppress
            """, network.show("SPOKE2", "show ip nhrp traffic"),
            "SPOKE2 answered the request the hub forwarded, and was redirected too (the traceroute's answers took the hub)");
        assertEquals("""
            {
              "interface": "Tunnel0",
              "sent": {
                "Resolution Request": 1,
                "Resolution Reply": 0,
                "Registration Request": 1,
                "Registration Reply": 0,
                "Purge Request": 0,
                "Purge Reply": 0,
                "Error Indication": 0,
                "Traffic Indication": 0
              },
              "received": {
                "Resolution Request": 0,
                "Resolution Reply": 1,
                "Registration Request": 0,
                "Registration Reply": 1,
                "Purge Request": 0,
                "Purge Reply": 0,
                "Error Indication": 0,
                "Traffic Indication": 1
              }
            }
            """, network.show("SPOKE1", "show ip nhrp traffic json"), "the hub's JSON layout, this spoke's counts");
        // What the spokes sent the hub, the hub received; what it sent them, they received.
        final var hub = network.lab().server().traffic();
        final var spokes = network.lab().spokes().counters();
        for (final int type : new int[] {Nhrp.TYPE_REGISTRATION_REQUEST, Nhrp.TYPE_RESOLUTION_REQUEST})
        {
            assertEquals(hub.received(type), spokes.nhrpSent(0, type) + spokes.nhrpSent(1, type), Nhrp.typeName(type));
        }
        for (final int type : new int[] {Nhrp.TYPE_REGISTRATION_REPLY, Nhrp.TYPE_TRAFFIC_INDICATION})
        {
            assertEquals(hub.sent(type), spokes.nhrpReceived(0, type) + spokes.nhrpReceived(1, type), Nhrp.typeName(type));
        }
    }

    @Test
    void phase1LabShowIpNhrpOnEveryRouterAndTracerouteThroughTheHub() throws Exception
    {
        network = phase1();
        assertEquals(List.of("R1", "R3", "R4"), network.routerNames());
        network.advance(44 * 60 * SECOND + 19 * SECOND);

        assertEquals("""
            Type escape sequence to abort.
            Tracing the route to 192.168.1.2
            VRF info: (vrf in name/id, vrf out name/id)
              1 192.168.1.1 0 msec 0 msec 0 msec
              2 192.168.1.2 0 msec 0 msec 0 msec
            """, network.traceroute("R4", parse("192.168.1.2")), "R4 to R3: the hub, then R3");
        network.advance(SECOND);

        assertEquals("""
            192.168.1.2/32 via 192.168.1.2
               Tunnel999 created 00:44:20, never expire
               Type: static, Flags: used
               NBMA address: 3.3.3.2
            192.168.1.3/32 via 192.168.1.3
               Tunnel999 created 00:44:20, never expire
               Type: static, Flags: used
               NBMA address: 4.4.4.2
            """, network.show("R1", "show ip nhrp"));
        // The spokes' tunnels have a tunnel destination (point-to-point GRE): they do not forward by NHRP, so, as IOS shows in
        // the reference lab, their map to the hub is never marked used, though every packet went through it.
        assertEquals("""
            192.168.1.1/32 via 192.168.1.1
               Tunnel999 created 00:44:20, never expire
               Type: static, Flags:\s
               NBMA address: 1.1.1.1
            """, network.show("R3", "show ip nhrp"));
        assertEquals("""
            192.168.1.1/32 via 192.168.1.1
               Tunnel999 created 00:44:20, never expire
               Type: static, Flags:\s
               NBMA address: 1.1.1.1
            """, network.show("R4", "show ip nhrp"));
        // A minute without traffic: the hub's entries are no longer used.
        network.advance(61 * SECOND);
        assertFalse(network.show("R1", "show ip nhrp").contains("used"), network.show("R1", "show ip nhrp"));

        assertEquals("""
            Type escape sequence to abort.
            Tracing the route to 192.168.1.3
            VRF info: (vrf in name/id, vrf out name/id)
              1 192.168.1.3 0 msec 0 msec 0 msec
            """, network.traceroute("R1", parse("192.168.1.3")), "from the hub itself: one hop");
        assertEquals(0, network.lab().spokes().counters().get(Counter.REGISTRATIONS_SENT), "statically mapped Phase 1 spokes do not register");
    }

    @Test
    void pingsAreRealEchoesThroughTheHub() throws Exception
    {
        network = phase1();
        assertEquals("""
            Type escape sequence to abort.
            Sending 5, 100-byte ICMP Echos to 192.168.1.2, timeout is 2 seconds:
            !!!!!
            Success rate is 100 percent (5/5), round-trip min/avg/max = 0/0/0 ms
            """, network.ping("R4", parse("192.168.1.2"), 5, 100));
        final SpokeCounters counters = network.lab().spokes().counters();
        assertEquals(5, counters.get(Counter.ECHO_REPLIES_SENT), "R3 answered");
        assertEquals(5, counters.get(Counter.ICMP_RECEIVED), "R4 heard the replies");
        assertEquals(10, counters.get(Counter.PACKETS_ORIGINATED), "R4's requests and R3's replies");

        // The hub answers pings to its own address in its dataplane; R1 pings R3's loopback.
        assertTrue(network.ping("R3", parse("192.168.1.1"), 3, 64).contains("Success rate is 100 percent (3/3)"));
        assertEquals(3, network.lab().dataplane().totals().echoRepliesSent());
        assertTrue(network.ping("R1", parse("10.3.3.3"), 2, 100).contains("!!\nSuccess rate is 100 percent (2/2)"));

        // Nobody at 192.168.1.9: each echo times out after 2 simulated seconds.
        final long before = network.nowNs();
        assertEquals("""
            Type escape sequence to abort.
            Sending 2, 100-byte ICMP Echos to 192.168.1.9, timeout is 2 seconds:
            ..
            Success rate is 0 percent (0/2)
            """, network.ping("R4", parse("192.168.1.9"), 2, 100));
        assertEquals(4 * SECOND, network.nowNs() - before);
    }

    @Test
    void aTracerouteToAHostBehindASpokeEndsAtTheHostAndTheSpokeSaysTimeExceeded() throws Exception
    {
        network = phase1();
        assertEquals("""
            Type escape sequence to abort.
            Tracing the route to 10.3.3.50
            VRF info: (vrf in name/id, vrf out name/id)
              1 192.168.1.1 0 msec 0 msec 0 msec
              2 192.168.1.2 0 msec 0 msec 0 msec
              3 10.3.3.50 0 msec 0 msec 0 msec
            """, network.traceroute("R4", parse("10.3.3.50")));
        final SpokeCounters counters = network.lab().spokes().counters();
        assertEquals(3, counters.get(Counter.TIME_EXCEEDED_SENT), "R3, forwarding to its LAN with TTL 1");
        assertEquals(3, counters.drops(SpokeDrop.TTL_EXPIRED));
        assertEquals(3, counters.get(Counter.PORT_UNREACHABLES_SENT), "the host: nothing listens on a traceroute port");
        assertEquals(3, network.lab().dataplane().totals().timeExceededSent(), "the hub, hop 1");
        assertTrue(network.show("R1", "show interface Tunnel999").contains("3 ICMP time exceeded sent, 0 echo replies sent, 0 ICMP errors rate-limited"),
            network.show("R1", "show interface Tunnel999"));
    }

    /** IOS's rule on a multipoint spoke: its map to the hub is used while data went through it within the last minute. */
    @Test
    void aMultipointSpokesMapToTheHubIsUsedOnlyWhileDataGoesThroughIt() throws Exception
    {
        network = phase3();
        network.advance(30 * SECOND);
        assertFalse(hubEntry(network.show("SPOKE1", "show ip nhrp")).contains("used"), "registrations are not data");
        network.ping("SPOKE1", parse("10.0.0.1"), 5, 100);
        network.advance(SECOND);
        assertTrue(hubEntry(network.show("SPOKE1", "show ip nhrp")).contains("Flags: used"), network.show("SPOKE1", "show ip nhrp"));
        network.advance(61 * SECOND);
        assertFalse(hubEntry(network.show("SPOKE1", "show ip nhrp")).contains("used"), "a minute later");
    }

    /** The lines of a spoke's show ip nhrp that describe the hub's entry (10.0.0.1). */
    private static String hubEntry(final String showIpNhrp)
    {
        final int start = showIpNhrp.indexOf("10.0.0.1/32 via 10.0.0.1");
        assertTrue(start >= 0, showIpNhrp);
        final int end = showIpNhrp.indexOf("NBMA address", start);
        return showIpNhrp.substring(start, end);
    }

    @Test
    void phase3TracerouteCrossesTheHubUntilTheRedirectThenTakesTheShortcut() throws Exception
    {
        network = phase3();
        final String routesBefore = """
            Codes: L - local, C - connected, S - static, B - BGP, D - EIGRP, O - OSPF, H - NHRP

            C     10.0.0.0/15 is directly connected, Tunnel0
            S     10.128.0.0/9 [1/0] via 10.0.0.1, Tunnel0
            C     10.128.0.0/24 is directly connected, LAN
            """;
        assertEquals(routesBefore, network.show("SPOKE1", "show ip route"));
        assertEquals("""
            Type escape sequence to abort.
            Tracing the route to 10.128.1.1
            VRF info: (vrf in name/id, vrf out name/id)
              1 10.0.0.1 0 msec 0 msec 0 msec
              2 10.128.1.1 0 msec 0 msec 0 msec
            """, network.traceroute("SPOKE1", parse("10.128.1.1")), "via the hub");
        assertTrue(network.lab().server().traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION) >= 1, "the hub redirected");

        assertEquals(routesBefore + """
            H     10.128.1.0/24 [250/1] via 10.0.0.3, 02:00:00, Tunnel0
            """, network.show("SPOKE1", "show ip route"));
        assertEquals("""
            Codes: L - local, C - connected, S - static, B - BGP, D - EIGRP, O - OSPF, H - NHRP

            H     10.128.1.0/24 [250/1] via 10.0.0.3, 02:00:00, Tunnel0
            """, network.show("SPOKE1", "show ip route nhrp"));
        final long hubForwarded = network.lab().dataplane().totals().transmitted();
        assertEquals("""
            Type escape sequence to abort.
            Tracing the route to 10.128.1.1
            VRF info: (vrf in name/id, vrf out name/id)
              1 10.128.1.1 0 msec 0 msec 0 msec
            """, network.traceroute("SPOKE1", parse("10.128.1.1")), "spoke to spoke over the shortcut");
        assertEquals(hubForwarded, network.lab().dataplane().totals().transmitted(), "the hub saw none of it");
        assertEquals("""
            10.0.0.1/32 via 10.0.0.1
               Tunnel0 created 00:00:00, never expire
               Type: static, Flags: used
               NBMA address: 198.18.0.1
            10.0.0.3/32 via 10.0.0.3
               Tunnel0, expire 02:00:00
               Type: dynamic, Flags: router nhop used
               NBMA address: 198.18.0.3
            """, network.show("SPOKE1", "show ip nhrp"));
        // The spoke's SAs: with the hub, and with SPOKE2 over the shortcut, where the traceroute's probes went.
        final String crypto = network.show("SPOKE1", "show crypto ipsec sa");
        assertTrue(crypto.startsWith("interface: Tunnel0\n    current_peer 198.18.0.1 port 500\n"), crypto);
        final String toSpoke2 = crypto.substring(crypto.indexOf("    current_peer 198.18.0.3 port 500\n"));
        assertFalse(toSpoke2.contains("#pkts encaps: 0,"), crypto);
        assertTrue(toSpoke2.contains("transform: esp-aes 256 esp-sha256-hmac"), crypto);
        // Both ends of the shortcut agree: what one sends under is what the other receives under.
        final String other = network.show("SPOKE2", "show crypto ipsec sa");
        final String toSpoke1 = other.substring(other.indexOf("    current_peer 198.18.0.2 port 500\n"));
        assertEquals(RekeyTest.spi(toSpoke2, "outbound"), RekeyTest.spi(toSpoke1, "inbound"), crypto + other);
        assertEquals(RekeyTest.spi(toSpoke2, "inbound"), RekeyTest.spi(toSpoke1, "outbound"), crypto + other);
        final String json = network.show("SPOKE1", "show crypto ipsec sa json");
        assertTrue(json.startsWith("{") && json.contains("198.18.0.3"), json);
        assertEquals(crypto.contains("(previous)"), json.contains("previousInboundSpi"), json);
    }

    @Test
    void shutdownChangeOfAddressAndNoShutdownAsTheHubSeesThem() throws Exception
    {
        network = phase3();
        assertTrue(network.show("HUB", "show ip nhrp").contains("NBMA address: 198.18.0.3"));
        network.shutdown("SPOKE2");
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 2, 100).contains("Success rate is 0 percent (0/2)"));
        network.advance(7201 * SECOND);
        assertTrue(!network.show("HUB", "show ip nhrp").contains("10.0.0.3/32"), "its registration expired");
        network.noShutdown("SPOKE2");
        assertTrue(network.show("HUB", "show ip nhrp").contains("NBMA address: 198.18.0.3"), "registered again");

        // A unique registration: the hub refuses the new address (NAK 14) until the old one's holding time ends.
        network.changeNbma("SPOKE2", parse("198.18.0.99"));
        assertEquals(Nhrp.CIE_ALREADY_REGISTERED, network.lab().spokes().lastNak(1));
        network.advance(7200 * SECOND + 2 * 64 * SECOND);
        assertTrue(network.show("HUB", "show ip nhrp").contains("NBMA address: 198.18.0.99"), network.show("HUB", "show ip nhrp"));
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 1, 100).contains("Success rate is 100 percent (1/1)"));
        assertTrue(network.show("SPOKE2", "show ip nhrp json").contains("\"nbma\": \"198.18.0.1\""), network.show("SPOKE2", "show ip nhrp json"));
    }

    @Test
    void theHubsMulticastListHoldsEveryRegisteredSpokeAndTheSpokesHoldTheHub() throws Exception
    {
        // The hub has "ip nhrp map multicast dynamic", each spoke "ip nhrp map multicast 198.18.0.1".
        network = phase3();
        assertEquals("""
              I/F     NBMA address
            Tunnel0    198.18.0.2       Flags: dynamic          (Enabled)
            Tunnel0    198.18.0.3       Flags: dynamic          (Enabled)
            """, network.show("HUB", "show ip nhrp multicast"));
        assertEquals("""
              I/F     NBMA address
            Tunnel0    198.18.0.1       Flags: static           (Enabled)
            """, network.show("SPOKE1", "show ip nhrp multicast"));
        assertTrue(network.show("HUB", "show ip nhrp multicast json").contains("\"nbma\": \"198.18.0.3\",\n      \"flags\": \"dynamic\""),
            network.show("HUB", "show ip nhrp multicast json"));
        // A spoke whose registration expires leaves the list; registered again, it is back.
        network.shutdown("SPOKE2");
        network.advance(7201 * SECOND);
        assertEquals("""
              I/F     NBMA address
            Tunnel0    198.18.0.2       Flags: dynamic          (Enabled)
            """, network.show("HUB", "show ip nhrp multicast"));
        network.noShutdown("SPOKE2");
        assertTrue(network.show("HUB", "show ip nhrp multicast").contains("198.18.0.3       Flags: dynamic"));
    }

    /**
     * A packet the hub sends to a link-local group leaves once per spoke of the multicast list,
     * each copy under that spoke's SA (the spoke decrypts it or counts a drop); a spoke whose
     * registration expired gets none; with no spoke registered the hub says it could not send.
     */
    @Test
    void aMulticastPacketFromTheHubReachesEveryRegisteredSpokeOnce() throws Exception
    {
        network = phase3();
        final int eigrpGroup = parse("224.0.0.10");
        assertTrue(network.multicastFromHub(eigrpGroup, 88, 40));
        assertEquals(1, network.multicastReceived("SPOKE1"));
        assertEquals(1, network.multicastReceived("SPOKE2"));
        assertTrue(network.show("HUB", "show interface Tunnel0").contains("     1 multicast packets replicated into 2 copies\n"),
            network.show("HUB", "show interface Tunnel0"));
        assertTrue(network.show("HUB", "show interface Tunnel0 json").contains("\"multicastCopies\": 2"),
            network.show("HUB", "show interface Tunnel0 json"));

        network.shutdown("SPOKE2");
        network.advance(7201 * SECOND);
        assertTrue(network.multicastFromHub(eigrpGroup, 88, 40));
        assertEquals(2, network.multicastReceived("SPOKE1"));
        assertEquals(1, network.multicastReceived("SPOKE2"));
        assertTrue(network.show("HUB", "show interface Tunnel0").contains("     2 multicast packets replicated into 3 copies\n"),
            "its registration expired: not in the list, no copy made for it");
        network.shutdown("SPOKE1");
        network.advance(7201 * SECOND);
        assertFalse(network.multicastFromHub(eigrpGroup, 88, 40), "no spoke registered: nothing to send to");
        assertEquals(1, network.lab().server().traffic().multicastNotSent());
        assertEquals(2, network.lab().server().traffic().multicastSent());
        assertTrue(network.conserved(), network.conservationProblem());
        assertThrows(IllegalArgumentException.class, () -> network.multicastFromHub(parse("10.0.0.2"), 88, 40),
            "a unicast address is refused");
    }

    /**
     * The Phase 3 trio with EIGRP: real EIGRP packets through the hub's dataplane (its hellos
     * replicated to every spoke, the spokes' punted to its control plane); the hub installs each
     * stub spoke's LAN as a D route and sends the spokes only its summary; shortcuts still form; a
     * spoke that goes silent is dropped after the hold time and its LAN withdrawn.
     */
    @Test
    void withEigrpTheHubLearnsTheStubSpokesLansAndTheSpokesItsSummary() throws Exception
    {
        network = SimulatedNetwork.build(List.of(example("phase3-eigrp-hub.cfg"), example("phase3-eigrp-spoke.cfg"),
            example("phase3-eigrp-spoke2.cfg")));
        network.advance(20 * SECOND);
        final String neighbors = network.show("HUB", "show ip eigrp neighbors");
        assertTrue(neighbors.startsWith("EIGRP-IPv4 Neighbors for AS(100)\n"), neighbors);
        assertTrue(neighbors.contains("10.0.0.2                Tu0") && neighbors.contains("10.0.0.3                Tu0"), neighbors);
        final long lan = Eigrp.scaledBandwidth(1000) + 2 * Eigrp.scaledDelay(50_000);
        assertEquals("""
            Codes: D - EIGRP

            D     10.128.0.0/9 is a summary, Null0
            D     10.128.0.0/24 [90/%d] via 10.0.0.2, Tunnel0
            D     10.128.1.0/24 [90/%d] via 10.0.0.3, Tunnel0
            """.formatted(lan, lan), network.show("HUB", "show ip route eigrp"));
        assertTrue(network.show("HUB", "show ip route").contains("D     10.128.0.0/24 [90/0] via 10.0.0.2, Tunnel0"),
            "in the hub's FIB: " + network.show("HUB", "show ip route"));
        assertEquals("""
            Codes: D - EIGRP

            D     10.128.0.0/9 [90/%d] via 10.0.0.1, Tunnel0
            D     172.16.0.0/16 [90/%d] via 10.0.0.1, Tunnel0
            """.formatted(lan + Eigrp.scaledDelay(50_000), lan), network.show("SPOKE1", "show ip route eigrp"),
            "the spoke learns the hub's LAN and its summary, no other spoke's LAN");
        assertTrue(network.show("SPOKE1", "show ip eigrp neighbors").contains("10.0.0.1                Tu0"));
        assertTrue(network.show("HUB", "show ip eigrp topology").contains("P 10.128.0.0/24, 1 successors, FD is " + lan +
            "\n        via 10.0.0.2 (" + lan + "/" + (Eigrp.scaledBandwidth(1000) + Eigrp.scaledDelay(50_000)) + "), Tunnel0"),
            network.show("HUB", "show ip eigrp topology"));
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("Success rate is 100 percent (5/5)"));
        assertTrue(network.show("SPOKE1", "show ip route").contains("H "), "the Phase 3 shortcut still forms");

        network.shutdown("SPOKE2");
        network.advance(16 * SECOND);
        assertFalse(network.show("HUB", "show ip eigrp neighbors").contains("10.0.0.3"), "dropped after the hold time");
        assertFalse(network.show("HUB", "show ip route eigrp").contains("10.128.1.0/24"), "its LAN withdrawn");
        assertTrue(network.show("HUB", "show ip route eigrp").contains("10.128.0.0/9 is a summary"), "spoke 1's LAN keeps the summary");
        assertTrue(network.show("HUB", "show ip eigrp neighbors json").contains("\"address\": \"10.0.0.2\""));
        assertTrue(network.conserved(), network.conservationProblem());
        assertThrows(IllegalArgumentException.class, () -> phase3Show("show ip eigrp neighbors"), "not known where EIGRP does not run");

        // SPOKE1's EIGRP stops: its goodbye drops it at the hub at once, its LAN and its summary go; started again, both come back.
        network.eigrpShutdown("SPOKE1", true);
        assertFalse(network.show("HUB", "show ip eigrp neighbors").contains("10.0.0.2"));
        assertFalse(network.show("HUB", "show ip route eigrp").contains("10.128.0.0/24"));
        assertFalse(network.show("SPOKE1", "show ip route").contains("10.128.0.0/9"), "no summary without EIGRP");
        assertTrue(network.ping("SPOKE1", parse("172.16.0.1"), 1, 100).contains("Success rate is 0 percent"));
        network.eigrpShutdown("SPOKE1", false);
        network.advance(10 * SECOND);
        assertTrue(network.show("HUB", "show ip route eigrp").contains("D     10.128.0.0/24 [90/"));
        assertTrue(network.show("SPOKE1", "show ip route").contains("D     10.128.0.0/9 [90/"), network.show("SPOKE1", "show ip route"));
        assertThrows(IllegalArgumentException.class, () -> network.eigrpShutdown("HUB", true), "simulated for spokes only");
    }

    private static void phase3Show(final String command) throws Exception
    {
        try (SimulatedNetwork plain = phase3())
        {
            plain.show("HUB", command);
        }
    }

    @Test
    void withoutMulticastMapsTheListIsEmptyAndAStaticOneIsListedOnce() throws Exception
    {
        final UnaryOperator<String> statics = line -> line.equals(" ip nhrp map multicast dynamic") ?
            " ip nhrp map multicast 198.18.0.3\n ip nhrp map multicast 198.18.0.3" : line;
        network = SimulatedNetwork.build(List.of(edited("phase3-hub.cfg", "phase3-hub.cfg", statics), example("phase3-spoke.cfg"),
            example("phase3-spoke2.cfg")));
        assertEquals("""
              I/F     NBMA address
            Tunnel0    198.18.0.3       Flags: static           (Enabled)
            """, network.show("HUB", "show ip nhrp multicast"), "static only: the registered 198.18.0.2 is not listed");
        assertTrue(network.multicastFromHub(parse("224.0.0.10"), 88, 20));
        assertEquals(0, network.multicastReceived("SPOKE1"), "registered, but not in a list without dynamic");
        assertEquals(1, network.multicastReceived("SPOKE2"), "the static address, once");
    }

    @Test
    void noUniqueSpokesMoveToANewAddressAtOnceAndTheHubPurgesTheOld() throws Exception
    {
        final UnaryOperator<String> noUnique = line -> line.equals(" ip nhrp nhs 10.0.0.1") ? line + "\n ip nhrp registration no-unique" : line;
        network = SimulatedNetwork.build(List.of(example("phase3-hub.cfg"),
            edited("phase3-spoke.cfg", "phase3-spoke.cfg", noUnique), edited("phase3-spoke2.cfg", "phase3-spoke2.cfg", noUnique)));
        assertTrue(network.show("HUB", "show ip nhrp").contains("Type: dynamic, Flags: registered"), network.show("HUB", "show ip nhrp"));
        network.traceroute("SPOKE1", parse("10.128.1.1"));
        assertTrue(network.show("SPOKE1", "show ip route nhrp").contains("H     10.128.1.0/24"), "a shortcut to SPOKE2 before it moves");

        network.changeNbma("SPOKE2", parse("198.18.0.99"));
        final String hub = network.show("HUB", "show ip nhrp");
        assertTrue(hub.contains("NBMA address: 198.18.0.99") && !hub.contains("NBMA address: 198.18.0.3"), hub);
        final String ping = network.ping("SPOKE1", parse("10.128.1.1"), 2, 100);
        assertTrue(ping.contains("Success rate is 100 percent (2/2)"),
            "traffic follows the new address (SPOKE2 purged SPOKE1's shortcut to the old one)\n" + ping + network.show("SPOKE1", "show ip nhrp"));
    }

    @Test
    void spokesDisagreeingOnNoUniqueAreAConfigurationError() throws Exception
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> SimulatedNetwork.build(List.of(example("phase3-hub.cfg"),
            example("phase3-spoke.cfg"),
            edited("phase3-spoke2.cfg", "phase3-spoke2.cfg", l -> l.equals(" ip nhrp nhs 10.0.0.1") ? l + "\n ip nhrp registration no-unique" : l))));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("phase3-spoke2.cfg:") &&
            e.problems().get(0).endsWith("'ip nhrp registration no-unique' is set, but not on SPOKE1 (phase3-spoke.cfg:23): the simulated spokes share one"),
            e.getMessage());
    }

    @Test
    void unknownRoutersAndCommandsSayWhatIsAccepted() throws Exception
    {
        network = phase1();
        assertEquals("no router named 'R9': the network has R1, R3, R4",
            assertThrows(IllegalArgumentException.class, () -> network.show("R9", "show ip nhrp")).getMessage());
        assertEquals("R3 does not know 'show ip bgp': a spoke accepts show ip nhrp, show ip nhrp detail, show dmvpn, show ip nhrp traffic, show ip nhrp multicast, show ip route, " +
                "show ip route nhrp, show crypto ipsec sa, show interface Tunnel999, each also with json",
            assertThrows(IllegalArgumentException.class, () -> network.show("R3", "show ip bgp")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> network.show("R1", "show interface Tunnel0"));
        assertEquals("shutdown is simulated for spokes only, and R1 is the hub",
            assertThrows(IllegalArgumentException.class, () -> network.shutdown("R1")).getMessage());
        assertTrue(network.show("R1", "show ip nhrp json").startsWith("{"));
        assertTrue(network.show("R1", "show  dmvpn ").contains("Type:Hub, NHRP Peers:2"));
    }

    @Test
    void inconsistentFilesAreErrorsNamingFileAndLine() throws Exception
    {
        final RouterConfig r1 = example("phase1-R1.cfg");
        final RouterConfig r3 = example("phase1-R3.cfg");
        final RouterConfig r4 = example("phase1-R4.cfg");
        assertProblems(List.of("phase1-R2.cfg:10: R2 is a second hub (multipoint, no NHS, no tunnel destination): R1 at phase1-R1.cfg:10 " +
                "is the hub already"),
            r1, r3, edited("phase1-R1.cfg", "phase1-R2.cfg", l -> l.replace("hostname R1", "hostname R2")));
        assertProblems(List.of("phase1-R3.cfg:10: no hub among the files (a router whose tunnel is multipoint, with no 'ip nhrp nhs' and no " +
            "'tunnel destination')"), r3, r4);
        assertProblems(List.of("bad-R3.cfg:14: NHS 192.168.1.9 is not the hub's tunnel address 192.168.1.1 (R1)"),
            r1, edited("phase1-R3.cfg", "bad-R3.cfg", l -> l.replace("nhs 192.168.1.1", "nhs 192.168.1.9")), r4);
        assertProblems(List.of("bad-R3.cfg:10: tunnel destination 1.1.1.9 is not the hub's NBMA address 1.1.1.1"),
            r1, edited("phase1-R3.cfg", "bad-R3.cfg", l -> l.replace("tunnel destination 1.1.1.1", "tunnel destination 1.1.1.9")));
        assertProblems(List.of("bad-R3.cfg:10: tunnel key 5 differs from the hub's tunnel key none (phase1-R1.cfg:10)"),
            r1, keyed());
        assertProblems(List.of("SPOKE2.cfg:23: SPOKE2 is a Phase 2 spoke but SPOKE1 (phase3-spoke.cfg:23) is Phase 3: the spokes of one network " +
                "share a phase"),
            example("phase3-hub.cfg"), example("phase3-spoke.cfg"),
            edited("phase3-spoke2.cfg", "SPOKE2.cfg", l -> l.equals(" ip nhrp shortcut") ? "!" : l));
    }

    private static RouterConfig keyed() throws IOException, ConfigException
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(Path.of("..", "examples", "phase1-R3.cfg")))
        {
            lines.add(line);
            if (line.equals(" tunnel destination 1.1.1.1"))
            {
                lines.add(" tunnel key 5");
            }
        }
        return IosConfigParser.parse("bad-R3.cfg", lines);
    }

    private static void assertProblems(final List<String> expected, final RouterConfig... files)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> SimulatedNetwork.build(List.of(files)));
        assertEquals(expected, ex.problems());
    }
}
