package net.dmvpnhub.bench.runners;

import net.dmvpnhub.trafficgen.SchedStat;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The markdown summary of {@link HubLatencyRun}: one row per offered load, drops by reason, and
 * whether the latency goal holds at 70% of the maximum rate.
 */
public final class LatencyReport
{
    /** The latency goal, at {@link #GOAL_LOAD_PERCENT} of the maximum rate. */
    public static final long GOAL_P99_9_NS = 50_000;
    public static final long GOAL_P99_99_NS = 200_000;
    public static final int GOAL_LOAD_PERCENT = 70;

    private LatencyReport()
    {
    }

    /**
     * What one paced run measured.
     *
     * @param percent offered load in percent of the maximum rate.
     * @param offeredFps the pacer's rate.
     * @param transmittedFps frames taken off the transmit rings per second of the run.
     * @param offered frames the pacer moved past (sent or dropped by the source).
     * @param latencyNs one value per transmitted frame, in nanoseconds.
     * @param sourceDrops frames the source could not hand to the hub, by reason (a full receive ring, no free slot).
     * @param hubDrops frames the hub dropped, by reason; only reasons that occurred.
     * @param gcCount collections during the run (every GarbageCollectorMXBean).
     * @param gcMillis their accumulated time.
     * @param allocatedBytes bytes allocated by every thread during the run.
     * @param maxSourceLagNs the most a frame left the source after its intended time.
     * @param cpuPressurePercent share of the run's time during which some runnable thread of the
     * machine waited for a CPU (Linux PSI, {@code /proc/pressure/cpu} "some"), or NaN when unknown.
     * @param stalls what kept the busy threads from their work.
     */
    public record LoadResult(
        int percent,
        double offeredFps,
        double transmittedFps,
        long offered,
        Histogram latencyNs,
        Map<String, Long> sourceDrops,
        Map<String, Long> hubDrops,
        long gcCount,
        long gcMillis,
        long allocatedBytes,
        long maxSourceLagNs,
        double cpuPressurePercent,
        Stalls stalls)
    {
        public long dropped()
        {
            return sum(sourceDrops) + sum(hubDrops);
        }

        private static long sum(final Map<String, Long> counts)
        {
            long total = 0;
            for (final long n : counts.values())
            {
                total += n;
            }
            return total;
        }
    }

    /**
     * What kept the run's busy threads (the source and the workers) from their work during one
     * load, for telling a slow hub from a machine that took its processors away.
     *
     * @param windowNs wall time from the start of the thread snapshot before the load to the end of the one after it.
     * @param used every thread of the machine that ran or waited for a CPU in that time
     * ({@link SchedStat#between}); empty when the machine has no scheduler statistics.
     * @param sourceStops turns of the source's loop, which never blocks, that came more than
     * {@code stopNs} after the one before: the source thread was not running.
     * @param sourceStoppedNs those gaps' time in all.
     * @param longestSourceStopNs the longest gap between two turns of the source's loop.
     * @param jitMs time this JVM's JIT compilers spent compiling during the load
     * ({@code CompilationMXBean}), or -1 when the JVM does not say: compiler threads take
     * processors from the busy ones.
     * @param stopNs the gap between two turns of a busy thread's loop above which it counts as a stop.
     * @param quiet the load's windows in which no busy thread stopped, and their latencies.
     */
    public record Stalls(long windowNs, List<SchedStat.ThreadStat> used, long sourceStops, long sourceStoppedNs, long longestSourceStopNs,
        long jitMs, long stopNs, Quiet quiet)
    {
        /** No thread statistics and no stops (tests, or a run that measured none). */
        public static Stalls none(final long windowNs)
        {
            return new Stalls(windowNs, List.of(), 0, 0, 0, 0, LatencyOptions.DEFAULT_STOP_US * 1000,
                new Quiet(0, 0, new Histogram(HubLatencyRun.WINDOW_HIGHEST_NS, 2)));
        }

        static boolean busy(final SchedStat.ThreadStat t)
        {
            return t.ours() && (t.name().equals(SOURCE_THREAD) || t.name().startsWith(WORKER_THREAD_PREFIX));
        }
    }

