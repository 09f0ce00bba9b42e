package net.dmvpnhub.trafficgen;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.DropReasons;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.Hub;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.nhrp.show.HubShow;
import net.dmvpnhub.nhrp.show.Json;
import net.dmvpnhub.trafficgen.cli.Arguments;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.trafficgen.spoke.DataPath;
import net.dmvpnhub.trafficgen.spoke.SpokeConfig;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.trafficgen.spoke.SpokeDrop;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
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
import java.util.zip.GZIPOutputStream;

/**
 * The main job: a DMVPN of simulated spokes around the hub, every spoke registering at once (a
 * storm), then seeded traffic for a fixed time, a summary on the console and in
 * {@code results/<time>/} (summary.json, summary.md, latency.hlog, charts), and a conservation
 * check at the end that fails the run if any frame is unaccounted for.
 * <p>
 * Threads: each dataplane worker (busy-spinning where the machine has a processor to spare, else
 * backing off: {@code --idle}), the NHS (backing off when idle), the spokes with the traffic
 * generator (busy-spinning), and this one, which samples the counters once a
 * second. The spokes do real ESP both ways, as much crypto per packet as the hub: on a 2-core
 * machine the run measures hub and simulation together; {@code HubForwardingBenchmark} measures
 * the hub alone.
 */
public final class ScaleRun
{
    static final String HUB_NBMA = "198.18.0.1";
    static final String HUB_TUNNEL = "10.0.0.1";
    static final long GRE_KEY = 100;
    static final byte[] PSK = "dmvpn-hub scale run".getBytes(StandardCharsets.US_ASCII);
    private static final long SECOND = 1_000_000_000L;
    private static final long STORM_TIMEOUT_NS = 120 * SECOND;
    /** Threads listed in the summary, the most CPU during the traffic phase first. */
    static final int THREADS_LISTED = 10;
    /**
     * The longest the capacity phase may hold the spokes, in seconds, for {@code capacityS} of
     * measured rounds: the warm-up (at most 5 s of hub rounds), then for each of the measured rounds
     * and the three loads about as long again building the frames and running the floor.
     */
    static double capacityHoldS(final double capacityS)
    {
        return 2 * CapacityPhase.MAX_WARMUP_NS / 1e9 + 2 * capacityS * (1 + CapacityPhase.LOAD_FRACTIONS.length) + 5;
    }
    /** The direct share of spoke-to-spoke packets at which the run calls Phase 3 converged. */
    static final double OFFLOADED = 0.9;

    private final RunOptions options;
    private final PrintStream console;
    private final String command;

    ScaleRun(final RunOptions options, final PrintStream console, final String command)
    {
        this.options = options;
        this.console = console;
        this.command = command;
    }

