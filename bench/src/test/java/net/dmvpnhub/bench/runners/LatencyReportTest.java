package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.SchedStat;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class LatencyReportTest
{
    /** 10,000 frames: 9,990 at 10 us, then 10 at {@code tailNs}. */
    private static Histogram latencies(final long tailNs)
    {
        final Histogram h = new Histogram(HubLatencyRun.HIGHEST_TRACKABLE_NS, 3);
        h.recordValueWithCount(10_000, 9_990);
        h.recordValueWithCount(tailNs, 10);
        return h;
    }

    private static LatencyReport.LoadResult result(final int percent, final Histogram h, final long hubDrops)
    {
        final Map<String, Long> source = new LinkedHashMap<>();
        source.put("RX_RING_FULL", 0L);
        source.put("NO_FREE_SLOT", 0L);
        final Map<String, Long> hub = new LinkedHashMap<>();
        if (hubDrops > 0)
        {
            hub.put("TX_RING_FULL", hubDrops);
        }
        return new LatencyReport.LoadResult(percent, 100_000, 99_500, h.getTotalCount() + hubDrops, h, source, hub, 2, 7, 1_000, 3_500,
            percent == 90 ? Double.NaN : 12.34, LatencyReport.Stalls.none(1_000_000_000L));
    }

    @Test
    void aRowPerLoadWithPercentilesInMicroseconds()
    {
        final String table = LatencyReport.table(List.of(result(50, latencies(150_000), 0)));
        final String row = table.lines().filter(l -> l.startsWith("| 50%")).findFirst().orElseThrow();
        final String[] cells = row.split("\\|");
        assertEquals(" 100,000 ", cells[2]);
        assertEquals(" 99,500 ", cells[3]);
        assertEquals(" 10000 ", cells[4]);
        assertEquals(" 10.0 ", cells[5], "p50");
        assertEquals(" 10.0 ", cells[8], "p99.9: the 10 slow frames are the top 0.1%");
        assertEquals(" 150.0 ", cells[9], "p99.99");
        assertEquals(" 150.0 ", cells[10], "max");
        assertEquals(" 0 ", cells[11], "dropped");
        assertEquals(" 2 ", cells[12], "GC count");
        assertEquals(" 7 ", cells[13], "GC ms");
        assertEquals(" 0.10 ", cells[14], "allocated bytes per frame offered");
        assertEquals(" 3.5 ", cells[15], "max source lag");
        assertEquals(" 12.3 ", cells[16], "CPU pressure");
        assertTrue(table.contains("- 50%: dropped by the source none; by the hub none"));
    }

    @Test
    void dropsAreListedByReason()
    {
        final String table = LatencyReport.table(List.of(result(90, latencies(20_000), 42)));
        assertTrue(table.contains("- 90%: dropped by the source none; by the hub TX_RING_FULL 42"), table);
        assertTrue(table.contains("| 3.5 | n/a |"), "CPU pressure unknown: " + table);
    }

    @Test
    void theGoalIsJudgedAtSeventyPercent()
    {
        final String met = LatencyReport.goal(List.of(result(50, latencies(900_000), 0), result(70, latencies(150_000), 0)));
        assertTrue(met.contains(": MET (p99.9 10.0 us, p99.99 150.0 us, 0 dropped)"), met);

        final String slowTail = LatencyReport.goal(List.of(result(70, latencies(300_000), 0)));
        assertTrue(slowTail.contains(": NOT MET (p99.9 10.0 us, p99.99 300.0 us"), slowTail);

        final Histogram slowBody = new Histogram(HubLatencyRun.HIGHEST_TRACKABLE_NS, 3);
        slowBody.recordValueWithCount(60_000, 10_000);
        assertTrue(LatencyReport.goal(List.of(result(70, slowBody, 0))).contains(": NOT MET (p99.9 60.0 us"));

        final String dropped = LatencyReport.goal(List.of(result(70, latencies(20_000), 3)));
        assertTrue(dropped.contains(": NOT MET") && dropped.contains("3 dropped"), dropped);

        assertTrue(LatencyReport.goal(List.of(result(90, latencies(20_000), 0))).contains("not measured"));
    }

    private static SchedStat.ThreadStat thread(final int tid, final String process, final String name, final boolean ours, final boolean kernel,
        final long cpuNs, final long waitNs)
    {
        return new SchedStat.ThreadStat(ours ? 100 : tid, tid, process, name, ours, kernel, cpuNs, waitNs);
    }

    @Test
    void theStallTableSeparatesTheBusyThreadsFromTheOthers()
    {
        final List<SchedStat.ThreadStat> used = List.of(
            thread(101, "java", LatencyReport.SOURCE_THREAD, true, false, 900_000_000L, 40_000_000L),
            thread(102, "java", "hub-worker-0", true, false, 850_000_000L, 30_000_000L),
            thread(103, "java", "hub-worker-1", true, false, 750_000_000L, 10_000_000L),
            thread(83, "kdamond.0", "kdamond.0", false, true, 45_250_000L, 1_000_000L),
            thread(104, "java", "C2 CompilerThre", true, false, 12_000_000L, 0),
            thread(700, "sshd", "sshd", false, false, 3_000_000L, 0),
            thread(701, "node", "libuv-worker", false, false, 2_000_000L, 0),
            thread(702, "bash", "bash", false, false, 1_000_000L, 0),
            thread(15, "rcu_preempt", "rcu_preempt", false, true, 400_000L, 0));
        final LatencyReport.LoadResult r = new LatencyReport.LoadResult(70, 100_000, 99_500, 10_000, latencies(20_000), Map.of(), Map.of(), 0, 0,
            0, 0, 1.0, new LatencyReport.Stalls(1_000_000_000L, used, 3, 7_500_000L, 4_200_000L, 250, 1_000_000, quiet()));
        final String row = LatencyReport.stallTable(List.of(r)).lines().filter(l -> l.startsWith("| 70%")).findFirst().orElseThrow();
        final String[] cells = row.split("\\|");
        assertEquals(" 90.0 ", cells[2], "source on a CPU");
        assertEquals(" 40.0 ", cells[3], "source waited");
        assertEquals(" 80.0 ", cells[4], "two workers on a CPU, averaged");
        assertEquals(" 40.0 ", cells[5], "workers waited, summed");
        assertEquals(" 3 ", cells[6], "source stops");
        assertEquals(" 7.5 ", cells[7], "their time");
        assertEquals(" 4200.0 ", cells[8], "longest stop");
        assertEquals(" 250 ", cells[9], "JIT compiling");
        assertEquals(" 1 of 5 ", cells[10], "windows without a stop in them or the window before");
        assertEquals(" 40.2 / 40.2 ", cells[11], "their percentiles");
        assertEquals(" kdamond.0 (kernel) 45.3, C2 CompilerThre (this JVM) 12.0, sshd (pid 700) 3.0, libuv-worker (node, pid 701) 2.0 ", cells[12],
            "the four busiest others, this JVM's non-busy threads among them; bash is fifth and rcu_preempt under 0.5 ms");
    }

    @Test
    void theStallTableSaysWhenNothingIsKnown()
    {
        final String row = LatencyReport.stallTable(List.of(result(50, latencies(20_000), 0))).lines()
            .filter(l -> l.startsWith("| 50%")).findFirst().orElseThrow();
        assertEquals("| 50% | n/a | n/a | n/a | n/a | 0 | 0.0 | 0.0 | 0 | 0 of 0 | n/a | n/a (no scheduler statistics) |", row);
    }

    /**
     * Five windows of 100 frames each: 0 quiet (40 us), 1 a source stop (5 ms), 2 none of its own
     * but after a stop (3 ms), 3 a worker stop (9 ms), 4 after a stop (40 us): only window 0 is quiet.
     */
    static LatencyReport.Quiet quiet()
    {
        final long[] valuesNs = {40_000, 5_000_000, 3_000_000, 9_000_000, 40_000};
        final long[] source = {0, 1, 0, 0, 0};
        final long[] workers = {0, 0, 0, 2, 0};
        final QuietWindows windows = new QuietWindows(5, window -> workers[window]);
        windows.begin(0);
        for (int i = 0; i < valuesNs.length; i++)
        {
            final long atNs = i * HubLatencyRun.WINDOW_NS + 1;
            windows.windowAt(atNs).recordValueWithCount(valuesNs[i], 100);
            if (source[i] > 0)
            {
                windows.sourceStopped(atNs);
            }
        }
        return windows.finish();
    }

    @Test
    void theGoalSentenceAddsTheQuietWindows()
    {
        final LatencyReport.LoadResult r = new LatencyReport.LoadResult(70, 100_000, 99_500, 10_000, latencies(20_000), Map.of(), Map.of(), 0, 0,
            0, 0, 1.0, new LatencyReport.Stalls(1_000_000_000L, List.of(), 0, 0, 0, 0, 1_000_000, quiet()));
        final String goal = LatencyReport.goal(List.of(r));
        assertTrue(goal.endsWith(" Over the 1 of 5 windows of 100 ms in which no busy thread stopped for over 1 ms (nor in the window " +
            "before), what the hub does when the machine leaves its threads alone: p99.9 40.2 us, p99.99 40.2 us, 100 frames."), goal);
        final LatencyReport.LoadResult noQuietSecond = new LatencyReport.LoadResult(70, 100_000, 99_500, 10_000, latencies(20_000), Map.of(),
            Map.of(), 0, 0, 0, 0, 1.0, new LatencyReport.Stalls(1_000_000_000L, List.of(), 0, 0, 0, 0, 200_000,
            new LatencyReport.Quiet(0, 5, new Histogram(HubLatencyRun.WINDOW_HIGHEST_NS, 2))));
        assertTrue(LatencyReport.goal(List.of(noQuietSecond)).endsWith(" None of the 5 windows of 100 ms passed without a busy thread stopping " +
            "for over 200 us."));
    }

    @Test
    void sideBySideHasARowPerLoadWithTheHubFirstInEachCell()
    {
        final LatencyReport.LoadResult hub = new LatencyReport.LoadResult(70, 100_000, 99_500, 10_000, latencies(20_000), Map.of(), Map.of(), 0, 0,
            0, 0, 1.0, new LatencyReport.Stalls(1_000_000_000L, List.of(), 0, 0, 0, 0, 1_000_000, quiet()));
        final LatencyReport.LoadResult floor = new LatencyReport.LoadResult(70, 100_000, 99_500, 10_000, latencies(150_000), Map.of(),
            Map.of("TX_RING_FULL", 3L), 0, 0, 0, 0, 1.0, new LatencyReport.Stalls(1_000_000_000L, List.of(), 0, 0, 0, 0, 1_000_000,
            new LatencyReport.Quiet(0, 5, new Histogram(HubLatencyRun.WINDOW_HIGHEST_NS, 2))));
        final String table = LatencyReport.sideBySide(List.of(hub), List.of(floor));
        final List<String> rows = table.lines().filter(l -> l.startsWith("| 70%")).toList();
        assertEquals(1, rows.size(), table);
        final String[] cells = rows.get(0).split("\\|");
        assertEquals(" 10.0 / 10.0 ", cells[2], "p50");
        assertEquals(" 10.0 / 10.0 ", cells[3], "p99.9");
        assertEquals(" 20.0 / 150.0 ", cells[4], "p99.99");
        assertEquals(" 0 / 3 ", cells[5], "dropped");
        assertEquals(" 1 of 5 / 0 of 5 ", cells[6], "quiet windows");
        assertEquals(" 40.2 / n/a ", cells[7], "their p99.9");
        assertEquals(" 40.2 / n/a ", cells[8], "their p99.99");
    }
}
