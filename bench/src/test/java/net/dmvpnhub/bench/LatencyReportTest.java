package net.dmvpnhub.bench;

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
            percent == 90 ? Double.NaN : 12.34);
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
}
