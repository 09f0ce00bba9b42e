package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every spoke registering at the same instant, as after a hub restart: the NHS admits what its
 * bound allows and answers the rest NAK 5, spokes back off and retry, and in the end every spoke
 * is registered, with every Registration Request accounted for (answered, or lost by a named
 * drop), nothing lost silently.
 */
class RegistrationStormTest
{
    private Lab lab;

    @AfterEach
    void conservedAndNoLeak()
    {
        if (lab != null)
        {
            lab.assertConservedAndNoLeak();
            lab.close();
            lab = null;
        }
    }

    @Test
    void tenThousandSpokesAtOnceAllEndRegistered()
    {
        storm(10_000, 128, 8 * SECOND);
    }

    /** 100,000 spokes: excluded from the default suite (about a minute and 2 GiB of heap); {@code -Dgroups=stress}. */
    @Test
    @Tag("stress")
    void oneHundredThousandSpokesAtOnceAllEndRegistered()
    {
        storm(100_000, 128, 64 * SECOND);
    }

    /**
     * @param retryMaxNs the spokes' back-off cap: with 100,000 spokes an 8 s cap offers the NHS
     * more retries than it admits and the storm does not settle; IOS's 64 s does.
     */
    private void storm(final int n, final int admissionBound, final long retryMaxNs)
    {
        final long heapBefore = usedHeap();
        final AddressPlan plan = AddressPlan.forSpokes(n);
        final int tunnelPrefixLength = n > 60_000 ? 14 : 16;
        final SpokeConfig config = SpokeConfig.builder()
            .hub(SpokeConfig.builder().build().hubNbma(), SpokeConfig.builder().build().hubTunnel(), tunnelPrefixLength)
            .retryNs(SECOND / 2, retryMaxNs)
            .build();
        final NhsConfig hub = NhsConfig.phase3(config.hubNbma(), config.hubTunnel(), tunnelPrefixLength)
            .withAdmissionBound(admissionBound);
        lab = new Lab(hub, config, plan, new Lab.Sizing(n, 1 << 14, 1 << 12, 42, false));
        final Spokes spokes = lab.spokes;
        final long started = System.nanoTime();

        spokes.startAll();
        lab.driver.runUntilIdle();
        // Small steps: every timer due within a step fires at its end, so a step is a burst.
        for (int i = 0; i < 12_000 && spokes.registeredCount() < n; i++)
        {
            lab.driver.advance(SECOND / 100);
        }
        final long wallMs = (System.nanoTime() - started) / 1_000_000;

        final SpokeCounters counters = spokes.counters();
        final NhrpTraffic traffic = lab.server.traffic();
        assertEquals(n, spokes.registeredCount(), () -> counters.render() + hubLosses());
        assertEquals(n, lab.server.cacheSize());
        assertEquals(n, lab.tables.peers().size());
        assertTrue(traffic.admissionNaks() > 0, "the storm went over the admission bound");
        assertEquals(traffic.admissionNaks(), counters.registrationNaks(Nhrp.CIE_INSUFFICIENT_RESOURCES), "every NAK 5 reached its spoke");
        assertTrue(counters.get(Counter.REGISTRATION_RETRIES) >= traffic.admissionNaks(), "each refused spoke retried");

        // Nothing lost silently: a request is answered, or lost by a named drop and timed out.
        final long sent = counters.get(Counter.REGISTRATIONS_SENT);
        final long answered = counters.get(Counter.REGISTRATIONS_OK) + counters.get(Counter.REGISTRATION_NAKS);
        final WorkerCounters hubDataplane = lab.dataplane.totals();
        final long namedLosses = counters.drops(SpokeDrop.Stage.SEND) - counters.drops(SpokeDrop.IKE_RING_FULL) + hubDataplane.dropped() +
            traffic.ignored(NhrpTraffic.Ignored.SLAB_EXHAUSTED) + traffic.ignored(NhrpTraffic.Ignored.INJECT_RING_FULL) +
            traffic.ignored(NhrpTraffic.Ignored.NO_SA_FOR_SENDER) + counters.drops(SpokeDrop.Stage.RECEIVE) +
            counters.drops(SpokeDrop.STALE_REPLY);
        assertEquals(sent, answered + counters.get(Counter.REGISTRATION_TIMEOUTS), "every request answered or timed out");
        assertEquals(counters.get(Counter.REGISTRATION_TIMEOUTS), namedLosses, "every time-out has a named loss");
        assertEquals(traffic.received(Nhrp.TYPE_REGISTRATION_REQUEST), traffic.sent(Nhrp.TYPE_REGISTRATION_REPLY));

        final long heapAfter = usedHeap();
        System.out.printf("storm of %,d spokes: registered in %.1f s simulated, %,d ms wall, %,d rounds; %,d requests, %,d NAK 5, " +
                "%,d time-outs; spokes' tables %,d B/spoke; heap (hub and spokes, SAs included) %,d B/spoke%n",
            n, (lab.driver.nowNs() - 1_000 * SECOND) / 1e9, wallMs, lab.driver.rounds(), sent, traffic.admissionNaks(),
            counters.get(Counter.REGISTRATION_TIMEOUTS), spokes.memoryBytes() / n, (heapAfter - heapBefore) / n);
    }

    private String hubLosses()
    {
        final StringBuilder out = new StringBuilder();
        final WorkerCounters totals = lab.dataplane.totals();
        for (int i = 0; i < DropReasons.COUNT; i++)
        {
            if (totals.drops(i) != 0)
            {
                out.append("hub dataplane drop ").append(DropReasons.name(i)).append(' ').append(totals.drops(i)).append('\n');
            }
        }
        for (final NhrpTraffic.Ignored reason : NhrpTraffic.Ignored.values())
        {
            if (lab.server.traffic().ignored(reason) != 0)
            {
                out.append("hub NHS ignored ").append(reason).append(' ').append(lab.server.traffic().ignored(reason)).append('\n');
            }
        }
        return out.toString();
    }

    private static long usedHeap()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
