package net.dmvpnhub.bench.runners;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Quiet windows judged as a load goes: the rule, the ring of three histograms, the tail. */
class QuietWindowsTest
{
    private static final long W = HubLatencyRun.WINDOW_NS;

    @Test
    void aWindowIsQuietWithNoStopInItOrTheOneBefore()
    {
        final LatencyReport.Quiet q = LatencyReportTest.quiet();
        assertEquals(5, q.of());
        assertEquals(1, q.quiet(), "window 0 only: 1 and 3 have stops, 2 and 4 follow one");
        assertEquals(100, q.latencyNs().getTotalCount());
        assertEquals(40_000, q.latencyNs().getMaxValue(), 400, "2 significant digits");
    }

    @Test
    void eachWindowIsJudgedOnItsOwnFramesThoughItsHistogramIsReused()
    {
        // Ten windows, each frame's latency its window's number in microseconds; a worker stop in
        // window 4 takes 4 and 5 out. The ring holds three histograms, so a reused one that kept
        // a judged window's frames would show them twice or in the wrong window.
        final long[] workers = new long[10];
        workers[4] = 1;
        final QuietWindows windows = new QuietWindows(10, window -> workers[window]);
        windows.begin(1_000);
        for (int i = 0; i < 10; i++)
        {
            windows.windowAt(1_000 + i * W + W / 2).recordValueWithCount((i + 1) * 1_000L, 10);
        }
        final LatencyReport.Quiet q = windows.finish();
        assertEquals(10, q.of());
        assertEquals(8, q.quiet());
        assertEquals(80, q.latencyNs().getTotalCount());
        final Histogram h = q.latencyNs();
        assertEquals(0, h.getCountAtValue(5_000), "window 4 (5 us) left out");
        assertEquals(0, h.getCountAtValue(6_000), "window 5 (6 us), after the stop, left out");
        assertEquals(10, h.getCountAtValue(1_000));
        assertEquals(10, h.getCountAtValue(10_000));
    }

    @Test
    void windowsWithNoFrameAreNeitherQuietNorCountedAndLateFramesGoInTheLast()
    {
        final QuietWindows windows = new QuietWindows(4, window -> 0);
        windows.begin(0);
        windows.windowAt(W / 2).recordValue(7_000);
        windows.sourceStopped(W / 2);
        windows.windowAt(W + 1).recordValue(8_000);
        // Frames that come back after the load's last window count in the last one.
        windows.windowAt(100 * W).recordValue(9_000);
        final LatencyReport.Quiet q = windows.finish();
        assertEquals(3, q.of(), "windows 0, 1 and 3 had frames; 2 had none");
        assertEquals(1, q.quiet(), "0 had a stop, 1 follows it, 3 is quiet");
        assertEquals(1, q.latencyNs().getTotalCount());
        assertEquals(9_000, q.latencyNs().getMaxValue(), 100);
    }
}
