package net.dmvpnhub.nhrp.hub;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The NHS thread between duty cycles: it parks, longer each cycle that finds little to do, and
 * stops parking while it finds a backlog.
 * <ul>
 *   <li>a cycle that found at least {@code busyWork} packets: no park, the next cycle at once,
 *   and the next park starts again from the shortest period (a storm's requests are queued);</li>
 *   <li>any other cycle, idle or with a trickle of work: park, then double the period, up to the
 *   longest.</li>
 * </ul>
 * Agrona's {@link org.agrona.concurrent.BackoffIdleStrategy} starts again from its shortest park
 * after any work, so a trickle keeps it waking at the shortest period: with the hairpin traffic's
 * 5,400 redirect signals a second, the NHS thread woke about 3,500 times a second, and each
 * wake-up (a timed park, a context switch out and back) cost it about 25 us of CPU on this
 * project's VM, more than the signals it handled. Here a trickle is taken a millisecond's worth at
 * a time; a control plane does not need to answer within microseconds, and a backlog is handled
 * without parking at all.
 * <p>
 * Not thread-safe: one per agent thread.
 */
public final class NhsIdleStrategy implements IdleStrategy
{
    private final long minParkNs;
    private final long maxParkNs;
    private final int busyWork;
    private final LongConsumer parker;
    private long parkNs;

    /**
     * @param minParkNs the shortest park, after a busy cycle.
     * @param maxParkNs the longest park, reached by doubling over idle cycles.
     * @param busyWork work in one cycle from which the next cycle runs at once.
     */
    public NhsIdleStrategy(final long minParkNs, final long maxParkNs, final int busyWork)
    {
        this(minParkNs, maxParkNs, busyWork, LockSupport::parkNanos);
    }

    NhsIdleStrategy(final long minParkNs, final long maxParkNs, final int busyWork, final LongConsumer parker)
    {
        if (minParkNs < 1 || maxParkNs < minParkNs || busyWork < 1)
        {
            throw new IllegalArgumentException("need 0 < minParkNs <= maxParkNs and busyWork >= 1, not " + minParkNs + ", " + maxParkNs +
                ", " + busyWork);
        }
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.busyWork = busyWork;
        this.parker = parker;
        this.parkNs = minParkNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount >= busyWork)
        {
            parkNs = minParkNs;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        parker.accept(parkNs);
        parkNs = Math.min(maxParkNs, parkNs * 2);
    }

    @Override
    public void reset()
    {
        parkNs = minParkNs;
    }

    /** @return the period the next park would last. */
    long parkNs()
    {
        return parkNs;
    }

    @Override
    public String alias()
    {
        return "nhs";
    }
}
