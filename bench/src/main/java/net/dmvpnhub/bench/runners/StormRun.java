package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.SchedStat;
import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.bench.fixtures.StormSpokes;
import net.dmvpnhub.bench.jmh.HubThreadedBenchmark;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.HubWorker;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.nhrp.hub.Hub;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.LanRouteAdvertiser;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Dataplane throughput while a registration storm runs, as a ratio to steady state in the same
 * run, and the NHS's CPU time to converge ({@code ./dmvpn storm}).
 * <p>
 * Two busy threads, one per processor of a 2-core machine:
 * <ul>
 *   <li>this thread: the outside world and the hub's one dataplane worker, run to completion
 *   (invoker mode, as {@link net.dmvpnhub.bench.jmh.HubForwardingBenchmark}). Each cycle it copies frames into slab slots
 *   and onto the worker's receive ring as a NIC would (the storm's Registration Requests first,
 *   as they arrive, then {@link HairpinTraffic}'s pre-encrypted spoke-to-spoke frames among 10,000
 *   provisioned spokes, at most {@link HubWorker#BATCH} frames in all), runs one duty cycle of
 *   the worker (the NHS's injected replies, then the received batch) and takes what it
 *   transmitted off the transmit ring. It never waits: the hairpin frames are always there.</li>
 *   <li>the NHS ({@link NhrpServer}) on its own Agrona agent thread, backing off to sleep when idle
 *   as in the main job ({@code Hub}), or busy-spinning ({@code --nhs-idle busy}).</li>
 * </ul>
 * Each round is a hub restart: a new hub (tables, dataplane, NHS; the forwarding spokes
 * provisioned again, identically), then a steady window (a fixed time, no storm), a storm window
 * (from the first IKE request to the last Registration Reply), and a second steady window, with
 * everything running in all three:
 * <ol>
 *   <li>every storm spoke offers IKE on the NHS's IKE ring ({@link SimulatedIke}: the NHS builds
 *   and installs the SA pair, on its thread, and answers with its SPI);</li>
 *   <li>on the answer, the spoke's Registration Request ({@link StormSpokes}: real NHRP in GRE in
 *   ESP, built with the SPI a new hub will choose, which each answer is checked against) arrives
 *   at the receive ring; the worker decrypts, decapsulates and punts it; the NHS parses it, binds,
 *   publishes the binding to the peer table and the spoke's LAN route to the FIB (the single
 *   writer), and injects a Registration Reply, which the worker encapsulates, encrypts and
 *   transmits. At most {@code window} requests are unanswered at a time (below the NHS's admission
 *   bound, so none is refused with NAK 5 and no spoke needs to retry).</li>
 * </ol>
 * Forwarding throughput is hairpin frames transmitted per second in each window; the ratio is the
 * storm's over the mean of the steady windows before and after it, which brackets drift. The
 * storm's own frames (requests decrypted and punted, replies encrypted and sent) take dataplane
 * capacity from the hairpin frames and are counted apart. NHS CPU time is the NHS thread's
 * ({@link ThreadMXBean}) over the storm window, with the NHS's own split into NHRP handling and
 * simulated IKE.
 * <p>
 * Each round checks that every spoke registered with one request, nothing refused or ignored, the
 * worker's conservation (received + injected = transmitted + punted + dropped), no drop, and every
 * slab slot back; a failed check ends the run with exit status 1.
 */
