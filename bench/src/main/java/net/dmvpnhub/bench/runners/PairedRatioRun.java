package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.SchedStat;
import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.bench.jmh.HubForwardingBenchmark;

import net.dmvpnhub.crypto.CryptoProvider;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The hub path against the crypto floor measured in interleaved slices in one JVM
 * ({@code ./dmvpn ratio}), so that the machine's drift falls on both alike.
 * <p>
 * {@link HubForwardingBenchmark} runs the floor's forks, then the hub's: on a shared 2-core
 * machine whose speed moves by tens of percent over minutes, the ratio of two figures measured
 * minutes apart carries that drift. This runner uses the same state and the same two methods
 * ({@link HubForwardingBenchmark#hub()}, {@link HubForwardingBenchmark#cryptoFloor()}; same
 * 10,000 spokes, frames and provider), and after a warm-up alternates slices of a fixed length:
 * floor then hub, then hub then floor (ABBA), so each pair's two slices are seconds apart and a
 * trend within a pair cancels across pairs. Each pair gives a ratio, floor ns/frame over hub
 * ns/frame; the summary gives the median and the quartiles over the pairs, by wall time and by
 * this thread's CPU time (which leaves out the time the thread waited for a processor), and the
 * median over the pairs whose slices saw little CPU pressure (Linux PSI "some" under 1%).
 * <p>
 * What JMH does that this does not: a fork per method (here both are compiled in one JVM, as
 * they are in the hub; they share the ESP code and its engine) and its blackhole (here every
 * call's result is added to a sum that is printed). Each slice checks the floor processed every
 * frame; at the end the hub's conservation and the slab are checked
 * ({@link HubForwardingBenchmark#tearDown()}).
 */
public final class PairedRatioRun
{
    /**
     * The goal: the hub path at least 0.75 of the crypto floor (the multi-buffer provider's floor
     * is about a seventh of OpenSSL's, so the hub's own stages weigh more than under the earlier
     * 0.85 aim, which was set against OpenSSL's floor).
     */
    static final double GOAL = 0.75;
    static final double QUIET_PRESSURE_PERCENT = 1.0;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public record Options(
        List<String> sizes, int pairs, long sliceMs, long warmupMs, List<CryptoProvider> providers, List<Boolean> touch, List<Integer> spokes)
    {
        public static final String USAGE = """
            Usage: ./dmvpn ratio [options]
              --sizes LIST      inner packet sizes, comma-separated: bytes (28 to 1500) or IMIX (default 64,576,1400,IMIX)
              --pairs N         measured pairs of slices per size (default 30)
              --slice-ms N      length of each slice in ms (default 200)
              --warmup-ms N     alternating slices before the pairs, per size, in ms (default 6000)
              --providers LIST  crypto providers, comma-separated, each a hub of its own measured in the same rounds:
                                ipsec-mb, openssl, jdk, bc (default: the default provider alone); the first is the
                                reference the others' speed is given against
              --touch LIST      on, off or on,off: whether the hub and the floor touch the SA key state of a whole vector
                                before its first cipher call; each a hub of its own per provider (default on)
              --spokes LIST     spokes, comma-separated, 4 to 100000, each a hub of its own (with its SAs, peer entries and
                                routes) measured in the same rounds: 100 keeps every table and key in the nearest caches,
                                the best case; 10000 is the everyday hub (default 10000)
            """;

        /** The options as before, with one spoke count. */
        public Options(
            final List<String> sizes, final int pairs, final long sliceMs, final long warmupMs, final List<CryptoProvider> providers,
            final List<Boolean> touch)
        {
            this(sizes, pairs, sliceMs, warmupMs, providers, touch, List.of(HubForwardingBenchmark.SPOKES));
        }

        public Options
        {
            if (sizes.isEmpty() || pairs < 2 || sliceMs < 10 || warmupMs < 0 || providers.isEmpty() || touch.isEmpty() ||
                spokes.isEmpty())
            {
                throw new Arguments.UsageException("options out of range: --pairs at least 2, --slice-ms at least 10, --warmup-ms " +
                    "not negative, at least one size, one provider and one spoke count");
            }
            for (final int n : spokes)
            {
                if (n < 4 || n > 100_000)
                {
                    throw new Arguments.UsageException("--spokes must be whole numbers from 4 to 100000, not " + n);
                }
            }
            if (spokes.stream().distinct().count() != spokes.size())
            {
                throw new Arguments.UsageException("--spokes names a count twice: " + spokes);
            }
            for (final String size : sizes)
            {
                checkSize("--sizes", size);
            }
            if (providers.stream().distinct().count() != providers.size())
            {
                throw new Arguments.UsageException("--providers names a provider twice: " + providers);
            }
            if (touch.stream().distinct().count() != touch.size())
            {
                throw new Arguments.UsageException("--touch names a choice twice");
            }
            for (final CryptoProvider provider : providers)
            {
                if (!provider.isAvailable())
                {
                    throw new Arguments.UsageException("--providers " + provider.shortName() + " cannot be used here: " +
                        provider.unavailableReason());
                }
            }
        }

        /** A packet size as the runners take it ({@code --sizes}, {@code --size}): bytes from 28 to 1500, or IMIX. */
        static void checkSize(final String option, final String size)
        {
            if ("IMIX".equals(size))
            {
                return;
            }
            try
            {
                final int bytes = Integer.parseInt(size);
                if (bytes >= 28 && bytes <= 1500)
                {
                    return;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // told below
            }
            throw new Arguments.UsageException(option + " must be bytes from 28 to 1500 or IMIX, not '" + size + "'");
        }

        /** The hubs measured side by side: one per spoke count, provider and touch-ahead choice, the first the reference. */
        List<Variant> hubs()
        {
            final List<Variant> hubs = new ArrayList<>();
            for (final int n : spokes)
            {
                for (final CryptoProvider provider : providers)
                {
                    for (final boolean t : touch)
                    {
                        hubs.add(new Variant(provider, t, touch.size() > 1 || !t, n, spokes.size() > 1));
                    }
                }
            }
            return hubs;
        }

        public static Options defaults()
        {
            return new Options(List.of("64", "576", "1400", "IMIX"), 30, 200, 6000, List.of(CryptoProvider.preferred()), List.of(true),
                List.of(HubForwardingBenchmark.SPOKES));
        }

        /** The options that take a value, shared with other runners. */
        static final List<String> OPTIONS = List.of("--sizes", "--pairs", "--slice-ms", "--warmup-ms", "--providers");

        private static final java.util.Map<String, Boolean> TOUCH = Arguments.choices("on", true, "off", false);

        /**
         * @return the options, or null for {@code --help}.
         * @throws Arguments.UsageException with one sentence for a bad option or value.
         */
        public static Options parse(final String... args)
        {
            final List<String> names = new ArrayList<>(OPTIONS);
            names.add("--touch");
            names.add("--spokes");
            final Arguments a = Arguments.read(List.of(args), names, List.of(), 0);
            final Options o = from(a);
            if (o == null)
            {
                return null;
            }
            final List<Boolean> touch = !a.has("--touch") ? o.touch :
                java.util.Arrays.stream(a.text("--touch", null).split(",", -1)).map(v -> Arguments.choice("--touch", v, TOUCH)).toList();
            final List<Integer> spokes = !a.has("--spokes") ? o.spokes : spokeCounts(a.text("--spokes", null));
            return new Options(o.sizes, o.pairs, o.sliceMs, o.warmupMs, o.providers, touch, spokes);
        }

        private static List<Integer> spokeCounts(final String list)
        {
            final List<Integer> counts = new ArrayList<>();
            for (final String value : list.split(",", -1))
            {
                try
                {
                    // The range is the constructor's to check.
                    counts.add(Integer.parseInt(value.trim()));
                }
                catch (final NumberFormatException ex)
                {
                    throw new Arguments.UsageException("--spokes must be whole numbers from 4 to 100000, not '" + value + "'");
                }
            }
            return counts;
        }

        /** The options read (null: {@code --help}); other runners with these options read theirs too. */
        static Options from(final Arguments a)
        {
            if (a == null)
            {
                return null;
            }
            final Options d = defaults();
            return new Options(
                a.has("--sizes") ? List.of(a.text("--sizes", null).split(",", -1)) : d.sizes,
                a.whole("--pairs", d.pairs, 2, 100_000),
                a.whole("--slice-ms", d.sliceMs, 10, 600_000L),
                a.whole("--warmup-ms", d.warmupMs, 0, 3_600_000L),
                a.has("--providers") ? providers(a.text("--providers", null)) : d.providers,
                d.touch);
        }

        private static List<CryptoProvider> providers(final String list)
        {
            try
            {
                return java.util.Arrays.stream(list.split(",", -1)).map(CryptoProvider::fromName).toList();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new Arguments.UsageException("--providers: " + ex.getMessage());
            }
        }
    }

    /**
     * One slice: frames through one configuration for about the slice's length, its wall time,
     * the measuring threads' CPU time, the machine's CPU pressure (Linux PSI "some", percent).
     */
    record Slice(long frames, long wallNs, long cpuNs, double pressurePercent)
    {
        double wallNsPerFrame()
        {
            return (double)wallNs / frames;
        }

        double framesPerSecond()
        {
            return frames * 1e9 / wallNs;
        }

        double cpuNsPerFrame()
        {
            return (double)cpuNs / frames;
        }

        /** Under {@link #QUIET_PRESSURE_PERCENT} CPU pressure: no runnable thread of the machine waited for long. */
        boolean quiet()
        {
            return pressurePercent < QUIET_PRESSURE_PERCENT;
        }
    }

    /** One hub (and its floor) measured: a crypto provider, with or without touch-ahead, with so many spokes. */
    record Variant(CryptoProvider provider, boolean touch, boolean nameTouch, int spokes, boolean nameSpokes)
    {
        String name()
        {
            return provider.shortName() + (nameTouch ? touch ? ", touch on" : ", touch off" : "") +
                (nameSpokes ? String.format(Locale.ROOT, ", %,d spokes", spokes) : "");
        }
    }

    /** A floor slice and a hub slice next to each other. */
    record Pair(Slice floor, Slice hub)
    {
        double wallRatio()
        {
            return floor.wallNsPerFrame() / hub.wallNsPerFrame();
        }

        double cpuRatio()
        {
            return floor.cpuNsPerFrame() / hub.cpuNsPerFrame();
        }

        boolean quiet()
        {
            return floor.quiet() && hub.quiet();
        }
    }

    /** What one size measured with one provider: a pair per round. */
    record SizeResult(String size, Variant hub, List<Pair> pairs)
    {
    }

    private long sink;

    /**
     * Measures one size: each hub ({@link Options#hubs()}) set up side by side; then rounds in
     * which every hub and its floor run a slice each, the order reversed from one round to the
     * next (ABBA), so that all of them see the same stretch of the machine's drift; the final checks.
     *
     * @return one result per hub, in the order of {@code options.hubs()}.
     */
    List<SizeResult> measure(final String size, final Options options, final PrintStream console)
    {
        final List<Variant> hubList = options.hubs();
        final int n = hubList.size();
        final HubForwardingBenchmark[] states = new HubForwardingBenchmark[n];
        for (int i = 0; i < n; i++)
        {
            states[i] = new HubForwardingBenchmark();
            states[i].size = size;
            states[i].provider = hubList.get(i).provider().shortName();
            states[i].touchKeyState = hubList.get(i).touch();
            states[i].spokes = hubList.get(i).spokes();
            states[i].setUp();
        }
        final long sliceNs = TimeUnit.MILLISECONDS.toNanos(options.sliceMs());
        final long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.warmupMs());
        while (System.nanoTime() - warmupEnd < 0)
        {
            for (final HubForwardingBenchmark state : states)
            {
                slice(state, true, sliceNs);
                slice(state, false, sliceNs);
            }
        }
        final List<List<Pair>> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            pairs.add(new ArrayList<>());
        }
        final Slice[] floors = new Slice[n];
        final Slice[] hubs = new Slice[n];
        for (int p = 0; p < options.pairs(); p++)
        {
            final boolean forward = p % 2 == 0;
            for (int k = 0; k < 2 * n; k++)
            {
                // Forward rounds: floor 0, hub 0, floor 1, hub 1, ...; the others the reverse.
                final int step = forward ? k : 2 * n - 1 - k;
                final int i = step / 2;
                final boolean floor = step % 2 == 0;
                final Slice slice = slice(states[i], floor, sliceNs);
                if (floor)
                {
                    floors[i] = slice;
                }
                else
                {
                    hubs[i] = slice;
                }
            }
            for (int i = 0; i < n; i++)
            {
                pairs.get(i).add(new Pair(floors[i], hubs[i]));
            }
        }
        final List<SizeResult> results = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            states[i].tearDown();
            final SizeResult result = new SizeResult(size, hubList.get(i), pairs.get(i));
            console.printf(Locale.ROOT, "ratio: %s B, %s: floor/hub %.3f (median of %d pairs, wall time), floor %.1f ns/frame, " +
                    "hub %.1f ns/frame%n", size, hubList.get(i).name(), median(result.pairs(), Pair::wallRatio), result.pairs().size(),
                median(result.pairs(), q -> q.floor().wallNsPerFrame()), median(result.pairs(), q -> q.hub().wallNsPerFrame()));
            results.add(result);
        }
        return results;
    }

    private Slice slice(final HubForwardingBenchmark state, final boolean floor, final long sliceNs)
    {
        final long pressureBefore = SchedStat.cpuPressureMicros();
        final long cpuStart = THREADS.getCurrentThreadCpuTime();
        final long start = System.nanoTime();
        final long end = start + sliceNs;
        long calls = 0;
        long now;
        do
        {
            // Eight calls between clock reads: a call is 64 frames, tens of microseconds.
            for (int i = 0; i < 8; i++)
            {
                if (floor)
                {
                    final int done = state.cryptoFloor();
                    if (done != HubForwardingBenchmark.BATCH)
                    {
                        throw new IllegalStateException("the floor processed " + done + " of " + HubForwardingBenchmark.BATCH + " frames");
                    }
                    sink += done;
                }
                else
                {
                    sink += state.hub();
                }
            }
            calls += 8;
            now = System.nanoTime();
        }
        while (now - end < 0);
        final long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        final long pressureAfter = SchedStat.cpuPressureMicros();
        final double pressure = pressureBefore < 0 || pressureAfter < 0 ? Double.NaN :
            100.0 * (pressureAfter - pressureBefore) / ((now - start) / 1e3);
        return new Slice(calls * HubForwardingBenchmark.BATCH, now - start, cpu, pressure);
    }

    static <T> double median(final List<T> pairs, final ToDoubleFunction<T> f)
    {
        return quantile(pairs, f, 0.5);
    }

    /** The q-quantile by linear interpolation between closest ranks, or NaN for no pairs. */
    static <T> double quantile(final List<T> pairs, final ToDoubleFunction<T> f, final double q)
    {
        final double[] v = pairs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0)
        {
            return Double.NaN;
        }
        final double rank = q * (v.length - 1);
        final int below = (int)Math.floor(rank);
        final int above = Math.min(below + 1, v.length - 1);
        return v[below] + (rank - below) * (v[above] - v[below]);
    }

    static void report(final Options options, final List<SizeResult> results, final String failure, final PrintStream out)
    {
        out.println("## Hub path against the crypto floor, interleaved (`PairedRatioRun`)");
        out.println();
        out.printf(Locale.ROOT, "- state and methods: `HubForwardingBenchmark` (%s spokes, 4,096 pre-encrypted hairpin frames, " +
            "AES-GCM-128, one call = %d frames), both methods in this one JVM, a hub (and its floor) per spoke count, crypto provider " +
            "and touch-ahead choice: %s%n", String.join(" or ", options.spokes().stream().map(n -> String.format(Locale.ROOT, "%,d", n))
            .toList()), HubForwardingBenchmark.BATCH, String.join("; ", options.hubs().stream().map(Variant::name).toList()));
        for (final CryptoProvider provider : options.providers())
        {
            out.printf(Locale.ROOT, "- crypto provider %s%n", CryptoProvider.selectionLine(provider));
        }
        out.printf(Locale.ROOT, "- per size: %d ms of alternating slices as warm-up, then %d rounds; in each round every hub " +
            "and its floor run one %d ms slice each, in the order floor, hub per hub in even rounds and the reverse in odd ones " +
            "(ABBA)%n", options.warmupMs(), options.pairs(), options.sliceMs());
        out.println("- ratio per pair: floor ns/frame over hub ns/frame (1.0: the hub costs nothing beyond the crypto); by wall time, and " +
            "by this thread's CPU time, which leaves out time spent waiting for a processor");
        out.printf(Locale.ROOT, "- quiet pairs: both slices under %.0f%% CPU pressure (Linux PSI \"some\": the share of the slice during " +
            "which some runnable thread of the machine waited for a processor)%n", QUIET_PRESSURE_PERCENT);
        out.printf(Locale.ROOT, "- memory in transparent huge pages at the end (AnonHugePages of /proc/self/smaps_rollup; the SA key " +
            "state and, with -XX:+UseTransparentHugePages, the heap ask for them, and the kernel gives what it can): %s%n", hugePages());
        out.printf(Locale.ROOT, "- JVM: %s %s, flags %s, %d processors%n", System.getProperty("java.vm.name"),
            System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments(),
            Runtime.getRuntime().availableProcessors());
        out.println();
        out.println("| size (B) | hub | pairs | floor ns/frame (median) | hub ns/frame (median) | hub Mpps per core (wall) | " +
            "floor/hub, wall: median | quartiles | floor/hub, CPU time: median | quartiles | quiet pairs | floor/hub, wall, quiet pairs: " +
            "median | goal at least " + GOAL + " (wall median) |");
        out.println("|---|---|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---|");
        for (final SizeResult r : results)
        {
            final List<Pair> quiet = r.pairs().stream().filter(Pair::quiet).toList();
            final double wall = median(r.pairs(), Pair::wallRatio);
            final double hubNs = median(r.pairs(), p -> p.hub().wallNsPerFrame());
            out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.3f | %.3f | %.3f to %.3f | %.3f | %.3f to %.3f | %d | %s | %s |%n",
                r.size(), r.hub().name(), r.pairs().size(), median(r.pairs(), p -> p.floor().wallNsPerFrame()), hubNs, 1e3 / hubNs,
                wall, quantile(r.pairs(), Pair::wallRatio, 0.25), quantile(r.pairs(), Pair::wallRatio, 0.75),
                median(r.pairs(), Pair::cpuRatio), quantile(r.pairs(), Pair::cpuRatio, 0.25), quantile(r.pairs(), Pair::cpuRatio, 0.75),
                quiet.size(), quiet.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.3f", median(quiet, Pair::wallRatio)),
                wall >= GOAL ? "met" : "not met");
        }
        out.println();
        if (options.hubs().size() > 1)
        {
            speedups(options, results, out);
        }
        out.println(failure == null
            ? "Checks: every floor slice processed every frame; at the end of each size the hub's counters are conserved with no drop " +
                "and every slab slot is back."
            : "**The run failed**: " + failure);
    }

    /**
     * Per size, each hub and floor against the first hub's, round by round (the slices of one
     * round are seconds apart): the first's ns/frame over this one's, so 7.0 means this hub
     * forwards 7 times as many frames per second on one core.
     */
    private static void speedups(final Options options, final List<SizeResult> results, final PrintStream out)
    {
        final Variant reference = options.hubs().getFirst();
        out.printf(Locale.ROOT, "Against %s, round by round (%s ns/frame over the hub's; median and quartiles over the rounds):%n%n",
            reference.name(), reference.name());
        out.println("| size (B) | hub | hub speed-up: median | quartiles | floor speed-up: median | quartiles |");
        out.println("|---|---|---:|---|---:|---|");
        for (final SizeResult r : results)
        {
            if (r.hub().equals(reference))
            {
                continue;
            }
            final SizeResult base = results.stream().filter(b -> b.size().equals(r.size()) && b.hub().equals(reference)).findFirst()
                .orElseThrow();
            final List<double[]> rounds = new ArrayList<>();
            for (int i = 0; i < r.pairs().size(); i++)
            {
                final Pair ours = r.pairs().get(i);
                final Pair theirs = base.pairs().get(i);
                rounds.add(new double[]{theirs.hub().wallNsPerFrame() / ours.hub().wallNsPerFrame(),
                    theirs.floor().wallNsPerFrame() / ours.floor().wallNsPerFrame()});
            }
            out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f to %.2f | %.2f | %.2f to %.2f |%n", r.size(), r.hub().name(),
                median(rounds, x -> x[0]), quantile(rounds, x -> x[0], 0.25), quantile(rounds, x -> x[0], 0.75),
                median(rounds, x -> x[1]), quantile(rounds, x -> x[1], 0.25), quantile(rounds, x -> x[1], 0.75));
        }
        out.println();
    }

    /** This process's anonymous memory in transparent huge pages, as the kernel reports it, or why it cannot be read. */
    static String hugePages()
    {
        try
        {
            for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/smaps_rollup")))
            {
                if (line.startsWith("AnonHugePages:"))
                {
                    return line.substring("AnonHugePages:".length()).trim();
                }
            }
            return "not reported";
        }
        catch (final java.io.IOException ex)
        {
            return "not readable (" + ex.getMessage() + ")";
        }
    }

    public static void main(final String[] args)
    {
        final Options options = Arguments.parseOrExit("ratio", Options.USAGE, args, a -> Options.parse(a.toArray(String[]::new)));
        if (options == null)
        {
            return;
        }
        final PairedRatioRun run = new PairedRatioRun();
        final List<SizeResult> results = new ArrayList<>();
        String failure = null;
        try
        {
            for (final String size : options.sizes())
            {
                results.addAll(run.measure(size, options, System.err));
            }
        }
        catch (final RuntimeException ex)
        {
            failure = ex.toString();
            ex.printStackTrace(System.err);
        }
        report(options, results, failure, System.out);
        System.err.println("ratio: checksum of results " + run.sink);
        System.exit(failure == null ? 0 : 1);
    }
}
