package net.dmvpnhub.trafficgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job names what set its figures from the run's own shares: the spokes' thread saturated
 * with a worker to spare is the generator; a worker with work nearly all the time is the hub;
 * waiting for a processor is the machine's part, said next to either.
 */
class RunBoundTest
{
    @Test
    void aSaturatedGeneratorWithAWorkerToSpareIsTheGenerator()
    {
        final RunBound bound = RunBound.of(0.97, 0.017, 0.10, 0.16, 2);
        assertEquals("generator", bound.by());
        assertEquals("the spokes' thread, which builds and encrypts every packet the spokes send, ran 97% of the traffic phase while " +
            "the hub worker had frames to work on 10% of it: the offered load, not the hub, sets these figures (the hub's own capacity: " +
            "./dmvpn ratio); on 2 processors the spokes' thread waited 2% of the phase for one and the hub worker 16%", bound.why());
    }

    @Test
    void aWorkerWithWorkNearlyAllTheTimeIsTheHubAndQuietWaitsAreNotMentioned()
    {
        final RunBound bound = RunBound.of(0.99, 0.0, 0.93, 0.01, 16);
        assertEquals("hub", bound.by());
        assertEquals("the hub worker had frames to work on 93% of the traffic phase: the hub sets these figures", bound.why());
    }

    @Test
    void aPacedLoadIsNeither()
    {
        final RunBound bound = RunBound.of(0.30, 0.0, 0.05, 0.0, 4);
        assertEquals("neither", bound.by());
        assertTrue(bound.why().startsWith("neither the spokes' thread (30% of the traffic phase on a processor) nor the hub worker"), bound.why());
    }

    @Test
    void theThreadsAreFoundByTheirNamesInTheSchedulersStatistics()
    {
        final List<SchedStat.ThreadStat> threads = List.of(
            new SchedStat.ThreadStat(1, 2, "java", "hub-worker-0", true, false, 4_000_000_000L, 1_000_000_000L),
            new SchedStat.ThreadStat(3, 4, "other", "spokes-and-traf", false, false, 10_000_000_000L, 0),
            new SchedStat.ThreadStat(1, 5, "java", "spokes-and-traf", true, false, 9_000_000_000L, 0));
        final RunBound bound = RunBound.of(threads, 0.2, 10, 2);
        assertEquals("generator", bound.by(), "another process's thread of the same name is not ours");
        assertTrue(bound.why().contains("ran 90% of the traffic phase") && bound.why().endsWith("the hub worker 10%"), bound.why());
        assertEquals("neither", RunBound.of(List.of(), 0.2, 10, 2).by(), "no thread found: nothing saturated");
    }

    @Test
    void theCapacityFigureNamesTheFeederTheHubOrTheHubSharingItsProcessor()
    {
        final SchedStat.ThreadStat worker = new SchedStat.ThreadStat(1, 2, "java", "hub-worker-0", true, false, 800_000_000L, 200_000_000L);
        final SchedStat.ThreadStat feeder = new SchedStat.ThreadStat(1, 3, "java", "capacity-feeder", true, false, 900_000_000L, 10_000_000L);
        final SchedStat.ThreadStat quietWorker = new SchedStat.ThreadStat(1, 2, "java", "hub-worker-0", true, false, 990_000_000L, 1_000_000L);
        // One second of rounds; busy 50% of it: the feeder set the pace.
        assertTrue(RunBound.capacity(result(500_000_000L), List.of(worker, feeder)).startsWith("feeder: the workers had work 50% of the rounds"));
        assertEquals("hub: its workers had work 99% of the rounds", RunBound.capacity(result(990_000_000L), List.of(quietWorker, feeder)));
        final String shared = RunBound.capacity(result(990_000_000L), List.of(worker, feeder));
        assertTrue(shared.startsWith("hub, sharing its processor: the workers had work 99% of the rounds, but the first waited 20% of the " +
            "rounds' time for a processor while other threads ran (their CPU over the rounds' time: capacity-feeder (this JVM) 90%)"), shared);
    }

    private static CapacityPhase.Result result(final long busyNs)
    {
        return new CapacityPhase.Result(2, 1000, 100_000, 1_000_000_000L, 500_000_000L, busyNs, 1, 1000, 0, 1, 1, java.util.Map.of(), null, List.of(),
            List.of(), 0);
    }
}
