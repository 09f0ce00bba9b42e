package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.bench.fixtures.TrafficPort;
import net.dmvpnhub.bench.jmh.HubThreadedBenchmark;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.HubWorker;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.trafficgen.IdleStrategies;
import net.dmvpnhub.trafficgen.SchedStat;
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
import java.util.function.IntToLongFunction;
import java.util.function.Supplier;

/**
 * Latency through the threaded dataplane at fixed offered loads ({@code ./dmvpn latency}).
 * <p>
 * The same hub and traffic as {@link HubThreadedBenchmark}: 10,000 spokes (or {@code --spokes}), hairpin frames,
 * AES-GCM-128 through the default crypto provider, workers on Agrona agent threads. This thread is the outside world
 * ({@link TrafficPort}): it sends and it takes transmitted frames off the transmit rings.
 * <ol>
 *   <li>warm-up: unpaced traffic, nothing recorded;</li>
 *   <li>saturation: unpaced traffic; the frames transmitted per second are the maximum rate;</li>
 *   <li>per load, a lead-in: paced traffic at that load, nothing recorded, so that the paced
 *   path's code (this loop's, and the hub's with small batches) is compiled before it is timed;</li>
 *   <li>one paced run per load: frame {@code k} is meant to leave at {@code start + k / rate}
 *   ({@link Pacer}) and is stamped with that time; its latency is the time this thread sees it on a
 *   transmit ring minus that stamp, into an HdrHistogram (one per second). A source that falls
 *   behind sends late frames at once with their original stamps, so coordinated omission is
 *   corrected once, by construction; nothing is back-filled. A frame that finds its receive ring
 *   full, or no free slot, is dropped by the source (as a NIC does) and counted.</li>
 * </ol>
 * Each run reports p50 to p99.99 and max, drops by reason (source and hub), collections and their
 * time ({@link GarbageCollectorMXBean}), bytes allocated by all threads
 * ({@code ThreadMXBean.getTotalThreadAllocatedBytes}), and what kept the busy threads from their
 * work: their time on a CPU and waiting for one and every other thread that ran
 * ({@link SchedStat}), the source loop's stops, JIT compile time. At the end the workers stop and
 * conservation must hold, or the run fails (exit status 1).
 * <p>
 * With {@code --floor} the hub's workers stop after the saturation run and {@link FloorWorkers}
 * take their rings for the loads: the same loads through threads that only spin the workers' busy
 * time per frame, which is what the machine, the rings and this thread give any worker.
 */
public final class HubLatencyRun
{
    static final int FRAMES = 32_768;
    static final int SLOTS = 8192;
    static final int RING = 1024;
    /** The windows in which a load's stops are told from its quiet stretches ({@link LatencyReport.Quiet}). */
    static final long WINDOW_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A window's histogram: 2 significant digits, values up to 100 ms (above it, a window is not quiet anyway). */
    static final long WINDOW_HIGHEST_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Thread snapshots taken before the warm-up, so that their code is compiled during it. */
    private static final int WARM_SNAPSHOTS = 20;
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
    /** The workers' idle strategies, which count their threads' stops per second of a recorded load. */
    private final List<StallMeter> workerMeters = new ArrayList<>();
    /** {@link #workerStops}, one object for every stretch, so that its call sites see one class. */
    private final IntToLongFunction workerStopsFunction = this::workerStops;
    /** The hub's workers' busy time per frame transmitted in the last unpaced phase (the floor's time per frame). */
    private double unpacedBusyNsPerFrame = Double.NaN;
    /** With --floor or --with-floor: the threads that stand in for the hub's workers, while they do. */
    private FloorWorkers floor;
    /** The time each floor thread spins per frame, once measured. */
    private long floorNsPerFrame;
    /** Frames the floor threads of earlier floor phases moved around the hub. */
    private long floorMoved;

    private HubLatencyRun(final LatencyOptions options)
    {
        this.options = options;
        this.idleStrategies = IdleStrategies.byName(options.idle());
    }