public final class StormRun
{
    static final int RING = 4096;
    static final int SLOTS = 8192;
    static final long STORM_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * @param forwardingSpokes spokes the hairpin frames go between (provisioned, not registered).
     * @param stormSpokes spokes that register in each storm.
     * @param rounds measured rounds (each a steady and a storm window).
     * @param warmupRounds rounds run first and reported as warm-up.
     * @param steadyMs length of each steady window.
     * @param size hairpin inner packet size in bytes, or IMIX.
     * @param frames hairpin frames in the pre-encrypted ring.
     * @param window registration requests unanswered at most at a time.
     * @param seed for the hairpin traffic and keys.
     */
    public record Options(
        int forwardingSpokes, int stormSpokes, int rounds, int warmupRounds, long steadyMs, String size, int frames, int window,
        long seed, String nhsIdle, int injectWeight)
    {
        public static final String USAGE = """
            Usage: ./dmvpn storm [options]
              --storm-spokes N        spokes registering in each storm (default 10000; 100000 is the stress case)
              --forwarding-spokes N   spokes the hairpin traffic runs between (default 10000)
              --rounds N              measured rounds, each a steady window then a storm (default 5)
              --warmup-rounds N       rounds run first and reported as warm-up (default 3: the JIT compiles for hundreds of
                                      ms in the first storms; the summary gives its time per window)
              --steady-ms N           length of each steady window in ms (default 1000)
              --size S                hairpin inner packet size in bytes (28 to 1500) or IMIX (default IMIX)
              --window N              registration requests unanswered at most at a time (default 512; below the
                                      NHS's admission bound of 768, so no NAK 5)
              --frames N              pre-encrypted hairpin frames in the ring, a multiple of 4 (default 4096)
              --seed N                seed for the hairpin traffic and its keys (default 2026)
              --nhs-idle S            the NHS thread when idle: backoff (NhrpServer.newIdleStrategy, as in the main job: no
                                      park while it finds a backlog, otherwise parks from 50 us doubling to 1 ms;
                                      default) or busy (spins: the NHS keeps its processor)
              --inject-weight N       the NHS's packets the worker sends per duty cycle while hairpin frames wait, 1 to 64
                                      (default 3, the hub's; 64 weighs them like the received frames)
            """;

        public Options
        {
            if (forwardingSpokes < 4 || stormSpokes < 1 || rounds < 1 || warmupRounds < 0 || steadyMs < 1 || window < 1 || frames < 4 ||
                frames % 4 != 0)
            {
                throw new Arguments.UsageException("options out of range (--frames a multiple of 4): " + this);
            }
            if (injectWeight < 1 || injectWeight > HubWorker.BATCH)
            {
                throw new Arguments.UsageException("--inject-weight must be 1 to " + HubWorker.BATCH + ", not " + injectWeight);
            }
            if (!"backoff".equals(nhsIdle) && !"busy".equals(nhsIdle))
            {
                throw new Arguments.UsageException("--nhs-idle must be backoff or busy, not '" + nhsIdle + "'");
            }
            if (window >= NhsConfig.phase3(0, 0, 8).admissionBound())
            {
                throw new Arguments.UsageException("--window must stay below the NHS's admission bound (" +
                    NhsConfig.phase3(0, 0, 8).admissionBound() + "), not " + window);
            }
        }

        public static Options defaults()
        {
            return new Options(10_000, 10_000, 5, 3, 1000, "IMIX", 4096, 512, 2026, "backoff", HubConfig.DEFAULT_INJECT_WEIGHT);
        }

        /**
         * @return the options, or null for {@code --help}.
         * @throws Arguments.UsageException with one sentence for a bad option or value.
         */
        public static Options parse(final String... args)
        {
            final Arguments a = Arguments.read(List.of(args), List.of("--storm-spokes", "--forwarding-spokes", "--rounds",
                "--warmup-rounds", "--steady-ms", "--size", "--window", "--frames", "--seed", "--nhs-idle", "--inject-weight"), List.of(), 0);
            if (a == null)
            {
                return null;
            }
            final Options d = defaults();
            final String size = a.text("--size", d.size);
            PairedRatioRun.Options.checkSize("--size", size);
            return new Options(
                a.whole("--forwarding-spokes", d.forwardingSpokes, 4, 1_000_000),
                a.whole("--storm-spokes", d.stormSpokes, 1, 1_000_000),
                a.whole("--rounds", d.rounds, 1, 10_000),
                a.whole("--warmup-rounds", d.warmupRounds, 0, 10_000),
                a.whole("--steady-ms", d.steadyMs, 1, 3_600_000L),
                size,
                a.whole("--frames", d.frames, 4, 1 << 20),
                a.whole("--window", d.window, 1, 1 << 20),
                a.whole("--seed", d.seed, Long.MIN_VALUE, Long.MAX_VALUE),
                a.text("--nhs-idle", d.nhsIdle),
                a.whole("--inject-weight", d.injectWeight, 1, HubWorker.BATCH));
        }
    }

