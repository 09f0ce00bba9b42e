package net.dmvpnhub.bench;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
