package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.cli.Arguments;

import net.dmvpnhub.dataplane.Dataplane.ThreadingMode;
import net.dmvpnhub.trafficgen.IdleStrategies;
import net.dmvpnhub.trafficgen.RunOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code ./dmvpn latency} ({@link HubLatencyRun}). Every mistake is one sentence.
 *
 * @param mode run-to-completion or pipelined.
 * @param spokes spokes of the hub (fewer make a smaller working set).
 * @param workers workers (pipelined: always 2).
 * @param size inner packet size in bytes, or IMIX.
 * @param loadsPercent offered loads as percentages of the maximum rate, in the order run.
 * @param maxRate frames per second taken as the maximum, or 0 to measure it in a saturation run.
 * @param warmupSeconds unpaced traffic first, not recorded (JIT).
 * @param saturationSeconds the saturation run that finds the maximum rate.
 * @param leadInSeconds unrecorded paced traffic at each load before its recorded run.
 * @param seconds recorded time at each load.
 * @param idle idle strategy of the workers ({@link IdleStrategies}).
 * @param stopUs a gap longer than this between two turns of a busy thread's loop is a stop.
 * @param out path prefix of the files written: {@code out.hlog} and {@code out-summary.md}.
 * @param floor after the unpaced phases, replace the hub's workers by {@link FloorWorkers}.
 * @param withFloor run each load through the hub and through the floor, alternating which goes first.
 * @param help only print the usage.
 */
