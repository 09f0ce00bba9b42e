package net.dmvpnhub.bench.runners;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.bench.fixtures.SelfFedLane;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Two workers against one with self-fed lanes: the lanes' sharding and replay rule, and one small run. Behaviour only, no timing. */
class WorkerScalingRunTest
{
    @Test
    void lanesSplitTheFramesBySenderAndEveryFrameCrossesTheHubAcrossWraps()
    {
        try (HairpinTraffic traffic = new HairpinTraffic(64, 256, "64", 2, 7))
        {
            final Dataplane dataplane = new Dataplane(new FrameSlab(512, FrameSlabDescriptor.DEFAULT_SLOT_SIZE), traffic.tables(),
                HairpinTraffic.config(), Dataplane.ThreadingMode.RUN_TO_COMPLETION, 2, 256);
            final SelfFedLane zero = new SelfFedLane(traffic, dataplane, 0);
            final SelfFedLane one = new SelfFedLane(traffic, dataplane, 1);
            assertEquals(traffic.frames(), zero.frames() + one.frames(), "each frame belongs to exactly one lane");
            assertTrue(zero.frames() > 0 && one.frames() > 0);
            // Five passes of each lane's frames, stepped in turn on this thread; a wrong replay reset would drop frames.
            long now = 0;
            for (int steps = 0; zero.passes() < 5 || one.passes() < 5; steps++)
            {
                assertTrue(steps < 100_000, () -> "lanes stuck: passes " + zero.passes() + " and " + one.passes() + ", sent " + zero.sent() +
                    " and " + one.sent() + ", " + dataplane.totals());
                now += 1000;
                zero.step(now, true);
                one.step(now, true);
            }
            for (int steps = 0; !(zero.empty() && one.empty() && dataplane.inFlight() == 0); steps++)
            {
                assertTrue(steps < 1000, "the hub did not empty");
                now += 1000;
                zero.step(now, false);
                one.step(now, false);
            }
            assertEquals(0, dataplane.totals().dropped(), () -> "drops: " + dataplane.totals());
            assertTrue(dataplane.conserved());
            assertEquals(zero.sent() + one.sent(), zero.transmitted() + one.transmitted());
            assertTrue(dataplane.totals().handedOff() > 0, "some frames crossed to the other worker's SA");
            assertEquals(dataplane.slab().slots(), dataplane.slab().freeSlots());
        }
    }

    @Test
    void optionsTakeSpokesBesideTheSlicesOptions()
    {
        final WorkerScalingRun.Options o = WorkerScalingRun.Options.parse("--sizes", "1400", "--spokes", "1000", "--pairs", "6");
        assertEquals(1000, o.spokes());
        assertEquals(List.of("1400"), o.slices().sizes());
        assertEquals(6, o.slices().pairs());
        assertEquals(WorkerScalingRun.DEFAULT_SPOKES, WorkerScalingRun.Options.parse().spokes());
        assertEquals("--spokes must be a whole number from 4 to 100000, not '3'",
            assertThrows(IllegalArgumentException.class, () -> WorkerScalingRun.Options.parse("--spokes", "3")).getMessage());
        assertEquals("--spokes must be a whole number from 4 to 100000, not 'many'",
            assertThrows(IllegalArgumentException.class, () -> WorkerScalingRun.Options.parse("--spokes", "many")).getMessage());
        assertEquals("--spokes needs a value, see --help", assertThrows(IllegalArgumentException.class, () -> WorkerScalingRun.Options.parse("--spokes")).getMessage());
        assertEquals("unknown option --forks; the options are --sizes, --pairs, --slice-ms, --warmup-ms, --spokes (see --help)",
            assertThrows(IllegalArgumentException.class, () -> WorkerScalingRun.Options.parse("--forks", "2")).getMessage());
    }

    @Test
    void aSmallRunMeasuresBothConfigurationsInPairsAndChecksConservation()
    {
        final WorkerScalingRun.Options options = new WorkerScalingRun.Options(new PairedRatioRun.Options(List.of("IMIX"), 4, 20, 0,
            List.of(net.dmvpnhub.crypto.CryptoProvider.preferred()), List.of(true)), 500);
        try (WorkerScalingRun run = new WorkerScalingRun())
        {
            final WorkerScalingRun.SizeResult result = run.measure("IMIX", options,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(4, result.pairs().size());
            for (final WorkerScalingRun.Pair p : result.pairs())
            {
                assertTrue(p.one().frames() > 0 && p.two().frames() > 0);
                assertTrue(p.one().wallNs() >= 20_000_000L && p.two().wallNs() >= 20_000_000L, "each slice lasts at least its length");
                assertTrue(p.scaling() > 0 && Double.isFinite(p.scaling()));
                assertTrue(p.cpuCost() > 0 && Double.isFinite(p.cpuCost()));
            }
            assertTrue(result.conservation().contains("dropped 0"), result.conservation());
            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            WorkerScalingRun.report(options, List.of(result), null, new PrintStream(text, true, StandardCharsets.UTF_8));
            final String report = text.toString(StandardCharsets.UTF_8);
            assertTrue(report.contains("\n| IMIX | 4 | "), report);
            assertTrue(report.contains("- IMIX B: 1 worker: received "), report);
        }
    }
}
