package net.dmvpnhub.dataplane;

import net.dmvpnhub.dataplane.Dataplane.ThreadingMode;
import net.dmvpnhub.dataplane.HubHarness.Spoke;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Both threading modes: every spoke to every other through the hub, on the caller's thread and on
 * worker threads. Each receiving spoke decrypts with anti-replay, so a packet encrypted twice
 * with one sequence number (two writers on one outbound SA) would fail; every frame is accounted
 * for, and every slot comes back.
 */
class DataplaneTest
{
    private static final int SPOKES = 4;

    private final HubHarness hub = new HubHarness();
    private final Map<Integer, Spoke> byNbma = new HashMap<>();
    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
    private final EspProcessor esp = new EspProcessor();

    DataplaneTest()
    {
        for (int id = 1; id <= SPOKES; id++)
        {
            final Spoke spoke = hub.spoke(id);
            byNbma.put(spoke.nbma, spoke);
            hub.tables.routes().add(new Route(spoke.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(spoke.tunnel)));
            hub.tables.peers().put(spoke.tunnel, spoke.nbma, spoke.id, PeerTable.Type.DYNAMIC, Long.MAX_VALUE);
        }
    }

    /** Receives what the hub sent: decrypts as the destination spoke, checks it, frees the slot. */
    private int collect(final Dataplane dataplane)
    {
        final long[] batch = new long[64];
        int collected = 0;
        for (final SpscLongRing ring : dataplane.txRings())
        {
            final int n = ring.pollBatch(batch, batch.length);
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)batch[i];
                assertEquals(DecodeStatus.OK, decoder.decode(hub.slab.buffer(), hub.slab.offset(slot), hub.slab.length(slot)));
                final Spoke receiver = byNbma.get(decoder.outer().destination());
                assertNotNull(receiver);
                assertEquals(EspStatus.OK, esp.decrypt(receiver.fromHub, hub.slab.buffer(), decoder.esp().offset(), decoder.esp().capacity()),
                    "each outbound SA has one writer: no sequence number twice, none out of order past the window");
                hub.slab.release(slot);
                collected++;
            }
        }
        return collected;
    }

    private int sendRound(final Dataplane dataplane, final int round)
    {
        int sent = 0;
        for (final Spoke from : hub.spokes)
        {
            for (final Spoke to : hub.spokes)
            {
                if (from != to)
                {
                    final int slot = hub.frameFrom(from, from.host(1), to.host(2 + round % 200), 64, 40 + round % 500);
                    assertTrue(dataplane.rxFor(from.nbma).offer(slot));
                    sent++;
                }
            }
        }
        return sent;
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void invokerModeForwardsEveryFrameOnce(final ThreadingMode mode)
    {
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), mode, 2, 1024))
        {
            int sent = 0;
            int received = 0;
            for (int round = 0; round < 20; round++)
            {
                sent += sendRound(dataplane, round);
                while (dataplane.doWork(round) > 0)
                {
                    received += collect(dataplane);
                }
                received += collect(dataplane);
            }
            assertEquals(sent, received);
            final WorkerCounters totals = dataplane.totals();
            assertEquals(sent, totals.transmitted());
            assertTrue(totals.handedOff() > 0, "frames crossed to the worker owning the outbound SA");
            assertEquals(totals.handedOff(), totals.handedIn());
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }

    /**
     * With back-pressure, a stage that outruns the next one waits instead of dropping: every frame
     * is delivered even though the test offers them in bursts faster than the hub forwards.
     */
    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void workerThreadsWithBackPressureForwardEveryFrameOnce(final ThreadingMode mode) throws Exception
    {
        final HubConfig lossless = HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY).redirect(true).build();
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, lossless, mode, 2, 1024))
        {
            dataplane.start(() -> new BackoffIdleStrategy(1, 1, 1_000, 100_000), SystemNanoClock.INSTANCE);
            int sent = 0;
            int received = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int round = 0; round < 300; round++)
            {
                while (hub.slab.freeSlots() < 2 * SPOKES * SPOKES)
                {
                    received += collect(dataplane);
                }
                sent += sendRound(dataplane, round);
                received += collect(dataplane);
            }
            while (received < sent && System.nanoTime() < deadline)
            {
                received += collect(dataplane);
            }
            dataplane.close();
            received += collect(dataplane);
            final WorkerCounters t = dataplane.totals();
            assertEquals(sent, received, "every frame delivered once; received " + t.received() + " transmitted " + t.transmitted() +
                " punted " + t.punted() + " dropped " + t.dropped() + " handed off " + t.handedOff() + " in " + t.handedIn() +
                " in flight " + dataplane.inFlight() + " free slots " + hub.slab.freeSlots() + dropNames(t));
            assertTrue(dataplane.conserved());
            assertEquals(sent, dataplane.totals().received());
            assertEquals(0, dataplane.totals().dropped());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots(), "slot leak");
        }
    }

    private static String dropNames(final WorkerCounters counters)
    {
        final StringBuilder names = new StringBuilder();
        for (int i = 0; i < DropReasons.COUNT; i++)
        {
            if (counters.drops(i) > 0)
            {
                names.append(' ').append(DropReasons.name(i)).append('=').append(counters.drops(i));
            }
        }
        return names.toString();
    }

    @Test
    void backPressureWithRingsTooSmallForABatchPerInputIsRefused()
    {
        final HubConfig lossless = HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY).redirect(true).build();
        // Two workers: each admits a batch from its injection ring and one handoff ring only with room for three batches (192).
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new Dataplane(hub.slab, hub.tables, lossless, ThreadingMode.RUN_TO_COMPLETION, 2, 128));
        assertEquals("with back-pressure on, the rings of 2 workers need a capacity of at least 192 (a batch of 64 per input and one " +
            "more), not 128", refused.getMessage());
        new Dataplane(hub.slab, hub.tables, lossless, ThreadingMode.RUN_TO_COMPLETION, 2, 256).close();
        // Without back-pressure a full ring is a named drop, so any capacity works.
        new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.RUN_TO_COMPLETION, 2, 4).close();
    }

    @Test
    void aFullHandoffRingIsANamedDrop()
    {
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.PIPELINED, 2, 4))
        {
            final Spoke a = hub.spokes.get(0);
            final Spoke b = hub.spokes.get(1);
            // Only the receive stage runs: the handoff ring (2 frames: pairs of longs) fills up.
            for (int i = 0; i < 4; i++)
            {
                assertTrue(dataplane.rxFor(a.nbma).offer(hub.frameFrom(a, a.host(1), b.host(2), 64, 10)));
            }
            dataplane.workers()[0].doWork(0);
            final WorkerCounters receive = dataplane.workers()[0].counters();
            assertEquals(2, receive.handedOff());
            assertEquals(2, receive.drops(DropReasons.index(Drop.HANDOFF_RING_FULL)));
            assertTrue(receive.conserved());
            assertEquals(2, dataplane.inFlight());
            dataplane.workers()[1].doWork(0);
            assertEquals(2, collect(dataplane));
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }
}
