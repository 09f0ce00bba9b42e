package net.dmvpnhub.trafficgen;

import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.trafficgen.spoke.SpokeState;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.trafficgen.spoke.TunnelEncapsulator;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;

/**
 * The main job's capacity phase: the hub, with every spoke's SAs, cache entries and routes in
 * place after the storm, forwards as fast as it can, with the generator's crypto done before the
 * clock starts.
 * <p>
 * In rounds: the spokes' thread is held ({@link TrafficGenerator#hold}); this thread builds a
 * round of frames as the spokes would send them (inner IPv4/UDP, GRE, ESP under each sender's own
 * SA with the hub, so each SA's sequence numbers keep rising from round to round and the hub's
 * anti-replay windows are never reset), packed in one off-heap buffer; then a feeder thread, the
 * stand-in for a NIC, copies each frame into a slot of the hub's slab, offers it to the receive
 * ring of the worker that owns the sender, takes what the workers transmit, counts it, copies
 * every {@value #SAMPLE_EVERY}th transmitted frame aside and frees the slots. The round's clock
 * runs from its first frame fed until every frame was received and the workers are idle. Off the
 * clock, the sampled frames are decrypted with the receiving spoke's own SA and their inner packets
 * compared with what was sent (addresses, length, TTL one less, the frame number in the payload).
 * <p>
 * The crypto floor, in the same rounds on the same frames: this thread copies each frame into a
 * slot and decrypts it and (where the hub would) encrypts it again, with twins of the hub's SAs
 * (the same keys from the same exchange, their own sequence numbers and windows, so the hub's
 * are untouched), touching each vector's key state first as the workers do. Even rounds run the
 * hub first, odd rounds the floor first, so both see the same stretch of the machine's drift.
 */
final class CapacityPhase
{
    /** One transmitted frame in this many is copied aside and checked. */
    static final int SAMPLE_EVERY = 997;
    /** The paced loads after the capacity rounds, as fractions of the capacity just measured. */
    static final double[] LOAD_FRACTIONS = {0.5, 0.7, 0.9};
    static final int SAMPLES_PER_ROUND = 256;
    static final int MAX_FRAMES_PER_ROUND = 1 << 17;
    /** The round buffer: frames packed one after another, each at a 64-byte boundary. */
    static final int ROUND_BYTES = 64 << 20;
    private static final int UDP_IP_HEADERS = 28;
    private static final int VECTOR = 32;
    private static final long ROUND_TIMEOUT_NS = 60_000_000_000L;
    /** Hub rounds run before the measured ones, off the record (or as long as the measured ones, if shorter). */
    static final long WARMUP_NS = 1_000_000_000L;
    static final long MAX_WARMUP_NS = 5_000_000_000L;
    /** A warm-up round in which the JIT spent at most this long compiling counts as warm. */
    static final long JIT_QUIET_MS = 20;

    /** What the phase measured; {@link #failure} is null when every check held. */
    record Result(
        int rounds, long frames, long innerBytes, long hubNs, long floorNs, long workerBusyNs, int workers, long transmitted,
        long controlFrames, long sampled, long verified, Map<String, Long> drops, String failure, List<SchedStat.ThreadStat> threads,
        List<Load> loads, long injected)
    {
        double hubMppsPerCore()
        {
            return frames * 1e3 / hubNs / workers;
        }

        double hubGbpsPerCore()
        {
            return innerBytes * 8.0 / hubNs / workers;
        }

        double hubNsPerFramePerCore()
        {
            return (double)hubNs * workers / frames;
        }

        double floorNsPerFrame()
        {
            return (double)floorNs / frames;
        }

        double floorOverHub()
        {
            return floorNsPerFrame() / hubNsPerFramePerCore();
        }

        /** The workers' busy time over the rounds' time: near 1 when the hub, not the feeder, set the pace. */
        double workerBusyFraction()
        {
            return (double)workerBusyNs / hubNs / workers;
        }
    }