    /**
     * What one window measured.
     *
     * @param ns its length.
     * @param hairpinTransmitted hairpin (spoke-to-spoke) frames the worker transmitted.
     * @param stormRequests Registration Request frames put on the receive ring.
     * @param stormReplies Registration Reply frames the worker transmitted.
     * @param workerFrames every frame the worker handled: received plus injected.
     * @param redirectSignals hairpins the worker's per-pair rate limit let through to the NHS (signalled or lost to a full
     * ring): the NHS's work when nothing registers.
     * @param gcCount collections during the window (all collectors).
     * @param gcMs their time, as the collectors report it.
     * @param jitMs time the JIT compiler threads spent compiling during the window (they take a
     * processor from the two busy threads), or -1 where the JVM does not say.
     * @param cpuPressurePercent share of the window during which some runnable thread of the
     * machine, ours or another process's, waited for a processor (Linux PSI "some"), or NaN.
     * @param hairpinStalls cycles in which the batch had room but the outside world offered no
     * hairpin frame at all (the ring not ready to wrap, or no free slab slot): forwarding held
     * back by the benchmark, not the hub; 0 when the run measures what it says.
     */
    public record Window(
        long ns, long hairpinTransmitted, long stormRequests, long stormReplies, long workerFrames, long redirectSignals, long gcCount,
        long gcMs, long jitMs, double cpuPressurePercent, long hairpinStalls)
    {
        public double hairpinPerSecond()
        {
            return hairpinTransmitted * 1e9 / ns;
        }

        public double workerFramesPerSecond()
        {
            return workerFrames * 1e9 / ns;
        }

        public double redirectSignalsPerSecond()
        {
            return redirectSignals * 1e9 / ns;
        }
    }

    /**
     * One round: a new hub, a steady window, the storm, a second steady window.
     *
     * @param nhsCpuNs the NHS thread's CPU time over the storm window.
     * @param nhsNhrpNs of it, handling NHRP packets (the NHS's own account).
     * @param nhsIkeNs of it, simulated IKE: deriving keys and building SAs.
     * @param nhsRedirectNs of it, the hairpin traffic's redirect signals (Traffic Indications).
     * @param nhsHarvestNs of it, collecting the dataplane's used marks (once a second, every cache entry).
     * @param nhsSteadyCpuNs the NHS thread's CPU time over the first steady window.
     * @param nhsSteadyRedirectNs of it, the redirect signals.
     * @param registered registrations the NHS accepted during the storm.
     */
    public record Round(
        int index, boolean warmup, Window steady, Window storm, Window steadyAfter, long nhsCpuNs, long nhsNhrpNs, long nhsIkeNs,
        long nhsRedirectNs, long nhsHarvestNs, long nhsSteadyCpuNs, long nhsSteadyRedirectNs, long registered)
    {
        /** The NHS thread's CPU in the storm that none of its accounts holds: idle wake-ups, timers. */
        public long nhsRestNs()
        {
            return nhsCpuNs - nhsNhrpNs - nhsIkeNs - nhsRedirectNs - nhsHarvestNs;
        }

        /** Hairpin frames per second in both steady windows together. */
        public double steadyPerSecond()
        {
            return (steady.hairpinTransmitted() + steadyAfter.hairpinTransmitted()) * 1e9 / (steady.ns() + steadyAfter.ns());
        }

        /** Hairpin frames per second during the storm over the same in the steady windows around it. */
        public double ratio()
        {
            return storm.hairpinPerSecond() / steadyPerSecond();
        }

        /** Every frame the worker handled per second (the storm's own included) during the storm over the steady windows'. */
        public double workerRatio()
        {
            final double steadyAll = (steady.workerFrames() + steadyAfter.workerFrames()) * 1e9 / (steady.ns() + steadyAfter.ns());
            return storm.workerFramesPerSecond() / steadyAll;
        }
    }

    private final Options options;
    private final SimulatedIke ike;
    private final StormSpokes spokes;
    private final long[] drained = new long[256];
    private final long[] answers = new long[256];
    private final int[] pending;
    // The hub of the current round.
    private HairpinTraffic traffic;
    private FrameSlab slab;
    private UnsafeBuffer buffer;
    private Dataplane dataplane;
    private HubWorker worker;
    private NhrpServer nhs;
    private LanRouteAdvertiser advertiser;
    private SpscLongRing rx;
    private SpscLongRing tx;
    private AgentRunner nhsRunner;
    private int cursor;
    private long hairpinTransmittedTotal;
    private long stormRepliesTotal;

