package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.nhrp.SaLifetime;
import org.junit.jupiter.api.Test;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NHS stalls for 5 s while spokes send to each other through the hub and two fifths of them
 * restart at once: the dataplane goes on forwarding to the peers it knows and loses nothing, the
 * restarted spokes' key exchanges and registrations wait, and once the NHS resumes every spoke is
 * registered again, with one cache entry and one inbound SA each, every frame accounted for and
 * every slot back. (An overflowing punt ring is a named drop, {@code punt-ring-full}:
 * {@code HubWorkerTest}.)
 */
class NhsPauseTest extends LabTest
{
    @Test
    void theDataplaneForwardsThroughAFiveSecondNhsStallAndEverySpokeRegistersAfterIt()
    {
        final int n = 500;
        lab = new Lab(Lab.hubConfig(), SpokeConfig.builder().build(), AddressPlan.defaults(), new Lab.Sizing(n, 4096, 256, 42, false))
            .registered();
        final Spokes spokes = lab.spokes;

        // The NHS stalls; then two fifths of the spokes restart, a registration storm whose IKE waits for it.
        final long pauseEnd = lab.driver.nowNs() + 5 * SECOND;
        lab.driver.pauseNhsUntil(pauseEnd);
        final long transmittedBefore = lab.dataplane.totals().transmitted();
        final long droppedBefore = lab.dataplane.totals().dropped();
        final int restarted = 2 * n / 5;
        for (int s = 0; s < restarted; s++)
        {
            spokes.stop(s);
            spokes.start(s);
        }
        long sentViaHub = 0;
        while (lab.driver.nowNs() - pauseEnd < 0)
        {
            assertEquals(n - restarted, spokes.registeredCount(), "the restarted spokes wait for the NHS");
            // Forty spokes that stayed up send to the next one's LAN: through the hub, since no resolution is answered now.
            for (int s = restarted; s < restarted + 40; s++)
            {
                assertEquals(DataPath.HUB, spokes.sendData(s, spokes.host(s, 5), spokes.host(s + 1, 7), 64));
                sentViaHub++;
            }
            lab.driver.advance(SECOND / 100);
        }
        final WorkerCounters during = lab.dataplane.totals();
        assertTrue(sentViaHub >= 40 * 400, "the spokes kept sending through the hub: " + sentViaHub);
        assertTrue(during.transmitted() - transmittedBefore >= sentViaHub, "the hub forwarded every one of them during the stall: " +
            (during.transmitted() - transmittedBefore) + " of " + sentViaHub);
        assertEquals(droppedBefore, during.dropped(), "nothing to a known peer was lost");

        // The NHS resumes: the restarted spokes retry and register.
        for (int i = 0; i < 12_000 && spokes.registeredCount() < n; i++)
        {
            lab.driver.advance(SECOND / 100);
        }
        assertEquals(n, spokes.registeredCount(), "every spoke registered after the stall");
        assertEquals(n, lab.server.cacheSize(), "one cache entry per spoke, none left behind");
        // The restarted spokes keyed new SAs from the addresses they had: the old inbound SAs stay through the overlap.
        lab.driver.advance(SaLifetime.OVERLAP_NS + SECOND, SECOND / 10);
        assertEquals(n, lab.tables.spis().size(), "one inbound SA per spoke, none left behind");
    }
}
