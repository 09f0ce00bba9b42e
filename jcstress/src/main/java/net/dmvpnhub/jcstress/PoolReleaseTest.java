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
 * The contract {@code FrameSlab} builds on: a slab of two slots, both free (a pool of two holding
 * 1 and 2). Two workers each allocate a slot and release it at once. A release gives back a slot
 * its caller owns, so the pool always has a place for it: {@code FrameSlab.release} treats a
 * refusal as a double release and throws. The arbiter drains the pool.
 * <p>
 * Outcome: first worker's slot, its release accepted (1/0), second worker's slot, its release
 * accepted, the slots left in the pool (digits in order).
 * <p>
 * The list is every outcome of every interleaving of the pool's steps in which {@code offer}
 * reports full only when no consumer has claimed the value in the cell it needs (JCTools'
 * test). {@code MpmcIntPool.offer} once reported full as soon as that cell was not yet freed:
 * when one worker had won the position-0 CAS in {@code poll} but not yet freed cell 0, the other
 * worker's release landed on position 2, the same cell, and was refused. That showed as
 * {@code "1, 1, 2, 0, 1"} or {@code "2, 0, 1, 1, 1"}, forbidden because it breaks the slab; this
 * test found it, and the pool now waits for the claiming consumer instead.
 */
@JCStressTest
@Outcome(id = "1, 1, 2, 1, 12", expect = Expect.ACCEPTABLE, desc = "first took 1, second 2; 1 given back first")
@Outcome(id = "1, 1, 2, 1, 21", expect = Expect.ACCEPTABLE, desc = "first took 1, second 2; 2 given back first")
@Outcome(id = "2, 1, 1, 1, 12", expect = Expect.ACCEPTABLE, desc = "first took 2, second 1; 1 given back first")
@Outcome(id = "2, 1, 1, 1, 21", expect = Expect.ACCEPTABLE, desc = "first took 2, second 1; 2 given back first")
@Outcome(expect = Expect.FORBIDDEN, desc = "a release refused (FrameSlab would throw), a slot taken twice, lost or invented (9)")
@State
public class PoolReleaseTest
{
    private final MpmcIntPool pool = new MpmcIntPool(2);

    public PoolReleaseTest()
    {
        pool.offer(1);
        pool.offer(2);
    }

    @Actor
    public void worker1(final IIIII_Result result)
    {
        final int slot = pool.poll();
        result.r1 = RingValues.taken(slot);
        result.r2 = slot != -1 && pool.offer(slot) ? 1 : 0;
    }

    @Actor
    public void worker2(final IIIII_Result result)
    {
        final int slot = pool.poll();
        result.r3 = RingValues.taken(slot);
        result.r4 = slot != -1 && pool.offer(slot) ? 1 : 0;
    }

    @Arbiter
    public void drain(final IIIII_Result result)
    {
        result.r5 = RingValues.drain(pool);
    }
}
