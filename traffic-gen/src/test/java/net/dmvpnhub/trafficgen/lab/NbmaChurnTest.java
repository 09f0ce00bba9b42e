package net.dmvpnhub.trafficgen.lab;

import org.junit.jupiter.api.Test;

import java.util.List;

import static net.dmvpnhub.trafficgen.lab.SimulatedNetwork.SECOND;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spoke that changes its NBMA address every second for a simulated minute, with traffic to it
 * over a shortcut and through the hub all along: afterwards the hub holds one SA pair, one SPI
 * pair and one cache entry for it, as before, and no frame slot is left held.
 */
class NbmaChurnTest extends NetworkTest
{
    @Test
    void aMinuteOfNbmaChangesLeavesNoSaCacheEntryOrSlotBehind() throws Exception
    {
        network = SimulatedNetwork.build(List.of(SimulatedNetworkTest.example("phase3-hub.cfg"),
            SimulatedNetworkTest.example("phase3-spoke.cfg"), SimulatedNetworkTest.example("phase3-spoke2.cfg")));
        network.advance(30 * SECOND);
        final var server = network.lab().server();
        final var tables = network.lab().hub().tables();
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"));
        final int spisBefore = tables.spis().size();
        final int cacheBefore = server.cacheSize();
        assertEquals(2, spisBefore, "two spokes, an inbound SA each, and no rekey overlap");
        assertEquals(2, cacheBefore);

        for (int i = 1; i <= 60; i++)
        {
            network.changeNbma("SPOKE2", parse("198.18.1." + i));
            network.advance(SECOND);
            network.ping("SPOKE1", parse("10.128.1.1"), 1, 100);
        }
        // Long enough for every binding to the old addresses to expire or be purged, and for the overlaps and retired SAs to go.
        network.advance(3 * 3600 * SECOND);
        assertTrue(network.ping("SPOKE1", parse("10.128.1.1"), 5, 100).contains("(5/5)"), "still reachable at its newest address");
        network.advance(60 * SECOND);
        assertEquals(cacheBefore, server.cacheSize(), network.show("HUB", "show ip nhrp"));
        assertEquals(spisBefore, tables.spis().size(), "one inbound SA per spoke, as before: " + network.show("HUB", "show crypto ipsec sa"));
        assertTrue(network.show("HUB", "show ip nhrp").contains("198.18.1.60"));
        assertTrue(!network.show("HUB", "show ip nhrp").contains("198.18.1.59"));
    }
}
