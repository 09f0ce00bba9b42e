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
 * Two producers and two consumers of the slab's free pool, near full: a pool of two holding 1.
 * Each thread gives a value back, then takes one (thread A gives 2, thread B gives 3): the two
 * offers race for the one free place, and the loser finds the pool full unless the other thread
 * has already taken 1; then the two polls race for the head. The arbiter drains what is left.
 * (Two threads, not four: jcstress cannot schedule four actors on this 2-CPU machine.)
 * <p>
 * Outcome: A's offer accepted (1/0), the value A took, B's offer accepted, the value B took
 * (0: pool empty), the values left (digits in the pool's order, 0 for none). Every value that
 * went in comes out exactly once, first in first out; nothing is overwritten, duplicated or
 * invented. The list is every outcome of every interleaving of the pool's steps.
 */
@JCStressTest
@Outcome(id = "0, 1, 1, 3, 0", expect = Expect.ACCEPTABLE, desc = "3 took the free place, 2 refused (full); A took 1, B took 3")
@Outcome(id = "0, 3, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "3 took the free place, 2 refused; B took 1, A took 3")
@Outcome(id = "1, 1, 0, 2, 0", expect = Expect.ACCEPTABLE, desc = "2 took the free place, 3 refused; A took 1, B took 2")
@Outcome(id = "1, 2, 0, 1, 0", expect = Expect.ACCEPTABLE, desc = "2 took the free place, 3 refused; B took 1, A took 2")
@Outcome(id = "1, 1, 1, 2, 3", expect = Expect.ACCEPTABLE, desc = "A gave 2 and took 1 before B gave 3; B took 2, 3 left")
@Outcome(id = "1, 3, 1, 1, 2", expect = Expect.ACCEPTABLE, desc = "B gave 3 and took 1 before A gave 2; A took 3, 2 left")
@Outcome(expect = Expect.FORBIDDEN, desc = "a value overwritten, lost, taken twice, invented (9) or out of order; a full answer with room; an empty answer")
@State
public class PoolFullRaceTest
{
    private final MpmcIntPool pool = new MpmcIntPool(2);

    public PoolFullRaceTest()
    {
        pool.offer(1);
    }

    @Actor
    public void threadA(final IIIII_Result result)
    {
        result.r1 = pool.offer(2) ? 1 : 0;
        result.r2 = RingValues.taken(pool.poll());
    }

    @Actor
    public void threadB(final IIIII_Result result)
    {
        result.r3 = pool.offer(3) ? 1 : 0;
        result.r4 = RingValues.taken(pool.poll());
    }

    @Arbiter
    public void drain(final IIIII_Result result)
    {
        result.r5 = RingValues.drain(pool);
    }
}
