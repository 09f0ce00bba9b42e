package net.dmvpnhub.bench.runners;

/**
 * A fixed offered load: frame {@code k} is meant to leave at {@code startNs + k / rate}, whatever
 * happened to the frames before it. A source that fell behind (a pause, a full ring) sends the
 * late frames at once and stamps each with its intended time, so their latency includes the time
 * they waited to be sent: coordinated omission corrected once, by construction, with no
 * expected-interval back-filling in the histogram.
 */
public final class Pacer
{
    private final long startNs;
    private final double periodNs;
    private long next;

    /**
     * @param startNs when frame 0 is meant to leave.
     * @param framesPerSecond offered load, more than 0.
     */
    public Pacer(final long startNs, final double framesPerSecond)
    {
        if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond))
        {
            throw new IllegalArgumentException("offered load must be a positive number of frames per second, not " + framesPerSecond);
        }
        this.startNs = startNs;
        this.periodNs = 1e9 / framesPerSecond;
    }

    public long startNs()
    {
        return startNs;
    }

    /** The intended send time of frame {@code k}. */
    public long intendedNs(final long k)
    {
        return startNs + Math.round(k * periodNs);
    }

    /** The intended send time of the next frame. */
    public long nextNs()
    {
        return intendedNs(next);
    }

    /** True when the next frame's intended time has come ({@code nowNs} at or past it, wrap-safe). */
    public boolean due(final long nowNs)
    {
        return nowNs - nextNs() >= 0;
    }

    /** The next frame was sent, or dropped: move on to the one after it. */
    public void advance()
    {
        next++;
    }

    /** Frames the pacer has moved past. */
    public long count()
    {
        return next;
    }
}
