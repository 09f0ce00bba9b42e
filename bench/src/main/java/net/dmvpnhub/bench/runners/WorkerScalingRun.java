package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.SchedStat;
import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.bench.fixtures.SelfFedLane;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two run-to-completion workers against one, with one busy thread per worker and no other
 * ({@code ./dmvpn scaling}): the scaling aim (2 workers at least 1.7 times one) measured
 * on a machine with two processors.
 * <p>
 * {@link net.dmvpnhub.bench.jmh.HubThreadedBenchmark} adds a source thread to the workers, so two workers there are
 * three busy threads and on two processors their ratio to one worker says nothing about scaling.
 * Here each worker's thread is its own source ({@link SelfFedLane}: it copies its senders' frames
 * into slots, runs a duty cycle, frees what it transmitted), as the single-threaded
 * {@link net.dmvpnhub.bench.jmh.HubForwardingBenchmark} does; frames whose destination's SA the other worker owns cross
 * the dataplane's handoff ring, as in the hub. Two dataplanes of 10,000 spokes each (one with one
 * worker, one with two; the same hairpin traffic, tables and provider as
 * {@link net.dmvpnhub.bench.jmh.HubThreadedBenchmark}) live in one JVM and run in alternating slices, ABBA as
 * {@link PairedRatioRun} does, so the machine's drift falls on both alike: a pair's ratio is
 * frames per second with two workers over frames per second with one.
 * <p>
 * Also per pair: CPU time per frame (the threads' CPU time over the frames: what a frame costs
 * wherever it waited), and the machine's CPU pressure during each slice. Two busy threads on two
 * processors leave none for anything else; when another thread of the machine runs (another
 * process, the JIT, the collector), one of ours waits, which the quiet pairs (Linux PSI "some"
 * under 1% in both slices) leave out.
 * <p>
 * At the end of each size the lanes stop sending, the hub empties, and conservation must hold
 * with no drop and every slot free.
 */
public final class WorkerScalingRun implements AutoCloseable
{
    /** The scaling aim: 2 workers at least 1.7 times one worker. */
    static final double GOAL = 1.7;
    static final int DEFAULT_SPOKES = 10_000;
    static final int FRAMES = 32_768;
    static final int SLOTS = 8192;
    static final int RING = 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static final String USAGE = """
        Usage: ./dmvpn scaling [options]
          --sizes LIST      inner packet sizes, comma-separated: bytes (28 to 1500) or IMIX (default 64,576,1400,IMIX)
          --pairs N         measured pairs of slices per size (default 30)
          --slice-ms N      length of each slice in ms (default 200)
          --warmup-ms N     alternating slices before the pairs, per size, in ms (default 6000)
          --spokes N        spokes of each hub, 4 to 100000 (default 10000; fewer make a smaller working set)
        """;

    /** The slices' options (as {@code ./dmvpn ratio}'s) and the hubs' spokes. */
    record Options(PairedRatioRun.Options slices, int spokes)
    {
        /**
         * @return the options, or null for {@code --help}.
         * @throws Arguments.UsageException with one sentence for a bad option or value.
         */
        static Options parse(final String... args)
        {
            // ./dmvpn ratio's options but --providers: the scaling run's hubs use the default provider.
            final List<String> names = new java.util.ArrayList<>(PairedRatioRun.Options.OPTIONS);
            names.remove("--providers");
            names.add("--spokes");
            final Arguments a = Arguments.read(List.of(args), names, List.of(), 0);
            return a == null ? null : new Options(PairedRatioRun.Options.from(a), a.whole("--spokes", DEFAULT_SPOKES, 4, 100_000));
        }
    }

    /** A one-worker slice and a two-worker slice next to each other (frames: transmitted by the configuration's workers). */
    record Pair(PairedRatioRun.Slice one, PairedRatioRun.Slice two)
    {
        /** Frames per second, two workers over one. */
        double scaling()
        {
            return two.framesPerSecond() / one.framesPerSecond();
        }

        /** CPU time per frame, two workers over one (1.0: a frame costs the same on either). */
        double cpuCost()
        {
            return two.cpuNsPerFrame() / one.cpuNsPerFrame();
        }

        boolean quiet()
        {
            return one.quiet() && two.quiet();
        }
    }

    record SizeResult(String size, List<Pair> pairs, String conservation)
    {
    }

    /** What a lane did in a slice on the helper thread. */
    private record LaneResult(long frames, long cpuNs, RuntimeException failure)
    {
    }

    private record Job(SelfFedLane lane, long deadlineNs)
    {
    }

    /** A dataplane with its traffic and one lane per worker. */
    private static final class Hub implements AutoCloseable
    {
        final HairpinTraffic traffic;
        final Dataplane dataplane;
        final SelfFedLane[] lanes;

        Hub(final String size, final int workers, final int spokes, final long seed)
        {
            traffic = new HairpinTraffic(spokes, FRAMES, size, workers, seed);
            dataplane = traffic.hub(Dataplane.ThreadingMode.RUN_TO_COMPLETION, workers, SLOTS, RING).dataplane();
            lanes = new SelfFedLane[workers];
            for (int i = 0; i < workers; i++)
            {
                lanes[i] = new SelfFedLane(traffic, dataplane, i);
            }
        }

