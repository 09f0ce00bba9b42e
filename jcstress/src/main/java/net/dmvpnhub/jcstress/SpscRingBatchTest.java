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
 * {@code offerBatch} against {@code pollBatch} in a ring of four that starts three positions in,
 * with stale values (7) in slots 0 to 2, so every batch wraps. The producer offers the batch
 * 1, 2, 3 (it fits), then 4, 5, 6: only 4 fits unless the consumer has freed the first batch's
 * places. The consumer takes up to four at once; the arbiter drains the rest.
 * <p>
 * Outcome: accepted, taken, left (digits in order, 0 for none). A batch is published once, so
 * the consumer sees none of it or all of what was accepted, never part; values arrive in order,
 * each whole, and a partly refused batch keeps exactly its accepted prefix.
 */
@JCStressTest
@Outcome(id = "1234, 0, 1234", expect = Expect.ACCEPTABLE, desc = "consumer first: second batch cut to 4")
@Outcome(id = "1234, 123, 4", expect = Expect.ACCEPTABLE, desc = "consumer took the first batch after the producer saw the ring full")
@Outcome(id = "123456, 123, 456", expect = Expect.ACCEPTABLE, desc = "consumer took the first batch; the whole second one fitted")
@Outcome(id = "1234, 1234, 0", expect = Expect.ACCEPTABLE, desc = "consumer took everything after both batches")
@Outcome(expect = Expect.FORBIDDEN, desc = "part of a batch seen, a value lost, duplicated, reordered, torn, stale (7) or never written (9)")
@State
public class SpscRingBatchTest
{
    private static final long[] FIRST = { value(1), value(2), value(3) };
    private static final long[] SECOND = { value(4), value(5), value(6) };
    private final SpscLongRing ring = new SpscLongRing(4);
    private final long[] taken = new long[4];

    public SpscRingBatchTest()
    {
        final long stale = value(RingValues.STALE);
        ring.offerBatch(new long[]{ stale, stale, stale }, 0, 3);
        ring.pollBatch(new long[3], 3);
    }

    @Actor
    public void producer(final III_Result result)
    {
        final int first = ring.offerBatch(FIRST, 0, FIRST.length);
        final int second = ring.offerBatch(SECOND, 0, SECOND.length);
        result.r1 = append(append(0, FIRST, first), SECOND, second);
    }

    @Actor
    public void consumer(final III_Result result)
    {
        result.r2 = append(0, taken, ring.pollBatch(taken, 4));
    }

    @Arbiter
    public void drain(final III_Result result)
    {
        final long[] rest = new long[8];
        result.r3 = append(0, rest, ring.pollBatch(rest, 8));
    }
}