    private final Dataplane dataplane;
    private final Spokes spokes;
    private final TrafficGenerator traffic;
    private final SimulatedIke ike;
    private final RunOptions options;
    private final int hubNbma;
    private final long greKey;
    /** Where the workers' time-in-hub records go during a load (null: no loads). */
    private final RunTimeline timeline;
    /** Samples the measured rounds (null: not profiled). */
    private final CapacityProfile profile;

    private final UnsafeBuffer round = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ROUND_BYTES, 64));
    private final int[] frameOffset = new int[MAX_FRAMES_PER_ROUND];
    private final int[] frameLength = new int[MAX_FRAMES_PER_ROUND];
    private final int[] frameRing = new int[MAX_FRAMES_PER_ROUND];
    private final int[] frameSender = new int[MAX_FRAMES_PER_ROUND];
    /** The receiving spoke, or -1 for the hub-side LAN (delivered at the hub, no encryption out). */
    private final int[] frameReceiver = new int[MAX_FRAMES_PER_ROUND];
    private final int[] innerSource = new int[MAX_FRAMES_PER_ROUND];
    private final int[] innerDestination = new int[MAX_FRAMES_PER_ROUND];
    private final int[] innerLength = new int[MAX_FRAMES_PER_ROUND];
    private int frames;

    private final UnsafeBuffer samples = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SAMPLES_PER_ROUND * 2048, 64));
    private final int[] sampleLength = new int[SAMPLES_PER_ROUND];
    private int sampleCount;

    private final FrameSlab staging = new FrameSlab(2, 2048);
    private final TunnelEncapsulator encapsulator;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final EspProcessor esp = new EspProcessor();
    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
    private Feeder feeder;
    private long sampledCount;
    private long verifiedCount;
    private long controlCount;
    /** Each thread's CPU and wait for a processor over the measured rounds alone, by pid and tid. */
    private final Map<Long, SchedStat.ThreadStat> roundThreads = new LinkedHashMap<>();
    private SecurityAssociation[] floorInbound;
    private SecurityAssociation[] floorOutbound;

    CapacityPhase(
        final Dataplane dataplane, final Spokes spokes, final TrafficGenerator traffic, final SimulatedIke ike, final RunOptions options,
        final int hubNbma, final long greKey, final RunTimeline timeline, final CapacityProfile profile)
    {
        this.timeline = timeline;
        this.profile = profile;
        this.dataplane = dataplane;
        this.spokes = spokes;
        this.traffic = traffic;
        this.ike = ike;
        this.options = options;
        this.hubNbma = hubNbma;
        this.greKey = greKey;
        this.encapsulator = new TunnelEncapsulator(greKey);
    }

    /**
     * Runs rounds until the hub's rounds add up to {@code seconds} (at least two rounds), with the
     * spokes' thread held throughout.
     */
    Result run(final double seconds) throws InterruptedException
    {
        if (!traffic.hold(10_000))
        {
            throw new IllegalStateException("the spokes' thread did not stop for the capacity phase");
        }
        try
        {
            return measure((long)(seconds * 1e9));
        }
        finally
        {
            try
            {
                closeTwins();
            }
            finally
            {
                traffic.resume();
            }
        }
    }

    private Result measure(final long targetNs) throws InterruptedException
    {
        final int[] up = registeredSpokes();
        if (up.length == 0)
        {
            return new Result(0, 0, 0, 1, 1, 0, dataplane.workers().length, 0, 0, 0, 0, Map.of(), "no spoke is registered", List.of(), List.of(), 0);
        }
        makeTwins(up);
        final SpscLongRing[] rings = dataplane.receiveRings();
        feeder = new Feeder(rings);
        final Thread feederThread = new Thread(feeder, "capacity-feeder");
        feederThread.setDaemon(true);
        feederThread.start();
        try
        {
            return measure(targetNs, up, rings);
        }
        finally
        {
            feeder.stop();
            feederThread.join();
        }
    }

    private Result measure(final long targetNs, final int[] up, final SpscLongRing[] rings) throws InterruptedException
    {
        final int[] ringOfSpoke = new int[spokes.count()];
        for (final int s : up)
        {
            final SpscLongRing ring = dataplane.rxFor(spokes.wireNbma(s));
            for (int r = 0; r < rings.length; r++)
            {
                if (rings[r] == ring)
                {
                    ringOfSpoke[s] = r;
                }
            }
        }
        final SplittableRandom random = new SplittableRandom(options.seed() ^ 0xC0FFEE);
        // Warm-up: rounds off the record until the JIT has compiled the forwarding path and the floor (a round without
        // compilations), for at least the shorter of WARMUP_NS and the measured time, at most MAX_WARMUP_NS of hub rounds.
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        final boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long warmNs = 0;
        boolean compiling = jitTimed;
        for (int r = 0; (warmNs < Math.min(WARMUP_NS, targetNs) || r < 2 || compiling) && warmNs < MAX_WARMUP_NS; r++)
        {
            final long compiledMs = jitTimed ? jit.getTotalCompilationTime() : 0;
            build(up, ringOfSpoke, random, r);
            floor();
            feeder.round(dataplane.totals().received() + frames, 0);
            if (feeder.failure != null)
            {
                return new Result(0, 0, 0, 1, 1, 0, dataplane.workers().length, 0, 0, 0, 0, Map.of(), "warm-up: " + feeder.failure, List.of(), List.of(), 0);
            }
            warmNs += feeder.endNs - feeder.startNs;
            compiling = jitTimed && jit.getTotalCompilationTime() - compiledMs > JIT_QUIET_MS;
            // Its samples are checked by the measured rounds; these are discarded.
        }
        final WorkerCounters start = dataplane.totals();
        long hubNs = 0;
        long floorNs = 0;
        long busyNs = 0;
        long frameCount = 0;
        long innerBytes = 0;
        long transmitted = 0;
        String failure = null;
        int rounds = 0;
        while (failure == null && (rounds < 2 || hubNs < targetNs))
        {
            innerBytes += build(up, ringOfSpoke, random, rounds);
            final boolean hubFirst = rounds % 2 == 0;
            if (!hubFirst)
            {
                floorNs += floor();
            }
            final long busyBefore = dataplane.totals().busyNs();
            final SchedStat.Snapshot threadsBefore = SchedStat.take(true);
            if (profile != null)
            {
                profile.resume();
            }
            feeder.round(start.received() + frameCount + frames, 0);
            if (profile != null)
            {
                profile.pause();
            }
            addRoundThreads(SchedStat.between(threadsBefore, SchedStat.take(true)));
            busyNs += dataplane.totals().busyNs() - busyBefore;
            if (feeder.failure != null)
            {
                failure = feeder.failure;
                break;
            }
            hubNs += feeder.endNs - feeder.startNs;
            transmitted += feeder.transmitted;
            if (hubFirst)
            {
                floorNs += floor();
            }
            frameCount += frames;
            failure = checkSamples(rounds);
            rounds++;
        }
        final List<Load> loads = new ArrayList<>();
        if (failure == null && timeline != null)
        {
            // Latency at fractions of the capacity just measured, each load its own rounds, numbered after the capacity's.
            final double capacityFramesPerSecond = frameCount * 1e9 / Math.max(1, hubNs);
            int roundNumber = rounds;
            // One paced round off the record first, so that the JIT has compiled the paced feeding and the workers'
            // time-in-hub records before the first load is timed.
            timeline.beginLoad();
            build(up, ringOfSpoke, random, roundNumber);
            feeder.round(dataplane.totals().received() + frames, 1e9 / (capacityFramesPerSecond * LOAD_FRACTIONS[0]));
            timeline.discardLoad();
            failure = feeder.failure != null ? "paced warm-up: " + feeder.failure : checkSamples(roundNumber);
            roundNumber++;
            for (int k = 0; k < LOAD_FRACTIONS.length && failure == null; k++)
            {
                final double fraction = LOAD_FRACTIONS[k];
                final Load load = load(fraction, capacityFramesPerSecond * fraction, targetNs, up, ringOfSpoke, random, roundNumber);
                roundNumber += load.rounds();
                loads.add(load);
                if (load.failure() != null)
                {
                    failure = load.failure();
                    break;
                }
            }
        }
        final WorkerCounters end = dataplane.totals();
        final Map<String, Long> drops = new LinkedHashMap<>();
        for (int reason = 0; reason < DropReasons.COUNT; reason++)
        {
            final long n = end.drops(reason) - start.drops(reason);
            if (!DropReasons.isOk(reason) && n > 0)
            {
                drops.put(DropReasons.name(reason), n);
            }
        }
        if (failure == null && !drops.isEmpty())
        {
            failure = "the hub dropped frames: " + drops;
        }
        if (failure == null && !dataplane.conserved())
        {
            failure = "the hub's counters do not add up after the phase";
        }
        return new Result(rounds, frameCount, innerBytes, Math.max(1, hubNs), Math.max(1, floorNs), busyNs, dataplane.workers().length,
            transmitted, controlCount, sampledCount, verifiedCount, drops, failure, roundThreads(), loads, end.injected() - start.injected());
    }

    /**
     * One paced load: frames offered at {@code offeredMpps} (a fraction of the capacity), each
     * stamped with the time it was due, so that a frame the feeder could not offer on time counts
     * its wait too (coordinated omission corrected once, at the source); {@code inHub} is the time
     * from that stamp to the worker's transmit ring, per frame.
     *
     * @param pressurePercent the machine's CPU pressure over the load's rounds (Linux PSI "some"), NaN where unknown.
     */
    record Load(
        double fraction, double offeredMpps, double achievedMpps, long frames, int rounds, Histogram inHub, double pressurePercent,
        long gcCollections, long gcMilliseconds, String failure)
    {
        String tag()
        {
            return "load-" + Math.round(fraction * 100);
        }

        /** The hub forwarded at least {@value #KEPT_UP} of the offered rate: below it, its queue grew through the load. */
        boolean keptUp()
        {
            return achievedMpps >= KEPT_UP * offeredMpps;
        }

        static final double KEPT_UP = 0.98;
    }

    private Load load(
        final double fraction, final double framesPerSecond, final long durationNs, final int[] up, final int[] ringOfSpoke,
        final SplittableRandom random, final int firstRound) throws InterruptedException
    {
        final double periodNs = 1e9 / framesPerSecond;
        final long gcBefore = ScaleRun.gcCount();
        final long gcMsBefore = ScaleRun.gcTimeMs();
        long pressureUs = 0;
        boolean pressureKnown = true;
        long loadNs = 0;
        long sent = 0;
        int r = firstRound;
        String failure = null;
        timeline.beginLoad();
        while (failure == null && loadNs < durationNs)
        {
            build(up, ringOfSpoke, random, r);
            final long pressureBefore = SchedStat.cpuPressureMicros();
            feeder.round(dataplane.totals().received() + frames, periodNs);
            final long pressureAfter = SchedStat.cpuPressureMicros();
            pressureKnown &= pressureBefore >= 0 && pressureAfter >= 0;
            pressureUs += pressureAfter - pressureBefore;
            if (feeder.failure != null)
            {
                failure = feeder.failure;
                break;
            }
            loadNs += feeder.endNs - feeder.startNs;
            sent += frames;
            failure = checkSamples(r);
            r++;
        }
        final Load load = new Load(fraction, framesPerSecond / 1e6, sent * 1e3 / Math.max(1, loadNs), sent, r - firstRound,
            timeline.endLoad("load-" + Math.round(fraction * 100)), pressureKnown ? pressureUs * 1e5 / Math.max(1, loadNs) : Double.NaN,
            ScaleRun.gcCount() - gcBefore, ScaleRun.gcTimeMs() - gcMsBefore, failure == null ? null : "load " + Math.round(fraction * 100) +
            "%: " + failure);
        return load;
    }

    /** Checks the samples of round {@code roundNumber}: @return null, or why one failed. */
    private String checkSamples(final int roundNumber)
    {
        sampledCount += sampleCount;
        for (int i = 0; i < sampleCount; i++)
        {
            final int outcome = check(i, roundNumber);
            if (outcome < 0)
            {
                return "sampled frame " + i + " of round " + roundNumber + ": " + lastCheckFailure;
            }
            if (outcome == 0)
            {
                controlCount++;
            }
            else
            {
                verifiedCount++;
            }
        }
        return null;
    }

    private void addRoundThreads(final List<SchedStat.ThreadStat> threads)
    {
        for (final SchedStat.ThreadStat t : threads)
        {
            roundThreads.merge((long)t.pid() << 32 | t.tid(), t, (a, b) -> new SchedStat.ThreadStat(a.pid(), a.tid(), a.process(),
                a.name(), a.ours(), a.kernel(), a.cpuNs() + b.cpuNs(), a.waitNs() + b.waitNs()));
        }
    }

    /** The threads that ran during the measured rounds, the most CPU first. */
    private List<SchedStat.ThreadStat> roundThreads()
    {
        final List<SchedStat.ThreadStat> threads = new ArrayList<>(roundThreads.values());
        threads.sort(java.util.Comparator.comparingLong(SchedStat.ThreadStat::cpuNs).reversed());
        return threads;
    }

    private int[] registeredSpokes()
    {
        final List<Integer> up = new ArrayList<>();
        for (int s = 0; s < spokes.count(); s++)
        {
            if (spokes.state(s) == SpokeState.REGISTERED && spokes.hubSas(s) != null)
            {
                up.add(s);
            }
        }
        return up.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The floor's SAs: for each spoke, a twin of the hub's inbound SA from it and of the hub's
     * outbound SA to it, keyed from the same exchange (the SPIs and addresses its SAs carry).
     */
    private void makeTwins(final int[] up)
    {
        floorInbound = new SecurityAssociation[spokes.count()];
        floorOutbound = new SecurityAssociation[spokes.count()];
        for (final int s : up)
        {
            final PeerSas sas = spokes.hubSas(s);
            final int wire = spokes.wireNbma(s);
            floorInbound[s] = ike.sa(SecurityAssociation.Direction.INBOUND, wire, hubNbma, sas.outbound().spi());
            floorOutbound[s] = ike.sa(SecurityAssociation.Direction.OUTBOUND, hubNbma, wire, sas.currentInbound().spi());
        }
    }

    private void closeTwins()
    {
        for (final SecurityAssociation[] twins : new SecurityAssociation[][]{floorInbound, floorOutbound})
        {
            if (twins != null)
            {
                for (final SecurityAssociation sa : twins)
                {
                    if (sa != null)
                    {
                        sa.close();
                    }
                }
            }
        }
    }

    /**
     * Builds a round of frames, as each sender encrypts them, into the round buffer.
     *
     * @return the inner packets' bytes.
     */
    private long build(final int[] up, final int[] ringOfSpoke, final SplittableRandom random, final int roundNumber)
    {
        final UnsafeBuffer buffer = staging.buffer();
        int position = 0;
        long bytes = 0;
        frames = 0;
        while (frames < MAX_FRAMES_PER_ROUND)
        {
            final int s = up[random.nextInt(up.length)];
            final int destination = traffic.destination(s, random);
            final int size = options.mix().next(random);
            final int source = traffic.source(s, random);
            final int slot = staging.allocate();
            final int at = TunnelEncapsulator.payloadOffset(staging, slot);
            // The frame's number (and its round's) where a spoke's packet carries its send time.
            Spokes.writeDataPacket(ip, buffer, at, frames, source, destination, size - UDP_IP_HEADERS, (long)roundNumber << 32 | frames);
            final EspStatus status = encapsulator.encapsulate(staging, slot, size, GreFlyweight.PROTOCOL_IPV4, spokes.hubSas(s).outbound(),
                spokes.wireNbma(s), hubNbma);
            if (status != EspStatus.OK)
            {
                staging.release(slot);
                throw new IllegalStateException("spoke " + s + " cannot encrypt a frame for the capacity phase: " + status);
            }
            final int length = staging.length(slot);
            if (position + length > ROUND_BYTES)
            {
                // The frame is lost to the round, not to its SA: its sequence number is skipped, as a lost packet's is.
                staging.release(slot);
                break;
            }
            round.putBytes(position, buffer, staging.offset(slot), length);
            staging.release(slot);
            frameOffset[frames] = position;
            frameLength[frames] = length;
            frameRing[frames] = ringOfSpoke[s];
            frameSender[frames] = s;
            final int receiver = spokes.spokeOfLan(destination);
            frameReceiver[frames] = receiver;
            innerSource[frames] = source;
            innerDestination[frames] = destination;
            innerLength[frames] = size;
            bytes += size;
            position = position + length + 63 & ~63;
            frames++;
        }
        return bytes;
    }

    /**
     * The crypto floor on this round's frames: copy in, decrypt, encrypt again where the hub does,
     * a vector at a time with its key state touched first.
     *
     * @return the time it took.
     */
    private long floor()
    {
        final FrameSlab slab = dataplane.slab();
        final UnsafeBuffer buffer = slab.buffer();
        final int[] slots = new int[VECTOR];
        long touched = 0;
        final long startNs = System.nanoTime();
        for (int base = 0; base < frames; base += VECTOR)
        {
            final int n = Math.min(VECTOR, frames - base);
            for (int i = 0; i < n; i++)
            {
                final int f = base + i;
                slots[i] = slab.receive(round, frameOffset[f], frameLength[f], 0);
                touched += floorInbound[frameSender[f]].touch(frameLength[f]);
                final int receiver = frameReceiver[f];
                if (receiver >= 0)
                {
                    touched += floorOutbound[receiver].touch(frameLength[f]);
                }
            }
            for (int i = 0; i < n; i++)
            {
                final int f = base + i;
                final int slot = slots[i];
                if (slot < 0)
                {
                    releaseFrom(slab, slots, i + 1, n);
                    throw new IllegalStateException("the hub's slab has no free slot for the floor");
                }
                final int at = slab.offset(slot);
                final EspStatus decrypted = esp.decrypt(floorInbound[frameSender[f]], buffer, at + Ipv4Flyweight.MIN_HEADER_LENGTH,
                    slab.length(slot) - Ipv4Flyweight.MIN_HEADER_LENGTH, buffer.getInt(at + Ipv4Flyweight.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN),
                    buffer.getInt(at + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN));
                final int receiver = frameReceiver[f];
                final EspStatus status = decrypted != EspStatus.OK || receiver < 0 ? decrypted :
                    esp.encrypt(floorOutbound[receiver], buffer, esp.innerOffset(), esp.innerLength(), slab.limit(slot));
                slab.release(slot);
                if (status != EspStatus.OK)
                {
                    releaseFrom(slab, slots, i + 1, n);
                    throw new IllegalStateException("the crypto floor could not process frame " + f + ": " + status);
                }
            }
        }
        final long ns = System.nanoTime() - startNs;
        floorChecksum += touched;
        return ns;
    }

    /** Gives back the vector's slots from {@code from} on, when the floor stops part way. */
    private static void releaseFrom(final FrameSlab slab, final int[] slots, final int from, final int n)
    {
        for (int i = from; i < n; i++)
        {
            if (slots[i] >= 0)
            {
                slab.release(slots[i]);
            }
        }
    }

    /** Keeps the floor's key-state reads from being optimised away. */
    long floorChecksum;
    private String lastCheckFailure;

    /**
     * Decrypts sample {@code i} with the receiving spoke's SA and compares its inner packet with
     * the frame sent.
     *
     * @return 1 for a data packet as sent, 0 for an NHRP packet the hub sent (a redirect), -1 for a
     * mismatch ({@link #lastCheckFailure} says which).
     */
    private int check(final int i, final int roundNumber)
    {
        final int at = i * 2048;
        final int length = sampleLength[i];
        final int source = samples.getInt(at + Ipv4Flyweight.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
        final int destination = samples.getInt(at + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        final int receiver = spokes.indexOfNbma(destination);
        if (source != hubNbma || receiver < 0 || spokes.hubSas(receiver) == null)
        {
            lastCheckFailure = "the hub sent a frame from " + source + " to " + destination + ", not from the hub to a spoke";
            return -1;
        }
        final SecurityAssociation sa = spokes.hubSas(receiver).inbound(samples.getInt(at + Ipv4Flyweight.MIN_HEADER_LENGTH,
            ByteOrder.BIG_ENDIAN));
        if (sa == null)
        {
            lastCheckFailure = "the receiving spoke has no SA with the frame's SPI";
            return -1;
        }
        final EspStatus status = esp.decrypt(sa, samples, at + Ipv4Flyweight.MIN_HEADER_LENGTH, length - Ipv4Flyweight.MIN_HEADER_LENGTH,
            source, destination);
        if (status != EspStatus.OK)
        {
            lastCheckFailure = "the receiving spoke's SA refused it: " + status;
            return -1;
        }
        final DecodeStatus decoded = decoder.decodeGre(samples, esp.innerOffset(), esp.innerLength());
        if (decoded != DecodeStatus.OK)
        {
            lastCheckFailure = "its inner packet does not decode: " + decoded;
            return -1;
        }
        if (decoder.kind() == TunnelFrameDecoder.KIND_GRE_NHRP)
        {
            return 0;
        }
        final Ipv4Flyweight inner = decoder.inner();
        final int payload = inner.offset() + UDP_IP_HEADERS;
        if (inner.totalLength() < UDP_IP_HEADERS + Long.BYTES)
        {
            // Every size the phase sends (64 bytes and up) carries its frame number.
            lastCheckFailure = "a data packet of " + inner.totalLength() + " bytes, too short to be one the phase sent";
            return -1;
        }
        final long number = samples.getLong(payload, ByteOrder.BIG_ENDIAN);
        final int f = (int)number;
        if (number >>> 32 != roundNumber || f < 0 || f >= frames)
        {
            lastCheckFailure = "its payload names frame " + number + ", not one of round " + roundNumber;
            return -1;
        }
        if (inner.source() != innerSource[f] || inner.destination() != innerDestination[f] || inner.totalLength() != innerLength[f] ||
            inner.ttl() != Spokes.DATA_TTL - 1 || spokes.spokeOfLan(inner.destination()) != receiver)
        {
            lastCheckFailure = "frame " + f + " arrived changed (source, destination, length, TTL or receiver)";
            return -1;
        }
        return 1;
    }

    /** The NIC stand-in: feeds one round into the receive rings and takes what the workers transmit. */
    private final class Feeder implements Runnable
    {
        private final SpscLongRing[] rings;
        /** Per receive ring, the round's frames bound for it in order, how many, and the next to feed. */
        private final int[][] ringFrames;
        private final int[] queued;
        private final int[] next;
        private final long[] batch = new long[256];
        /**
         * The feeder's own slots, reused last-freed first (as DPDK's per-core mempool caches): the
         * slots it frees come back before the shared pool is touched. The receive rings still hold up
         * to their capacity, so the frames in flight span much of the slab.
         */
        private final FrameSlab.SlotCache cache = dataplane.slab().newCache();
        private final Semaphore go = new Semaphore(0);
        private final Semaphore done = new Semaphore(0);
        private boolean stopping;
        private long receivedTarget;
        private double periodNs;
        long startNs;
        long endNs;
        long transmitted;
        String failure;

        Feeder(final SpscLongRing[] rings)
        {
            this.rings = rings;
            this.ringFrames = new int[rings.length][MAX_FRAMES_PER_ROUND];
            this.queued = new int[rings.length];
            this.next = new int[rings.length];
        }

        /**
         * Runs one round of the frames built on the feeder's thread and waits for it (the
         * semaphores order the two threads): as fast as the hub takes them ({@code periodNs} 0), or
         * one frame every {@code periodNs}, each stamped with its due time.
         */
        void round(final long receivedTarget, final double periodNs) throws InterruptedException
        {
            this.receivedTarget = receivedTarget;
            this.periodNs = periodNs;
            transmitted = 0;
            go.release();
            done.acquire();
        }

        void stop()
        {
            stopping = true;
            go.release();
        }

        @Override
        public void run()
        {
            while (true)
            {
                go.acquireUninterruptibly();
                if (stopping)
                {
                    return;
                }
                feed();
                done.release();
            }
        }

        private void feed()
        {
            final FrameSlab slab = dataplane.slab();
            final SpscLongRing[] tx = dataplane.txRings();
            sampleCount = 0;
            final boolean paced = periodNs > 0;
            int fed = 0;
            long seen = 0;
            int idle = 0;
            // Each receive ring's frames in their order (so each sender's, and each SA's): a full ring holds back only its own.
            for (int r = 0; r < rings.length; r++)
            {
                queued[r] = 0;
                next[r] = 0;
            }
            for (int f = 0; f < frames; f++)
            {
                final int r = frameRing[f];
                ringFrames[r][queued[r]++] = f;
            }
            startNs = System.nanoTime();
            // The clock is read once a pass when paced, else only while idle: on a virtual machine a clock read can cost
            // as much as forwarding a frame, and the feeder shares the processors with the hub.
            long clockNs = startNs;
            long passes = 0;
            while (true)
            {
                if (paced)
                {
                    clockNs = System.nanoTime();
                }
                int offered = 0;
                for (int r = 0; r < rings.length; r++)
                {
                    final SpscLongRing ring = rings[r];
                    final int[] order = ringFrames[r];
                    int k = 0;
                    while (k < VECTOR && next[r] < queued[r] && ring.hasRoomFor(1))
                    {
                        final int f = order[next[r]];
                        final long dueNs = paced ? startNs + (long)(f * periodNs) : 0;
                        if (paced && clockNs - dueNs < 0)
                        {
                            break;
                        }
                        final int slot = slab.receive(cache, round, frameOffset[f], frameLength[f], dueNs);
                        if (slot < 0)
                        {
                            break;
                        }
                        ring.offer(slot);
                        next[r]++;
                        k++;
                    }
                    offered += k;
                }
                fed += offered;
                int drained = 0;
                for (final SpscLongRing ring : tx)
                {
                    final int n = ring.pollBatch(batch, batch.length);
                    for (int i = 0; i < n; i++)
                    {
                        final int slot = (int)batch[i];
                        if (++seen % SAMPLE_EVERY == 0 && sampleCount < SAMPLES_PER_ROUND && slab.length(slot) <= 2048)
                        {
                            samples.putBytes(sampleCount * 2048, slab.buffer(), slab.offset(slot), slab.length(slot));
                            sampleLength[sampleCount++] = slab.length(slot);
                        }
                        slab.release(cache, slot);
                    }
                    drained += n;
                }
                transmitted += drained;
                if (offered + drained > 0)
                {
                    idle = 0;
                    if (++passes % 4096 != 0)
                    {
                        continue;
                    }
                }
                else if (++idle % 64 != 0)
                {
                    Thread.onSpinWait();
                    continue;
                }
                // A busy pass in 4,096, or 64 idle passes (with everything fed, the round may be over): read the clock.
                final long now = System.nanoTime();
                if (fed == frames && idle > 0 && dataplane.totals().received() >= receivedTarget && dataplane.inFlight() == 0 &&
                    dataplane.conserved() && txEmpty(tx))
                {
                    endNs = now;
                    return;
                }
                if (now - startNs > ROUND_TIMEOUT_NS)
                {
                    failure = "a round did not finish within " + ROUND_TIMEOUT_NS / 1_000_000_000L + " s (" + fed + " of " + frames +
                        " frames fed)";
                    return;
                }
            }
        }

        private static boolean txEmpty(final SpscLongRing[] tx)
        {
            for (final SpscLongRing ring : tx)
            {
                if (ring.size() > 0)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
