package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.bench.fixtures.TrafficPort;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.Dataplane.ThreadingMode;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.trafficgen.IdleStrategies;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Frames per second through the threaded dataplane ({@link Dataplane#start}, one Agrona agent
 * thread per worker) for a 10,000-spoke hub, hairpin frames as in {@link HubForwardingBenchmark}
 * (same provider, transform, tables and sizes): one worker, two workers run to completion (frames
 * sharded by sender, SA-owner handoff), and the two-stage pipeline.
 * <p>
 * The JMH thread is the outside world ({@link TrafficPort}): each invocation puts
 * {@value #BATCH} frames on the receive rings, waiting (draining, then idling) while a ring is full
 * or no slot is free, and takes whatever was transmitted off the transmit rings, freeing the slots.
 * The score is frames sent per second; frames in flight are bounded by the slab
 * ({@value #SLOTS} slots), so over an iteration it equals the frames transmitted per second, which
 * the {@code transmitted} counter reports beside it.
 * <p>
 * Allocation: {@code -prof gc} reads the JVM's total allocated bytes over all threads (JMH's
 * {@code GCProfiler} uses {@code ThreadMXBean.getTotalThreadAllocatedBytes}), so
 * {@code gc.alloc.rate.norm} is per frame and includes the worker threads.
 * <p>
 * At the end of each trial the source stops, every frame sent must come back, and conservation
 * (received = transmitted + punted + dropped + in flight, slots all free) must hold with no drop;
 * otherwise the trial fails with the figures. The numbers are printed as {@code # HubThreadedBenchmark} lines.
 * <p>
 * Threads: a source/drain thread plus one or two workers. On a machine with fewer cores than
 * that, the threads share cores and the two-worker figures say nothing about scaling; each trial
 * prints the machine's processor count and its thread count.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class HubThreadedBenchmark
{
    static final int SPOKES = 10_000;
    static final int FRAMES = 32_768;
    static final int SLOTS = 8192;
    static final int RING = 1024;
    static final int BATCH = 64;

    /** RTC_1 and RTC_2: run-to-completion with one or two workers; PIPELINED: two stages. */
    @Param({"RTC_1", "RTC_2", "PIPELINED"})
    public String threading;

    @Param({"64", "576", "1400", "IMIX"})
    public String size;

    /** Idle strategy of the workers and of the source when it must wait: busy, yield or backoff. */
    @Param({"yield"})
    public String idle;

    private HairpinTraffic traffic;
    private Dataplane dataplane;
    private TrafficPort port;
    private IdleStrategy sourceIdle;

    /** Frames taken off the transmit rings, per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Wire
    {
        public long transmitted;

        @Setup(Level.Iteration)
        public void reset()
        {
            transmitted = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final Supplier<IdleStrategy> idleStrategies = IdleStrategies.byName(idle);
        if (idleStrategies == null)
        {
            throw new IllegalArgumentException("idle must be " + IdleStrategies.NAMES + ", not " + idle);
        }
        final ThreadingMode mode = "PIPELINED".equals(threading) ? ThreadingMode.PIPELINED : ThreadingMode.RUN_TO_COMPLETION;
        final int workers = switch (threading)
        {
            case "RTC_1" -> 1;
            case "RTC_2", "PIPELINED" -> 2;
            default -> throw new IllegalArgumentException("threading must be RTC_1, RTC_2 or PIPELINED, not " + threading);
        };
        traffic = new HairpinTraffic(SPOKES, FRAMES, size, workers, 2026);
        dataplane = traffic.hub(mode, workers, SLOTS, RING).dataplane();
        port = new TrafficPort(traffic, dataplane);
        sourceIdle = idleStrategies.get();
        dataplane.start(idleStrategies, SystemNanoClock.INSTANCE);
        final int cpus = Runtime.getRuntime().availableProcessors();
        final int threads = 1 + workers;
        System.out.println();
        System.out.println("# HubThreadedBenchmark " + threading + " " + size + ": " + threads + " threads (source/drain + " + workers +
            " worker" + (workers == 1 ? "" : "s") + ", idle " + idle + ") on " + cpus + " processors" +
            (threads > cpus ? ": OVERSUBSCRIBED, threads share cores, not a scaling result" : ""));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long forward(final Wire wire)
    {
        final TrafficPort port = this.port;
        long taken = 0;
        long stuckSinceNs = 0;
        for (int sent = 0; sent < BATCH; )
        {
            if (port.sendNext(0) == TrafficPort.Offer.SENT)
            {
                sent++;
                stuckSinceNs = 0;
            }
            else
            {
                final int drained = port.drain(null, null);
                taken += drained;
                sourceIdle.idle(drained);
                if (drained == 0)
                {
                    stuckSinceNs = stuck(stuckSinceNs);
                }
            }
        }
        taken += port.drain(null, null);
        wire.transmitted += taken;
        return taken;
    }

    /** The source can neither send nor take anything back: fail after 5 s rather than hang. */
    private long stuck(final long sinceNs)
    {
        final long nowNs = System.nanoTime();
        if (sinceNs == 0)
        {
            return nowNs;
        }
        if (nowNs - sinceNs > TimeUnit.SECONDS.toNanos(5))
        {
            throw new IllegalStateException("source stuck for 5 s (" + threading + " " + size + "): " + port.outstanding() +
                " frames outstanding, hub drops:" + drops(dataplane.totals()));
        }
        return sinceNs;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        final boolean settled = port.settle(TimeUnit.SECONDS.toNanos(10));
        dataplane.close();
        port.drain(null, null);
        final String equation = port.checkConservation();
        final WorkerCounters totals = dataplane.totals();
        System.out.println();
        System.out.println("# HubThreadedBenchmark " + threading + " " + size + ": conservation holds: " + equation +
            "; anti-replay windows reset " + port.replayResets() + ", source waits for a sender's frames " + port.replayWaits());
        if (!settled || totals.dropped() != 0 || port.outstanding() != 0)
        {
            throw new IllegalStateException("frames lost in the hub (" + threading + " " + size + "): " + equation + drops(totals));
        }
        traffic.close();
    }

    public static String drops(final WorkerCounters counters)
    {
        final StringBuilder names = new StringBuilder();
        for (int i = 0; i < DropReasons.COUNT; i++)
        {
            if (counters.drops(i) > 0)
            {
                names.append(' ').append(DropReasons.name(i)).append('=').append(counters.drops(i));
            }
        }
        return names.toString();
    }
}
