package net.dmvpnhub.bench;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Latency through the threaded dataplane at fixed offered loads ({@code ./dmvpn latency}).
 * <p>
 * The same hub and traffic as {@link HubThreadedBenchmark}: 10,000 spokes, hairpin frames,
 * AES-GCM-128 through OpenSSL, workers on Agrona agent threads. This thread is the outside world
 * ({@link TrafficPort}): it sends and it takes transmitted frames off the transmit rings.
 * <ol>
 *   <li>warm-up: unpaced traffic, nothing recorded;</li>
 *   <li>saturation: unpaced traffic; the frames transmitted per second are the maximum rate;</li>
 *   <li>one paced run per load: frame {@code k} is meant to leave at {@code start + k / rate}
 *   ({@link Pacer}) and is stamped with that time; its latency is the time this thread sees it on a
 *   transmit ring minus that stamp, into an HdrHistogram (one per second). A source that falls
 *   behind sends late frames at once with their original stamps, so coordinated omission is
 *   corrected once, by construction; nothing is back-filled. A frame that finds its receive ring
 *   full, or no free slot, is dropped by the source (as a NIC does) and counted.</li>
 * </ol>
 * Each run reports p50 to p99.99 and max, drops by reason (source and hub), collections and their
 * time ({@link GarbageCollectorMXBean}), bytes allocated by all threads
 * ({@code ThreadMXBean.getTotalThreadAllocatedBytes}). At the end the workers stop and
 * conservation must hold, or the run fails (exit status 1).
 */
public final class HubLatencyRun
{
    static final int SPOKES = 10_000;
    static final int FRAMES = 32_768;
    static final int SLOTS = 8192;
    static final int RING = 1024;
    /** Frames sent at most between two looks at the transmit rings. */
    static final int BURST = 32;
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long STUCK_NS = TimeUnit.SECONDS.toNanos(5);

    private final LatencyOptions options;
    private final NanoClock clock = SystemNanoClock.INSTANCE;
    private final Supplier<IdleStrategy> idleStrategies;
    private final List<Histogram> intervals = new ArrayList<>();
    private HairpinTraffic traffic;
    private Dataplane dataplane;
    private TrafficPort port;
    private IdleStrategy sourceIdle;

    private HubLatencyRun(final LatencyOptions options)
    {
        this.options = options;
        this.idleStrategies = IdleStrategies.byName(options.idle());
    }

