package net.dmvpnhub.trafficgen;

import net.dmvpnhub.dataplane.Dataplane;

import java.util.List;
import java.util.Locale;

/**
 * What set the main job's throughput and latency figures, from the run's own measurements: the
 * spokes' thread, which builds and encrypts every packet the spokes send (the offered load), or
 * the hub worker, and whether either waited for a processor (the machine). Written next to the
 * figures so that a reader does not take the simulation's rate for the hub's capacity. The
 * capacity phase's figure has its own sentence ({@link #capacity}).
 *
 * @param by {@code generator}, {@code hub} or {@code neither}.
 * @param why one sentence with the shares it was decided on.
 */
public record RunBound(String by, String why)
{
    /** The spokes' thread's name as the scheduler shows it ({@code comm}: 15 characters at most). */
    static final String GENERATOR_THREAD = "spokes-and-traf";
    /** The workers' busy share of the capacity rounds above which the hub, not the feeder, set the pace. */
    static final double BUSY_ENOUGH = 0.9;
    /** A thread busy at least this share of the phase is the one that sets the pace. */
    static final double SATURATED = 0.85;
    /** A worker with work less than this share of the phase had capacity to spare. */
    static final double SPARE = 0.5;
    /** Waiting this share of the phase for a processor is named as the machine's part. */
    static final double WAITED = 0.05;

    /**
     * @param generatorCpu the spokes' thread's CPU time over the phase's length (0 to 1).
     * @param generatorWaited its time runnable but waiting for a processor, over the phase's length.
     * @param workerBusy the share of the phase the hub worker had frames to work on (0 to 1).
     * @param workerWaited the hub worker's time waiting for a processor, over the phase's length.
     * @param processors processors of the machine.
     */
    public static RunBound of(
        final double generatorCpu, final double generatorWaited, final double workerBusy, final double workerWaited, final int processors)
    {
        final String machine = generatorWaited >= WAITED || workerWaited >= WAITED ?
            String.format(Locale.ROOT, "; on %d processors the spokes' thread waited %.0f%% of the phase for one and the hub worker %.0f%%",
                processors, 100 * generatorWaited, 100 * workerWaited) : "";
        if (workerBusy >= SATURATED)
        {
            return new RunBound("hub", String.format(Locale.ROOT,
                "the hub worker had frames to work on %.0f%% of the traffic phase: the hub sets these figures%s", 100 * workerBusy, machine));
        }
        if (generatorCpu >= SATURATED && workerBusy < SPARE)
        {
            return new RunBound("generator", String.format(Locale.ROOT,
                "the spokes' thread, which builds and encrypts every packet the spokes send, ran %.0f%% of the traffic phase while " +
                "the hub worker had frames to work on %.0f%% of it: the offered load, not the hub, sets these figures " +
                "(the hub's own capacity: ./dmvpn ratio)%s", 100 * generatorCpu, 100 * workerBusy, machine));
        }
        return new RunBound("neither", String.format(Locale.ROOT,
            "neither the spokes' thread (%.0f%% of the traffic phase on a processor) nor the hub worker (frames to work on %.0f%% " +
            "of it) was saturated: a paced load (--rate), or waits elsewhere%s", 100 * generatorCpu, 100 * workerBusy, machine));
    }

    /**
     * From the scheduler's statistics of the phase: the spokes' thread and the first hub worker of
     * this JVM; a thread not found counts as idle.
     */
    static RunBound of(final List<SchedStat.ThreadStat> threads, final double workerBusy, final double phaseSeconds, final int processors)
    {
        SchedStat.ThreadStat generator = null;
        SchedStat.ThreadStat worker = null;
        for (final SchedStat.ThreadStat t : threads)
        {
            if (t.ours() && generator == null && t.name().equals(GENERATOR_THREAD))
            {
                generator = t;
            }
            if (t.ours() && worker == null && t.name().startsWith(Dataplane.WORKER_THREAD_PREFIX))
            {
                worker = t;
            }
        }
        final double phaseNs = phaseSeconds * 1e9;
        return of(generator == null ? 0 : generator.cpuNs() / phaseNs, generator == null ? 0 : generator.waitNs() / phaseNs, workerBusy,
            worker == null ? 0 : worker.waitNs() / phaseNs, processors);
    }

    /**
     * What set the capacity figure, from the phase's own shares: the feeder (the workers idled for
     * want of frames), the hub on a processor of its own, or the hub sharing its processor (the
     * first worker waited for one a noticeable share of the rounds).
     */
    static String capacity(final CapacityPhase.Result r, final List<SchedStat.ThreadStat> threads)
    {
        if (r.workerBusyFraction() < BUSY_ENOUGH)
        {
            return String.format(Locale.ROOT, "feeder: the workers had work %.0f%% of the rounds, so the one thread copying frames in " +
                "and out (the NIC's stand-in) set the pace and the hub's figure is a lower bound", 100 * r.workerBusyFraction());
        }
        final SchedStat.ThreadStat worker = threads.stream().filter(t -> t.ours() && t.name().startsWith(Dataplane.WORKER_THREAD_PREFIX)).findFirst()
            .orElse(null);
        final double waited = worker == null ? 0 : (double)worker.waitNs() / r.hubNs();
        if (waited >= WAITED)
        {
            final StringBuilder others = new StringBuilder();
            for (final SchedStat.ThreadStat t : threads)
            {
                if (t != worker && t.cpuNs() > r.hubNs() / 20 && others.length() < 200)
                {
                    others.append(others.length() == 0 ? "" : ", ").append(t.label())
                        .append(String.format(Locale.ROOT, " %.0f%%", 100.0 * t.cpuNs() / r.hubNs()));
                }
            }
            return String.format(Locale.ROOT, "hub, sharing its processor: the workers had work %.0f%% of the rounds, but the first " +
                "waited %.0f%% of the rounds' time for a processor while other threads ran (their CPU over the rounds' time: %s); " +
                "on %d processors the figure is below what the hub does on a core of its own (./dmvpn ratio measures that)",
                100 * r.workerBusyFraction(), 100 * waited, others, Runtime.getRuntime().availableProcessors());
        }
        return String.format(Locale.ROOT, "hub: its workers had work %.0f%% of the rounds", 100 * r.workerBusyFraction());
    }
}
