package net.dmvpnhub.jcstress;

import net.dmvpnhub.dataplane.ring.SpscLongRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static net.dmvpnhub.jcstress.RingValues.append;
import static net.dmvpnhub.jcstress.RingValues.value;

/**
 * {@code offerPair} against {@code pollPair} (how the injection ring carries a slot and its
 * metadata) in a ring of four that starts one position in, with a stale value (7) in slot 0, so
 * the second pair straddles the wrap. The producer offers (1, 2), (3, 4), (5, 6): the ring holds
 * two pairs, so the third fits only once the consumer has taken one. The consumer polls for a
 * pair twice; the arbiter drains whatever is left.
 * <p>
 * Outcome: accepted, taken, left (digits in order, 0 for none). Pairs arrive whole and in order.
 */
@JCStressTest
@Outcome(id = "1234, 0, 1234", expect = Expect.ACCEPTABLE, desc = "both polls before the first pair: third pair refused")
@Outcome(id = "1234, 12, 34", expect = Expect.ACCEPTABLE, desc = "consumer took (1, 2); third pair offered before that was seen, refused")
@Outcome(id = "123456, 12, 3456", expect = Expect.ACCEPTABLE, desc = "consumer took (1, 2); third pair fitted")
@Outcome(id = "1234, 1234, 0", expect = Expect.ACCEPTABLE, desc = "consumer took two pairs; third refused before that was seen")
@Outcome(id = "123456, 1234, 56", expect = Expect.ACCEPTABLE, desc = "consumer took two pairs; third fitted")
@Outcome(expect = Expect.FORBIDDEN, desc = "a split pair, a value lost, duplicated, reordered, torn, stale (7) or never written (9)")
@State
public class SpscRingPairTest
{
    private final SpscLongRing ring = new SpscLongRing(4);
    private final long[] pair = new long[2];

    public SpscRingPairTest()
    {
        ring.offer(value(RingValues.STALE));
        ring.pollBatch(new long[1], 1);
    }

    @Actor
    public void producer(final III_Result result)
    {
        int accepted = 0;
        for (int k = 1; k <= 5; k += 2)
        {
            if (ring.offerPair(value(k), value(k + 1)))
            {
                accepted = accepted * 100 + k * 10 + k + 1;
            }
        }
        result.r1 = accepted;
    }

    @Actor
    public void consumer(final III_Result result)
    {
        int taken = 0;
        for (int i = 0; i < 2; i++)
        {
            if (ring.pollPair(pair))
            {
                taken = append(taken, pair, 2);
            }
        }
        result.r2 = taken;
    }

    @Arbiter
    public void drain(final III_Result result)
    {
        final long[] rest = new long[8];
        result.r3 = append(0, rest, ring.pollBatch(rest, 8));
    }
}
