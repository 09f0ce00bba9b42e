package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.crypto.WiresharkEspSa;
import net.dmvpnhub.dataplane.Drop;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.nhrp.config.RouterConfig;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.wire.Tshark;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static net.dmvpnhub.trafficgen.lab.SimulatedNetwork.SECOND;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spoke behind a one-to-one NAT, end to end: the hub binds its post-NAT address with the NAT
 * attribute and the claimed address, tells it its post-NAT address in a Cisco NAT Address
 * extension, and the spokes build their shortcut and its SAs to the address that reaches the NATed
 * one, which it gives in its resolution requests and replies. What crossed the wire to and from
 * the hub is dissected by tshark, ESP decrypted with the run's keys (the shortcut's own frames,
 * spoke to spoke, are checked by their delivery: pings answered, no drop).
 */
class NatTest extends NetworkTest
{
    private static final int POST_NAT = parse("203.0.113.3");
    private static final int SPOKE2_OWN = parse("198.18.0.3");

    private static SimulatedNetwork phase3WithSpoke2BehindNat(final java.util.function.UnaryOperator<String> edit) throws Exception
    {
        final List<RouterConfig> configs = List.of(
            SimulatedNetworkTest.edited("phase3-hub.cfg", "phase3-hub.cfg", edit),
            SimulatedNetworkTest.edited("phase3-spoke.cfg", "phase3-spoke.cfg", edit),
            SimulatedNetworkTest.edited("phase3-spoke2.cfg", "phase3-spoke2.cfg", edit));
        return SimulatedNetwork.build(configs, Map.of(configs.get(2), POST_NAT));
    }

    @Test
    void theHubMarksTheBindingNatAndSpokesShortcutToThePostNatAddressBothWays(@TempDir final Path directory) throws Exception
    {
        network = phase3WithSpoke2BehindNat(l -> l);
        final List<byte[]> wire = new ArrayList<>();
        network.lab().spokes().tap((toHub, buffer, offset, length) ->
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            wire.add(frame);
        });
        network.advance(10 * SECOND);
        final Spokes spokes = network.lab().spokes();
        assertTrue(network.show("HUB", "show dmvpn").contains("     1     203.0.113.3        10.0.0.3    UP 00:00:10    DN\n"),
            network.show("HUB", "show dmvpn"));
        assertTrue(network.show("HUB", "show ip nhrp").contains("""
               Type: dynamic, Flags: unique registered nat
               NBMA address: 203.0.113.3
                   (Claimed NBMA address: 198.18.0.3)
            """), network.show("HUB", "show ip nhrp"));
        assertEquals(POST_NAT, spokes.learnedNatNbma(1), "the hub's NAT Address extension told SPOKE2 its post-NAT address");
        assertEquals(0, spokes.learnedNatNbma(0), "and told SPOKE1, which is not behind one, nothing");

