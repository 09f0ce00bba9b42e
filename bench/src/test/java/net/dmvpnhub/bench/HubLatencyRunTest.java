package net.dmvpnhub.bench;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
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
        final Matcher spin = Pattern.compile("after spinning (\\d+) ns per frame").matcher(summary);
        assertTrue(spin.find(), summary);
        assertTrue(Long.parseLong(spin.group(1)) > 0, "the hub's busy time per frame: " + spin.group(1));
        assertEquals(2, summary.lines().filter(l -> l.startsWith("| 30% |")).count(), "a row in each table: " + summary);
        assertTrue(summary.contains("Goal (issue 5): judged on the hub, not on this floor"), summary);
        final Matcher conservation = Pattern.compile("floor: sent (\\d+) = moved (\\d+) \\+ on receive rings 0; moved = taken back (\\d+); " +
            "slots free (\\d+) of \\4; hub before the floor: received (\\d+) = transmitted \\5").matcher(summary);
        assertTrue(conservation.find(), summary);
        assertTrue(Long.parseLong(conservation.group(1)) > 0, "frames went through the floor");
        assertEquals(conservation.group(1), conservation.group(2));
        assertEquals(conservation.group(2), conservation.group(3));
        assertTrue(Long.parseLong(conservation.group(5)) > 0, "frames went through the hub before it");
        if (Files.isReadable(Path.of("/proc/self/schedstat")))
        {
            final String stallRow = summary.lines().filter(l -> l.startsWith("| 30% |")).skip(1).findFirst().orElseThrow();
            final String workersOnCpu = stallRow.split("\\|")[4].trim();
            assertNotEquals("n/a", workersOnCpu, "the floor's threads are found by the workers' names: " + stallRow);
        }
    }
}