    public static void main(final String[] args)
    {
        final String defaultOut = "results/tmp/hub-latency-" +
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        final LatencyOptions options = Arguments.parseOrExit("latency", LatencyOptions.USAGE, args, a -> {
            final LatencyOptions o = LatencyOptions.parse(a.toArray(String[]::new), defaultOut);
            return o.help() ? null : o;
        });
        if (options == null)
        {
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

    /**
     * Runs every phase on the calling thread (the source), writes the files and prints the summary.
     *
     * @return the summary.
     */
    static String run(final LatencyOptions options) throws IOException
    {
        return new HubLatencyRun(options).run();
    }

    private String run() throws IOException
    {
        final String callerName = Thread.currentThread().getName();
        // The native name too (this is the current thread), so the thread statistics can tell it.
        Thread.currentThread().setName(LatencyReport.SOURCE_THREAD);
        try
        {
            return measure();
        }
        finally
        {
            if (floor != null)
            {
                floor.close();
            }
            if (dataplane != null)
            {
                dataplane.close();
            }
            if (traffic != null)
            {
                traffic.close();
            }
            Thread.currentThread().setName(callerName);
        }
    }

    private String measure() throws IOException
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        final boolean oversubscribed = options.threads() > cpus;
        progress("building the hub: " + options.spokes() + " spokes, " + FRAMES + " pre-encrypted frames of " + options.size() + " bytes");
        traffic = new HairpinTraffic(options.spokes(), FRAMES, options.size(), options.workers(), 2026);
        dataplane = traffic.hub(options.mode(), options.workers(), SLOTS, RING).dataplane();
        port = new TrafficPort(traffic, dataplane);
        sourceIdle = idleStrategies.get();
        dataplane.start(this::meteredIdle, clock);
        // Loads and compiles the code that reads the thread statistics (a few ms a snapshot) during
        // the warm-up, not in the first load's window.
        for (int i = 0; i < WARM_SNAPSHOTS; i++)
        {
            SchedStat.between(SchedStat.take(true), SchedStat.take(true));
        }
        warmWindows();

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
        if (options.floor() || options.withFloor())
        {
            if (!(unpacedBusyNsPerFrame > 0))
            {
                throw new IllegalStateException("the hub's workers showed no busy time in the unpaced phase, so the floor has no time per frame");
            }
            floorNsPerFrame = Math.round(unpacedBusyNsPerFrame);
            progress("floor: " + options.workers() + " thread(s) in the workers' places will spin " + floorNsPerFrame + " ns per frame");
        }
        if (options.floor())
        {
            useFloor();
        }

        final long runStartMs = System.currentTimeMillis();
        final List<LatencyReport.LoadResult> hubResults = new ArrayList<>();
        final List<LatencyReport.LoadResult> floorResults = new ArrayList<>();
        final List<Histogram[]> logged = new ArrayList<>();
        for (int i = 0; i < options.loadsPercent().size(); i++)
        {
            final int percent = options.loadsPercent().get(i);
            final double fps = maxFps * percent / 100.0;
            if (options.withFloor())
            {
                // ABBA: the hub first at even loads, the floor first at odd ones, so that one
                // switch a load suffices and neither always runs first.
                final boolean floorFirst = i % 2 == 1;
                for (int k = 0; k < 2; k++)
                {
                    final boolean throughFloor = (k == 0) == floorFirst;
                    if (throughFloor && floor == null)
                    {
                        useFloor();
                    }
                    else if (!throughFloor && floor != null)
                    {
                        useHub();
                    }
                    (throughFloor ? floorResults : hubResults).add(load(percent, fps, throughFloor, logged));
                }
            }
            else
            {
                (options.floor() ? floorResults : hubResults).add(load(percent, fps, options.floor(), logged));
            }
        }

        if (!port.settle(TimeUnit.SECONDS.toNanos(10)))
        {
            progress("frames still outstanding after 10 s: " + port.outstanding());
        }
        if (floor != null)
        {
            floor.close();
            floorMoved += floor.moved();
        }
        else
        {
            dataplane.close();
        }
        port.drain(null, null);
        final String conservation = port.checkConservation(floorMoved);

        final String summary = summary(cpus, oversubscribed, warmupFps, maxFps, hubResults, floorResults, conservation);
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
        return summary;
    }

    /** A worker's idle strategy, wrapped so that its stops are counted. */
    private IdleStrategy meteredIdle()
    {
        final StallMeter meter = new StallMeter(idleStrategies.get(), options.stopNs());
        workerMeters.add(meter);
        return meter;
    }

    /**
     * Once every frame has come back: stops the hub's workers, checks the hub's conservation, and
     * starts the floor's threads on their rings.
     */
    private void useFloor()
    {
        settle();
        dataplane.close();
        port.drain(null, null);
        port.checkConservation(floorMoved);
        workerMeters.clear();
        floor = new FloorWorkers(dataplane, floorNsPerFrame, this::meteredIdle, clock);
    }

    /**
     * Once every frame has come back: stops the floor's threads and gives the hub's workers
     * their threads again.
     */
    private void useHub()
    {
        settle();
        floor.close();
        floorMoved += floor.moved();
        floor = null;
        port.drain(null, null);
        port.checkConservation(floorMoved);
        workerMeters.clear();
        dataplane.start(this::meteredIdle, clock);
    }

    /** One load's recorded run, through the hub or the floor, its per-second histograms logged. */
    private LatencyReport.LoadResult load(final int percent, final double fps, final boolean throughFloor, final List<Histogram[]> logged)
    {
        final String name = (throughFloor ? "floor, load " : "load ") + percent + "%";
        progress(name + ": " + LatencyReport.rate(fps) + " frames/s for " + options.seconds() + " s");
        final Histogram[] perSecond = new Histogram[options.seconds() + 1];
        for (int i = 0; i < perSecond.length; i++)
        {
            perSecond[i] = new Histogram(HIGHEST_TRACKABLE_NS, 3);
            perSecond[i].setTag((throughFloor ? "floor-" : "load-") + percent);
        }
        final LatencyReport.LoadResult result = paced(percent, fps, perSecond);
        logged.add(perSecond);
        final Histogram h = result.latencyNs();
        progress(name + ": " + h.getTotalCount() + " frames, p99.9 " + LatencyReport.us(h.getValueAtPercentile(99.9)) +
            " us, p99.99 " + LatencyReport.us(h.getValueAtPercentile(99.99)) + " us, max " + LatencyReport.us(h.getMaxValue()) +
            " us, dropped " + result.dropped());
        return result;
    }

    /**
     * Sends as fast as the hub takes frames for {@code seconds}, and notes the workers' busy time
     * per frame transmitted.
     *
     * @return frames transmitted per second.
     */
    private double unpaced(final int seconds)
    {
        settle();
        final long startNs = clock.nanoTime();
        final long endNs = startNs + seconds * SECOND_NS;
        final long before = port.transmitted();
        final WorkerCounters hubBefore = dataplane.totals();
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
        final WorkerCounters hubAfter = dataplane.totals();
        final long frames = hubAfter.transmitted() - hubBefore.transmitted();
        unpacedBusyNsPerFrame = frames == 0 ? Double.NaN : (double)(hubAfter.busyNs() - hubBefore.busyNs()) / frames;
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
        if (options.leadInSeconds() > 0)
        {
            // The same rate and the same code, the workers' stop counting and the quiet windows
            // included, latencies recorded into histograms that are then thrown away: this loop and
            // the hub's code compile for paced traffic (the warm-up is unpaced) before anything is
            // measured. A lead-in that took another branch anywhere (no recording, stop counting
            // not armed, another function for the windows' stops) would leave it uncompiled, and
            // the first recorded second would deoptimize and compile again.
            // The end of a stretch is a branch its loop (pace) takes once, and C2 leaves a branch it
            // never saw taken to an uncommon trap: a first stretch of a second takes it, so that
            // the loop's recompilation runs during the rest of the lead-in, not the recorded load.
            final int first = Math.min(1, options.leadInSeconds());
            leadIn(percent, fps, first);
            if (options.leadInSeconds() > first)
            {
                leadIn(percent, fps, options.leadInSeconds() - first);
            }
        }
        settle();
        // Allocated before the measurements start, like the histograms.
        final PacedCounts counts = prepareStretch(perSecond.length);
        // Thread snapshots first and last: reading /proc allocates, and the load's figures leave them out.
        final long windowStartNs = clock.nanoTime();
        final SchedStat.Snapshot threadsBefore = SchedStat.take(true);
        final WorkerCounters hubBefore = dataplane.totals();
        final long[] gcBefore = gc();
        final long jitBeforeMs = jitMillis();
        final long allocatedBefore = allocatedBytes();
        final long pressureBeforeUs = SchedStat.cpuPressureMicros();
        final int last = perSecond.length - 1;

        final long wallStartMs = System.currentTimeMillis() + 1;
        final Pacer pacer = stretch(percent, fps, perSecond, counts);
        final long startNs = pacer.startNs();
        final LatencyReport.Quiet quiet = counts.quiet;

        final long pressureAfterUs = SchedStat.cpuPressureMicros();
        final long allocated = allocatedBytes() - allocatedBefore;
        final long jitAfterMs = jitMillis();
        final long jitMs = jitBeforeMs < 0 || jitAfterMs < 0 ? -1 : jitAfterMs - jitBeforeMs;
        final long[] gcAfter = gc();
        final WorkerCounters hubAfter = dataplane.totals();
        final SchedStat.Snapshot threadsAfter = SchedStat.take(true);
        final long windowNs = clock.nanoTime() - windowStartNs;
        final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        for (int i = 0; i <= last; i++)
        {
            total.add(perSecond[i]);
            perSecond[i].setStartTimeStamp(wallStartMs + i * 1000L);
            perSecond[i].setEndTimeStamp(i < last ? wallStartMs + (i + 1) * 1000L :
                Math.max(wallStartMs + i * 1000L, wallStartMs + (counts.lastSeenNs - startNs) / 1_000_000));
        }
        final Map<String, Long> sourceDrops = new LinkedHashMap<>();
        sourceDrops.put("RX_RING_FULL", counts.rxFull);
        sourceDrops.put("NO_FREE_SLOT", counts.noSlot);
        final Map<String, Long> hubDrops = new LinkedHashMap<>();
        for (int i = 0; i < DropReasons.COUNT; i++)
        {
            final long n = hubAfter.drops(i) - hubBefore.drops(i);
            if (n != 0)
            {
                hubDrops.put(DropReasons.name(i), n);
            }
        }
        final double seconds = Math.max(1, counts.lastSeenNs - startNs) / 1e9;
        final double pressure = pressureBeforeUs < 0 || pressureAfterUs < 0 ? Double.NaN :
            100.0 * (pressureAfterUs - pressureBeforeUs) / ((clock.nanoTime() - startNs) / 1e3);
        return new LatencyReport.LoadResult(percent, fps, counts.recorded / seconds, pacer.count(), total, sourceDrops, hubDrops,
            gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], allocated, counts.maxLagNs, pressure,
            new LatencyReport.Stalls(windowNs, SchedStat.between(threadsBefore, threadsAfter), counts.sourceStops, counts.sourceStoppedNs,
                counts.longestStopNs, jitMs, options.stopNs(), quiet));
    }