    /** Builds the storm's frames for the SPIs a new hub hands out; the hubs come with the rounds. */
    public StormRun(final Options options)
    {
        this.options = options;
        this.ike = new SimulatedIke(CryptoProvider.OPENSSL, HairpinTraffic.TRANSFORM, "storm benchmark".getBytes(StandardCharsets.US_ASCII),
            false);
        // Contexts for every SA a round keys (the hub's pair per storm spoke; the forwarding spokes' three, provisioned again
        // each round), made now: a closed SA's context comes back for the next round.
        CryptoProvider.OPENSSL.reserve(HairpinTraffic.TRANSFORM, 2 * options.stormSpokes() + 3 * options.forwardingSpokes());
        this.spokes = new StormSpokes(options.stormSpokes(), ike);
        this.pending = new int[options.stormSpokes()];
        openHub();
        spokes.build(nhs.nextInboundSpi());
    }

    /** A hub as after a restart: the forwarding spokes provisioned, no storm spoke known. */
    private void openHub()
    {
        final int peers = options.forwardingSpokes() + options.stormSpokes() + 16;
        traffic = new HairpinTraffic(options.forwardingSpokes(), options.frames(), options.size(), 1, options.seed(), peers);
        // Phase 2 behaviour: the dataplane still signals hairpins (as in every forwarding benchmark), the NHS takes the
        // signals and sends no Traffic Indication, so the storm is the only control-plane work.
        final NhsConfig config = NhsConfig.phase3(HairpinTraffic.HUB_NBMA, StormSpokes.HUB_TUNNEL, StormSpokes.TUNNEL_PREFIX_LENGTH)
            .withRedirect(false);
        final HubSpec spec = HubSpec.of(HairpinTraffic.config().withInjectWeight(options.injectWeight()), config)
            .withSizing(HubSpec.Sizing.SMALL.withPeers(peers).withFrames(SLOTS, RING).withLanPrefixLength(spokes.plan().lanPrefixLength()));
        final Hub hub = new Hub(spec, traffic.tables(), ike, SystemNanoClock.INSTANCE, RegistrationListener.NONE);
        slab = hub.slab();
        buffer = slab.buffer();
        dataplane = hub.dataplane();
        worker = dataplane.workers()[0];
        rx = dataplane.rxFor(0);
        tx = dataplane.txRings()[0];
        cursor = 0;
        advertiser = spokes.plan().lans(hub.routing(), spokes.count());
        nhs = hub.server();
        // The forwarding spokes' SAs (HairpinTraffic put them under ids 1..N) become the NHS's, so its IKE gives the storm
        // spokes ids after them instead of overwriting them.
        for (int spoke = 1; spoke <= options.forwardingSpokes(); spoke++)
        {
            final int saId = nhs.addManualSas(HairpinTraffic.nbma(spoke), traffic.tables().peerSas(spoke));
            if (saId != spoke)
            {
                throw new IllegalStateException("the NHS gave forwarding spoke " + spoke + " SA id " + saId);
            }
        }
    }

    /** Stops the NHS if it runs and frees the hub's SAs (the forwarding spokes' and those the storm's IKE built). */
    private void closeHub()
    {
        if (traffic == null)
        {
            return;
        }
        if (nhsRunner != null)
        {
            stopNhs();
        }
        final HubTables tables = traffic.tables();
        for (int saId = options.forwardingSpokes() + 1; saId < tables.saCapacity(); saId++)
        {
            final PeerSas sas = tables.removePeerSas(saId);
            if (sas != null)
            {
                sas.outbound().close();
                sas.currentInbound().close();
                if (sas.previousInbound() != null)
                {
                    sas.previousInbound().close();
                }
            }
        }
        dataplane.close();
        traffic.close();
        traffic = null;
    }

    public NhrpServer nhs()
    {
        return nhs;
    }

    public Dataplane dataplane()
    {
        return dataplane;
    }

    public HubTables tables()
    {
        return traffic.tables();
    }

    public StormSpokes spokes()
    {
        return spokes;
    }

    /** Routes the current hub's storm registrations added. */
    public LanRouteAdvertiser advertiser()
    {
        return advertiser;
    }

