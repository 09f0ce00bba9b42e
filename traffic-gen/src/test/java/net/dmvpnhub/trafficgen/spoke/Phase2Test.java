package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DMVPN Phase 2 (hub redirect off): spokes know each other's LANs with the next hop kept; the
 * first packet goes via the hub while the spoke resolves that next hop, the hub answers from its
 * cache (authoritatively), and later packets go direct.
 */
class Phase2Test extends LabTest
{
    @Test
    void theHubAnswersTheResolutionAndLaterPacketsGoDirect()
    {
        lab = Lab.phase2(2).up();
        final Spokes spokes = lab.spokes;
        final SpokeCounters counters = spokes.counters();
        final int source = spokes.host(0, 5);
        final int destination = spokes.host(1, 7);

        assertEquals(DataPath.HUB, spokes.sendData(0, source, destination, 64));
        assertEquals(DataPath.HUB, spokes.sendData(0, source, destination, 64), "still unresolved: one request outstanding");
        lab.driver.runUntilIdle();
        assertEquals(1, counters.get(0, Counter.RESOLUTIONS_SENT), "one resolution for the next hop, not one per packet");
        assertEquals(1, lab.server.traffic().resolutionsAnswered(), "the hub answered itself");
        assertEquals(0, lab.server.traffic().resolutionsForwarded());
        assertEquals(0, lab.server.traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
        assertEquals(2, counters.get(1, Counter.DATA_RECEIVED_HUB));
        assertTrue(spokes.cache(0).contains(new SpokeCacheEntry(SpokeCacheEntry.Kind.BINDING, spokes.tunnel(1), 32, spokes.tunnel(1),
            spokes.nbma(1), spokes.cache(0).get(0).expiresNs(), false, false)), () -> "binding for B: " + spokes.cache(0));

        final long hubTransmitted = lab.dataplane.totals().transmitted();
        for (int i = 0; i < 5; i++)
        {
            assertEquals(DataPath.DIRECT, spokes.sendData(0, source, destination, 64));
        }
        lab.driver.runUntilIdle();
        assertEquals(5, counters.get(1, Counter.DATA_RECEIVED_DIRECT));
        assertEquals(hubTransmitted, lab.dataplane.totals().transmitted());

        // B's way back is resolved on its own first packet.
        assertEquals(DataPath.HUB, spokes.sendData(1, destination, source, 64));
        lab.driver.runUntilIdle();
        assertEquals(DataPath.DIRECT, spokes.sendData(1, destination, source, 64));
        lab.driver.runUntilIdle();
        assertEquals(1, counters.get(0, Counter.DATA_RECEIVED_DIRECT));
        assertEquals(2, lab.server.traffic().resolutionsAnswered());
    }
}