    /**
     * The stretches of a load in which the machine left the busy threads alone: the windows of
     * {@link HubLatencyRun#WINDOW_NS} in which neither the source nor a worker stopped for over
     * the stop threshold, in that window or the one before (a stop's backlog drains into the next).
     * Their latencies are what the hub does when it has its processors; the load's own
     * percentiles, over every frame, are the ones the goal is judged on.
     *
     * @param quiet how many windows qualify.
     * @param of the load's windows in which frames came back (the tail's last ones have none).
     * @param latencyNs the quiet windows' histograms added up (2 significant digits).
     * @see QuietWindows
     */
    public record Quiet(int quiet, int of, Histogram latencyNs)
    {
    }

    /** The source thread's name (HubLatencyRun names the thread that runs it). */
    public static final String SOURCE_THREAD = "latency-source";
    /** The workers' thread names start with this ({@code Dataplane}'s agent role names). */
    public static final String WORKER_THREAD_PREFIX = "hub-worker-";
    /** Threads other than the busy ones listed per load, the most CPU first. */
    static final int OTHERS_LISTED = 4;
    /** Threads with less CPU than this in a load are not listed. */
    static final long OTHERS_MIN_CPU_NS = 500_000;

    /** Microseconds with one decimal, from nanoseconds. */
    static String us(final long ns)
    {
        return String.format(Locale.ROOT, "%.1f", ns / 1000.0);
    }

    static String rate(final double fps)
    {
        return String.format(Locale.ROOT, "%,.0f", fps);
    }

