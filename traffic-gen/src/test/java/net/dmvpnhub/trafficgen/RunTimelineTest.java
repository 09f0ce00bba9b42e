package net.dmvpnhub.trafficgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunTimelineTest
{
    @Test
    void intervalsGoToTheLogAndAddUpToTheTotal(@TempDir final Path directory) throws Exception
    {
        final ByteArrayOutputStream hlog = new ByteArrayOutputStream();
        final RunTimeline timeline = new RunTimeline(new PrintStream(hlog, true, StandardCharsets.UTF_8), System.currentTimeMillis());
        for (int i = 1; i <= 1000; i++)
        {
            timeline.recordLatency(i * 1000L);
        }
        timeline.sample(new RunTimeline.Sample(1, 1e6, 1e6, 0, 1, 0, 10, 0.25));
        timeline.recordLatency(5_000_000L);
        timeline.recordLatency(-3);
        timeline.recordHubLatency(12_000);
        timeline.sample(new RunTimeline.Sample(2, 2e6, 2e6, 1e5, 2, 5, 10, Double.NaN));

        final Histogram latency = timeline.latency();
        assertEquals(1002, latency.getTotalCount());
        assertEquals(0, latency.getMinValue(), "a negative latency (clock step) is clamped, not lost");
        assertEquals(5_000_000L, latency.getMaxValue(), 5_000_000L / 1000);

        final HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(hlog.toByteArray()));
        assertEquals(1000, ((Histogram)reader.nextIntervalHistogram()).getTotalCount());
        assertEquals(0, ((Histogram)reader.nextIntervalHistogram()).getTotalCount(), "no in-hub samples in interval 1");
        final Histogram second = (Histogram)reader.nextIntervalHistogram();
        assertEquals(2, second.getTotalCount());
        assertEquals("end-to-end", second.getTag());
        assertEquals(1, ((Histogram)reader.nextIntervalHistogram()).getTotalCount());
        assertNull(reader.nextIntervalHistogram());
        assertEquals(1, timeline.hubLatency().getTotalCount());

        timeline.writeCharts(directory);
        for (final String chart : List.of("throughput.svg", "offload.svg", "shortcuts.svg", "latency.svg", "latency-end-to-end.svg"))
        {
            assertTrue(Files.readString(directory.resolve(chart)).contains("<polyline"), chart);
        }
    }

    @Test
    void aLoadsRecordsGoToItsOwnTaggedHistogramNotTheSimulations(@TempDir final Path directory) throws Exception
    {
        final ByteArrayOutputStream hlog = new ByteArrayOutputStream();
        final RunTimeline timeline = new RunTimeline(new PrintStream(hlog, true, StandardCharsets.UTF_8), System.currentTimeMillis());
        timeline.beginLoad();
        for (int i = 1; i <= 100; i++)
        {
            timeline.recordHubLatency(i * 1000L);
        }
        final Histogram load = timeline.endLoad("load-70");
        assertEquals(100, load.getTotalCount());
        assertEquals("load-70", load.getTag());
        timeline.recordHubLatency(7_000);
        timeline.sample(new RunTimeline.Sample(1, 1e6, 1e6, 0, 1, 0, 10, 0.25));
        assertEquals(1, timeline.hubLatency().getTotalCount(), "only the record after the load is the simulation's");

        final HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(hlog.toByteArray()));
        final Histogram logged = (Histogram)reader.nextIntervalHistogram();
        assertEquals("load-70", logged.getTag());
        assertEquals(100, logged.getTotalCount());
        timeline.writeCharts(directory);
        assertTrue(Files.readString(directory.resolve("latency-loads.svg")).contains("70% of capacity"));
    }

    @Test
    void thePercentileDistributionRisesToTheMaximum()
    {
        final Histogram histogram = new Histogram(RunTimeline.HIGHEST_TRACKABLE_NS, 3);
        for (int i = 1; i <= 10_000; i++)
        {
            histogram.recordValue(i * 100L);
        }
        final List<double[]> d = RunTimeline.percentileDistribution(histogram);
        final double[] x = d.get(0);
        final double[] y = d.get(1);
        for (int i = 1; i < x.length; i++)
        {
            assertTrue(x[i] >= x[i - 1] && y[i] >= y[i - 1], "monotonic at " + i);
        }
        assertEquals(1000.0, y[y.length - 1], 1.0);
    }
}
