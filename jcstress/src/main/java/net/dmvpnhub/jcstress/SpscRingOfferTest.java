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
 * Single {@code offer}s into a ring of two that fills up, against one {@code pollBatch}. The ring
 * starts one position in, with a stale value (7) left in slot 0, so the offers wrap around and
 * overwrite it. The producer offers 1, 2 and 3: the first two always fit, the third only if the
 * consumer has already freed a place. The consumer takes what it finds (at most 2) and the
 * arbiter drains the rest afterwards.
 * <p>
 * Outcome: the values the ring accepted, the values the consumer took, the values left in it
 * (each as digits in order, 0 for none). The consumer sees a prefix of what was offered, in
 * order, each value whole; a refused offer leaves nothing; consumer and arbiter together hold
 * exactly what was accepted.
 */
@JCStressTest
@Outcome(id = "12, 0, 12", expect = Expect.ACCEPTABLE, desc = "consumer before any offer: the ring fills, 3 refused")
@Outcome(id = "12, 1, 2", expect = Expect.ACCEPTABLE, desc = "consumer took 1; 3 offered before the freed place was seen, refused")
@Outcome(id = "123, 1, 23", expect = Expect.ACCEPTABLE, desc = "consumer took 1; 3 fitted in the freed place (wrapped)")
@Outcome(id = "12, 12, 0", expect = Expect.ACCEPTABLE, desc = "consumer took 1 and 2 after 3 was refused")
@Outcome(id = "123, 12, 3", expect = Expect.ACCEPTABLE, desc = "consumer took 1 and 2, then 3 fitted")
@Outcome(expect = Expect.FORBIDDEN, desc = "a value lost, duplicated, reordered, torn, stale (7) or never written (9), or a full ring that accepted")
@State
public class SpscRingOfferTest
{
    private final SpscLongRing ring = new SpscLongRing(2);
    private final long[] taken = new long[2];

    public SpscRingOfferTest()
    {
        ring.offer(value(RingValues.STALE));
        ring.pollBatch(new long[1], 1);
    }

    @Actor
    public void producer(final III_Result result)
    {
        int accepted = 0;
        for (int k = 1; k <= 3; k++)
        {
            if (ring.offer(value(k)))
            {
                accepted = accepted * 10 + k;
            }
        }
        result.r1 = accepted;
    }

    @Actor
    public void consumer(final III_Result result)
    {
        result.r2 = append(0, taken, ring.pollBatch(taken, 2));
    }

    @Arbiter
    public void drain(final III_Result result)
    {
        final long[] rest = new long[4];
        result.r3 = append(0, rest, ring.pollBatch(rest, 4));
    }
}
