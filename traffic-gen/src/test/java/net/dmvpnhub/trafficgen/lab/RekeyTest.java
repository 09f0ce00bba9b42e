package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.trafficgen.spoke.DataPath;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static net.dmvpnhub.trafficgen.lab.SimulatedNetwork.SECOND;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAs rekeyed at their soft lifetime while traffic flows, with nothing lost: the Phase 1 lab with
 * IPsec and {@code crypto ipsec security-association lifetime seconds 120} (IOS's least) on every
 * router, traffic between the spokes through the hub for twelve simulated minutes, about six rekeys
 * of each spoke's SAs with the hub; and the Phase 3 lab with the same lifetime, traffic between the
 * spokes over their shortcut for twelve minutes, about six rekeys of the spoke-to-spoke SAs.
 */
class RekeyTest extends NetworkTest
{
    /** Hosts on SPOKE1's and SPOKE2's LANs in the Phase 3 lab. */
    private static final int HOST1 = parse("10.128.0.10");
    private static final int HOST2 = parse("10.128.1.10");
    /** The Phase 3 lab with {@code lifetime} on every router. */
    private static SimulatedNetwork phase3WithLifetime(final String lifetime) throws Exception
    {
        final java.util.function.UnaryOperator<String> edit = l -> l.startsWith("hostname") ? l + "\n" + lifetime : l;
        return SimulatedNetwork.build(List.of(
            SimulatedNetworkTest.edited("phase3-hub.cfg", "phase3-hub.cfg", edit),
            SimulatedNetworkTest.edited("phase3-spoke.cfg", "phase3-spoke.cfg", edit),
            SimulatedNetworkTest.edited("phase3-spoke2.cfg", "phase3-spoke2.cfg", edit)));
    }

    /**
     * The Phase 1 lab (every packet between the spokes through the hub) with IPsec added on every
     * router and {@code lifetime}.
     */
    private static SimulatedNetwork phase1WithIpsec(final String lifetime) throws Exception
    {
        final java.util.function.UnaryOperator<String> edit = l -> l.startsWith("hostname") ? l + "\n" + String.join("\n",
            "crypto isakmp key lab address 0.0.0.0 0.0.0.0",
            "crypto ipsec transform-set T esp-gcm 128",
            " mode transport",
            "crypto ipsec profile P",
            " set transform-set T",
            lifetime) :
            l.equals(" tunnel source Ethernet0/0") ? l + "\n tunnel protection ipsec profile P" : l;
        return SimulatedNetwork.build(List.of(
            SimulatedNetworkTest.edited("phase1-R1.cfg", "phase1-R1.cfg", edit),
            SimulatedNetworkTest.edited("phase1-R3.cfg", "phase1-R3.cfg", edit),
            SimulatedNetworkTest.edited("phase1-R4.cfg", "phase1-R4.cfg", edit)));
    }

    @Test
    void continuousTrafficThroughTheHubAcrossSeveralRekeysLosesNothing() throws Exception
    {
        network = phase1WithIpsec("crypto ipsec security-association lifetime seconds 120");
        network.advance(30 * SECOND);
        final Spokes spokes = network.lab().spokes();
        final int source1 = parse("10.3.3.10");
        final int source2 = parse("10.4.4.10");
        boolean sawOverlap = false;
        boolean sawSpokeOverlap = false;
        long sent = 0;
        // Twelve minutes: each spoke sends the other a packet every 10 ms, through the hub, across every rekey and overlap;
        // so packets are on their way whenever a spoke asks for new SAs and whenever the hub switches.
        for (long t = 0; t < 12 * 60 * SECOND; t += 10_000_000L)
        {
            assertEquals(DataPath.HUB, spokes.sendData(0, source1, source2, 64), "at " + t);
            assertEquals(DataPath.HUB, spokes.sendData(1, source2, source1, 64), "at " + t);
            sent += 2;
            network.advance(10_000_000L);
            if (t % SECOND == 0)
            {
                sawOverlap |= network.show("R1", "show crypto ipsec sa").contains("(previous)");
                sawSpokeOverlap |= network.show("R3", "show crypto ipsec sa").contains("(previous)");
            }
        }
        network.advance(SECOND);
        final long spokeRekeys = spokes.counters().get(Counter.REKEYS);
        assertTrue(spokeRekeys >= 2 * 5 && spokeRekeys <= 2 * 8, "the two spokes rekeyed " + spokeRekeys + " times in 12 minutes at a " +
            "120 s lifetime (soft at 108 s)");
        assertEquals(0, network.lab().hub().dataplane().totals().dropped(), "the hub dropped nothing across the rekeys");
        assertEquals(0, spokes.counters().get(Counter.DROPS), "the spokes dropped nothing");
        assertEquals(sent, spokes.counters().get(Counter.DATA_RECEIVED_HUB), "every packet arrived, through the hub");
        assertEquals(spokeRekeys, network.lab().server().saRekeys(), "the hub rekeyed each pair the spokes asked it to");
        assertTrue(sawOverlap, "show crypto ipsec sa gives the previous inbound SPI during an overlap");
        assertTrue(sawSpokeOverlap, "so does the spoke's");
        // Both ends agree: what one sends under is what the other receives under.
        final String hub = network.show("R1", "show crypto ipsec sa");
        final String r3 = network.show("R3", "show crypto ipsec sa");
        final String hubToR3 = hub.substring(hub.indexOf("current_peer 3.3.3.2"));
        assertTrue(r3.startsWith("interface: Tunnel999\n    current_peer 1.1.1.1 port 500\n"), r3);
        assertEquals(spi(r3, "outbound"), spi(hubToR3, "inbound"), r3 + hub);
        assertEquals(spi(r3, "inbound"), spi(hubToR3, "outbound"), r3 + hub);
    }

    @Test
    void continuousTrafficOverAShortcutAcrossSeveralRekeysOfItsSasLosesNothing() throws Exception
    {
        network = phase3WithLifetime("crypto ipsec security-association lifetime seconds 120");
        final Spokes spokes = shortcutBothWays();
        assertEquals(DataPath.DIRECT, spokes.sendData(0, HOST1, HOST2, 64));
        assertEquals(DataPath.DIRECT, spokes.sendData(1, HOST2, HOST1, 64));
        network.advance(SECOND);
        assertEquals(2, spokes.directSaEnds(), "one spoke-to-spoke SA pair, an end at each spoke");
        final long hubForwarded = network.lab().hub().dataplane().totals().transmitted();
        final long receivedBefore = spokes.counters().get(Counter.DATA_RECEIVED_DIRECT);
        final long rekeysBefore = spokes.directRekeys();
        boolean sawOverlap = false;
        long sent = 0;
        for (long t = 0; t < 12 * 60 * SECOND; t += 10_000_000L)
        {
            assertEquals(DataPath.DIRECT, spokes.sendData(0, HOST1, HOST2, 64), "at " + t);
            assertEquals(DataPath.DIRECT, spokes.sendData(1, HOST2, HOST1, 64), "at " + t);
            sent += 2;
            network.advance(10_000_000L);
            if (t % SECOND == 0)
            {
                final String show = network.show("SPOKE1", "show crypto ipsec sa");
                sawOverlap |= show.substring(show.indexOf("current_peer 198.18.0.3")).contains("(previous)");
            }
        }
        network.advance(11 * SECOND);
        final long rekeys = spokes.directRekeys() - rekeysBefore;
        assertTrue(rekeys >= 5 && rekeys <= 8, "the shortcut's SA pair rekeyed " + rekeys + " times in 12 minutes at a 120 s lifetime");
        assertEquals(0, spokes.counters().get(Counter.DROPS), "the spokes dropped nothing");
        assertEquals(sent, spokes.counters().get(Counter.DATA_RECEIVED_DIRECT) - receivedBefore, "every packet arrived, directly");
        assertEquals(0, network.lab().hub().dataplane().totals().dropped(), "nor did the hub drop anything");
        assertTrue(network.lab().hub().dataplane().totals().transmitted() - hubForwarded < 100,
            "the hub saw only control traffic (registrations, renewals)");
        assertTrue(sawOverlap, "show crypto ipsec sa gives the previous inbound SPI of the shortcut during an overlap");
        assertEquals(2, spokes.directSaEnds(), "still one pair: rekeyed in place, nothing left behind");
        // Both ends agree, and the overlaps are over.
        final String one = network.show("SPOKE1", "show crypto ipsec sa");
        final String two = network.show("SPOKE2", "show crypto ipsec sa");
        final String oneToTwo = one.substring(one.indexOf("current_peer 198.18.0.3"));
        final String twoToOne = two.substring(two.indexOf("current_peer 198.18.0.2"));
        assertFalse(oneToTwo.contains("(previous)") || twoToOne.contains("(previous)"), one + two);
        assertEquals(spi(oneToTwo, "outbound"), spi(twoToOne, "inbound"), one + two);
        assertEquals(spi(oneToTwo, "inbound"), spi(twoToOne, "outbound"), one + two);
    }

    @Test
    void aShortcutsSasAreRekeyedAtTheirSoftVolumeWithNothingLost() throws Exception
    {
        // 2560 KB (IOS's least): soft at 90%, about 1,680 packets of 1,400 bytes of ESP each way.
        network = phase3WithLifetime("crypto ipsec security-association lifetime kilobytes 2560");
        final Spokes spokes = shortcutBothWays();
        final long receivedBefore = spokes.counters().get(Counter.DATA_RECEIVED_DIRECT);
        long sent = 0;
        for (int i = 0; i < 8000; i++)
        {
            assertEquals(DataPath.DIRECT, spokes.sendData(0, HOST1, HOST2, 1372));
            assertEquals(DataPath.DIRECT, spokes.sendData(1, HOST2, HOST1, 1372));
            sent += 2;
            network.advance(10_000_000L);
        }
        network.advance(SECOND);
        final long rekeys = spokes.directRekeys();
        // About 11 MB each way, soft at 2.3 MB: four rekeys, five if the count includes more than the payload.
        assertTrue(rekeys >= 4 && rekeys <= 5, "rekeyed by volume " + rekeys + " times in 80 simulated seconds");
        assertEquals(0, spokes.counters().get(Counter.DROPS), "the spokes dropped nothing");
        assertEquals(sent, spokes.counters().get(Counter.DATA_RECEIVED_DIRECT) - receivedBefore, "every packet arrived, directly");
        assertEquals(2, spokes.directSaEnds());
    }

    /**
     * The Phase 3 lab's two spokes, registered, then a packet each way through the hub, twice:
     * each source spoke is redirected and installs its shortcut to the other.
     */
    private Spokes shortcutBothWays()
    {
        network.advance(30 * SECOND);
        final Spokes spokes = network.lab().spokes();
        for (int i = 0; i < 2; i++)
        {
            spokes.sendData(0, HOST1, HOST2, 64);
            network.advance(SECOND);
            spokes.sendData(1, HOST2, HOST1, 64);
            network.advance(SECOND);
        }
        return spokes;
    }

    /** The first SPI after "inbound esp sas: spi: " or "outbound esp sas: spi: ". */
    static String spi(final String show, final String direction)
    {
        final String marker = direction + " esp sas: spi: ";
        final int at = show.indexOf(marker) + marker.length();
        return show.substring(at, at + 10);
    }

    @Test
    void theLifetimeIsReadFromTheConfigurationAndBadOnesAreRefusedByLine() throws Exception
    {
        network = phase3WithLifetime("crypto ipsec security-association lifetime seconds 300");
        assertEquals(300, network.lab().ike().lifetime().seconds());
        assertEquals(4_608_000, network.lab().ike().lifetime().kilobytes(), "IOS's default volume");
        network.close();
        network = null;
        final Exception bad = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
            () -> phase3WithLifetime("crypto ipsec security-association lifetime seconds 60"));
        assertTrue(bad.getMessage().contains("phase3-hub.cfg:3: SA lifetime seconds 60 outside 120..2592000"), bad.getMessage());
    }
}