public record LatencyOptions(
    ThreadingMode mode,
    int spokes,
    int workers,
    String size,
    List<Integer> loadsPercent,
    long maxRate,
    int warmupSeconds,
    int saturationSeconds,
    int leadInSeconds,
    int seconds,
    String idle,
    long stopUs,
    String out,
    boolean floor,
    boolean withFloor,
    boolean help)
{
    public static final String USAGE = """
        Usage: ./dmvpn latency [options]

        Latency through the threaded dataplane (10,000 spokes by default, hairpin frames, AES-GCM-128 through
        OpenSSL) at fixed offered loads: a warm-up, a saturation run that finds the maximum rate, then
        one paced run per load. Latency is the time a frame is seen leaving a transmit ring minus the
        time it was meant to be sent (coordinated omission corrected once). Prints a markdown summary
        and writes PREFIX.hlog (HdrHistogram log, one interval per second, tagged by load) and
        PREFIX-summary.md.

        Options:
          --mode rtc|pipelined      threading mode (default rtc)
          --spokes N                spokes of the hub, 4 to 100000 (default 10000; fewer make a smaller
                                    working set)
          --workers N               run-to-completion workers, 1 to 16 (default 1; pipelined has 2)
          --size BYTES|IMIX         inner packet size, 28 to 1500, or IMIX 64/576/1500 7:4:1 (default IMIX)
          --loads P,P,...           offered loads in percent of the maximum rate, 1 to 100 (default 50,70,90)
          --max-rate FPS            take FPS frames/s as the maximum instead of measuring it
          --warmup-seconds N        unpaced warm-up, not recorded (default 10)
          --saturation-seconds N    saturation run (default 5)
          --lead-in-seconds N       paced, unrecorded seconds at each load before its recorded run, so
                                    that paced traffic's code is compiled first (default 3)
          --seconds N               recorded seconds per load (default 30)
          --idle busy|yield|backoff workers' idle strategy (default yield)
          --stop-us N               a gap of more than N us between two turns of a busy thread's loop is
                                    a stop (the thread was not running), 100 to 100000 (default 1000;
                                    a worker's turn with a full batch of 64 IMIX frames takes about
                                    200 us here)
          --out PREFIX              files to write (default results/tmp/hub-latency-<UTC time>)
          --floor                   the floor: after the warm-up and saturation through the hub, its
                                    workers stop and as many threads move each batch of frames from
                                    receive to transmit ring unchanged, spinning for the hub's
                                    workers' busy time per frame in the last unpaced phase; the
                                    loads then run at the same rates (run-to-completion only)
          --with-floor              each load through the hub and through the floor, one right after
                                    the other, the order alternating from load to load (hub first at
                                    the first), with the two side by side in the summary
          -h, --help                this text
        """;

    /** A stop is a gap of more than this many microseconds unless {@code --stop-us} says otherwise. */
    public static final long DEFAULT_STOP_US = 1000;

    /** Spokes of the hub unless {@code --spokes} says otherwise. */
    public static final int DEFAULT_SPOKES = 10_000;

    private static final List<String> OPTIONS = List.of("--mode", "--spokes", "--workers", "--size", "--loads", "--max-rate",
        "--warmup-seconds", "--saturation-seconds", "--lead-in-seconds", "--seconds", "--idle", "--stop-us", "--out");
    private static final List<String> FLAGS = List.of("--floor", "--with-floor");

    /**
     * @param defaultOut the output prefix when {@code --out} is not given.
     * @return the options; for {@code --help}, options whose {@link #help()} is true.
     * @throws Arguments.UsageException with one sentence for a bad option or a combination that cannot run.
     */
    public static LatencyOptions parse(final String[] args, final String defaultOut)
    {
        final Arguments a = Arguments.read(List.of(args), OPTIONS, FLAGS, 0);
        if (a == null)
        {
            return new LatencyOptions(ThreadingMode.RUN_TO_COMPLETION, DEFAULT_SPOKES, 1, "IMIX", List.of(50, 70, 90), 0, 10, 5, 3, 30,
                "yield", DEFAULT_STOP_US, defaultOut, false, false, true);
        }
        final ThreadingMode mode = a.choice("--mode", ThreadingMode.RUN_TO_COMPLETION, RunOptions.MODES);
        final Integer workers = a.has("--workers") ? a.whole("--workers", 1, 1, 16) : null;
        final String size = a.text("--size", "IMIX");
        PairedRatioRun.Options.checkSize("--size", size);
        final List<Integer> loads = a.has("--loads") ? loads(a.text("--loads", null)) : List.of(50, 70, 90);
        final long maxRate = a.whole("--max-rate", 0L, 1, 1_000_000_000L);
        final int warmup = a.whole("--warmup-seconds", 10, 0, 3600);
        final String idle = a.text("--idle", "yield");
        if (IdleStrategies.byName(idle) == null)
        {
            throw new Arguments.UsageException("--idle must be " + IdleStrategies.NAMES + ", not '" + idle + "'");
        }
        final String out = a.text("--out", defaultOut);
        if (out.isEmpty())
        {
            throw new Arguments.UsageException("--out needs a path prefix, not an empty string");
        }
        final boolean floor = a.has("--floor");
        final boolean withFloor = a.has("--with-floor");
        if (mode == ThreadingMode.PIPELINED && workers != null && workers != 2)
        {
            throw new Arguments.UsageException("the pipelined mode always has 2 workers, so --workers " + workers + " does not apply");
        }
        if (floor && withFloor)
        {
            throw new Arguments.UsageException("--floor runs the loads through the floor only and --with-floor through both, so give one of them");
        }
        final String floorOption = floor ? "--floor" : "--with-floor";
        if ((floor || withFloor) && mode == ThreadingMode.PIPELINED)
        {
            throw new Arguments.UsageException(floorOption + " stands in for run-to-completion workers, so it does not apply to --mode pipelined");
        }
        if ((floor || withFloor) && maxRate > 0 && warmup == 0)
        {
            throw new Arguments.UsageException(floorOption + " takes the hub's time per frame from an unpaced phase through the hub, and " +
                "with --max-rate and --warmup-seconds 0 there is none: give the warm-up some seconds");
        }
        final int n = mode == ThreadingMode.PIPELINED ? 2 : workers == null ? 1 : workers;
        return new LatencyOptions(mode, a.whole("--spokes", DEFAULT_SPOKES, 4, 100_000), n, size, loads, maxRate, warmup,
            a.whole("--saturation-seconds", 5, 1, 3600), a.whole("--lead-in-seconds", 3, 0, 3600), a.whole("--seconds", 30, 1, 3600), idle,
            a.whole("--stop-us", DEFAULT_STOP_US, 100, 100_000), out, floor, withFloor, false);
    }

    private static List<Integer> loads(final String value)
    {
        final List<Integer> loads = new ArrayList<>();
        for (final String part : value.split(",", -1))
        {
            loads.add((int)Arguments.whole("--loads", part.trim(), 1, 100));
        }
        return List.copyOf(loads);
    }

    /** {@link #stopUs} in nanoseconds. */
    public long stopNs()
    {
        return stopUs * 1000;
    }

    /** Threads the run uses: the source/drain thread and the workers. */
    public int threads()
    {
        return 1 + workers;
    }

    /** The mode as the summary names it. */
    public String modeName()
    {
        return mode == ThreadingMode.PIPELINED ? "pipelined (2 workers)" :
            "run-to-completion, " + workers + " worker" + (workers == 1 ? "" : "s");
    }
}
