package net.dmvpnhub.bench;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.Dataplane.ThreadingMode;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The source and sink of the threaded benchmarks, driven on the test's thread (the dataplane in
 * invoker mode): many passes through a small frame ring go through the hub's anti-replay check,
 * which only works if each sender's window is reset at the right moment.
 */
class TrafficPortTest
{
    private HairpinTraffic traffic;
    private Dataplane dataplane;

    private TrafficPort port(final int spokes, final int frames, final String size, final ThreadingMode mode, final int workers,
        final int slots)
    {
        traffic = new HairpinTraffic(spokes, frames, size, workers, 7);
        dataplane = new Dataplane(new FrameSlab(slots, FrameSlabDescriptor.DEFAULT_SLOT_SIZE), traffic.tables(), HairpinTraffic.config(),
            mode, workers, 256);
        return new TrafficPort(traffic, dataplane);
    }

    @AfterEach
    void close()
    {
        dataplane.close();
        traffic.close();
    }

    @ParameterizedTest
    @CsvSource({"RUN_TO_COMPLETION, 1, 64", "RUN_TO_COMPLETION, 2, IMIX", "PIPELINED, 2, 1400"})
    void tenPassesThroughTheRingAreAllForwarded(final ThreadingMode mode, final int workers, final String size)
    {
        final TrafficPort port = port(8, 64, size, mode, workers, 256);
        final int frames = 10 * traffic.frames();
        int sent = 0;
        for (int rounds = 0; sent < frames; rounds++)
        {
            assertTrue(rounds < frames, "the source is stuck after " + sent + " frames: " + HubThreadedBenchmark.drops(dataplane.totals()));
            for (int i = 0; i < 24 && sent < frames; i++)
            {
                if (port.sendNext(0) == TrafficPort.Offer.SENT)
                {
                    sent++;
                }
            }
            dataplane.doWork(0);
            port.drain(null, null);
        }
        while (dataplane.doWork(0) > 0)
        {
            port.drain(null, null);
        }
        port.drain(null, null);

        final WorkerCounters totals = dataplane.totals();
        assertEquals(0, totals.dropped(), "no replay (or any) drop: " + HubThreadedBenchmark.drops(totals));
        assertEquals(frames, totals.transmitted());
        assertEquals(frames, port.transmitted());
        assertEquals(0, port.outstanding());
        assertTrue(port.replayResets() >= 9 * 4, "windows reset on each new pass: " + port.replayResets());
        assertTrue(port.checkConservation().startsWith("received " + frames + " = transmitted " + frames + " + punted 0 + dropped 0"));
        assertEquals(dataplane.slab().slots(), dataplane.slab().freeSlots());
    }

    @Test
    void aSenderWaitsUntilItsPreviousPassHasLeftTheHub()
    {
        final TrafficPort port = port(4, 16, "64", ThreadingMode.RUN_TO_COMPLETION, 1, 64);
        for (int i = 0; i < traffic.frames(); i++)
        {
            assertEquals(TrafficPort.Offer.SENT, port.sendNext(0));
        }
        // The whole first pass is still on the receive ring: frame 0's sender must not be reset yet.
        assertEquals(TrafficPort.Offer.REPLAY_WAIT, port.sendNext(0));
        assertEquals(1, port.replayWaits());
        dataplane.doWork(0);
        assertEquals(16, port.drain(null, null));
        assertEquals(TrafficPort.Offer.SENT, port.sendNext(0));
        dataplane.doWork(0);
        assertEquals(1, port.drain(null, null));
        assertEquals(0, dataplane.totals().dropped(), HubThreadedBenchmark.drops(dataplane.totals()));
    }

    @Test
    void theSenderSetsAtTheRingsEndsAreDisjoint()
    {
        port(10, 64, "64", ThreadingMode.RUN_TO_COMPLETION, 1, 64);
        final int boundary = traffic.boundary();
        for (int first = 0; first < boundary; first++)
        {
            for (int last = traffic.frames() - boundary; last < traffic.frames(); last++)
            {
                assertNotEquals(traffic.sender(first), traffic.sender(last));
            }
        }
    }

    @Test
    void aFullReceiveRingIsReportedNotHidden()
    {
        final TrafficPort port = port(4, 1024, "64", ThreadingMode.RUN_TO_COMPLETION, 1, 512);
        int sent = 0;
        TrafficPort.Offer offer;
        while ((offer = port.sendNext(0)) == TrafficPort.Offer.SENT)
        {
            sent++;
        }
        assertEquals(TrafficPort.Offer.RX_FULL, offer);
        assertEquals(256, sent, "the receive ring holds 256 frames");
        assertEquals(256, port.queuedOnReceiveRings());
    }

    @Test
    void anEmptySlabIsReportedNotHidden()
    {
        final TrafficPort port = port(4, 1024, "64", ThreadingMode.RUN_TO_COMPLETION, 1, 64);
        int sent = 0;
        TrafficPort.Offer offer;
        while ((offer = port.sendNext(0)) == TrafficPort.Offer.SENT)
        {
            sent++;
        }
        assertEquals(TrafficPort.Offer.NO_SLOT, offer);
        assertEquals(64, sent);
    }

    @Test
    void latencyIsTheTimeSeenMinusTheStamp()
    {
        final TrafficPort port = port(4, 16, "64", ThreadingMode.RUN_TO_COMPLETION, 1, 64);
        assertEquals(TrafficPort.Offer.SENT, port.sendNext(1_000));
        assertEquals(TrafficPort.Offer.SENT, port.sendNext(4_000));
        dataplane.doWork(0);
        final Histogram h = new Histogram(1_000_000, 3);
        assertEquals(2, port.drain(h, () -> 10_000));
        assertEquals(2, h.getTotalCount());
        assertEquals(6_000, h.getMinValue());
        assertEquals(9_000, h.getValueAtPercentile(100), 8);
    }
}