    /**
     * Runs one round on a new hub (the last round's is closed): starts the NHS, a steady window, a
     * storm window, a second steady window, stops the NHS and checks the outcome. Leaves the hub
     * as the storm left it, for inspection, until the next round or {@link #close}.
     *
     * @throws IllegalStateException when a check fails.
     */
    public Round round(final int index, final boolean warmup)
    {
        if (index > 0)
        {
            closeHub();
            openHub();
        }
        if (nhs.nextInboundSpi() != spokes.firstHubSpi())
        {
            throw new IllegalStateException("a new hub's first SPI is " + nhs.nextInboundSpi() + ", the frames were built for " +
                spokes.firstHubSpi());
        }
        final NhrpTraffic counts = nhs.traffic();
        final long steadyNs = TimeUnit.MILLISECONDS.toNanos(options.steadyMs());
        startNhs();
        final long cpu0 = nhsCpuNs();
        final long redirect0 = counts.redirectNs();
        final Window steady = window(false, steadyNs);
        final long cpu1 = nhsCpuNs();
        final long redirect1 = counts.redirectNs();
        final long harvest1 = counts.harvestNs();
        final Window storm = window(true, 0);
        final long cpu2 = nhsCpuNs();
        final long redirect2 = counts.redirectNs();
        final long harvest2 = counts.harvestNs();
        final Window steadyAfter = window(false, steadyNs);
        stopNhs();
        final int n = spokes.count();
        final long accepted = counts.registrationsAccepted();
        if (accepted != n || counts.sent(Nhrp.TYPE_REGISTRATION_REPLY) != n || nhs.cacheSize() != n || ignored(counts) != 0)
        {
            throw new IllegalStateException("storm " + index + ": " + accepted + " registrations accepted, " +
                counts.sent(Nhrp.TYPE_REGISTRATION_REPLY) + " replies, " + nhs.cacheSize() + " cache entries, " + ignored(counts) +
                " packets ignored, for " + n + " spokes");
        }
        final String problem = check();
        if (problem != null)
        {
            throw new IllegalStateException("round " + index + ": " + problem);
        }
        return new Round(index, warmup, steady, storm, steadyAfter, cpu2 - cpu1, counts.nhrpNs(), counts.ikeNs(), redirect2 - redirect1,
            harvest2 - harvest1, cpu1 - cpu0, redirect1 - redirect0, accepted);
    }

    private static long ignored(final NhrpTraffic counts)
    {
        long total = 0;
        for (final NhrpTraffic.Ignored reason : NhrpTraffic.Ignored.values())
        {
            total += counts.ignored(reason);
        }
        return total;
    }

    private void startNhs()
    {
        final IdleStrategy idle = "busy".equals(options.nhsIdle()) ? new BusySpinIdleStrategy() : NhrpServer.newIdleStrategy();
        nhsRunner = new AgentRunner(idle, Throwable::printStackTrace, null, nhs);
        AgentRunner.startOnThread(nhsRunner);
        // The runner knows its thread once the thread runs; its CPU time is read from then on.
        while (nhsRunner.thread() == null)
        {
            Thread.yield();
        }
    }

    private void stopNhs()
    {
        nhsRunner.close();
        nhsRunner = null;
    }

    private long nhsCpuNs()
    {
        final Thread thread = nhsRunner.thread();
        return thread == null ? -1 : THREADS.getThreadCpuTime(thread.threadId());
    }