    public static void main(final String[] args)
    {
        final LatencyOptions options;
        try
        {
            options = LatencyOptions.parse(args, "results/tmp/hub-latency-" +
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()));
        }
        catch (final LatencyOptions.UsageException e)
        {
            System.err.println("dmvpn latency: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help())
        {
            System.out.print(LatencyOptions.USAGE);
            return;
        }
        try
        {
            new HubLatencyRun(options).run();
        }
        catch (final IllegalStateException | IOException e)
        {
            System.err.println("dmvpn latency: FAILED: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void progress(final String line)
    {
        System.err.println("# " + line);
    }

    private void run() throws IOException
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        final boolean oversubscribed = options.threads() > cpus;
        progress("building the hub: " + SPOKES + " spokes, " + FRAMES + " pre-encrypted frames of " + options.size() + " bytes");
        traffic = new HairpinTraffic(SPOKES, FRAMES, options.size(), options.workers(), 2026);
        final FrameSlab slab = new FrameSlab(SLOTS, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        dataplane = new Dataplane(slab, traffic.tables(), HairpinTraffic.config(), options.mode(), options.workers(), RING);
        port = new TrafficPort(traffic, dataplane);
        sourceIdle = idleStrategies.get();
        dataplane.start(idleStrategies, clock);

        progress("warm-up: " + options.warmupSeconds() + " s unpaced");
        final double warmupFps = options.warmupSeconds() == 0 ? 0 : unpaced(options.warmupSeconds());
        progress("warm-up: " + LatencyReport.rate(warmupFps) + " frames/s");
        final double maxFps;
        if (options.maxRate() > 0)
        {
            maxFps = options.maxRate();
            progress("maximum rate given: " + LatencyReport.rate(maxFps) + " frames/s");
        }
        else
        {
            progress("saturation: " + options.saturationSeconds() + " s unpaced");
            maxFps = unpaced(options.saturationSeconds());
            progress("saturation: " + LatencyReport.rate(maxFps) + " frames/s transmitted");
        }

        final long runStartMs = System.currentTimeMillis();
        final List<LatencyReport.LoadResult> results = new ArrayList<>();
        final List<Histogram[]> logged = new ArrayList<>();
        for (final int percent : options.loadsPercent())
        {
            final double fps = maxFps * percent / 100.0;
            progress("load " + percent + "%: " + LatencyReport.rate(fps) + " frames/s for " + options.seconds() + " s");
            final Histogram[] perSecond = new Histogram[options.seconds() + 1];
            for (int i = 0; i < perSecond.length; i++)
            {
                perSecond[i] = new Histogram(HIGHEST_TRACKABLE_NS, 3);
                perSecond[i].setTag("load-" + percent);
            }
            final LatencyReport.LoadResult result = paced(percent, fps, perSecond);
            results.add(result);
            logged.add(perSecond);
            final Histogram h = result.latencyNs();
            progress("load " + percent + "%: " + h.getTotalCount() + " frames, p99.9 " + LatencyReport.us(h.getValueAtPercentile(99.9)) +
                " us, p99.99 " + LatencyReport.us(h.getValueAtPercentile(99.99)) + " us, max " + LatencyReport.us(h.getMaxValue()) +
                " us, dropped " + result.dropped());
        }

        if (!port.settle(TimeUnit.SECONDS.toNanos(10)))
        {
            progress("frames still outstanding after 10 s: " + port.outstanding());
        }
        dataplane.close();
        port.drain(null, null);
        final String conservation = port.checkConservation();

        final String summary = summary(cpus, oversubscribed, warmupFps, maxFps, results, conservation);
        final File hlog = new File(options.out() + ".hlog");
        final File summaryFile = new File(options.out() + "-summary.md");
        final File parent = hlog.getAbsoluteFile().getParentFile();
        if (parent != null && !parent.isDirectory() && !parent.mkdirs())
        {
            throw new IOException("cannot create the folder " + parent);
        }
        writeLog(hlog, runStartMs, logged);
        Files.writeString(summaryFile.toPath(), summary + "\nFiles: `" + hlog.getPath() + "` (HdrHistogram log), `" + summaryFile.getPath() +
            "` (this summary).\n", StandardCharsets.UTF_8);
        System.out.print(summary);
        System.out.println();
        System.out.println("Files: `" + hlog.getPath() + "` (HdrHistogram log), `" + summaryFile.getPath() + "` (this summary).");
        traffic.close();
    }

    /**
     * Sends as fast as the hub takes frames for {@code seconds}.
     *
     * @return frames transmitted per second.
     */
    private double unpaced(final int seconds)
    {
        settle();
        final long startNs = clock.nanoTime();
        final long endNs = startNs + seconds * SECOND_NS;
        final long before = port.transmitted();
        long stuckSinceNs = 0;
        long nowNs = startNs;
        while (nowNs - endNs < 0)
        {
            int work = 0;
            for (int i = 0; i < BURST; i++)
            {
                if (port.sendNext(0) != TrafficPort.Offer.SENT)
                {
                    break;
                }
                work++;
            }
            work += port.drain(null, null);
            nowNs = clock.nanoTime();
            stuckSinceNs = work > 0 ? 0 : stuck(stuckSinceNs, nowNs);
            sourceIdle.idle(work);
        }
        return (port.transmitted() - before) * 1e9 / (nowNs - startNs);
    }

    private long stuck(final long sinceNs, final long nowNs)
    {
        if (sinceNs == 0)
        {
            return nowNs;
        }
        if (nowNs - sinceNs > STUCK_NS)
        {
            throw new IllegalStateException("the source could neither send nor take a frame back for 5 s: " + port.outstanding() +
                " frames outstanding, hub drops:" + HubThreadedBenchmark.drops(dataplane.totals()));
        }
        return sinceNs;
    }

    private void settle()
    {
        if (!port.settle(TimeUnit.SECONDS.toNanos(10)))
        {
            throw new IllegalStateException("frames did not come back within 10 s: " + port.outstanding() + " outstanding");
        }
    }

    private LatencyReport.LoadResult paced(final int percent, final double fps, final Histogram[] perSecond)
    {
        settle();
        final WorkerCounters hubBefore = dataplane.totals();
        final long[] gcBefore = gc();
        final long allocatedBefore = allocatedBytes();
        final long pressureBeforeUs = cpuPressureMicros();
        long rxFull = 0;
        long noSlot = 0;
        long maxLagNs = 0;
        long stuckSinceNs = 0;
        final int last = perSecond.length - 1;

        final long wallStartMs = System.currentTimeMillis() + 1;
        final Pacer pacer = new Pacer(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1), fps);
        final long startNs = pacer.startNs();
        final long endNs = startNs + (perSecond.length - 1) * SECOND_NS;
        final long tailDeadlineNs = endNs + TimeUnit.SECONDS.toNanos(10);
        long recorded = 0;
        long lastSeenNs = startNs;
        while (true)
        {
            final long nowNs = clock.nanoTime();
            int work = 0;
            boolean waiting = false;
            while (work < BURST && pacer.due(nowNs) && pacer.nextNs() - endNs < 0)
            {
                final TrafficPort.Offer offer = port.offerNext(pacer.nextNs());
                if (offer == TrafficPort.Offer.REPLAY_WAIT)
                {
                    waiting = true;
                    break;
                }
                if (offer == TrafficPort.Offer.SENT)
                {
                    maxLagNs = Math.max(maxLagNs, nowNs - pacer.nextNs());
                    port.advance();
                }
                else if (offer == TrafficPort.Offer.RX_FULL)
                {
                    // Dropped as a NIC drops: the intended frame k is lost. The frame ring does not
                    // move on (its frame was not sent), so ring positions keep bounding the frames
                    // in flight, which keeps a new pass from waiting on the last one (TrafficPort).
                    rxFull++;
                }
                else
                {
                    noSlot++;
                }
                pacer.advance();
                work++;
            }
            final long index = (nowNs - startNs) / SECOND_NS;
            final int drained = port.drain(perSecond[index < 0 ? 0 : (int)Math.min(index, last)], clock);
            if (drained > 0)
            {
                recorded += drained;
                lastSeenNs = nowNs;
            }
            work += drained;
            if (nowNs - endNs >= 0 && port.outstanding() == 0)
            {
                break;
            }
            if (nowNs - tailDeadlineNs >= 0)
            {
                throw new IllegalStateException("load " + percent + "%: " + port.outstanding() + " frames did not come back within 10 s");
            }
            stuckSinceNs = waiting && work == 0 ? stuck(stuckSinceNs, nowNs) : 0;
            sourceIdle.idle(work);
        }

        final long pressureAfterUs = cpuPressureMicros();
        final long allocated = allocatedBytes() - allocatedBefore;
        final long[] gcAfter = gc();
        final WorkerCounters hubAfter = dataplane.totals();
        final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        for (int i = 0; i <= last; i++)
        {
            total.add(perSecond[i]);
            perSecond[i].setStartTimeStamp(wallStartMs + i * 1000L);
            perSecond[i].setEndTimeStamp(i < last ? wallStartMs + (i + 1) * 1000L :
                Math.max(wallStartMs + i * 1000L, wallStartMs + (lastSeenNs - startNs) / 1_000_000));
        }
        final Map<String, Long> sourceDrops = new LinkedHashMap<>();
        sourceDrops.put("RX_RING_FULL", rxFull);
        sourceDrops.put("NO_FREE_SLOT", noSlot);
        final Map<String, Long> hubDrops = new LinkedHashMap<>();
        for (int i = 0; i < DropReasons.COUNT; i++)
        {
            final long n = hubAfter.drops(i) - hubBefore.drops(i);
            if (n != 0)
            {
                hubDrops.put(DropReasons.name(i), n);
            }
        }
        final double seconds = Math.max(1, lastSeenNs - startNs) / 1e9;
        final double pressure = pressureBeforeUs < 0 || pressureAfterUs < 0 ? Double.NaN :
            100.0 * (pressureAfterUs - pressureBeforeUs) / ((clock.nanoTime() - startNs) / 1e3);
        return new LatencyReport.LoadResult(percent, fps, recorded / seconds, pacer.count(), total, sourceDrops, hubDrops,
            gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], allocated, maxLagNs, pressure);
    }

    /** Collections and milliseconds spent in them, over every collector. */
    private static long[] gc()
    {
        long count = 0;
        long millis = 0;
        for (final GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    /**
     * @return microseconds during which some runnable thread of this machine waited for a CPU
     * (Linux pressure stall information, "some" line of /proc/pressure/cpu), or -1 when unknown.
     */
    static long cpuPressureMicros()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/pressure/cpu")))
            {
                if (line.startsWith("some "))
                {
                    final int at = line.indexOf("total=");
                    return at < 0 ? -1 : Long.parseLong(line.substring(at + 6).trim());
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            return -1;
        }
        return -1;
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private void writeLog(final File file, final long startMs, final List<Histogram[]> runs) throws FileNotFoundException
    {
        try (PrintStream out = new PrintStream(file, StandardCharsets.UTF_8))
        {
            final HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment("dmvpn latency: " + options.modeName() + ", size " + options.size() + ", " + SPOKES +
                " spokes; values in ns: time seen leaving a transmit ring minus intended send time; one interval per second per load, " +
                "the last of each load also holding the frames that came back after its end");
            log.outputLogFormatVersion();
            log.outputStartTime(startMs);
            log.setBaseTime(startMs);
            log.outputLegend();
            for (final Histogram[] run : runs)
            {
                for (final Histogram h : run)
                {
                    log.outputIntervalHistogram(h);
                }
            }
        }
        catch (final IOException e)
        {
            throw new FileNotFoundException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private String summary(
        final int cpus,
        final boolean oversubscribed,
        final double warmupFps,
        final double maxFps,
        final List<LatencyReport.LoadResult> results,
        final String conservation)
    {
        final StringBuilder s = new StringBuilder();
        s.append("## Hub latency at fixed offered loads\n\n");
        s.append("- Hub: ").append(SPOKES).append(" spokes, hairpin frames (spoke to hub to spoke), inner size ").append(options.size())
            .append(String.format(Locale.ROOT, " (mean %.0f bytes on the wire to the hub)", traffic.meanFrameBytes()))
            .append(", ESP ").append(HairpinTraffic.TRANSFORM).append(" through OpenSSL, back-pressure on, rings of ").append(RING)
            .append(", slab of ").append(SLOTS).append(" slots.\n");
        s.append("- Threads: ").append(options.modeName()).append(", idle strategy ").append(options.idle())
            .append(", plus one source/drain thread = ").append(options.threads()).append(" threads on ").append(cpus)
            .append(" processors").append(oversubscribed ? ": OVERSUBSCRIBED, threads share cores" : "").append(".\n");
        s.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
            .append(", flags `").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("`.\n");
        s.append("- Latency: time a frame is seen leaving a transmit ring minus the time it was meant to be sent (fixed rate, ")
            .append("intended send times; coordinated omission corrected once, nothing back-filled). Recorded ")
            .append(options.seconds()).append(" s per load, plus the time the last frames take to come back.\n");
        s.append("- CPU pressure: share of each run's time during which at least one runnable thread of this machine, ours or ")
            .append("another process's, waited for a CPU (Linux PSI, /proc/pressure/cpu \"some\"); above 0, threads were queued for ")
            .append("processors, which shows in the tail.\n\n");
        s.append("Maximum rate: ");
        if (options.maxRate() > 0)
        {
            s.append(LatencyReport.rate(maxFps)).append(" frames/s, given with --max-rate");
        }
        else
        {
            s.append(LatencyReport.rate(maxFps)).append(" frames/s transmitted in a ").append(options.saturationSeconds())
                .append(" s unpaced saturation run");
        }
        s.append(" (after a ").append(options.warmupSeconds()).append(" s unpaced warm-up at ").append(LatencyReport.rate(warmupFps))
            .append(" frames/s).\n\n");
        s.append(LatencyReport.table(results)).append('\n');
        s.append(LatencyReport.goal(results)).append('\n').append('\n');
        s.append("Conservation at the end, workers stopped: holds: ").append(conservation).append(". Anti-replay windows reset for a new pass ")
            .append(port.replayResets()).append(" times; the source waited for a sender's frames ").append(port.replayWaits())
            .append(" times.\n");
        if (oversubscribed)
        {
            s.append("\nThis machine has fewer processors than the run has busy threads, so workers and the source take turns on ")
                .append("cores: these figures are not what the hub does with a core per thread.\n");
        }
        return s.toString();
    }
}
