package net.dmvpnhub.jcstress;

import net.dmvpnhub.dataplane.ring.MpmcIntPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Two consumers and two producers of the slab's free pool, near empty: a pool of two holding 1.
 * Each thread takes a value, then gives one back (thread A gives 2, thread B gives 3): the two
 * polls race for the only value, and the loser finds the pool empty unless the other thread has
 * already given its value back; then the two offers race for places. The arbiter drains the rest.
 * (Two threads, not four: jcstress cannot schedule four actors on this 2-CPU machine.)
 * <p>
 * Outcome: the value A took (0: empty), A's offer accepted (1/0), the value B took, B's offer
 * accepted, the values left (digits in the pool's order, 0 for none). Every value comes out
 * exactly once, first in first out; the pool never has fewer than one free place here, so no
 * offer may be refused. The list is every outcome of every interleaving of the pool's steps.
 */
@JCStressTest
@Outcome(id = "0, 1, 1, 1, 23", expect = Expect.ACCEPTABLE, desc = "B took 1, A found the pool empty; 2 given back before 3")
@Outcome(id = "0, 1, 1, 1, 32", expect = Expect.ACCEPTABLE, desc = "B took 1, A found the pool empty; 3 given back before 2")
@Outcome(id = "1, 1, 0, 1, 23", expect = Expect.ACCEPTABLE, desc = "A took 1, B found the pool empty; 2 given back before 3")
@Outcome(id = "1, 1, 0, 1, 32", expect = Expect.ACCEPTABLE, desc = "A took 1, B found the pool empty; 3 given back before 2")
@Outcome(id = "1, 1, 2, 1, 3", expect = Expect.ACCEPTABLE, desc = "A took 1 and gave 2 before B polled; B took 2")
@Outcome(id = "3, 1, 1, 1, 2", expect = Expect.ACCEPTABLE, desc = "B took 1 and gave 3 before A polled; A took 3")
@Outcome(expect = Expect.FORBIDDEN, desc = "a value lost, taken twice, invented (9) or out of order; an offer refused with room; both empty")
@State
public class PoolEmptyRaceTest
{
    private final MpmcIntPool pool = new MpmcIntPool(2);

    public PoolEmptyRaceTest()
    {
        pool.offer(1);
    }

    @Actor
    public void threadA(final IIIII_Result result)
    {
        result.r1 = RingValues.taken(pool.poll());
        result.r2 = pool.offer(2) ? 1 : 0;
    }

    @Actor
    public void threadB(final IIIII_Result result)
    {
        result.r3 = RingValues.taken(pool.poll());
        result.r4 = pool.offer(3) ? 1 : 0;
    }

    @Arbiter
    public void drain(final IIIII_Result result)
    {
        result.r5 = RingValues.drain(pool);
    }
}