        // SPOKE1 to SPOKE2's LAN: through the hub, redirected, then straight to the post-NAT address.
        network.traceroute("SPOKE1", parse("10.128.1.1"));
        network.advance(SECOND);
        assertEquals(POST_NAT, spokes.directNbma(0, parse("10.128.1.1")));
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 10, 500).contains("(10/10)"));
        assertTrue(network.traceroute("SPOKE1", parse("10.128.1.1")).contains("  1 10.128.1.1 "), "one hop: the shortcut");
        // SPOKE2 to SPOKE1's LAN: its own resolution, answered by SPOKE1 at SPOKE2's post-NAT address.
        assertTrue(network.ping("SPOKE2", parse("10.128.0.1"), 10, 100).contains("(10/10)"));
        network.advance(SECOND);
        assertEquals(parse("198.18.0.2"), spokes.directNbma(1, parse("10.128.0.1")));
        final long hubForwarded = network.lab().hub().dataplane().totals().transmitted();
        assertTrue(network.ping("SPOKE2", parse("10.128.0.1"), 10, 100).contains("(10/10)"));
        assertEquals(hubForwarded, network.lab().hub().dataplane().totals().transmitted(), "both ways over the shortcut now");
        assertEquals(2, spokes.directSaEnds(), "one SA pair between the two spokes");
        assertTrue(network.show("SPOKE1", "show crypto ipsec sa").contains("current_peer 203.0.113.3 port 500"));
        assertEquals(network.lab().hub().dataplane().totals().drops(DropReasons.index(Drop.TTL_EXPIRED)),
            network.lab().hub().dataplane().totals().dropped(), "the hub dropped nothing but the traceroutes' first probes");

        // The registrations before the tap was set are refreshed after a third of the holding time (2 h).
        network.advance(41 * 60 * SECOND);
        // On the wire, as tshark reads it: nothing from SPOKE2's own address, ESP good, and the NAT extensions.
        final Set<String> rows = new LinkedHashSet<>();
        for (final byte[] frame : wire)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int source = buffer.getInt(12, ByteOrder.BIG_ENDIAN);
            final int destination = buffer.getInt(16, ByteOrder.BIG_ENDIAN);
            assertFalse(source == SPOKE2_OWN || destination == SPOKE2_OWN, "no packet past the NAT carries SPOKE2's own address");
            final int spi = buffer.getInt(20, ByteOrder.BIG_ENDIAN);
            rows.add(WiresharkEspSa.row(network.lab().ike().transform(), source, destination, spi,
                network.lab().ike().keyMaterial(source, destination, spi)));
        }
        Tshark.assumeInstalled();
        final List<String> options = new ArrayList<>(List.of("-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE"));
        for (final String row : rows)
        {
            options.add("-o");
            options.add("uat:esp_sa:" + row);
        }
        final Map<String, Map<String, String>> decoded = Tshark.decode(directory, IntStream.range(0, wire.size()).boxed().toList(),
            i -> Integer.toString(i), wire::get, options, List.of("ip.src", "ip.dst", "esp.icv_good", "nhrp.hdr.op.type",
                "nhrp.hdr.chksum.status", "nhrp.ext.type", "nhrp.client.nbma.addr", "nhrp.client.prot.addr", "_ws.malformed"));
        int natReplies = 0;
        int natRequests = 0;
        for (final Map<String, String> frame : decoded.values())
        {
            assertEquals("1", frame.get("esp.icv_good"), frame.toString());
            assertEquals("", frame.get("_ws.malformed"), frame.toString());
            if (frame.get("nhrp.hdr.op.type").isEmpty())
            {
                continue;
            }
            assertEquals("1", frame.get("nhrp.hdr.chksum.status"), frame.toString());
            final boolean natExtension = Tshark.values(frame, "nhrp.ext.type").contains(String.format("0x%04x", Nhrp.EXTENSION_CISCO_NAT_ADDRESS));
            final String type = frame.get("nhrp.hdr.op.type");
            if (type.equals(Integer.toString(Nhrp.TYPE_REGISTRATION_REPLY)) && Tshark.values(frame, "ip.dst").get(0).equals("203.0.113.3"))
            {
                assertTrue(natExtension && Tshark.values(frame, "nhrp.client.nbma.addr").contains("203.0.113.3"), frame.toString());
                natReplies++;
            }
            else if (type.equals(Integer.toString(Nhrp.TYPE_REGISTRATION_REPLY)))
            {
                assertFalse(natExtension, "SPOKE1 is not behind a NAT: " + frame);
            }
            if (type.equals(Integer.toString(Nhrp.TYPE_RESOLUTION_REQUEST)) && Tshark.values(frame, "ip.src").get(0).equals("203.0.113.3"))
            {
                assertTrue(natExtension && Tshark.values(frame, "nhrp.client.nbma.addr").contains("203.0.113.3"), frame.toString());
                natRequests++;
            }
        }
        assertTrue(natReplies >= 1, "the hub's registration replies to SPOKE2 carry the NAT Address extension");
        assertTrue(natRequests >= 1, "SPOKE2's resolution requests carry its post-NAT address");
    }

    @Test
    void aSpokeThatGoesBehindANatInNoUniqueModeMovesItsBindingAndItsShortcutsFollow() throws Exception
    {
        network = phase3WithSpoke2BehindNat(l -> l.equals(" ip nhrp nhs 10.0.0.1") ? l + "\n ip nhrp registration no-unique" : l);
        network.advance(10 * SECOND);
        network.traceroute("SPOKE1", parse("10.128.1.1"));
        network.advance(SECOND);
        assertEquals(POST_NAT, network.lab().spokes().directNbma(0, parse("10.128.1.1")));
        final int newPostNat = parse("203.0.113.30");
        network.natAddress("SPOKE2", newPostNat);
        network.advance(5 * SECOND);
        assertTrue(network.show("HUB", "show ip nhrp").contains("NBMA address: 203.0.113.30\n       (Claimed NBMA address: 198.18.0.3)"),
            network.show("HUB", "show ip nhrp"));
        assertEquals(newPostNat, network.lab().spokes().learnedNatNbma(1));
        assertEquals(0, network.lab().spokes().directNbma(0, parse("10.128.1.1")), "SPOKE2 purged the shortcut SPOKE1 held to its old address");
        assertEquals(0, network.lab().spokes().directSaEnds(), "and with it both ends of the SA pair, though SPOKE2 has moved");
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"), "reachable through the hub at once");
        // The hub redirects a pair at most once in 10 s; the next one brings the shortcut to the new address.
        network.advance(10 * SECOND);
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"));
        network.advance(SECOND);
        assertEquals(newPostNat, network.lab().spokes().directNbma(0, parse("10.128.1.1")), "and over a new shortcut");
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"));
        assertEquals(2, network.lab().spokes().directSaEnds(), "the SAs to SPOKE2's old address went with its shortcut: one pair left");

        // Out from behind the NAT: its own address again, with no NAT attribute.
        network.natAddress("SPOKE2", 0);
        network.advance(5 * SECOND);
        assertFalse(network.show("HUB", "show ip nhrp").contains("Claimed"), network.show("HUB", "show ip nhrp"));
        assertEquals(0, network.lab().spokes().learnedNatNbma(1));
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"));
        network.advance(10 * SECOND);
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"));
        network.advance(SECOND);
        assertEquals(parse("198.18.0.3"), network.lab().spokes().directNbma(0, parse("10.128.1.1")), "a shortcut to its own address");
        assertEquals(2, network.lab().spokes().directSaEnds(), "and again one SA pair, nothing left of the NATed ones");
    }

    @Test
    void aNatAddressThatIsAnotherRoutersOrInFrontOfTheHubIsRefusedByFile() throws Exception
    {
        final List<RouterConfig> configs = List.of(SimulatedNetworkTest.example("phase3-hub.cfg"),
            SimulatedNetworkTest.example("phase3-spoke.cfg"), SimulatedNetworkTest.example("phase3-spoke2.cfg"));
        final Exception taken = assertThrows(Exception.class,
            () -> SimulatedNetwork.build(configs, Map.of(configs.get(2), parse("198.18.0.2"))));
        assertTrue(taken.getMessage().contains("phase3-spoke2.cfg: NAT address 198.18.0.2 is another router's address"), taken.getMessage());
        final Exception hub = assertThrows(Exception.class,
            () -> SimulatedNetwork.build(configs, Map.of(configs.get(0), POST_NAT)));
        assertTrue(hub.getMessage().contains("phase3-hub.cfg: a NAT in front of the hub is not simulated"), hub.getMessage());
    }
}