    /**
     * Runs the worker on this thread: for {@code durationNs} without a storm, or with a storm until
     * every storm spoke's Registration Reply is transmitted.
     */
    Window window(final boolean withStorm, final long durationNs)
    {
        final WorkerCounters counters = worker.counters();
        final long workerBefore = counters.received() + counters.injected();
        final long signalsBefore = counters.redirectsSignalled() + counters.redirectSignalsLost();
        final long hairpinBefore = hairpinTransmittedTotal;
        final long repliesBefore = stormRepliesTotal;
        final SpscLongRing ikeRequests = nhs.ikeRequests();
        final SpscLongRing ikeReplies = nhs.ikeReplies();
        final int n = spokes.count();
        final int firstHubSpi = spokes.firstHubSpi();
        int ikeSent = 0;
        int head = 0;
        int tail = 0;
        long requests = 0;
        long stalls = 0;
        final long[] gcBefore = HubLatencyRun.gc();
        final long jitBefore = HubLatencyRun.jitMillis();
        final long pressureBeforeUs = SchedStat.cpuPressureMicros();
        final long start = System.nanoTime();
        long now = start;
        while (true)
        {
            // Before this cycle's arrivals: the receive ring is empty here (the worker took the last cycle's), so the hairpin
            // ring may wrap now whether or not a storm request arrives in this cycle.
            wrapHairpin();
            int fill = 0;
            if (withStorm)
            {
                while (ikeSent < n && ikeRequests.offer(spokes.ikeRequest(ikeSent)))
                {
                    ikeSent++;
                }
                final int answered = ikeReplies.pollBatch(answers, answers.length);
                for (int a = 0; a < answered; a++)
                {
                    final int spoke = spokes.index((int)(answers[a] >>> 32));
                    if (spoke < 0 || (int)answers[a] != firstHubSpi + spoke)
                    {
                        throw new IllegalStateException("IKE answer " + Long.toHexString(answers[a]) + " is not what storm spoke " + spoke +
                            "'s frame was built for (hub SPI " + Integer.toHexString(firstHubSpi + spoke) + ")");
                    }
                    pending[tail++] = spoke;
                }
                final long outstanding = requests - (stormRepliesTotal - repliesBefore);
                for (long room = options.window() - outstanding; fill < HubWorker.BATCH && room > 0 && head < tail; room--)
                {
                    final int spoke = pending[head];
                    if (!arrive(spokes.store(), spokes.offset(spoke), spokes.length(spoke), now))
                    {
                        break;
                    }
                    head++;
                    requests++;
                    fill++;
                }
            }
            final int hairpin = sendHairpin(HubWorker.BATCH - fill, now);
            if (hairpin == 0 && fill < HubWorker.BATCH)
            {
                stalls++;
            }
            fill += hairpin;
            dataplane.doWork(now);
            releaseTransmitted();
            now = System.nanoTime();
            if (withStorm)
            {
                if (stormRepliesTotal - repliesBefore == n)
                {
                    break;
                }
                if (now - start > STORM_TIMEOUT_NS)
                {
                    throw new IllegalStateException("storm not converged after " + (now - start) / 1_000_000_000L + " s: " + ikeSent +
                        " IKE requests, " + tail + " answers, " + requests + " registrations sent, " + (stormRepliesTotal - repliesBefore) +
                        " replies; worker drops " + HubThreadedBenchmark.drops(counters));
                }
            }
            else if (now - start >= durationNs)
            {
                break;
            }
        }
        final long pressureAfterUs = SchedStat.cpuPressureMicros();
        final long[] gcAfter = HubLatencyRun.gc();
        final long jitAfter = HubLatencyRun.jitMillis();
        final double pressure = pressureBeforeUs < 0 || pressureAfterUs < 0 ? Double.NaN :
            100.0 * (pressureAfterUs - pressureBeforeUs) / ((now - start) / 1e3);
        return new Window(now - start, hairpinTransmittedTotal - hairpinBefore, requests, stormRepliesTotal - repliesBefore,
            counters.received() + counters.injected() - workerBefore,
            counters.redirectsSignalled() + counters.redirectSignalsLost() - signalsBefore, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
            jitBefore < 0 ? -1 : jitAfter - jitBefore, pressure, stalls);
    }

    /** Milliseconds the JIT compilers have spent so far, or -1. */
    private void offer(final int slot)
    {
        if (!rx.offer(slot))
        {
            slab.release(slot);
            throw new IllegalStateException("receive ring full: the worker stopped taking frames");
        }
    }

    /**
     * Starts the next pass over the pre-encrypted hairpin frames when the last one is all sent and
     * the receive ring is empty, so no frame of the last pass is still to be decrypted when its
     * sender's anti-replay window is reset for the next. Called at the start of a cycle, before
     * that cycle's storm requests arrive: checked after them, a request on the ring would keep the
     * hairpin frames from wrapping, and during a storm the hairpin stream would stall at the end
     * of each pass for as long as requests kept arriving.
     */
    private void wrapHairpin()
    {
        if (cursor == traffic.frames() && rx.size() == 0)
        {
            for (int f = 0; f < traffic.frames(); f++)
            {
                traffic.hubInbound(traffic.sender(f)).replayWindow().reset(0);
            }
            cursor = 0;
        }
    }

