package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.dataplane.Dataplane;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;

/**
 * Runs a whole simulated DMVPN (spokes, the hub's dataplane, its NHS) on the caller's thread with
 * a manual clock, for deterministic tests: the same inputs give the same frames, in the same
 * order, every time.
 * <p>
 * One round is a spokes duty cycle, then the dataplane until it has nothing left (as a dataplane
 * on its own core would keep up), then one NHS duty cycle; so requests wait in the punt rings for
 * the NHS as they would for a busy NHS thread, and its admission control sees real backlogs.
 * Time moves only when told ({@link #advance}), and everything due then runs before the call
 * returns.
 */
public final class LockstepDriver
{
    /** Rounds without quiescence after which something is assumed to loop. */
    public static final int MAX_ROUNDS = 10_000_000;
    private static final int DATAPLANE_CYCLES_PER_ROUND = 1 << 16;

    private final CachedNanoClock clock;
    private final Dataplane dataplane;
    private final Agent nhs;
    private final Spokes spokes;
    private long rounds;
    private boolean nhsPaused;
    private long nhsPausedUntilNs;

    /**
     * @param clock the clock every part was built with; only this driver moves it.
     * @param nhs the hub's control plane, run one duty cycle per round.
     */
    public LockstepDriver(final CachedNanoClock clock, final Dataplane dataplane, final Agent nhs, final Spokes spokes)
    {
        this.clock = clock;
        this.dataplane = dataplane;
        this.nhs = nhs;
        this.spokes = spokes;
    }

    public long nowNs()
    {
        return clock.nanoTime();
    }

    /**
     * The NHS runs no duty cycle until the clock reaches {@code untilNs}, as a control-plane thread
     * descheduled or stalled that long would; the spokes and the dataplane go on.
     */
    public void pauseNhsUntil(final long untilNs)
    {
        nhsPaused = true;
        nhsPausedUntilNs = untilNs;
    }

    /** @return rounds run since construction. */
    public long rounds()
    {
        return rounds;
    }

    private int nhsDutyCycle()
    {
        try
        {
            return nhs.doWork();
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("the hub's NHS failed a duty cycle", ex);
        }
    }

    /**
     * One round: spokes, dataplane until idle, NHS.
     *
     * @return work done.
     */
    public int round()
    {
        final long now = clock.nanoTime();
        int work = spokes.doWork();
        for (int i = 0, n; i < DATAPLANE_CYCLES_PER_ROUND && (n = dataplane.doWork(now)) > 0; i++)
        {
            work += n;
        }
        nhsPaused &= now - nhsPausedUntilNs < 0;
        if (!nhsPaused)
        {
            work += nhsDutyCycle();
        }
        rounds++;
        return work;
    }

    /**
     * Runs rounds until two in a row do nothing.
     *
     * @return rounds run.
     * @throws IllegalStateException after {@link #MAX_ROUNDS} rounds without quiescence.
     */
    public int runUntilIdle()
    {
        int idle = 0;
        int n = 0;
        while (idle < 2)
        {
            if (++n > MAX_ROUNDS)
            {
                throw new IllegalStateException("no quiescence after " + MAX_ROUNDS + " rounds");
            }
            idle = round() == 0 ? idle + 1 : 0;
        }
        return n;
    }

    /** Moves the clock forward and runs everything due. */
    public void advance(final long ns)
    {
        clock.update(clock.nanoTime() + ns);
        runUntilIdle();
    }

    /** Moves the clock forward {@code totalNs} in steps of {@code stepNs}, running everything due after each. */
    public void advance(final long totalNs, final long stepNs)
    {
        final long end = clock.nanoTime() + totalNs;
        while (end - clock.nanoTime() > 0)
        {
            advance(Math.min(stepNs, end - clock.nanoTime()));
        }
    }
}