    public static void main(final String[] args)
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final RunOptions options = Arguments.parseOrExit("run", RunOptions.help(), args, RunOptions::parse);
        if (options == null)
        {
            return;
        }
        try
        {
            final String command = System.getProperty("dmvpn.command", String.join(" ", "./dmvpn run", String.join(" ", args)).strip());
            final boolean conserved = new ScaleRun(options, System.out, command).run();
            System.exit(conserved ? 0 : 1);
        }
        catch (final Exception ex)
        {
            ex.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * @return whether every frame was accounted for.
     */
    boolean run() throws IOException, InterruptedException
    {
        final long wallStart = System.currentTimeMillis();
        final String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(wallStart));
        final Path directory = options.out().resolve(stamp);
        Files.createDirectories(directory);
        final NanoClock clock = SystemNanoClock.INSTANCE;
        final int spokeCount = options.spokes();
        final AddressPlan plan = AddressPlan.forSpokes(spokeCount);
        final int tunnelLength = tunnelPrefixLength(spokeCount);
        final int hubNbma = Ipv4Address.parse(HUB_NBMA);
        final int hubTunnel = Ipv4Address.parse(HUB_TUNNEL);
        final SimulatedIke ike = new SimulatedIke(options.provider(), options.transform(), PSK, false,
            new SaLifetime(options.saLifetimeS(), SaLifetime.IOS_DEFAULT.kilobytes()));
        final boolean phase3 = options.phase() == 3;
        // The redirect limiter sized for every pair of spokes that talk (four slots a pair), as a hub sized for its spokes would be.
        final HubConfig hubConfig = HubConfig.builder(hubNbma).tunnelKey(GRE_KEY).redirect(phase3).hubTunnel(hubTunnel)
            .redirectPairs(redirectPairs(spokeCount, options.peers())).build();
        final NhsConfig nhsConfig = NhsConfig.phase3(hubNbma, hubTunnel, tunnelLength).withRedirect(phase3)
            .withAdmissionBound(Math.max(256, ringCapacity(spokeCount) / 2));

        console.printf(Locale.ROOT, "dmvpn run: %d spokes, Phase %d, %s, %d worker(s) %s, %s %s, mix %s, %.0f%% spoke to spoke, " +
                "%d peers per spoke, Zipf %.2f, rate %s, seed %d%n", spokeCount, options.phase(), "tunnel " + HUB_TUNNEL + "/" + tunnelLength,
            options.workers(), options.mode() == Dataplane.ThreadingMode.PIPELINED ? "pipelined" : "run-to-completion",
            options.provider().shortName(), options.transform().iosName(), options.mix(), 100 * options.spokeToSpoke(),
            options.peers(), options.zipf(), options.rate() == 0 ? "as fast as possible" : options.rate() + " pps", options.seed());
        console.println("dmvpn run: crypto provider " + CryptoProvider.selectionLine(options.provider()));

        final String loadBefore = loadAverage();
        final long buildStart = System.nanoTime();
        final int slots = slabSlots(spokeCount);
        // The storm's SAs: a pair at the hub and a pair at each spoke, keyed from contexts made now (before the clock starts).
        ike.provider().reserve(options.transform(), 4 * spokeCount);
        // The hub's tunnel routes (as IOS derives them from Tunnel0's address) and its own LAN behind it, delivered locally.
        final HubSpec spec = HubSpec.of(hubConfig, nhsConfig)
            .withTunnelRoutes()
            .withRoute(Route.of(TrafficGenerator.HUB_LAN, TrafficGenerator.HUB_LAN_LENGTH, RouteSource.CONNECTED, Adjacency.LOCAL))
            .withSizing(HubSpec.Sizing.SMALL.withPeers(spokeCount).withFrames(slots, ringCapacity(spokeCount))
                .withThreads(options.mode(), options.workers()).withLanPrefixLength(plan.lanPrefixLength()));
        final Hub hub = new Hub(spec, ike, clock, RegistrationListener.NONE);
        plan.lans(hub.routing(), spokeCount);
        final SpokeConfig spokeConfig = SpokeConfig.builder()
            .phase(SpokeConfig.Phase.values()[options.phase() - 1])
            // Phase 1 spokes register too (ip nhrp nhs with a dynamic hub), with no resolution.
            .register(true)
            .hub(hubNbma, hubTunnel, tunnelLength)
            .tunnelKey(GRE_KEY)
            // A default route via the hub: the hub-side LAN and every other spoke's LAN behind it.
            .summary(0, 0)
            .startJitterNs(SECOND)
            .build();
        final Spokes spokes = Spokes.attach(spokeConfig, plan, spokeCount, hub.dataplane(), hub.server().ikeRequests(),
            hub.server().ikeReplies(), ike, clock, options.seed());
        for (int s = 0; s < spokeCount; s++)
        {
            spokes.addSpoke(plan.tunnel(s), plan.nbma(s), plan.lan(s));
        }
        final PrintStream hlog = new PrintStream(Files.newOutputStream(directory.resolve("latency.hlog")), true, StandardCharsets.UTF_8);
        final RunTimeline timeline = new RunTimeline(hlog, wallStart);
        final TrafficGenerator traffic = new TrafficGenerator(spokes, hub.dataplane(), clock, options, timeline);
        final PcapExport pcap = options.pcapFrames() > 0 ?
            new PcapExport(directory.resolve("frames.pcap"), directory.resolve("esp_sa"), ike, options.pcapFrames()) : null;
        spokes.tap(pcap);
        for (final net.dmvpnhub.dataplane.HubWorker worker : hub.dataplane().workers())
        {
            worker.latencyRecorder(timeline::recordHubLatency);
        }
        console.printf(Locale.ROOT, "dmvpn run: built in %.1f s (frame slab %d slots, %d MiB)%n", (System.nanoTime() - buildStart) / 1e9,
            slots, (long)slots * 2048 >> 20);

        final String idle = options.idleFor(Runtime.getRuntime().availableProcessors());
        hub.start(clock, IdleStrategies.byName(idle));
        final AgentRunner spokesRunner = new AgentRunner(new BusySpinIdleStrategy(), Throwable::printStackTrace, null, traffic);

        // The storm: every spoke starts (IKE, then registration) within a second.
        final long nhsCpuBefore = hub.nhsCpuNs();
        final long ikeBefore = hub.server().traffic().ikeNs();
        final long nhrpBefore = hub.server().traffic().nhrpNs();
        final long stormStart = System.nanoTime();
        spokes.startAll();
        AgentRunner.startOnThread(spokesRunner);
        long stormNs = -1;
        long lastPrint = stormStart;
        while (System.nanoTime() - stormStart < STORM_TIMEOUT_NS)
        {
            Thread.sleep(20);
            final int registered = spokes.registeredCount();
            if (registered == spokeCount)
            {
                stormNs = System.nanoTime() - stormStart;
                break;
            }
            if (System.nanoTime() - lastPrint > SECOND)
            {
                lastPrint = System.nanoTime();
                console.printf(Locale.ROOT, "  storm %5.1f s: %d of %d spokes registered%n", (lastPrint - stormStart) / 1e9, registered, spokeCount);
            }
        }
        final long stormNhsCpuNs = hub.nhsCpuNs() - nhsCpuBefore;
        final long stormIkeNs = hub.server().traffic().ikeNs() - ikeBefore;
        final long stormNhrpNs = hub.server().traffic().nhrpNs() - nhrpBefore;
        final long naks = hub.server().traffic().admissionNaks();
        if (stormNs < 0)
        {
            console.printf(Locale.ROOT, "dmvpn run: only %d of %d spokes registered within %d s%n", spokes.registeredCount(), spokeCount,
                STORM_TIMEOUT_NS / SECOND);
        }
        else
        {
            console.printf(Locale.ROOT, "dmvpn run: %d spokes registered in %.2f s; NHS thread CPU %.1f ms (NHRP %.1f ms, simulated IKE " +
                "%.1f ms); %d NAK 5 (admission) answered and retried%n", spokeCount, stormNs / 1e9, stormNhsCpuNs / 1e6, stormNhrpNs / 1e6,
                stormIkeNs / 1e6, naks);
        }

        // Capacity: the hub alone at full speed, the generator's crypto before the clock.
        CapacityPhase.Result capacity = null;
        List<SchedStat.ThreadStat> capacityThreads = List.of();
        String profileProblem = null;
        String capacitySkipped = null;
        if (options.capacityS() == 0)
        {
            capacitySkipped = "left out (--capacity 0)";
        }
        else if (stormNs < 0)
        {
            capacitySkipped = "left out: not every spoke registered";
        }
        else if (capacityHoldS(options.capacityS()) > options.saLifetimeS() * 0.9 / 2)
        {
            capacitySkipped = String.format(Locale.ROOT, "left out: the spokes, held during the phase, could be held up to about %.0f s, " +
                "more than half their SAs' soft lifetime (90%% of --sa-lifetime %d s), so they could not rekey in time",
                capacityHoldS(options.capacityS()), options.saLifetimeS());
        }
        else
        {
            final StringBuilder noProfiler = new StringBuilder();
            final CapacityProfile profile = options.profile() ? CapacityProfile.into(directory, noProfiler) : null;
            capacity = new CapacityPhase(hub.dataplane(), spokes, traffic, ike, options, hubNbma, GRE_KEY, timeline, profile)
                .run(options.capacityS());
            capacityThreads = capacity.threads();
            if (options.profile())
            {
                profileProblem = profile == null ? noProfiler.toString() : profile.write(command,
                    System.getProperty("dmvpn.commit", "unknown"), String.format(Locale.ROOT, "%d spokes, %s, %s, %d worker(s)",
                        spokeCount, options.mix(), options.provider().shortName(), options.workers()));
                console.println("dmvpn run: profile of the capacity phase: " + (profileProblem == null ?
                    directory.resolve(CapacityProfile.HTML) + " (flame graph), " + CapacityProfile.REPORT + " (hottest frames)" :
                    "none, " + profileProblem));
            }
            if (capacity.failure() == null)
            {
                console.printf(Locale.ROOT, "dmvpn run: capacity %.3f Mpps and %.2f Gbps (inner packets) per worker core, %s, %d rounds, " +
                        "%d frames; crypto floor %.1f ns/frame, hub %.1f ns/frame per core, floor/hub %.3f; worker busy %.0f%% of the rounds; " +
                        "%d sampled frames decrypted at their spoke as sent%n", capacity.hubMppsPerCore(), capacity.hubGbpsPerCore(),
                    options.mix(), capacity.rounds(), capacity.frames(), capacity.floorNsPerFrame(), capacity.hubNsPerFramePerCore(),
                    capacity.floorOverHub(), 100 * capacity.workerBusyFraction(), capacity.verified());
            }
            for (final CapacityPhase.Load load : capacity.loads())
            {
                final Histogram h = load.inHub();
                console.printf(Locale.ROOT, "dmvpn run: latency at %.0f%% of capacity (%.3f Mpps offered, %.3f done): time in the hub " +
                        "from each frame's due time p50 %.1f, p99 %.1f, p99.9 %.1f, p99.99 %.1f, max %.1f us over %d forwarded frames; " +
                        "CPU pressure %.1f%%, %d GCs%s%n",
                    100 * load.fraction(), load.offeredMpps(), load.achievedMpps(), h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getValueAtPercentile(99.99) / 1e3,
                    h.getMaxValue() / 1e3, h.getTotalCount(), load.pressurePercent(), load.gcCollections(),
                    load.keptUp() ? "" : String.format(Locale.ROOT, "; OVERLOADED: the hub kept up with %.0f%% of the offered rate, so " +
                        "its queue grew through the load", 100 * load.achievedMpps() / load.offeredMpps()));
            }
            if (capacity.failure() != null)
            {
                console.println("dmvpn run: CAPACITY PHASE FAILED: " + capacity.failure());
            }
        }
        if (capacitySkipped != null)
        {
            console.println("dmvpn run: capacity phase " + capacitySkipped);
        }

        // Traffic.
        final long gcCountBefore = gcCount();
        final long gcTimeBefore = gcTimeMs();
        final WorkerCounters before = hub.dataplane().totals();
        final long directBefore = spokes.counters().get(Counter.DATA_SENT_DIRECT);
        // Every thread's CPU around the traffic phase (a few ms to read, outside it).
        final SchedStat.Snapshot threadsBefore = SchedStat.take(true);
        traffic.startSending();
        final long trafficStart = System.nanoTime();
        final long end = trafficStart + (long)(options.durationS() * SECOND);
        long previousNs = trafficStart;
        long previousRx = before.received();
        long previousTx = before.transmitted();
        long previousDirect = directBefore;
        long previousTxBytes = traffic.sentBytes();
        long previousViaHub = traffic.spokeToSpoke(DataPath.HUB);
        long previousDirectS2s = traffic.spokeToSpoke(DataPath.DIRECT);
        final long viaHubBefore = previousViaHub;
        final long directS2sBefore = previousDirectS2s;
        double offloadAt90 = Double.NaN;
        console.println("      time   hub rx Mpps   hub tx Mpps   direct Mpps   offered Gbps   shortcuts   direct %   worker busy   in-hub p99 us");
        long previousBusy = before.busyNs();
        while (System.nanoTime() < end)
        {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            final long now = System.nanoTime();
            final WorkerCounters t = hub.dataplane().totals();
            final long direct = spokes.counters().get(Counter.DATA_SENT_DIRECT);
            final long bytes = traffic.sentBytes();
            final double seconds = (now - previousNs) / 1e9;
            final long shortcuts = spokes.counters().get(Counter.SHORTCUTS_INSTALLED) - spokes.counters().get(Counter.SHORTCUTS_EXPIRED) -
                spokes.counters().get(Counter.SHORTCUTS_PURGED);
            final long viaHub = traffic.spokeToSpoke(DataPath.HUB);
            final long directS2s = traffic.spokeToSpoke(DataPath.DIRECT);
            final long s2s = viaHub - previousViaHub + directS2s - previousDirectS2s;
            final RunTimeline.Sample sample = new RunTimeline.Sample((now - trafficStart) / 1e9, (t.received() - previousRx) / seconds,
                (t.transmitted() - previousTx) / seconds, (direct - previousDirect) / seconds, (bytes - previousTxBytes) * 8 / seconds / 1e9,
                shortcuts, spokes.registeredCount(), s2s == 0 ? Double.NaN : (double)(directS2s - previousDirectS2s) / s2s);
            if (Double.isNaN(offloadAt90) && sample.offload() >= OFFLOADED)
            {
                offloadAt90 = sample.seconds();
            }
            previousViaHub = viaHub;
            previousDirectS2s = directS2s;
            timeline.sample(sample);
            final double busy = (t.busyNs() - previousBusy) / 1e9 / seconds / hub.dataplane().workers().length;
            previousBusy = t.busyNs();
            console.printf(Locale.ROOT, "  %6.1f s  %12.3f  %12.3f  %12.3f  %13.3f  %10d  %8.1f%%  %10.0f%%  %14.1f%n", sample.seconds(),
                sample.hubRxPps() / 1e6, sample.hubTxPps() / 1e6, sample.directPps() / 1e6, sample.hubTxGbps(), shortcuts,
                100 * sample.offload(), 100 * busy, timeline.hubLatency().getValueAtPercentile(99) / 1e3);
            previousNs = now;
            previousRx = t.received();
            previousTx = t.transmitted();
            previousDirect = direct;
            previousTxBytes = bytes;
        }
        traffic.stopSending();
        final double trafficSeconds = (System.nanoTime() - trafficStart) / 1e9;
        final List<SchedStat.ThreadStat> threads = SchedStat.between(threadsBefore, SchedStat.take(true));

        // Drain: let what is in flight reach its end, then stop every thread.
        final long drainStart = System.nanoTime();
        while (System.nanoTime() - drainStart < 5 * SECOND && !quiet(hub.dataplane()))
        {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        spokesRunner.close();
        hub.close();
        final long gcCount = gcCount() - gcCountBefore;
        final long gcTimeMs = gcTimeMs() - gcTimeBefore;

        final WorkerCounters after = hub.dataplane().totals();
        final boolean hubConserved = hub.dataplane().conserved();
        final boolean spokesConserved = spokes.conserved();
        final double workerBusy = (after.busyNs() - before.busyNs()) / 1e9 / trafficSeconds / hub.dataplane().workers().length;
        final Map<String, Object> summary = summary(options, command, loadBefore, stamp, spokeCount, stormNs, stormNhsCpuNs, stormNhrpNs, stormIkeNs, naks, workerBusy, before, after, spokes, traffic,
            hub, timeline, trafficSeconds, gcCount, gcTimeMs, hubConserved, spokesConserved, threads, capacity, capacitySkipped, capacityThreads,
            options.profile() ? profileProblem == null ? CapacityProfile.HTML : "none: " + profileProblem : null);
        // Phase 3's result: how much of the spoke-to-spoke traffic went direct, and from when.
        final long viaHubTotal = traffic.spokeToSpoke(DataPath.HUB) - viaHubBefore;
        final long directTotal = traffic.spokeToSpoke(DataPath.DIRECT) - directS2sBefore;
        final Map<String, Object> convergence = new LinkedHashMap<>();
        convergence.put("spokeToSpokeThroughHub", viaHubTotal);
        convergence.put("spokeToSpokeDirect", directTotal);
        convergence.put("directShare", viaHubTotal + directTotal == 0 ? null : (double)directTotal / (viaHubTotal + directTotal));
        convergence.put("secondsToDirectShare90", Double.isNaN(offloadAt90) ? null : offloadAt90);
        summary.put("convergence", convergence);
        Files.writeString(directory.resolve("summary.json"), Json.write(summary));
        final String markdown = markdown(summary);
        Files.writeString(directory.resolve("summary.md"), markdown);
        timeline.writeCharts(directory);
        RunReport.write(directory, markdown, "dmvpn-hub scale run " + stamp);
        Files.writeString(directory.resolve("show-ip-nhrp-traffic.txt"), HubShow.of(hub).ipNhrpTraffic());
        Files.writeString(directory.resolve("show-interface.txt"), HubShow.of(hub).interfaceCounters());
        writeFullShows(directory, HubShow.of(hub));
        // One spoke's view at the end (the spokes' thread has stopped): its routes, H routes included.
        final net.dmvpnhub.trafficgen.spoke.SpokeShow spokeShow = new net.dmvpnhub.trafficgen.spoke.SpokeShow(spokes, "Tunnel0", clock.nanoTime());
        Files.writeString(directory.resolve("show-ip-route-spoke-0.txt"), spokeShow.ipRoute(0));
        Files.writeString(directory.resolve("show-ip-nhrp-spoke-0.txt"), spokeShow.ipNhrp(0));
        hlog.close();
        if (pcap != null)
        {
            pcap.close();
        }
        console.println();
        console.print(markdown);
        if (pcap != null)
        {
            console.printf(Locale.ROOT, "dmvpn run: frames.pcap holds the first %d frames to the hub and %d from it; esp_sa the keys " +
                "Wireshark needs (see the README)%n", pcap.framesToHub(), pcap.framesFromHub());
        }
        @SuppressWarnings("unchecked") final Map<String, Object> bound =
            (Map<String, Object>)((Map<String, Object>)summary.get("throughput")).get("boundBy");
        console.println("dmvpn run: what sets the throughput and latency figures: " + bound.get("why"));
        console.println("dmvpn run: results in " + directory + " (open index.html)");
        spokes.close();
        if (capacity != null && capacity.failure() != null)
        {
            console.println("dmvpn run: the capacity phase failed: " + capacity.failure());
            return false;
        }
        if (!hubConserved || !spokesConserved)
        {
            console.println("dmvpn run: CONSERVATION FAILED: " + (hubConserved ? "" : "the hub's ") + (spokesConserved ? "" : "the spokes' ") +
                "frames do not add up (received != transmitted + punted + dropped + in flight)");
            return false;
        }
        return true;
    }

    /**
     * The hub's show commands that list every peer, as text and JSON, gzip-compressed: with 10,000
     * spokes each is megabytes of text (read them with {@code zless}).
     */
    private static void writeFullShows(final Path directory, final HubShow show) throws IOException
    {
        writeGzip(directory.resolve("show-dmvpn.txt.gz"), show.dmvpn());
        writeGzip(directory.resolve("show-dmvpn.json.gz"), Json.write(show.dmvpnJson()));
        writeGzip(directory.resolve("show-ip-nhrp.txt.gz"), show.ipNhrp(false));
        writeGzip(directory.resolve("show-ip-nhrp.json.gz"), Json.write(show.ipNhrpJson()));
        writeGzip(directory.resolve("show-ip-route.txt.gz"), show.ipRoute(false));
        writeGzip(directory.resolve("show-ip-route.json.gz"), Json.write(show.ipRouteJson(false)));
        writeGzip(directory.resolve("show-crypto-ipsec-sa.txt.gz"), show.cryptoIpsecSa());
        writeGzip(directory.resolve("show-crypto-ipsec-sa.json.gz"), Json.write(show.cryptoIpsecSaJson()));
    }

    private static void writeGzip(final Path file, final String text) throws IOException
    {
        try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8))
        {
            out.write(text);
        }
    }

    private static boolean quiet(final Dataplane dataplane)
    {
        for (final SpscLongRing ring : dataplane.txRings())
        {
            if (ring.size() > 0)
            {
                return false;
            }
        }
        return dataplane.inFlight() == 0;
    }

    /** Four limiter slots for each pair of spokes that talk, at least the default, a power of two. */
    static int redirectPairs(final int spokes, final int peers)
    {
        final long wanted = Math.max(HubConfig.DEFAULT_REDIRECT_PAIRS, 4L * spokes * peers);
        return (int)Math.min(1 << 22, Long.highestOneBit(wanted - 1) << 1);
    }

    /** The tunnel subnet holds the hub and every spoke: /16 up to 65,000 spokes, wider above. */
    static int tunnelPrefixLength(final int spokes)
    {
        int length = 16;
        while (length > 8 && (1L << (32 - length)) < spokes + 16L)
        {
            length--;
        }
        return length;
    }

    static int slabSlots(final int spokes)
    {
        return Math.max(16_384, Integer.highestOneBit(spokes * 2 - 1) << 1);
    }

    static int ringCapacity(final int spokes)
    {
        return Math.max(4096, Math.min(65_536, Integer.highestOneBit(Math.max(1, spokes) - 1) << 1));
    }

    /** @return /proc/loadavg's first three fields, or "unknown". */
    static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    /** @return the first "model name" of /proc/cpuinfo, or "unknown". */
    static String cpuModel()
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown");
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    /** Collections by every collector of this JVM so far. */
    static long gcCount()
    {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /** Milliseconds the collectors of this JVM report so far. */
    static long gcTimeMs()
    {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static Map<String, Object> summary(
        final RunOptions o, final String command, final String loadBefore, final String stamp, final int spokeCount, final long stormNs, final long stormNhsCpuNs, final long stormNhrpNs, final long stormIkeNs,
        final long naks, final double workerBusy,
        final WorkerCounters before, final WorkerCounters after, final Spokes spokes, final TrafficGenerator traffic,
        final Hub hub, final RunTimeline timeline, final double seconds, final long gcCount, final long gcTimeMs,
        final boolean hubConserved, final boolean spokesConserved, final List<SchedStat.ThreadStat> threads,
        final CapacityPhase.Result capacityResult, final String capacitySkipped, final List<SchedStat.ThreadStat> capacityThreads,
        final String profile)
    {
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put("run", stamp);
        s.put("command", command);
        s.put("commit", System.getProperty("dmvpn.commit", "unknown"));
        final Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("spokes", spokeCount);
        scenario.put("phase", o.phase());
        scenario.put("durationSeconds", o.durationS());
        scenario.put("workers", o.mode() == Dataplane.ThreadingMode.PIPELINED ? 2 : o.workers());
        scenario.put("mode", o.mode().name().toLowerCase(Locale.ROOT));
        scenario.put("mix", o.mix().toString());
        scenario.put("provider", o.provider().shortName());
        scenario.put("cryptoLibrary", CryptoProvider.selectionLine(o.provider()));
        scenario.put("transform", o.transform().iosName());
        scenario.put("spokeToSpoke", o.spokeToSpoke());
        scenario.put("peersPerSpoke", o.peers());
        scenario.put("zipf", o.zipf());
        scenario.put("ratePps", o.rate());
        scenario.put("seed", o.seed());
        final int cpus = Runtime.getRuntime().availableProcessors();
        scenario.put("workerIdle", o.idleFor(cpus) + (o.idle().equals(RunOptions.AUTO_IDLE) ? " (auto: " + cpus + " processors for " +
            o.busyThreads() + " busy threads, the workers and the spokes')" : ""));
        s.put("scenario", scenario);
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("cpu", cpuModel());
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        machine.put("loadAverageBefore", loadBefore);
        machine.put("loadAverageAfter", loadAverage());
        s.put("machine", machine);

        s.put("capacity", capacity(capacityResult, capacitySkipped, o, capacityThreads, profile));

        final Map<String, Object> storm = new LinkedHashMap<>();
        storm.put("registered", spokes.registeredCount());
        storm.put("convergenceSeconds", stormNs < 0 ? null : stormNs / 1e9);
        storm.put("nhsCpuMilliseconds", stormNhsCpuNs / 1e6);
        storm.put("nhsNhrpMilliseconds", stormNhrpNs / 1e6);
        storm.put("nhsSimulatedIkeMilliseconds", stormIkeNs / 1e6);
        storm.put("admissionNaks", naks);
        s.put("registrationStorm", storm);

        final long rx = after.received() - before.received();
        final long tx = after.transmitted() - before.transmitted();
        final Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("seconds", seconds);
        throughput.put("hubReceivedMpps", rx / seconds / 1e6);
        throughput.put("hubTransmittedMpps", tx / seconds / 1e6);
        throughput.put("offeredGbps", traffic.sentBytes() * 8 / seconds / 1e9);
        throughput.put("packetsSent", traffic.sentPackets());
        throughput.put("sentThroughHub", traffic.sent(DataPath.HUB));
        throughput.put("sentDirectSpokeToSpoke", traffic.sent(DataPath.DIRECT));
        throughput.put("notSent", traffic.notSent());
        throughput.put("generatorWaitsForRingRoom", traffic.waitedForRoom());
        throughput.put("hubWorkerBusyFraction", workerBusy);
        final RunBound bound = RunBound.of(threads, workerBusy, seconds, Runtime.getRuntime().availableProcessors());
        final Map<String, Object> boundBy = new LinkedHashMap<>();
        boundBy.put("by", bound.by());
        boundBy.put("why", bound.why());
        throughput.put("boundBy", boundBy);
        s.put("throughput", throughput);

        final Map<String, Object> nhrp = new LinkedHashMap<>();
        nhrp.put("trafficIndicationsSent", hub.server().traffic().sent(Nhrp.TYPE_TRAFFIC_INDICATION));
        nhrp.put("resolutionsForwarded", hub.server().traffic().resolutionsForwarded());
        nhrp.put("resolutionsAnswered", hub.server().traffic().resolutionsAnswered());
        nhrp.put("shortcutsInstalled", spokes.counters().get(Counter.SHORTCUTS_INSTALLED));
        nhrp.put("hubCacheEntries", hub.server().cacheSize());
        nhrp.put("hubRoutes", hub.tables().routes().size());
        s.put("nhrp", nhrp);

        final Map<String, Object> ipsec = new LinkedHashMap<>();
        ipsec.put("saLifetimeSeconds", o.saLifetimeS());
        ipsec.put("rekeysBySpokes", spokes.counters().get(Counter.REKEYS));
        ipsec.put("rekeysAtHub", hub.server().saRekeys());
        ipsec.put("rekeysOfShortcutSas", spokes.directRekeys());
        s.put("ipsec", ipsec);

        s.put("latencyInHub", percentiles(timeline.hubLatency()));
        s.put("latencyEndToEnd", percentiles(timeline.latency()));

        final Map<String, Object> drops = new LinkedHashMap<>();
        for (int reason = 0; reason < DropReasons.COUNT; reason++)
        {
            if (!DropReasons.isOk(reason) && after.drops(reason) > 0)
            {
                drops.put(DropReasons.name(reason), after.drops(reason));
            }
        }
        s.put("hubDropsByReason", drops);
        final Map<String, Object> spokeDrops = new LinkedHashMap<>();
        for (final SpokeDrop reason : SpokeDrop.values())
        {
            if (spokes.counters().drops(reason) > 0)
            {
                spokeDrops.put(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), spokes.counters().drops(reason));
            }
        }
        s.put("spokeDropsByReason", spokeDrops);
        s.put("gc", Map.of("collections", gcCount, "milliseconds", gcTimeMs));
        s.put("threadsDuringTraffic", busiest(threads, THREADS_LISTED));

        final Map<String, Object> conservation = new LinkedHashMap<>();
        conservation.put("hubReceived", after.received());
        conservation.put("hubInjected", after.injected());
        conservation.put("hubTransmitted", after.transmitted());
        conservation.put("hubPunted", after.punted());
        conservation.put("hubDropped", after.dropped());
        conservation.put("hubConserved", hubConserved);
        conservation.put("spokesConserved", spokesConserved);
        s.put("conservation", conservation);
        return s;
    }

    private static Map<String, Object> capacity(
        final CapacityPhase.Result r, final String skipped, final RunOptions o, final List<SchedStat.ThreadStat> threads,
        final String profile)
    {
        final Map<String, Object> c = new LinkedHashMap<>();
        if (r == null)
        {
            c.put("skipped", skipped);
            return c;
        }
        c.put("mix", o.mix().toString());
        c.put("workers", r.workers());
        c.put("rounds", r.rounds());
        c.put("frames", r.frames());
        c.put("measuredSeconds", r.hubNs() / 1e9);
        c.put("hubMppsPerCore", r.hubMppsPerCore());
        c.put("hubGbpsPerCoreInnerPackets", r.hubGbpsPerCore());
        c.put("hubNsPerFramePerCore", r.hubNsPerFramePerCore());
        c.put("cryptoFloorNsPerFrame", r.floorNsPerFrame());
        c.put("floorOverHub", r.floorOverHub());
        c.put("workerBusyFraction", r.workerBusyFraction());
        final long workerCpuNs = threads.stream().filter(t -> t.ours() && t.name().startsWith(Dataplane.WORKER_THREAD_PREFIX)).mapToLong(SchedStat.ThreadStat::cpuNs)
            .sum();
        c.put("workerCpuNsPerFrame", threads.isEmpty() ? null : (double)workerCpuNs / r.frames());
        c.put("boundBy", RunBound.capacity(r, threads));
        c.put("threadsDuringPhase", busiest(threads, 5));
        final List<Map<String, Object>> loads = new ArrayList<>();
        for (final CapacityPhase.Load load : r.loads())
        {
            final Map<String, Object> l = new LinkedHashMap<>();
            l.put("fractionOfCapacity", load.fraction());
            l.put("offeredMpps", load.offeredMpps());
            l.put("achievedMpps", load.achievedMpps());
            l.put("hlogTag", load.tag());
            l.put("keptUp", load.keptUp());
            l.put("timeInHub", percentiles(load.inHub()));
            l.put("cpuPressurePercent", Double.isNaN(load.pressurePercent()) ? null : load.pressurePercent());
            l.put("gcCollections", load.gcCollections());
            l.put("gcMilliseconds", load.gcMilliseconds());
            loads.add(l);
        }
        c.put("latencyLoads", loads);
        c.put("transmitted", r.transmitted());
        c.put("nhrpSentDuringPhase", r.injected());
        c.put("controlFramesSampled", r.controlFrames());
        c.put("framesSampled", r.sampled());
        c.put("framesVerified", r.verified());
        c.put("drops", r.drops());
        c.put("failure", r.failure());
        if (profile != null)
        {
            c.put("profile", profile);
        }
        return c;
    }

    /** The first {@code n} threads (the most CPU first) as the summaries list them. */
    private static List<Map<String, Object>> busiest(final List<SchedStat.ThreadStat> threads, final int n)
    {
        final List<Map<String, Object>> busiest = new ArrayList<>();
        for (final SchedStat.ThreadStat t : threads.subList(0, Math.min(n, threads.size())))
        {
            final Map<String, Object> thread = new LinkedHashMap<>();
            thread.put("thread", t.label());
            thread.put("cpuMilliseconds", t.cpuNs() / 1e6);
            thread.put("waitedForCpuMilliseconds", t.waitNs() / 1e6);
            busiest.add(thread);
        }
        return busiest;
    }

    private static Map<String, Object> percentiles(final Histogram latency)
    {
        final Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("packets", latency.getTotalCount());
        for (final double p : new double[]{50, 90, 99, 99.9, 99.99})
        {
            lat.put("p" + (p == Math.rint(p) ? Integer.toString((int)p) : Double.toString(p)) + "Microseconds",
                latency.getTotalCount() == 0 ? null : latency.getValueAtPercentile(p) / 1e3);
        }
        lat.put("maxMicroseconds", latency.getTotalCount() == 0 ? null : latency.getMaxValue() / 1e3);
        return lat;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(final Map<String, Object> s)
    {
        final Map<String, Object> sc = (Map<String, Object>)s.get("scenario");
        final Map<String, Object> storm = (Map<String, Object>)s.get("registrationStorm");
        final Map<String, Object> t = (Map<String, Object>)s.get("throughput");
        final Map<String, Object> n = (Map<String, Object>)s.get("nhrp");
        final Map<String, Object> l = (Map<String, Object>)s.get("latencyInHub");
        final Map<String, Object> e = (Map<String, Object>)s.get("latencyEndToEnd");
        final Map<String, Object> c = (Map<String, Object>)s.get("conservation");
        final StringBuilder out = new StringBuilder();
        out.append("# Scale run ").append(s.get("run")).append("\n\n");
        out.append("Written by the run itself (`ScaleRun`); no figure typed in.\n\n```\n").append(s.get("command")).append("\n```\n\n")
            .append("at commit ").append(s.get("commit")).append(".\n\n");
        out.append("Scenario: ").append(sc).append("\n\nMachine: ").append(s.get("machine")).append("\n\n");
        out.append("## At a glance\n\n| what | value |\n|---|---:|\n");
        final Map<String, Object> cap = (Map<String, Object>)s.get("capacity");
        if (cap.containsKey("skipped"))
        {
            row(out, "hub capacity", cap.get("skipped"));
        }
        else if (cap.get("failure") != null)
        {
            row(out, "hub capacity", "the phase FAILED: " + cap.get("failure"));
        }
        else
        {
            row(out, "hub capacity per worker core, " + cap.get("mix") + " (Mpps)", cap.get("hubMppsPerCore"));
            row(out, "hub capacity per worker core, " + cap.get("mix") + " (Gbps of inner packets)", cap.get("hubGbpsPerCoreInnerPackets"));
            row(out, "crypto floor (this thread, alone) / hub (wall time, processors shared), same frames, alternating rounds",
                cap.get("floorOverHub"));
            row(out, "what set the capacity figure", cap.get("boundBy"));
            for (final Map<String, Object> load : (List<Map<String, Object>>)cap.get("latencyLoads"))
            {
                if ((Double)load.get("fractionOfCapacity") == 0.7)
                {
                    final Map<String, Object> lat = (Map<String, Object>)load.get("timeInHub");
                    row(out, "time in the hub at 70% of capacity, from each frame's due time, p50 / p99 / p99.9 (us)",
                        String.format(Locale.ROOT, "%s / %s / %s%s", f(lat.get("p50Microseconds")), f(lat.get("p99Microseconds")),
                            f(lat.get("p99.9Microseconds")), (Boolean)load.get("keptUp") ? "" : " (overloaded)"));
                }
            }
        }
        row(out, "registration storm, convergence (s)", storm.get("convergenceSeconds"));
        row(out, "registration storm, NHS thread CPU (ms)", storm.get("nhsCpuMilliseconds"));
        final Map<String, Object> cv = (Map<String, Object>)s.get("convergence");
        row(out, "spoke-to-spoke packets sent direct over shortcuts, share of all (simulation)", cv.get("directShare"));
        row(out, "seconds until 90% of a second's spoke-to-spoke packets went direct", cv.get("secondsToDirectShare90") == null ?
            "not reached" : cv.get("secondsToDirectShare90"));
        row(out, "shortcuts installed at spokes (simulation)", n.get("shortcutsInstalled"));
        if (!cap.containsKey("skipped"))
        {
            out.append("\n## Capacity\n\nThe hub with every spoke's SAs, cache entries and routes in place forwards frames the spokes ")
                .append("encrypted before the clock, as fast as it can: one feeder thread copies them in and takes what the workers ")
                .append("transmit, as a NIC would. The crypto floor is ESP decrypt and encrypt alone on the same frames with twins of the ")
                .append("hub's SAs, in the same rounds (alternating which goes first). Sampled frames are decrypted at their spoke and ")
                .append("compared with what was sent.\n\n| what | value |\n|---|---:|\n");
            row(out, "rounds / frames / measured seconds", cap.get("rounds") + " / " + cap.get("frames") + " / " +
                String.format(Locale.ROOT, "%.3f", (Double)cap.get("measuredSeconds")));
            row(out, "hub ns per frame per worker core", cap.get("hubNsPerFramePerCore"));
            row(out, "crypto floor ns per frame", cap.get("cryptoFloorNsPerFrame"));
            row(out, "workers busy (fraction of the rounds)", cap.get("workerBusyFraction"));
            row(out, "workers' CPU per frame (ns; scheduler statistics over each round's window, which is a little wider than the round)",
                cap.get("workerCpuNsPerFrame"));
            row(out, "NHRP packets the hub built and sent during the phase (Traffic Indications to the held spokes)",
                cap.get("nhrpSentDuringPhase"));
            row(out, "sampled frames: verified data / NHRP from the hub", cap.get("framesVerified") + " / " + cap.get("controlFramesSampled"));
            row(out, "hub drops in the phase", cap.get("drops"));
            row(out, "failure", cap.get("failure") == null ? "none" : cap.get("failure"));
            if (cap.containsKey("profile"))
            {
                row(out, "profile of the measured rounds (async-profiler, Java and native frames)", cap.get("profile"));
            }
            final List<Map<String, Object>> loads = (List<Map<String, Object>>)cap.get("latencyLoads");
            if (!loads.isEmpty())
            {
                out.append("\nTime in the hub at fractions of the capacity just measured: the feeder offers frames at a fixed rate, ")
                    .append("each stamped with the time it was due, so a frame offered late counts its wait (coordinated omission ")
                    .append("corrected once, at the source); the time runs to the worker's transmit ring. CPU pressure: the share of ")
                    .append("the load's time some runnable thread of the machine waited for a processor (Linux PSI). Log tags in ")
                    .append("latency.hlog: load-50, load-70, load-90; chart: latency-loads.svg.\n\n")
                    .append("| load | offered Mpps | done Mpps | kept up | frames forwarded (timed) | p50 / p99 / p99.9 / p99.99 / max (us) | ")
                    .append("CPU pressure % | GCs |\n")
                    .append("|---:|---:|---:|---|---:|---|---:|---:|\n");
                for (final Map<String, Object> load : loads)
                {
                    final Map<String, Object> lat = (Map<String, Object>)load.get("timeInHub");
                    out.append(String.format(Locale.ROOT, "| %.0f%% | %.3f | %.3f | %s | %s | %s | %s | %s |%n",
                        100 * (Double)load.get("fractionOfCapacity"), (Double)load.get("offeredMpps"), (Double)load.get("achievedMpps"),
                        (Boolean)load.get("keptUp") ? "yes" : "no: overloaded, the queue grew", lat.get("packets"), percentileText(lat),
                        f(load.get("cpuPressurePercent")), load.get("gcCollections")));
                }
            }
        }
        out.append("\n## Phase ").append(sc.get("phase")).append(" simulation (the spokes' traffic, their crypto on the clock)\n\n")
            .append("| what | value |\n|---|---:|\n");
        row(out, "spokes registered", storm.get("registered"));
        row(out, "registration storm, convergence (s)", storm.get("convergenceSeconds"));
        row(out, "registration storm, NHS thread CPU (ms)", storm.get("nhsCpuMilliseconds"));
        row(out, "  of which handling NHRP (ms)", storm.get("nhsNhrpMilliseconds"));
        row(out, "  of which simulated IKE, building SAs (ms)", storm.get("nhsSimulatedIkeMilliseconds"));
        row(out, "registration storm, NAK 5 answered (admission control)", storm.get("admissionNaks"));
        row(out, "hub received (Mpps)", t.get("hubReceivedMpps"));
        row(out, "hub transmitted (Mpps)", t.get("hubTransmittedMpps"));
        row(out, "offered by the spokes (Gbps, inner packets)", t.get("offeredGbps"));
        row(out, "hub worker busy (fraction of the traffic phase)", t.get("hubWorkerBusyFraction"));
        @SuppressWarnings("unchecked") final Map<String, Object> bound = (Map<String, Object>)t.get("boundBy");
        row(out, "what sets the throughput and latency figures", bound.get("by") + ": " + bound.get("why"));
        row(out, "packets sent through the hub", t.get("sentThroughHub"));
        row(out, "packets sent spoke to spoke, direct", t.get("sentDirectSpokeToSpoke"));
        row(out, "Traffic Indications sent", n.get("trafficIndicationsSent"));
        row(out, "shortcuts installed at spokes", n.get("shortcutsInstalled"));
        @SuppressWarnings("unchecked") final Map<String, Object> ipsec = (Map<String, Object>)s.get("ipsec");
        row(out, "SA rekeys, asked by spokes / done at the hub (lifetime " + ipsec.get("saLifetimeSeconds") + " s)",
            ipsec.get("rekeysBySpokes") + " / " + ipsec.get("rekeysAtHub"));
        row(out, "SA rekeys of spoke-to-spoke (shortcut) pairs", ipsec.get("rekeysOfShortcutSas"));
        row(out, "time in the hub p50 / p99 / p99.9 / p99.99 / max (us)", percentileText(l));
        row(out, "end to end via the hub, spokes' queues included, p50 / p99 / p99.9 / p99.99 / max (us)", percentileText(e));
        row(out, "GC during traffic", s.get("gc"));
        row(out, "hub drops by reason", s.get("hubDropsByReason"));
        row(out, "spokes' drops by reason", s.get("spokeDropsByReason"));
        row(out, "conservation (hub, spokes)", c.get("hubConserved") + ", " + c.get("spokesConserved"));
        final List<Map<String, Object>> threads = (List<Map<String, Object>>)s.get("threadsDuringTraffic");
        final double seconds = (Double)t.get("seconds");
        out.append("\nThreads of the machine that used the most CPU during the traffic phase (Linux scheduler statistics; ")
            .append("waited: runnable while another thread held its processor):\n\n");
        if (threads.isEmpty())
        {
            out.append("none known (this system gives no per-thread scheduler statistics).\n");
        }
        else
        {
            out.append("| thread | CPU ms | share of the phase % | waited for a CPU ms |\n|---|---:|---:|---:|\n");
            for (final Map<String, Object> thread : threads)
            {
                final double cpuMs = (Double)thread.get("cpuMilliseconds");
                out.append("| ").append(String.valueOf(thread.get("thread")).replace("|", "/")).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f | %.1f | %.1f", cpuMs, cpuMs / 10 / seconds, (Double)thread.get("waitedForCpuMilliseconds")))
                    .append(" |\n");
            }
        }
        out.append("\nCharts: latency-loads.svg (capacity phase), offload.svg, throughput.svg, latency.svg (in the hub), ")
            .append("latency-end-to-end.svg, shortcuts.svg; all of them with these tables in index.html, one page that opens offline. ")
            .append("Latency histogram log: ")
            .append("latency.hlog (tags load-50, load-70, load-90, in-hub and end-to-end).\n");
        return out.toString();
    }

    private static String percentileText(final Map<String, Object> l)
    {
        return String.format(Locale.ROOT, "%s / %s / %s / %s / %s", f(l.get("p50Microseconds")), f(l.get("p99Microseconds")),
            f(l.get("p99.9Microseconds")), f(l.get("p99.99Microseconds")), f(l.get("maxMicroseconds")));
    }

    private static String f(final Object value)
    {
        return value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(value);
    }

    private static void row(final StringBuilder out, final String what, final Object value)
    {
        final String text = value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
        out.append("| ").append(what).append(" | ").append(text).append(" |\n");
    }
}