        /** Stops sending and runs every worker until the hub is empty, then checks conservation. */
        String settle()
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!emptied())
            {
                for (final SelfFedLane lane : lanes)
                {
                    lane.step(System.nanoTime(), false);
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("the hub did not empty in 10 s");
                }
            }
            final WorkerCounters t = dataplane.totals();
            long sent = 0;
            long transmitted = 0;
            long punted = 0;
            for (final SelfFedLane lane : lanes)
            {
                sent += lane.sent();
                transmitted += lane.transmitted();
                punted += lane.puntedFreed();
            }
            final FrameSlab slab = dataplane.slab();
            final String line = "received " + t.received() + " = transmitted " + t.transmitted() + " + punted " + t.punted() + " + dropped " +
                t.dropped() + " + in flight " + dataplane.inFlight() + "; lanes sent " + sent + ", took " + transmitted + " off transmit rings; " +
                "slots free " + slab.freeSlots() + " of " + slab.slots();
            if (!dataplane.conserved() || t.dropped() != 0 || t.received() != sent || t.transmitted() != transmitted || t.punted() != punted ||
                slab.freeSlots() != slab.slots())
            {
                throw new IllegalStateException("conservation does not hold, or frames were dropped: " + line);
            }
            return line;
        }

        private boolean emptied()
        {
            for (final SelfFedLane lane : lanes)
            {
                if (!lane.empty())
                {
                    return false;
                }
            }
            return dataplane.inFlight() == 0;
        }

        @Override
        public void close()
        {
            dataplane.close();
            traffic.close();
        }
    }

    private final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(1);
    private final BlockingQueue<LaneResult> results = new ArrayBlockingQueue<>(1);
    private final Thread helper;

    WorkerScalingRun()
    {
        helper = new Thread(this::helperLoop, "scaling-lane-1");
        helper.setDaemon(true);
        helper.start();
    }

    /** Stops the helper thread. */
    @Override
    public void close()
    {
        helper.interrupt();
    }

    /** The second worker's thread: runs a lane until a job's deadline, then reports. */
    private void helperLoop()
    {
        while (true)
        {
            final Job job;
            try
            {
                job = jobs.take();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            final long cpuStart = THREADS.getCurrentThreadCpuTime();
            long frames = 0;
            RuntimeException failure = null;
            try
            {
                frames = runLane(job.lane(), job.deadlineNs());
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
            results.add(new LaneResult(frames, THREADS.getCurrentThreadCpuTime() - cpuStart, failure));
        }
    }

    private static long runLane(final SelfFedLane lane, final long deadlineNs)
    {
        long frames = 0;
        long now;
        do
        {
            now = System.nanoTime();
            frames += lane.step(now, true);
        }
        while (now - deadlineNs < 0);
        return frames;
    }

    /** One slice of a hub: lane 0 on this thread, lane 1 (if any) on the helper, both until the same deadline. */
    private PairedRatioRun.Slice slice(final Hub hub, final long sliceNs)
    {
        final long pressureBefore = SchedStat.cpuPressureMicros();
        final long start = System.nanoTime();
        final long deadline = start + sliceNs;
        final boolean two = hub.lanes.length == 2;
        if (two)
        {
            jobs.add(new Job(hub.lanes[1], deadline));
        }
        final long cpuStart = THREADS.getCurrentThreadCpuTime();
        long frames = runLane(hub.lanes[0], deadline);
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        final long end = System.nanoTime();
        if (two)
        {
            final LaneResult other = take();
            if (other.failure() != null)
            {
                throw other.failure();
            }
            frames += other.frames();
            cpu += other.cpuNs();
        }
        final long pressureAfter = SchedStat.cpuPressureMicros();
        final double pressure = pressureBefore < 0 || pressureAfter < 0 ? Double.NaN :
            100.0 * (pressureAfter - pressureBefore) / ((end - start) / 1e3);
        return new PairedRatioRun.Slice(frames, end - start, cpu, pressure);
    }

    private LaneResult take()
    {
        try
        {
            return results.take();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the second lane", ex);
        }
    }

    /** Measures one size: both hubs set up, warm-up, the pairs, then each hub emptied and checked. */
    SizeResult measure(final String size, final Options all, final PrintStream console)
    {
        final PairedRatioRun.Options options = all.slices();
        try (Hub one = new Hub(size, 1, all.spokes(), 2026); Hub two = new Hub(size, 2, all.spokes(), 2026))
        {
            final long sliceNs = TimeUnit.MILLISECONDS.toNanos(options.sliceMs());
            final long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.warmupMs());
            while (System.nanoTime() - warmupEnd < 0)
            {
                slice(one, sliceNs);
                slice(two, sliceNs);
            }
            final List<Pair> pairs = new ArrayList<>();
            for (int p = 0; p < options.pairs(); p++)
            {
                final boolean oneFirst = p % 2 == 0;
                final PairedRatioRun.Slice first = slice(oneFirst ? one : two, sliceNs);
                final PairedRatioRun.Slice second = slice(oneFirst ? two : one, sliceNs);
                pairs.add(oneFirst ? new Pair(first, second) : new Pair(second, first));
            }
            final String conservation = "1 worker: " + one.settle() + "; 2 workers: " + two.settle();
            console.printf(Locale.ROOT, "scaling: %s B: 2 workers / 1 worker %.3f (median of %d pairs), 1 worker %.0f frames/s, 2 workers %.0f " +
                    "frames/s%n", size, PairedRatioRun.median(pairs, Pair::scaling), pairs.size(),
                PairedRatioRun.median(pairs, p -> p.one().framesPerSecond()), PairedRatioRun.median(pairs, p -> p.two().framesPerSecond()));
            return new SizeResult(size, pairs, conservation);
        }
    }

    static void report(final Options all, final List<SizeResult> results, final String failure, final PrintStream out)
    {
        final PairedRatioRun.Options options = all.slices();
        out.println("## Two workers against one, a busy thread per worker (`WorkerScalingRun`)");
        out.println();
        out.printf(Locale.ROOT, "- hubs: two run-to-completion dataplanes in this JVM, one with 1 worker and one with 2 (SA-owner handoff between " +
            "them), each %,d spokes, %,d pre-encrypted hairpin frames, AES-GCM-128 with the default crypto provider, %d slots, rings of %d, " +
            "back-pressure on%n", all.spokes(), FRAMES, SLOTS, RING);
        out.println("- threads: one per worker, each its own source (`SelfFedLane`: copies its senders' frames into slots, runs a duty " +
            "cycle, frees what its worker transmitted); no other thread of this JVM is busy");
        out.printf(Locale.ROOT, "- per size: %d ms of alternating slices as warm-up, then %d pairs of %d ms slices, 1 worker first in even " +
            "pairs and 2 workers first in odd ones (ABBA)%n", options.warmupMs(), options.pairs(), options.sliceMs());
        out.println("- scaling per pair: frames per second transmitted by 2 workers over 1 worker; CPU per frame: the workers' threads' " +
            "CPU time over the frames, 2 workers over 1 (1.0: a frame costs the same)");
        out.printf(Locale.ROOT, "- quiet pairs: both slices under %.0f%% CPU pressure (Linux PSI \"some\": the share of the slice during " +
            "which some runnable thread of the machine waited for a processor)%n", PairedRatioRun.QUIET_PRESSURE_PERCENT);
        out.printf(Locale.ROOT, "- JVM: %s %s, flags %s, %d processors%n", System.getProperty("java.vm.name"),
            System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments(),
            Runtime.getRuntime().availableProcessors());
        out.println();
        out.println("| size (B) | pairs | 1 worker, frames/s (median) | 2 workers, frames/s (median) | 2 / 1: median | quartiles | " +
            "CPU per frame, 2 / 1: median | CPU pressure, 2-worker slices: median | quiet pairs | 2 / 1, quiet pairs: median | " +
            "goal at least 1.7 (median) |");
        out.println("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
        for (final SizeResult r : results)
        {
            final List<Pair> quiet = r.pairs().stream().filter(Pair::quiet).toList();
            final double scaling = PairedRatioRun.median(r.pairs(), Pair::scaling);
            out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %.3f to %.3f | %.3f | %.1f%% | %d | %s | %s |%n", r.size(), r.pairs().size(),
                PairedRatioRun.median(r.pairs(), p -> p.one().framesPerSecond()), PairedRatioRun.median(r.pairs(), p -> p.two().framesPerSecond()),
                scaling, PairedRatioRun.quantile(r.pairs(), Pair::scaling, 0.25), PairedRatioRun.quantile(r.pairs(), Pair::scaling, 0.75),
                PairedRatioRun.median(r.pairs(), Pair::cpuCost), PairedRatioRun.median(r.pairs(), p -> p.two().pressurePercent()), quiet.size(),
                quiet.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.3f", PairedRatioRun.median(quiet, Pair::scaling)),
                scaling >= GOAL ? "met" : "not met");
        }
        out.println();
        if (failure != null)
        {
            out.println("**The run failed**: " + failure);
            return;
        }
        out.println("Checks, after each size's pairs (lanes stopped sending, the hub emptied): received = transmitted + punted + dropped " +
            "+ in flight, no drop, every slot free:");
        out.println();
        for (final SizeResult r : results)
        {
            out.println("- " + r.size() + " B: " + r.conservation());
        }
    }

    public static void main(final String[] args)
    {
        final Options options = Arguments.parseOrExit("scaling", USAGE, args, a -> Options.parse(a.toArray(String[]::new)));
        if (options == null)
        {
            return;
        }
        final List<SizeResult> results = new ArrayList<>();
        String failure = null;
        try (WorkerScalingRun run = new WorkerScalingRun())
        {
            for (final String size : options.slices().sizes())
            {
                results.add(run.measure(size, options, System.err));
            }
        }
        catch (final RuntimeException ex)
        {
            failure = ex.toString();
            ex.printStackTrace(System.err);
        }
        report(options, results, failure, System.out);
        System.exit(failure == null ? 0 : 1);
    }
}
