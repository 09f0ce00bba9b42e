package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.nhrp.hub.NhsConfig;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static net.dmvpnhub.trafficgen.spoke.Lab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded run replays event for event: the same seed gives the same sequence of spoke events
 * (time, spoke, event, detail) through a storm with jitter and NAK 5 retries, Traffic
 * Indications, resolutions, shortcuts and their expiry; another seed gives another sequence.
 */
class DeterminismTest
{
    private record Trace(long digest, long events, long ciphertextDigest)
    {
    }

    @Test
    void theSameSeedReplaysEventForEvent()
    {
        final Trace first = run(7);
        final Trace second = run(7);
        assertTrue(first.events() > 1_000, "a run with something to compare: " + first.events());
        assertEquals(first, second);
        assertNotEquals(first.digest(), run(8).digest(), "the seed drives jitter and back-off");
    }

    private static Trace run(final long seed)
    {
        final SpokeConfig config = SpokeConfig.builder()
            .startJitterNs(2 * SECOND)
            .holdingTimeS(300)
            .retryNs(SECOND / 4, 4 * SECOND)
            .build();
        final NhsConfig hub = Lab.hubConfig().withAdmissionBound(8);
        final long[] trace = {17, 0};
        try (Lab lab = new Lab(hub, config, AddressPlan.defaults(), new Lab.Sizing(200, 1024, 256, seed, false)))
        {
            final Spokes spokes = lab.spokes;
            spokes.listener((timeNs, spoke, event, detail) ->
            {
                trace[0] = 31 * (31 * (31 * (31 * trace[0] + timeNs) + spoke) + event.ordinal()) + detail;
                trace[1]++;
            });
            final long[] bytes = {0};
            spokes.dataReceiver((spoke, direct, buffer, offset, length) -> bytes[0] = 31 * bytes[0] + buffer.getLong(offset + 28));
            spokes.startAll();
            lab.driver.advance(20 * SECOND, SECOND / 20);
            // Traffic between pairs the test's own seeded generator picks.
            final SplittableRandom traffic = new SplittableRandom(seed);
            for (int step = 0; step < 400; step++)
            {
                final int from = traffic.nextInt(spokes.count());
                final int to = traffic.nextInt(spokes.count());
                spokes.sendData(from, spokes.host(from, 1 + traffic.nextInt(200)), spokes.host(to, 1 + traffic.nextInt(200)), 32);
                lab.driver.advance(SECOND);
            }
            lab.driver.advance(600 * SECOND, 5 * SECOND);
            lab.assertConservedAndNoLeak();
            return new Trace(trace[0], trace[1], bytes[0]);
        }
    }
}