    /** Up to {@code max} hairpin frames onto the receive ring, none once this pass is all sent ({@link #wrapHairpin}). */
    private int sendHairpin(final int max, final long nowNs)
    {
        int sent = 0;
        while (sent < max && cursor < traffic.frames() && arrive(traffic.store(), traffic.offset(cursor), traffic.length(cursor), nowNs))
        {
            cursor++;
            sent++;
        }
        return sent;
    }

    /** A frame arrives as a NIC delivers it: copied into a slab slot and onto the receive ring; false when no slot is free. */
    private boolean arrive(final UnsafeBuffer store, final int offset, final int length, final long nowNs)
    {
        final int slot = slab.receive(store, offset, length, nowNs);
        if (slot < 0)
        {
            return false;
        }
        offer(slot);
        return true;
    }

    /** Takes transmitted frames off the ring: a storm spoke's address makes it a Registration Reply. */
    private void releaseTransmitted()
    {
        final int n = tx.pollBatch(drained, drained.length);
        for (int i = 0; i < n; i++)
        {
            final int slot = (int)drained[i];
            final int destination = buffer.getInt(slab.offset(slot) + 16, ByteOrder.BIG_ENDIAN);
            if (spokes.index(destination) >= 0)
            {
                stormRepliesTotal++;
            }
            else
            {
                hairpinTransmittedTotal++;
            }
            slab.release(slot);
        }
    }

    /**
     * With the NHS stopped: every frame is out of the hub, received + injected = transmitted +
     * punted + dropped, nothing dropped, every slot free.
     *
     * @return null when all holds, else what does not.
     */
    private String check()
    {
        for (int i = 0; i < 1000 && (rx.size() > 0 || tx.size() > 0); i++)
        {
            dataplane.doWork(System.nanoTime());
            releaseTransmitted();
        }
        final WorkerCounters c = worker.counters();
        if (!dataplane.conserved())
        {
            return "conservation fails: received " + c.received() + " + injected " + c.injected() + " != transmitted " + c.transmitted() +
                " + punted " + c.punted() + " + dropped " + c.dropped();
        }
        if (c.dropped() != 0)
        {
            return "the worker dropped frames: " + HubThreadedBenchmark.drops(c);
        }
        if (slab.freeSlots() != slab.slots())
        {
            return (slab.slots() - slab.freeSlots()) + " slab slots not returned";
        }
        return null;
    }

    /** Stops everything and frees the SAs' native memory. */
    public void close()
    {
        closeHub();
    }

    public static void main(final String[] args)
    {
        final Options options = Arguments.parseOrExit("storm", Options.USAGE, args, a -> Options.parse(a.toArray(String[]::new)));
        if (options == null)
        {
            return;
        }
        final PrintStream out = System.out;
        final PrintStream console = System.err;
        console.printf(Locale.ROOT, "storm: setting up %d forwarding spokes and %d storm spokes...%n", options.forwardingSpokes(),
            options.stormSpokes());
        final List<Round> rounds = new ArrayList<>();
        String failure = null;
        StormRun run = null;
        try
        {
            run = new StormRun(options);
            final int total = options.warmupRounds() + options.rounds();
            for (int r = 0; r < total; r++)
            {
                final Round round = run.round(r, r < options.warmupRounds());
                rounds.add(round);
                console.printf(Locale.ROOT, "storm: round %d%s: forwarding %.3f Mpps steady (both windows), %.3f Mpps during the storm " +
                        "(ratio %.3f); storm %.1f ms wall, NHS CPU %.1f ms%n", r, round.warmup() ? " (warm-up)" : "",
                    round.steadyPerSecond() / 1e6, round.storm().hairpinPerSecond() / 1e6, round.ratio(), round.storm().ns() / 1e6,
                    round.nhsCpuNs() / 1e6);
            }
        }
        catch (final RuntimeException ex)
        {
            failure = ex.toString();
            ex.printStackTrace(console);
        }
        finally
        {
            if (run != null)
            {
                run.close();
            }
        }
        new StormReport(options, rounds, failure).print(out);
        System.exit(failure == null ? 0 : 1);
    }
}
