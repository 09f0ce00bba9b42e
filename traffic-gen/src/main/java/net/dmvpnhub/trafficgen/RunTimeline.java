package net.dmvpnhub.trafficgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scale run saw over time: counters sampled at fixed intervals by the progress thread,
 * and one-way latency recorded by the receiving side into an HdrHistogram {@link Recorder}
 * (wait-free and allocation-free for the recording thread), logged interval by interval to an
 * .hlog file that HdrHistogram's tools (HistogramLogAnalyzer, the online plotter) read.
 * At the end it writes the charts: throughput, shortcuts and registrations over time, and the
 * latency percentile distribution.
 */
public final class RunTimeline
{
    /** Latencies above this (ns) are clamped into the top bucket (counted, never lost). */
    public static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_TRACKABLE_NS, 3);
    private final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final Recorder hubRecorder = new Recorder(HIGHEST_TRACKABLE_NS, 3);
    private final Histogram hubTotal = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private Histogram hubInterval;
    private final HistogramLogWriter log;
    private final long startMs;
    private final List<Sample> samples = new ArrayList<>();
    private Histogram interval;
    /** While a load of the capacity phase runs, the workers' time-in-hub records go here instead of the simulation's. */
    private volatile Recorder loadRecorder;
    private final Map<String, Histogram> loads = new LinkedHashMap<>();

    /**
     * One sample of the counters, as rates since the previous sample.
     *
     * @param offload the share of the interval's spoke-to-spoke packets that went direct over a
     * shortcut rather than through the hub (NaN when none were sent).
     */
    public record Sample(double seconds, double hubRxPps, double hubTxPps, double directPps, double hubTxGbps, long shortcuts,
        long registered, double offload)
    {
    }

    public RunTimeline(final PrintStream hlog, final long startMs)
    {
        this.startMs = startMs;
        this.log = new HistogramLogWriter(hlog);
        log.outputLogFormatVersion();
        log.outputStartTime(startMs);
        log.setBaseTime(startMs);
        log.outputLegend();
    }

    /** Receiving thread: one packet's one-way latency, sending host to receiving host. */
    public void recordLatency(final long ns)
    {
        recorder.recordValue(Math.min(Math.max(ns, 0), HIGHEST_TRACKABLE_NS));
    }

    /** A hub worker's thread: one frame's time in the hub, receive ring to transmit ring. */
    public void recordHubLatency(final long ns)
    {
        final Recorder load = loadRecorder;
        (load != null ? load : hubRecorder).recordValue(Math.min(Math.max(ns, 0), HIGHEST_TRACKABLE_NS));
    }

    /** Main thread: the workers' time-in-hub records go to a load of their own until {@link #endLoad}. */
    public void beginLoad()
    {
        loadRecorder = new Recorder(HIGHEST_TRACKABLE_NS, 3);
    }

    /** Main thread: forgets the load begun (a warm-up); later records go to the simulation's again. */
    public void discardLoad()
    {
        loadRecorder = null;
    }

    /**
     * Main thread, with the load's frames all through the hub: its histogram, written to the log
     * under {@code tag} and kept for the charts; later records go to the simulation's again.
     */
    public Histogram endLoad(final String tag)
    {
        final Recorder load = loadRecorder;
        loadRecorder = null;
        final Histogram histogram = load.getIntervalHistogram();
        histogram.setStartTimeStamp(Math.max(histogram.getStartTimeStamp(), startMs));
        histogram.setTag(tag);
        log.outputIntervalHistogram(histogram);
        loads.put(tag, histogram);
        return histogram;
    }

    /** Progress thread: closes a latency interval into the log, and keeps the counters' sample. */
    public void sample(final Sample sample)
    {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        interval.setStartTimeStamp(Math.max(interval.getStartTimeStamp(), startMs));
        interval.setTag("end-to-end");
        log.outputIntervalHistogram(interval);
        hubInterval = hubRecorder.getIntervalHistogram(hubInterval);
        hubTotal.add(hubInterval);
        hubInterval.setStartTimeStamp(Math.max(hubInterval.getStartTimeStamp(), startMs));
        hubInterval.setTag("in-hub");
        log.outputIntervalHistogram(hubInterval);
        samples.add(sample);
    }

    /** @return end-to-end latency (host to host through the hub, the simulation's queues included). */
    public Histogram latency()
    {
        return total;
    }

    /** @return time in the hub, receive ring to transmit ring. */
    public Histogram hubLatency()
    {
        return hubTotal;
    }

    public List<Sample> samples()
    {
        return samples;
    }

    /**
     * Writes the charts into {@code directory}: throughput.svg, offload.svg, shortcuts.svg,
     * latency.svg, latency-end-to-end.svg, and latency-loads.svg when loads were recorded.
     */
    public void writeCharts(final Path directory) throws IOException
    {
        final int n = samples.size();
        final double[] t = new double[n];
        final double[] rx = new double[n];
        final double[] tx = new double[n];
        final double[] direct = new double[n];
        final double[] shortcuts = new double[n];
        final double[] registered = new double[n];
        for (int i = 0; i < n; i++)
        {
            final Sample s = samples.get(i);
            t[i] = s.seconds();
            rx[i] = s.hubRxPps() / 1e6;
            tx[i] = s.hubTxPps() / 1e6;
            direct[i] = s.directPps() / 1e6;
            shortcuts[i] = s.shortcuts();
            registered[i] = s.registered();
        }
        Files.writeString(directory.resolve("throughput.svg"), new SvgChart("Packets per second over time", "time (s)", "Mpps")
            .series("hub received", t, rx)
            .series("hub transmitted", t, tx)
            .series("spoke to spoke, direct", t, direct)
            .render());
        final double[] offload = samples.stream().filter(x -> !Double.isNaN(x.offload())).mapToDouble(x -> 100 * x.offload()).toArray();
        final double[] offloadAt = samples.stream().filter(x -> !Double.isNaN(x.offload())).mapToDouble(Sample::seconds).toArray();
        Files.writeString(directory.resolve("offload.svg"),
            new SvgChart("Spoke-to-spoke packets sent direct over a shortcut, not through the hub", "time (s)", "% of the second's packets")
                .series("direct share", offloadAt, offload)
                .render());
        Files.writeString(directory.resolve("shortcuts.svg"), new SvgChart("NHRP state over time", "time (s)", "count")
            .series("shortcut (H) routes installed at spokes", t, shortcuts)
            .series("spokes registered", t, registered)
            .render());
        if (!loads.isEmpty())
        {
            final SvgChart chart = new SvgChart("Time in the hub at fractions of its capacity, by percentile (x: 1/(1-percentile))",
                "1/(1-p): 10 = p90, 1000 = p99.9", "microseconds").logX();
            for (final Map.Entry<String, Histogram> load : loads.entrySet())
            {
                final List<double[]> distribution = percentileDistribution(load.getValue());
                chart.series(load.getKey().replace("load-", "") + "% of capacity", distribution.get(0), distribution.get(1));
            }
            Files.writeString(directory.resolve("latency-loads.svg"), chart.render());
        }
        final List<double[]> inHub = percentileDistribution(hubTotal);
        final List<double[]> endToEnd = percentileDistribution(total);
        Files.writeString(directory.resolve("latency.svg"),
            new SvgChart("Latency by percentile (x: 1/(1-percentile))", "1/(1-p): 10 = p90, 1000 = p99.9", "microseconds")
                .logX()
                .series("in the hub (receive ring to transmit ring)", inHub.get(0), inHub.get(1))
                .render());
        Files.writeString(directory.resolve("latency-end-to-end.svg"),
            new SvgChart("End-to-end latency by percentile, host to host via the hub", "1/(1-p): 10 = p90, 1000 = p99.9", "microseconds")
                .logX()
                .series("end to end (the spokes' queues included)", endToEnd.get(0), endToEnd.get(1))
                .render());
    }

    /**
     * @return x = 1/(1 - percentile/100) and y = latency in microseconds at that percentile, the
     * axes HdrHistogram's percentile plots use.
     */
    static List<double[]> percentileDistribution(final Histogram histogram)
    {
        final List<Double> xs = new ArrayList<>();
        final List<Double> ys = new ArrayList<>();
        if (histogram.getTotalCount() > 0)
        {
            for (final HistogramIterationValue value : histogram.percentiles(5))
            {
                final double percentile = value.getPercentileLevelIteratedTo();
                if (percentile >= 100.0)
                {
                    break;
                }
                xs.add(1 / (1 - percentile / 100.0));
                ys.add(value.getValueIteratedTo() / 1000.0);
            }
            xs.add(xs.isEmpty() ? 1 : xs.get(xs.size() - 1) * 2);
            ys.add(histogram.getMaxValue() / 1000.0);
        }
        return List.of(xs.stream().mapToDouble(Double::doubleValue).toArray(), ys.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
