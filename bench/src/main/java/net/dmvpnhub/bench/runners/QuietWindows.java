package net.dmvpnhub.bench.runners;

import org.HdrHistogram.Histogram;

import java.util.function.IntToLongFunction;

/**
 * A load's latencies by window of {@link HubLatencyRun#WINDOW_NS}, judged as the load goes: a
 * window is quiet when no busy thread stopped in it or in the one before (a stop's backlog drains
 * into the next window), and the quiet windows' latencies are added up
 * ({@link LatencyReport.Quiet}). Only three windows' histograms exist at a time: window
 * {@code k} is judged once the source is in window {@code k + 2}, by when a worker's stop that
 * ended in {@code k} has long been counted, and its histogram is then reused for {@code k + 3}.
 * So an hour-long load takes the memory of a second's (judging costs a few microseconds each
 * 100 ms, on the source's thread).
 * <p>
 * A frame goes in the window it came back in; a stop in the window it ended in. One thread (the
 * source) calls everything here; the workers' stops are read through {@code workerStops}.
 */
final class QuietWindows
{
    private long startNs;
    private final long[] sourceStops;
    private final IntToLongFunction workerStops;
    private final Histogram[] ring = new Histogram[3];
    private final Histogram quiet = new Histogram(HubLatencyRun.WINDOW_HIGHEST_NS, 2);
    private int quietCount;
    private int withFrames;
    private int nextToJudge;

    /**
     * Everything allocated here, before the load's measurements start; {@link #begin} then sets its start.
     *
     * @param windows windows in the load; what comes later goes in the last.
     * @param workerStops the workers' stops that ended in a window, added up, by window.
     */
    QuietWindows(final int windows, final IntToLongFunction workerStops)
    {
        this.sourceStops = new long[windows];
        this.workerStops = workerStops;
        for (int i = 0; i < ring.length; i++)
        {
            ring[i] = new Histogram(HubLatencyRun.WINDOW_HIGHEST_NS, 2);
        }
    }

    /** Window 0 starts at {@code startNs}. */
    void begin(final long startNs)
    {
        this.startNs = startNs;
    }

    private int index(final long nowNs)
    {
        final long window = (nowNs - startNs) / HubLatencyRun.WINDOW_NS;
        return window < 0 ? 0 : (int)Math.min(window, sourceStops.length - 1);
    }

    /** A stop of the source's loop that ended at {@code nowNs}. */
    void sourceStopped(final long nowNs)
    {
        sourceStops[index(nowNs)]++;
    }

    /**
     * @return the histogram for frames that came back at {@code nowNs}, after judging every window
     * two or more behind it.
     */
    Histogram windowAt(final long nowNs)
    {
        final int window = index(nowNs);
        while (nextToJudge <= window - 2)
        {
            judge(nextToJudge++);
        }
        return ring[window % ring.length];
    }

    private long stops(final int window)
    {
        return sourceStops[window] + workerStops.applyAsLong(window);
    }

    private void judge(final int window)
    {
        final Histogram h = ring[window % ring.length];
        if (h.getTotalCount() == 0)
        {
            // After the load's end, once every frame has come back: nothing to judge.
            return;
        }
        withFrames++;
        if (stops(window) == 0 && (window == 0 || stops(window - 1) == 0))
        {
            quiet.add(h);
            quietCount++;
        }
        h.reset();
    }

    /**
     * Judges the windows not judged yet (call once the load's frames have all come back).
     *
     * @return the quiet windows, out of those in which frames came back, and their latencies.
     */
    LatencyReport.Quiet finish()
    {
        while (nextToJudge < sourceStops.length)
        {
            judge(nextToJudge++);
        }
        return new LatencyReport.Quiet(quietCount, withFrames, quiet);
    }
}