    /** A paced stretch of {@code seconds} at the load's rate whose latencies are thrown away. */
    private void leadIn(final int percent, final double fps, final int seconds)
    {
        settle();
        final Histogram[] discarded = new Histogram[seconds + 1];
        for (int i = 0; i < discarded.length; i++)
        {
            discarded[i] = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        }
        stretch(percent, fps, discarded, prepareStretch(discarded.length));
    }

    /**
     * Runs the quiet windows' judging over made-up windows. It runs once per window (100 ms), too
     * seldom for the JIT to compile it in a lead-in of seconds, and its compilation during a
     * recorded load takes a processor from a busy thread on a machine with one per busy thread.
     */
    private void warmWindows()
    {
        final int windows = 20_000;
        final QuietWindows quiet = new QuietWindows(windows, workerStopsFunction);
        quiet.begin(0);
        for (int k = 0; k < windows; k++)
        {
            quiet.windowAt(k * WINDOW_NS).recordValue(1000 + k);
            if (k % 7 == 0)
            {
                quiet.sourceStopped(k * WINDOW_NS);
            }
        }
        quiet.finish();
    }

    /**
     * The counts of a paced stretch of {@code seconds} seconds (a lead-in or a recorded load) and
     * the workers' stop counts, allocated before it starts.
     */
    private PacedCounts prepareStretch(final int seconds)
    {
        final int windows = windows(seconds);
        for (final StallMeter meter : workerMeters)
        {
            meter.prepare(windows);
        }
        return new PacedCounts(new QuietWindows(windows, workerStopsFunction));
    }

