package net.dmvpnhub.bench.runners;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The markdown summary of a {@link StormRun}: the set-up, one row per round, medians over the
 * measured rounds against the project's goals, and the final checks. Every figure says what it is.
 */
final class StormReport
{
    /** The goal: 10,000 spokes in at most 100 ms of control-plane CPU, 100,000 in at most 1 s. */
    static final double GOAL_CPU_NS_PER_SPOKE = 10_000;
    /** The goal: the dataplane at least 90% of steady state during a storm. */
    static final double GOAL_RATIO = 0.90;

    private final StormRun.Options options;
    private final List<StormRun.Round> rounds;
    private final String failure;

    StormReport(final StormRun.Options options, final List<StormRun.Round> rounds, final String failure)
    {
        this.options = options;
        this.rounds = rounds;
        this.failure = failure;
    }

    void print(final PrintStream out)
    {
        out.println("## Registration storm during forwarding (`StormRun`)");
        out.println();
        out.printf(Locale.ROOT, "- storm: %d spokes, each IKE (simulated, on the NHS thread) then one Registration Request (NHRP in GRE in " +
            "ESP AES-GCM-128), at most %d unanswered at a time%n", options.stormSpokes(), options.window());
        out.printf(Locale.ROOT, "- forwarding: hairpin frames among %d provisioned spokes, inner size %s, a ring of %d pre-encrypted frames%n",
            options.forwardingSpokes(), options.size(), options.frames());
        out.printf(Locale.ROOT, "- rounds: %d warm-up + %d measured, in this one JVM; each a hub restart (new tables, dataplane and NHS, the " +
            "forwarding spokes provisioned again), then a steady window of %d ms (no storm), a storm window (first IKE request to last " +
            "Registration Reply transmitted) and a second steady window of %d ms; the ratio is the storm's hairpin frames/s over both " +
            "steady windows'%n", options.warmupRounds(), options.rounds(), options.steadyMs(), options.steadyMs());
        out.printf(Locale.ROOT, "- threads: exactly two busy, on %d available processors: (1) the outside world plus the hub's one dataplane " +
            "worker, run to completion, never idle; (2) the NHS agent, %s%n",
            Runtime.getRuntime().availableProcessors(), "busy".equals(options.nhsIdle()) ? "busy-spinning when idle" :
                "backing off to sleep when idle (NhrpServer.newIdleStrategy: no park while it finds a backlog, otherwise parks from 50 us " +
                "doubling to 1 ms)");
        out.printf(Locale.ROOT, "- the worker sends at most %d of the NHS's packets per duty cycle while hairpin frames wait " +
            "(`--inject-weight`; a duty cycle takes up to 64 received frames; 64 weighs them alike), and the NHS handles no more " +
            "requests than their answers have room for in the injection ring%n", options.injectWeight());
        out.printf(Locale.ROOT, "- JVM: %s %s, flags %s%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
            ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.println();
        out.println("| round | hairpin frames/s, steady before | hairpin frames/s, storm | hairpin frames/s, steady after | " +
            "ratio storm/steady | storm wall (ms) | " +
            "NHS thread CPU in storm (ms) | of which NHRP (ms) | of which simulated IKE (ms) | of which redirects (ms) | " +
            "of which the harvest of used marks (ms) | of which the rest: idle wake-ups, timers (ms) | registrations accepted | " +
            "requests decrypted and punted | replies encrypted and sent | worker frames/s steady (all) | worker frames/s storm (all, storm's own included) | " +
            "NHS thread CPU in the steady window before (ms) | of which redirects (ms) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final StormRun.Round r : rounds)
        {
            out.printf(Locale.ROOT, "| %d%s | %.0f | %.0f | %.0f | %.3f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %.0f | %.0f | %.1f | " +
                    "%.1f |%n",
                r.index(), r.warmup() ? " (warm-up)" : "", r.steady().hairpinPerSecond(), r.storm().hairpinPerSecond(),
                r.steadyAfter().hairpinPerSecond(), r.ratio(),
                r.storm().ns() / 1e6, r.nhsCpuNs() / 1e6, r.nhsNhrpNs() / 1e6, r.nhsIkeNs() / 1e6, r.nhsRedirectNs() / 1e6, r.nhsHarvestNs() / 1e6,
                r.nhsRestNs() / 1e6,
                r.registered(), r.storm().stormRequests(), r.storm().stormReplies(), r.steady().workerFramesPerSecond(),
                r.storm().workerFramesPerSecond(), r.nhsSteadyCpuNs() / 1e6, r.nhsSteadyRedirectNs() / 1e6);
        }
        out.println();
        out.println("Per window, what else happened on the machine: collections (count / ms, all collectors, in this JVM), JIT " +
            "compilation (ms the compiler threads spent, in this JVM: a third thread wanting a processor) and CPU " +
            "pressure (the share of the window during which some runnable thread, ours or another process's, waited for a processor: " +
            "Linux PSI \"some\"; with exactly two busy threads on two processors it stays near 0 unless something else runs).");
        out.println();
        out.println("| round | GC steady before | GC storm | GC steady after | JIT ms steady before | JIT ms storm | " +
            "JIT ms steady after | CPU pressure % steady before | CPU pressure % storm | " +
            "CPU pressure % steady after | redirect signals/s to the NHS, steady before | redirect signals/s, storm | " +
            "hairpin stalls (cycles with no hairpin frame to offer; 0 expected) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final StormRun.Round r : rounds)
        {
            out.printf(Locale.ROOT, "| %d%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f | %d |%n", r.index(),
                r.warmup() ? " (warm-up)" : "", gc(r.steady()), gc(r.storm()), gc(r.steadyAfter()), jit(r.steady()), jit(r.storm()),
                jit(r.steadyAfter()), pressure(r.steady()), pressure(r.storm()), pressure(r.steadyAfter()),
                r.steady().redirectSignalsPerSecond(), r.storm().redirectSignalsPerSecond(),
                r.steady().hairpinStalls() + r.storm().hairpinStalls() + r.steadyAfter().hairpinStalls());
        }
        final List<StormRun.Round> measured = rounds.stream().filter(r -> !r.warmup()).toList();
        out.println();
        if (!measured.isEmpty())
        {
            final double ratio = median(measured, StormRun.Round::ratio);
            final double workerRatio = median(measured, StormRun.Round::workerRatio);
            final double cpuMs = median(measured, r -> r.nhsCpuNs() / 1e6);
            final double nhrpMs = median(measured, r -> r.nhsNhrpNs() / 1e6);
            final double ikeMs = median(measured, r -> r.nhsIkeNs() / 1e6);
            final double goalMs = options.stormSpokes() * GOAL_CPU_NS_PER_SPOKE / 1e6;
            out.printf(Locale.ROOT, "Over the %d measured rounds (median; min and max):%n%n", measured.size());
            out.printf(Locale.ROOT, "- forwarding during the storm / steady (hairpin frames/s): %.3f (%.3f to %.3f); goal at least %.2f: %s%n",
                ratio, min(measured, StormRun.Round::ratio), max(measured, StormRun.Round::ratio), GOAL_RATIO, ratio >= GOAL_RATIO ? "met" : "not met");
            out.printf(Locale.ROOT, "- every frame the worker handled during the storm / steady (frames/s, the storm's own requests and " +
                "replies included): %.3f (%.3f to %.3f); not the goal's measure, which counts the hairpin frames only%n", workerRatio,
                min(measured, StormRun.Round::workerRatio), max(measured, StormRun.Round::workerRatio));
            out.printf(Locale.ROOT, "- NHS thread CPU to converge %d spokes: %.1f ms (%.1f to %.1f); goal at most %.0f ms: %s%n",
                options.stormSpokes(), cpuMs, min(measured, r -> r.nhsCpuNs() / 1e6), max(measured, r -> r.nhsCpuNs() / 1e6), goalMs,
                cpuMs <= goalMs ? "met" : "not met");
            out.printf(Locale.ROOT, "- of which handling NHRP (parse, cache, peer table and LAN route, reply): %.1f ms (%.1f to %.1f); " +
                "against the same goal: %s%n", nhrpMs, min(measured, r -> r.nhsNhrpNs() / 1e6), max(measured, r -> r.nhsNhrpNs() / 1e6),
                nhrpMs <= goalMs ? "met" : "not met");
            out.printf(Locale.ROOT, "- of which simulated IKE (key derivation, SA pairs built and installed): %.1f ms (%.1f to %.1f)%n", ikeMs,
                min(measured, r -> r.nhsIkeNs() / 1e6), max(measured, r -> r.nhsIkeNs() / 1e6));
            final double workMs = median(measured, r -> (r.nhsNhrpNs() + r.nhsIkeNs()) / 1e6);
            out.printf(Locale.ROOT, "- NHRP and simulated IKE together, the NHS's work without its idle polling: %.1f ms (%.1f to %.1f); " +
                "against the same goal: %s%n", workMs, min(measured, r -> (r.nhsNhrpNs() + r.nhsIkeNs()) / 1e6),
                max(measured, r -> (r.nhsNhrpNs() + r.nhsIkeNs()) / 1e6), workMs <= goalMs ? "met" : "not met");
            out.printf(Locale.ROOT, "- of the NHS thread's CPU in the storm, the hairpin traffic's redirect signals (rate limit, Traffic " +
                "Indications built and queued; not the storm's work): %.1f ms (%.1f to %.1f); the harvest of used marks (once a second, " +
                "every cache entry): %.1f ms (%.1f to %.1f); the rest, which no account holds (idle wake-ups while the worker paces the " +
                "answers, timers): %.1f ms (%.1f to %.1f)%n",
                median(measured, r -> r.nhsRedirectNs() / 1e6), min(measured, r -> r.nhsRedirectNs() / 1e6),
                max(measured, r -> r.nhsRedirectNs() / 1e6), median(measured, r -> r.nhsHarvestNs() / 1e6),
                min(measured, r -> r.nhsHarvestNs() / 1e6), max(measured, r -> r.nhsHarvestNs() / 1e6), median(measured, r -> r.nhsRestNs() / 1e6),
                min(measured, r -> r.nhsRestNs() / 1e6), max(measured, r -> r.nhsRestNs() / 1e6));
            out.printf(Locale.ROOT, "- storm wall time: %.1f ms (%.1f to %.1f)%n", median(measured, r -> r.storm().ns() / 1e6),
                min(measured, r -> r.storm().ns() / 1e6), max(measured, r -> r.storm().ns() / 1e6));
            out.println();
        }
        out.println(failure == null
            ? "Checks: every round, every storm spoke registered with one request (no NAK, nothing ignored by the NHS); at the end the " +
                "worker's received + injected = transmitted + punted + dropped, no frame dropped, every slab slot returned."
            : "**The run failed**: " + failure);
    }

    private static String gc(final StormRun.Window w)
    {
        return w.gcCount() + " / " + w.gcMs();
    }

    private static String jit(final StormRun.Window w)
    {
        return w.jitMs() < 0 ? "n/a" : Long.toString(w.jitMs());
    }

    private static String pressure(final StormRun.Window w)
    {
        return Double.isNaN(w.cpuPressurePercent()) ? "n/a" : String.format(Locale.ROOT, "%.1f", w.cpuPressurePercent());
    }

    private static double median(final List<StormRun.Round> rounds, final ToDoubleFunction<StormRun.Round> f)
    {
        final double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(final List<StormRun.Round> rounds, final ToDoubleFunction<StormRun.Round> f)
    {
        return rounds.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(final List<StormRun.Round> rounds, final ToDoubleFunction<StormRun.Round> f)
    {
        return Arrays.stream(rounds.stream().mapToDouble(f).toArray()).max().orElse(Double.NaN);
    }
}
