package net.dmvpnhub.bench.runners;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** One small latency run end to end: its phases, files, both tables and conservation. Behaviour only, no timing. */
class HubLatencyRunTest
{
    @Test
    void aSmallRunWritesItsTablesAndLogAndConservationHolds(@TempDir final Path dir) throws Exception
    {
        final String out = dir.resolve("lat").toString();
        final String callerName = Thread.currentThread().getName();
        final LatencyOptions options = LatencyOptions.parse(new String[]{"--spokes", "64", "--warmup-seconds", "0", "--saturation-seconds", "1",
            "--lead-in-seconds", "1", "--seconds", "1", "--loads", "20,70", "--out", out}, "unused");
        final String summary = HubLatencyRun.run(options);

        assertEquals(callerName, Thread.currentThread().getName(), "the caller's thread gets its name back");
        assertTrue(summary.contains("- Hub: 64 spokes"), summary);
        assertTrue(summary.contains("after an unrecorded lead-in of 1 s at the same rate"), summary);
        assertTrue(summary.contains("What kept the busy threads from their work, per load:"), summary);
        assertEquals(2, summary.lines().filter(l -> l.startsWith("| 20% |")).count(), "a row in each table: " + summary);
        assertEquals(2, summary.lines().filter(l -> l.startsWith("| 70% |")).count(), "a row in each table: " + summary);
        assertTrue(summary.contains("Conservation at the end, workers stopped: holds"), summary);
        if (Files.isReadable(Path.of("/proc/self/schedstat")))
        {
            final String stallRow = summary.lines().filter(l -> l.startsWith("| 20% |")).skip(1).findFirst().orElseThrow();
            assertFalse(stallRow.startsWith("| 20% | n/a"), "the source thread is found by its name: " + stallRow);
            assertFalse(stallRow.contains("no scheduler statistics"), stallRow);
        }

        assertTrue(new File(out + "-summary.md").isFile());
        int intervals = 0;
        final HistogramLogReader log = new HistogramLogReader(new File(out + ".hlog"));
        for (EncodableHistogram h = log.nextIntervalHistogram(); h != null; h = log.nextIntervalHistogram())
        {
            assertTrue(h.getTag().equals("load-20") || h.getTag().equals("load-70"), h.getTag());
            intervals++;
        }
        assertEquals(4, intervals, "one interval per recorded second plus the tail's, per load");
    }

    @Test
    void theFloorTakesTheWorkersPlacesAndItsConservationHolds(@TempDir final Path dir) throws Exception
    {
        final String out = dir.resolve("floor").toString();
        final LatencyOptions options = LatencyOptions.parse(new String[]{"--floor", "--workers", "2", "--spokes", "64", "--warmup-seconds", "0",
            "--saturation-seconds", "1", "--lead-in-seconds", "0", "--seconds", "1", "--loads", "30", "--out", out}, "unused");
        final String summary = HubLatencyRun.run(options);

        assertTrue(summary.startsWith("## Latency floor at the hub's offered loads (--floor)"), summary);
        assertTrue(spin(summary) > 0, "the hub's busy time per frame");
        assertEquals(2, summary.lines().filter(l -> l.startsWith("| 30% |")).count(), "a row in each table: " + summary);
        assertTrue(summary.contains("Goal (issue 5): judged on the hub, not on this floor"), summary);
        assertFalse(summary.contains("Goal (issue 5) at"), "no goal verdict on a floor: " + summary);
        final long[] c = conservation(summary);
        assertTrue(c[2] > 0, "frames went around the hub: " + summary);
        assertTrue(c[0] > c[2], "frames went through the hub before the floor: " + summary);
        assertEquals(c[0] - c[2], c[1], "the hub received what was sent less what went around it");
        if (Files.isReadable(Path.of("/proc/self/schedstat")))
        {
            final String stallRow = summary.lines().filter(l -> l.startsWith("| 30% |")).skip(1).findFirst().orElseThrow();
            final String workersOnCpu = stallRow.split("\\|")[4].trim();
            assertNotEquals("n/a", workersOnCpu, "the floor's threads are found by the workers' names: " + stallRow);
        }
    }

    @Test
    void withFloorEachLoadRunsThroughBothAndTheyStandSideBySide(@TempDir final Path dir) throws Exception
    {
        final String out = dir.resolve("both").toString();
        final LatencyOptions options = LatencyOptions.parse(new String[]{"--with-floor", "--spokes", "64", "--warmup-seconds", "0",
            "--saturation-seconds", "1", "--lead-in-seconds", "0", "--seconds", "1", "--loads", "20,40", "--out", out}, "unused");
        final String summary = HubLatencyRun.run(options);

        assertTrue(summary.startsWith("## Hub latency and its floor at fixed offered loads (--with-floor)"), summary);
        assertTrue(spin(summary) > 0, "the hub's busy time per frame");
        final int hub = summary.indexOf("### Through the hub");
        final int floor = summary.indexOf("### Through the floor");
        final int both = summary.indexOf("### Side by side");
        assertTrue(hub > 0 && floor > hub && both > floor, summary);
        for (final String load : new String[]{"| 20% |", "| 40% |"})
        {
            assertEquals(2, summary.substring(hub, floor).lines().filter(l -> l.startsWith(load)).count(), "the hub's two tables: " + summary);
            assertEquals(2, summary.substring(floor, both).lines().filter(l -> l.startsWith(load)).count(), "the floor's two tables: " + summary);
            assertEquals(1, summary.substring(both).lines().filter(l -> l.startsWith(load)).count(), "one row side by side: " + summary);
        }
        assertTrue(summary.contains("Goal (issue 5) at 70% of the maximum rate: not measured"), "the goal is the hub's: " + summary);
        final long[] c = conservation(summary);
        assertTrue(c[2] > 0, "frames went around the hub: " + summary);
        assertEquals(c[0] - c[2], c[1], "the hub received what was sent less what went around it");

        final List<String> tags = new ArrayList<>();
        final HistogramLogReader log = new HistogramLogReader(new File(out + ".hlog"));
        for (EncodableHistogram h = log.nextIntervalHistogram(); h != null; h = log.nextIntervalHistogram())
        {
            if (tags.isEmpty() || !tags.get(tags.size() - 1).equals(h.getTag()))
            {
                tags.add(h.getTag());
            }
        }
        assertEquals(List.of("load-20", "floor-20", "floor-40", "load-40"), tags, "hub first at the first load, then the order alternates");
    }

    private static long spin(final String summary)
    {
        final Matcher spin = Pattern.compile("after spinning (\\d+) ns per frame").matcher(summary);
        assertTrue(spin.find(), summary);
        return Long.parseLong(spin.group(1));
    }

    /** @return sent, received by the hub, around the hub, from the conservation line (which must hold with every slot free). */
    private static long[] conservation(final String summary)
    {
        final Matcher m = Pattern.compile("holds: received (\\d+) = transmitted \\1 \\+ punted 0 \\+ dropped 0 \\+ in flight 0 \\(injected 0\\); " +
            "source sent (\\d+), on receive rings 0, wire took \\2, on transmit rings 0, around the hub \\(sent and taken back\\) (\\d+), " +
            "slots free (\\d+) of \\4").matcher(summary);
        assertTrue(m.find(), summary);
        return new long[]{Long.parseLong(m.group(2)), Long.parseLong(m.group(1)), Long.parseLong(m.group(3))};
    }
}