    /** The stops of every worker that ended in a window of the stretch. */
    private long workerStops(final int window)
    {
        long stops = 0;
        for (final StallMeter meter : workerMeters)
        {
            stops += meter.stopsIn(window);
        }
        return stops;
    }

    /**
     * One paced stretch of {@code perSecond.length - 1} seconds at {@code fps}, starting in a
     * millisecond, the workers' stops counted by window while it runs; its quiet windows are left in
     * {@code counts}. A lead-in and a recorded load both run here, so they take the same code paths.
     *
     * @return the stretch's pacer.
     */
    private Pacer stretch(final int percent, final double fps, final Histogram[] perSecond, final PacedCounts counts)
    {
        final Pacer pacer = new Pacer(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1), fps);
        final long startNs = pacer.startNs();
        counts.windows.begin(startNs);
        for (final StallMeter meter : workerMeters)
        {
            meter.arm(startNs, WINDOW_NS);
        }
        pace(percent, pacer, startNs + (perSecond.length - 1) * SECOND_NS, perSecond, counts);
        counts.quiet = counts.windows.finish();
        for (final StallMeter meter : workerMeters)
        {
            meter.disarm();
        }
        return pacer;
    }

    /**
     * Sends frames at the pacer's times until {@code endNs}, takes what comes back until nothing is
     * outstanding, and records each frame's latency into the histogram of the second it came back
     * in ({@code perSecond}).
     */
    private void pace(final int percent, final Pacer pacer, final long endNs, final Histogram[] perSecond, final PacedCounts counts)
    {
        final PacedStretch stretch = new PacedStretch(percent, pacer, endNs, perSecond, counts);
        // The end of sending is tested here and not in the turn: a branch taken once per stretch
        // compiles to an uncommon trap, and its trap then recompiles this small loop, not the turn.
        while (pacer.nextNs() - endNs < 0)
        {
            sourceIdle.idle(stretch.turn());
        }
        int work;
        while ((work = stretch.tailTurn()) >= 0)
        {
            sourceIdle.idle(work);
        }
    }

    /** What one paced stretch counted (a load's lead-in or its recorded run). */
    private static final class PacedCounts
    {
        long rxFull;
        long noSlot;
        long maxLagNs;
        long recorded;
        long lastSeenNs;
        long sourceStops;
        long sourceStoppedNs;
        long longestStopNs;
        /** The stretch's latencies and source stops by window. */
        final QuietWindows windows;
        /** The quiet windows, once the stretch is over. */
        LatencyReport.Quiet quiet;

        PacedCounts(final QuietWindows windows)
        {
            this.windows = windows;
        }
    }

    /** Windows of {@link #WINDOW_NS} in {@code seconds} seconds. */
    private static int windows(final int seconds)
    {
        return (int)(seconds * SECOND_NS / WINDOW_NS);
    }

    /**
     * One paced stretch, a turn of the source's loop at a time. The turn is a method of its own,
     * called millions of times, so that it is compiled whole and early; a loop body inside
     * {@link #pace} would be compiled only on stack, once per stretch.
     */
    private final class PacedStretch
    {
        private final int percent;
        private final Pacer pacer;
        private final long endNs;
        private final long startNs;
        private final long tailDeadlineNs;
        private final Histogram[] perSecond;
        private final int last;
        private final PacedCounts counts;
        private long stuckSinceNs;
        private long lastTurnNs;

        PacedStretch(final int percent, final Pacer pacer, final long endNs, final Histogram[] perSecond, final PacedCounts counts)
        {
            this.percent = percent;
            this.pacer = pacer;
            this.endNs = endNs;
            this.startNs = pacer.startNs();
            this.tailDeadlineNs = endNs + TimeUnit.SECONDS.toNanos(10);
            this.perSecond = perSecond;
            this.last = perSecond.length - 1;
            this.counts = counts;
            counts.lastSeenNs = startNs;
            lastTurnNs = clock.nanoTime();
        }

        /**
         * While frames are left to send: sends what is due (at most {@link #BURST} frames, none
         * meant for the stretch's end or later) and takes what came back.
         *
         * @return frames sent, dropped and taken back.
         */
        int turn()
        {
            final long nowNs = clock.nanoTime();
            countStop(nowNs);
            int work = 0;
            boolean waiting = false;
            // Due and before the end in one test (Math.min is branch-free), which fails on most
            // turns: a test that fails once per stretch would compile to an uncommon trap.
            final long sendBeforeNs = Math.min(nowNs + 1, endNs);
            while (work < BURST && pacer.nextNs() - sendBeforeNs < 0)
            {
                final TrafficPort.Offer offer = port.offerNext(pacer.nextNs());
                if (offer == TrafficPort.Offer.REPLAY_WAIT)
                {
                    waiting = true;
                    break;
                }
                if (offer == TrafficPort.Offer.SENT)
                {
                    counts.maxLagNs = Math.max(counts.maxLagNs, nowNs - pacer.nextNs());
                    port.advance();
                }
                else if (offer == TrafficPort.Offer.RX_FULL)
                {
                    // Dropped as a NIC drops: the intended frame k is lost. The frame ring does not
                    // move on (its frame was not sent), so ring positions keep bounding the frames
                    // in flight, which keeps a new pass from waiting on the last one (TrafficPort).
                    counts.rxFull++;
                }
                else
                {
                    counts.noSlot++;
                }
                pacer.advance();
                work++;
            }
            work += take(nowNs);
            stuckSinceNs = waiting && work == 0 ? stuck(stuckSinceNs, nowNs) : 0;
            return work;
        }

        /**
         * Once every frame has been sent: takes what came back.
         *
         * @return frames taken back, or -1 when none is left out.
         */
        int tailTurn()
        {
            final long nowNs = clock.nanoTime();
            countStop(nowNs);
            final int work = take(nowNs);
            if (port.outstanding() == 0)
            {
                return -1;
            }
            if (nowNs - tailDeadlineNs >= 0)
            {
                throw new IllegalStateException("load " + percent + "%: " + port.outstanding() + " frames did not come back within 10 s");
            }
            return work;
        }

        /** A gap since the last turn of more than --stop-us is a stop of the source. */
        private void countStop(final long nowNs)
        {
            final long turnGapNs = nowNs - lastTurnNs;
            lastTurnNs = nowNs;
            counts.longestStopNs = Math.max(counts.longestStopNs, turnGapNs);
            if (turnGapNs > options.stopNs())
            {
                counts.sourceStops++;
                counts.sourceStoppedNs += turnGapNs;
                counts.windows.sourceStopped(nowNs);
            }
        }

        /** Takes what came back, each frame's latency into the histogram of the second it came back in. */
        private int take(final long nowNs)
        {
            final long index = (nowNs - startNs) / SECOND_NS;
            final int drained = port.drain(perSecond[index < 0 ? 0 : (int)Math.min(index, last)], counts.windows.windowAt(nowNs), clock);
            if (drained > 0)
            {
                counts.recorded += drained;
                counts.lastSeenNs = nowNs;
            }
            return drained;
        }
    }

    /** Milliseconds the JIT compilers have spent compiling so far, or -1 when the JVM does not say. */
    static long jitMillis()
    {
        final java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Collections and milliseconds spent in them, over every collector. */
    static long[] gc()
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

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private void writeLog(final File file, final long startMs, final List<Histogram[]> runs) throws FileNotFoundException
    {
        try (PrintStream out = new PrintStream(file, StandardCharsets.UTF_8))
        {
            final HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment("dmvpn latency: " + options.modeName() + ", size " + options.size() + ", " + options.spokes() +
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
        final List<LatencyReport.LoadResult> hubResults,
        final List<LatencyReport.LoadResult> floorResults,
        final String conservation)
    {
        final StringBuilder s = new StringBuilder();
        s.append(options.withFloor() ? "## Hub latency and its floor at fixed offered loads (--with-floor)\n\n" :
            options.floor() ? "## Latency floor at the hub's offered loads (--floor)\n\n" : "## Hub latency at fixed offered loads\n\n");
        final String floorThreads = String.format(Locale.ROOT, "%d thread%s in the place of the hub's worker%s, each moving batches of up to %d " +
                "frames from a worker's receive ring to its transmit ring unchanged after spinning %d ns per frame (the hub's workers' busy " +
                "time per frame transmitted in the last unpaced phase, so each load is about the same share of a thread's time as with the " +
                "hub, at full batches' cost)", options.workers(), options.workers() == 1 ? "" : "s", options.workers() == 1 ? "" : "s",
            HubWorker.BATCH, floorNsPerFrame);
        if (options.floor())
        {
            s.append("- Floor: not the hub. After the ").append(options.maxRate() > 0 ? "warm-up" : "warm-up and saturation run")
                .append(" through the hub, its workers stopped and the loads below ran through the floor: ").append(floorThreads)
                .append(". What the machine, the rings and the source give any worker of that constant cost: the tail the hub cannot ")
                .append("go below here.\n");
        }
        if (options.withFloor())
        {
            s.append("- Floor: each load ran through the hub and through the floor, one right after the other in the same JVM, the ")
                .append("hub first at the first load and the order alternating from load to load (the workers stopped and restarted on ")
                .append("the same rings, every frame back in between). The floor: ").append(floorThreads)
                .append(". What the machine, the rings and the source give any worker of that constant cost: the tail the hub cannot ")
                .append("go below here.\n");
        }
        s.append("- Hub: ").append(options.spokes()).append(" spokes, hairpin frames (spoke to hub to spoke), inner size ").append(options.size())
            .append(String.format(Locale.ROOT, " (mean %.0f bytes on the wire to the hub)", traffic.meanFrameBytes()))
            .append(", ESP ").append(HairpinTraffic.TRANSFORM).append(" through ").append(CryptoProvider.selectionLine(CryptoProvider.preferred())).append(", back-pressure on, rings of ").append(RING)
            .append(", slab of ").append(SLOTS).append(" slots.\n");
        s.append("- Threads: ").append(options.modeName()).append(", idle strategy ").append(options.idle())
            .append(", plus one source/drain thread = ").append(options.threads()).append(" threads on ").append(cpus)
            .append(" processors").append(oversubscribed ? ": OVERSUBSCRIBED, threads share cores" : "").append(".\n");
        s.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
            .append(", flags `").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("`.\n");
        s.append("- Latency: time a frame is seen leaving a transmit ring minus the time it was meant to be sent (fixed rate, ")
            .append("intended send times; coordinated omission corrected once, nothing back-filled). Recorded ")
            .append(options.seconds()).append(" s per load, plus the time the last frames take to come back, after ")
            .append(options.leadInSeconds() == 0 ? "no lead-in" : "an unrecorded lead-in of " + options.leadInSeconds() + " s at the same rate")
            .append(".\n");
        s.append("- CPU pressure: share of each run's time during which at least one runnable thread of this machine, ours or ")
            .append("another process's, waited for a CPU (Linux PSI, /proc/pressure/cpu \"some\"); above 0, threads were queued for ")
            .append("processors, which shows in the tail.\n");
        s.append("- Busy threads' time (second table): from Linux's per-thread scheduler statistics (/proc/<pid>/task/<tid>/schedstat) ")
            .append("read at each load's start and end. \"Waited for a CPU\" is time a thread could run while another thread held its ")
            .append("processor; \"other threads that ran\" are every other thread of the machine that used a CPU then, this JVM's ")
            .append("included. A stop is a gap of over ").append(LatencyReport.duration(options.stopNs()))
            .append(" (--stop-us) between two turns of a busy thread's loop (the source's, which never blocks, or a worker's duty ")
            .append("cycles): the thread was not running, whether the guest's scheduler or the hypervisor took its processor (the ")
            .append("statistics see only the first). Frames meant to be sent during a source stop are sent late, with their intended ")
            .append("times. The quiet windows are the ").append(WINDOW_NS / 1_000_000).append(" ms stretches of a load with no stop of ")
            .append("any busy thread in them or in the one before; their latencies (2 significant digits) are what the hub does when ")
            .append("the machine leaves its threads alone, beside the load's own, which the goal is judged on.\n\n");
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
        if (!hubResults.isEmpty())
        {
            s.append(options.withFloor() ? "### Through the hub\n\n" : "");
            s.append(LatencyReport.table(hubResults)).append('\n');
            s.append("What kept the busy threads from their work, per load:\n\n").append(LatencyReport.stallTable(hubResults)).append('\n');
            s.append(LatencyReport.goal(hubResults)).append('\n').append('\n');
        }
        if (!floorResults.isEmpty())
        {
            s.append(options.withFloor() ? "### Through the floor\n\n" : "");
            s.append(LatencyReport.table(floorResults)).append('\n');
            s.append("What kept the busy threads from their work, per load:\n\n").append(LatencyReport.stallTable(floorResults)).append('\n');
            s.append("Goal (issue 5): judged on the hub, not on this floor; a floor above the goal means this machine cannot show the ")
                .append("hub meeting it.\n\n");
        }
        if (options.withFloor())
        {
            s.append("### Side by side\n\n").append(LatencyReport.sideBySide(hubResults, floorResults)).append('\n');
        }
        s.append("Conservation at the end, workers stopped").append(options.floor() || options.withFloor() ?
            " (the frames around the hub through the floor too; checked at every switch as well)" : "").append(": holds: ").append(conservation).append(". Anti-replay windows reset for a new pass ")
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
