package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.trafficgen.spoke.DataPath;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static net.dmvpnhub.trafficgen.lab.SimulatedNetwork.SECOND;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAs rekeyed at their soft lifetime while traffic flows, with nothing lost: the Phase 1 lab with
 * IPsec and {@code crypto ipsec security-association lifetime seconds 120} (IOS's least) on every
 * router, traffic between the spokes through the hub for twelve simulated minutes, about six rekeys
 * of each spoke's SAs with the hub.
 */
class RekeyTest extends NetworkTest
{
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