    /**
     * @return the markdown table, one row per load, then drops by reason.
     */
    public static String table(final List<LoadResult> results)
    {
        final StringBuilder out = new StringBuilder();
        out.append("| load | offered frames/s | transmitted frames/s | frames recorded | p50 us | p90 us | p99 us | p99.9 us | p99.99 us | max us " +
            "| dropped | GC count | GC ms | allocated B/frame | max source lag us | CPU pressure % |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final LoadResult r : results)
        {
            final Histogram h = r.latencyNs();
            final long frames = h.getTotalCount();
            out.append("| ").append(r.percent()).append("% | ")
                .append(rate(r.offeredFps())).append(" | ")
                .append(rate(r.transmittedFps())).append(" | ")
                .append(frames).append(" | ")
                .append(us(h.getValueAtPercentile(50))).append(" | ")
                .append(us(h.getValueAtPercentile(90))).append(" | ")
                .append(us(h.getValueAtPercentile(99))).append(" | ")
                .append(us(h.getValueAtPercentile(99.9))).append(" | ")
                .append(us(h.getValueAtPercentile(99.99))).append(" | ")
                .append(us(h.getMaxValue())).append(" | ")
                .append(r.dropped()).append(" | ")
                .append(r.gcCount()).append(" | ")
                .append(r.gcMillis()).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", r.offered() == 0 ? 0.0 : (double)r.allocatedBytes() / r.offered())).append(" | ")
                .append(us(r.maxSourceLagNs())).append(" | ")
                .append(Double.isNaN(r.cpuPressurePercent()) ? "n/a" : String.format(Locale.ROOT, "%.1f", r.cpuPressurePercent()))
                .append(" |\n");
        }
        out.append('\n');
        for (final LoadResult r : results)
        {
            out.append("- ").append(r.percent()).append("%: dropped by the source ").append(reasons(r.sourceDrops()))
                .append("; by the hub ").append(reasons(r.hubDrops())).append('\n');
        }
        return out.toString();
    }

    /**
     * @return the markdown table of what kept the busy threads from their work, one row per load:
     * their share of the load's time on a CPU and their time waiting for one (Linux schedstat),
     * the source loop's stops, and the other threads that ran, the most CPU first.
     */
    public static String stallTable(final List<LoadResult> results)
    {
        final StringBuilder out = new StringBuilder();
        final String stop = results.isEmpty() ? "" : " > " + duration(results.get(0).stalls().stopNs());
        out.append("| load | source on a CPU % | source waited for a CPU ms | workers on a CPU % | workers waited for a CPU ms " +
            "| source stops" + stop + " | their time ms | longest stop us | JIT compiling ms | " + HubLatencyRun.WINDOW_NS / 1_000_000 +
            " ms windows without a stop" + stop +
            " | their p99.9 / p99.99 us | other threads that ran (CPU ms) |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (final LoadResult r : results)
        {
            final Stalls st = r.stalls();
            long sourceCpu = 0;
            long sourceWait = 0;
            long workersCpu = 0;
            long workersWait = 0;
            int workers = 0;
            boolean sourceSeen = false;
            final StringBuilder others = new StringBuilder();
            int listed = 0;
            for (final SchedStat.ThreadStat t : st.used())
            {
                if (Stalls.busy(t) && t.name().equals(SOURCE_THREAD))
                {
                    sourceSeen = true;
                    sourceCpu += t.cpuNs();
                    sourceWait += t.waitNs();
                }
                else if (Stalls.busy(t))
                {
                    workers++;
                    workersCpu += t.cpuNs();
                    workersWait += t.waitNs();
                }
                else if (listed < OTHERS_LISTED && t.cpuNs() >= OTHERS_MIN_CPU_NS)
                {
                    others.append(listed++ == 0 ? "" : ", ").append(t.label().replace("|", "/")).append(' ').append(ms(t.cpuNs()));
                }
            }
            final boolean known = !st.used().isEmpty();
            out.append("| ").append(r.percent()).append("% | ")
                .append(known && sourceSeen ? percent(sourceCpu, st.windowNs()) : "n/a").append(" | ")
                .append(known && sourceSeen ? ms(sourceWait) : "n/a").append(" | ")
                .append(known && workers > 0 ? percent(workersCpu, st.windowNs() * workers) : "n/a").append(" | ")
                .append(known && workers > 0 ? ms(workersWait) : "n/a").append(" | ")
                .append(st.sourceStops()).append(" | ")
                .append(ms(st.sourceStoppedNs())).append(" | ")
                .append(us(st.longestSourceStopNs())).append(" | ")
                .append(st.jitMs() < 0 ? "n/a" : Long.toString(st.jitMs())).append(" | ")
                .append(st.quiet().quiet()).append(" of ").append(st.quiet().of()).append(" | ")
                .append(quietPercentiles(st.quiet())).append(" | ")
                .append(!known ? "n/a (no scheduler statistics)" : others.isEmpty() ? "none over " + ms(OTHERS_MIN_CPU_NS) + " ms" : others)
                .append(" |\n");
        }
        return out.toString();
    }

    /** What the hub did in the windows in which the machine left its threads alone, for the goal's sentence. */
    private static String quietSentence(final Stalls stalls)
    {
        final Quiet quiet = stalls.quiet();
        if (quiet.of() == 0)
        {
            return "";
        }
        final String windows = " windows of " + HubLatencyRun.WINDOW_NS / 1_000_000 + " ms";
        if (quiet.latencyNs().getTotalCount() == 0)
        {
            return " None of the " + quiet.of() + windows + " passed without a busy thread stopping for over " + duration(stalls.stopNs()) + ".";
        }
        return " Over the " + quiet.quiet() + " of " + quiet.of() + windows + " in which no busy thread stopped for over " +
            duration(stalls.stopNs()) + " (nor in the window before), what the hub does when the machine leaves its threads alone: p99.9 " +
            us(quiet.latencyNs().getValueAtPercentile(99.9)) + " us, p99.99 " + us(quiet.latencyNs().getValueAtPercentile(99.99)) + " us, " +
            quiet.latencyNs().getTotalCount() + " frames.";
    }

    /** "1 ms", "200 us": a stop threshold as the reports name it. */
    static String duration(final long ns)
    {
        return ns % 1_000_000 == 0 ? ns / 1_000_000 + " ms" : ns / 1000 + " us";
    }

    /**
     * The hub's and the floor's loads side by side, by load (each list in the same order of loads).
     */
    public static String sideBySide(final List<LoadResult> hub, final List<LoadResult> floor)
    {
        final StringBuilder s = new StringBuilder();
        s.append("| load | p50 us, hub / floor | p99.9 us, hub / floor | p99.99 us, hub / floor | dropped, hub / floor | ")
            .append("quiet windows, hub / floor | their p99.9 us, hub / floor | their p99.99 us, hub / floor |\n");
        s.append("|---:|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < Math.min(hub.size(), floor.size()); i++)
        {
            final LoadResult h = hub.get(i);
            final LoadResult f = floor.get(i);
            final Quiet hq = h.stalls().quiet();
            final Quiet fq = f.stalls().quiet();
            s.append("| ").append(h.percent()).append("% | ")
                .append(pair(h.latencyNs(), f.latencyNs(), 50)).append(" | ")
                .append(pair(h.latencyNs(), f.latencyNs(), 99.9)).append(" | ")
                .append(pair(h.latencyNs(), f.latencyNs(), 99.99)).append(" | ")
                .append(h.dropped()).append(" / ").append(f.dropped()).append(" | ")
                .append(hq.quiet()).append(" of ").append(hq.of()).append(" / ").append(fq.quiet()).append(" of ").append(fq.of()).append(" | ")
                .append(pair(hq.latencyNs(), fq.latencyNs(), 99.9)).append(" | ")
                .append(pair(hq.latencyNs(), fq.latencyNs(), 99.99)).append(" |\n");
        }
        return s.toString();
    }

    private static String pair(final Histogram a, final Histogram b, final double percentile)
    {
        return (a.getTotalCount() == 0 ? "n/a" : us(a.getValueAtPercentile(percentile))) + " / " +
            (b.getTotalCount() == 0 ? "n/a" : us(b.getValueAtPercentile(percentile)));
    }

    private static String quietPercentiles(final Quiet quiet)
    {
        final Histogram h = quiet.latencyNs();
        return h.getTotalCount() == 0 ? "n/a" : us(h.getValueAtPercentile(99.9)) + " / " + us(h.getValueAtPercentile(99.99));
    }

    private static String ms(final long ns)
    {
        return String.format(Locale.ROOT, "%.1f", ns / 1e6);
    }

    private static String percent(final long part, final long whole)
    {
        return whole <= 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", 100.0 * part / whole);
    }

    private static String reasons(final Map<String, Long> counts)
    {
        final StringBuilder out = new StringBuilder();
        for (final Map.Entry<String, Long> e : counts.entrySet())
        {
            if (e.getValue() != 0)
            {
                out.append(out.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }

    /**
     * @return one sentence: whether p99.9 and p99.99 at 70% of the maximum rate meet the goal, with
     * no frame dropped, or that no run at 70% was made.
     */
    public static String goal(final List<LoadResult> results)
    {
        for (final LoadResult r : results)
        {
            if (r.percent() == GOAL_LOAD_PERCENT)
            {
                final long p999 = r.latencyNs().getValueAtPercentile(99.9);
                final long p9999 = r.latencyNs().getValueAtPercentile(99.99);
                final boolean met = p999 <= GOAL_P99_9_NS && p9999 <= GOAL_P99_99_NS && r.dropped() == 0 &&
                    r.latencyNs().getTotalCount() > 0;
                return "Goal (issue 5) at " + GOAL_LOAD_PERCENT + "% of the maximum rate, p99.9 <= " + us(GOAL_P99_9_NS) +
                    " us and p99.99 <= " + us(GOAL_P99_99_NS) + " us with no frame dropped: " + (met ? "MET" : "NOT MET") +
                    " (p99.9 " + us(p999) + " us, p99.99 " + us(p9999) + " us, " + r.dropped() + " dropped)." + quietSentence(r.stalls());
            }
        }
        return "Goal (issue 5) at " + GOAL_LOAD_PERCENT + "% of the maximum rate: not measured (no run at " + GOAL_LOAD_PERCENT + "%).";
    }
}
