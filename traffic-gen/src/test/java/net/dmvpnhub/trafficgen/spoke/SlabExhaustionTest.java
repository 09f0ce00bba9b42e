package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import org.junit.jupiter.api.Test;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A burst larger than the hub's frame slab, sent before the hub can run: what finds no slot is a
 * named drop where it happens ({@code hub-slab-exhausted}), everything that got a slot is
 * forwarded, the slab recovers to full, and the next burst that fits goes through whole; every
 * frame accounted for and no slot leaked.
 */
class SlabExhaustionTest extends LabTest
{
    @Test
    void aBurstLargerThanTheSlabIsANamedDropAndTheHubRecovers()
    {
        final int n = 20;
        final int slots = 512;
        lab = new Lab(Lab.hubConfig(), SpokeConfig.builder().build(), AddressPlan.defaults(), new Lab.Sizing(n, slots, 4096, 42, false))
            .registered();
        final Spokes spokes = lab.spokes;
        final int freeBefore = lab.slab.freeSlots();
        final long receivedBefore = spokes.counters().get(Counter.DATA_RECEIVED_HUB);

        // 2,000 packets through the hub in one go, four times the slab, before the hub runs at all.
        int sent = 0;
        int refused = 0;
        for (int i = 0; i < 2000; i++)
        {
            final int from = i % 10;
            final DataPath path = spokes.sendData(from, spokes.host(from, 5), spokes.host(10 + from, 7), 64);
            if (path == DataPath.HUB)
            {
                sent++;
            }
            else
            {
                assertEquals(DataPath.DROPPED, path);
                refused++;
            }
        }
        assertTrue(sent > 0 && sent <= slots, "the slab bounds what was sent: " + sent);
        assertTrue(refused >= 2000 - slots, "refused " + refused);
        assertEquals(refused, spokes.counters().drops(SpokeDrop.HUB_SLAB_EXHAUSTED), "each one a named drop");

        lab.driver.runUntilIdle();
        assertEquals(sent, spokes.counters().get(Counter.DATA_RECEIVED_HUB) - receivedBefore, "everything that got a slot arrived");
        assertEquals(freeBefore, lab.slab.freeSlots(), "the slab recovered");

        // A burst that fits goes through whole.
        for (int i = 0; i < slots / 4; i++)
        {
            final int from = i % 10;
            assertEquals(DataPath.HUB, spokes.sendData(from, spokes.host(from, 5), spokes.host(10 + from, 7), 64));
        }
        lab.driver.runUntilIdle();
        assertEquals(sent + slots / 4, spokes.counters().get(Counter.DATA_RECEIVED_HUB) - receivedBefore);
        assertEquals(refused, spokes.counters().drops(SpokeDrop.HUB_SLAB_EXHAUSTED), "no new drop");
    }
}
