package net.dmvpnhub.bench.runners;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A worker's idle strategy that also notices when its thread stopped: Agrona's agent runner calls
 * {@link #idle(int)} after every duty cycle, and a duty cycle of this hub takes microseconds (a
 * batch of at most 64 frames), so a gap of more than the stop threshold ({@code --stop-us}) between two
 * calls means the thread was not running (another thread had its processor, or the hypervisor
 * took the virtual processor). While armed for a recorded load, each such stop is counted in the
 * window of the load ({@link HubLatencyRun#WINDOW_NS}) in which it ended, which is the window
 * whose frames it held up. One clock read per duty cycle is all it adds; it never allocates.
 * <p>
 * One thread (the worker's) calls {@link #idle}; another arms, reads and disarms.
 */
final class StallMeter implements IdleStrategy
{
    /** The windows of one recorded load. */
    private record Window(long startNs, long lengthNs, AtomicLongArray stops)
    {
    }

    private final IdleStrategy delegate;
    private final long stopNs;
    private volatile Window window;
    private long lastNs = System.nanoTime();

    StallMeter(final IdleStrategy delegate, final long stopNs)
    {
        this.delegate = delegate;
        this.stopNs = stopNs;
    }

    private AtomicLongArray prepared;

    /** Allocates the counts for a load of {@code windows} windows, before its measurements start. */
    void prepare(final int windows)
    {
        prepared = new AtomicLongArray(windows);
    }

    /** Counts stops from {@code startNs} on, one slot per {@code lengthNs} (later ones go in the last), in what {@link #prepare} made. */
    void arm(final long startNs, final long lengthNs)
    {
        window = new Window(startNs, lengthNs, prepared);
    }

    /** The stops that ended in a window since {@link #arm} (0 when not armed). */
    long stopsIn(final int windowIndex)
    {
        final Window w = window;
        return w == null ? 0 : w.stops().get(windowIndex);
    }

    /** Stops counting. */
    void disarm()
    {
        window = null;
    }

    @Override
    public void idle(final int workCount)
    {
        final long nowNs = System.nanoTime();
        if (nowNs - lastNs > stopNs)
        {
            final Window w = window;
            if (w != null && nowNs - w.startNs() >= 0)
            {
                w.stops().incrementAndGet((int)Math.min((nowNs - w.startNs()) / w.lengthNs(), w.stops().length() - 1));
            }
        }
        lastNs = nowNs;
        delegate.idle(workCount);
    }

    @Override
    public void idle()
    {
        delegate.idle();
    }

    @Override
    public void reset()
    {
        delegate.reset();
    }

    @Override
    public String alias()
    {
        return delegate.alias();
    }
}
