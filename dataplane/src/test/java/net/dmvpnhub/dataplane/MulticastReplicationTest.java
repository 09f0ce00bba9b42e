package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.Dataplane.ThreadingMode;
import net.dmvpnhub.dataplane.HubHarness.Spoke;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Replication of a multicast packet to the tunnel's multicast peers ({@link Dataplane#injectMulticast}):
 * one copy per peer, each decrypted at that peer with its own SA; bounded per duty cycle while
 * unicast waits; every copy counted, a copy that cannot be made a named drop, every slot back.
 */
class MulticastReplicationTest
{
    private static final int EIGRP_GROUP = Ipv4Address.parse("224.0.0.10");
    private static final int PROTOCOL_EIGRP = 88;
    private static final int PAYLOAD = 40;

    private final HubHarness hub = new HubHarness();
    private final Map<Integer, Spoke> byNbma = new HashMap<>();
    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
    private final EspProcessor esp = new EspProcessor();

    private List<Spoke> spokes(final int count)
    {
        final List<Spoke> spokes = new ArrayList<>();
        for (int id = 1; id <= count; id++)
        {
            final Spoke spoke = hub.spoke(id);
            byNbma.put(spoke.nbma, spoke);
            spokes.add(spoke);
        }
        return spokes;
    }

    private void publish(final List<Spoke> members)
    {
        final long[] list = new long[members.size()];
        for (int i = 0; i < list.length; i++)
        {
            list[i] = HubTables.multicastPeer(members.get(i).id, members.get(i).nbma);
        }
        hub.tables.multicastPeers(list);
    }

    /** A packet the hub's routing protocol sends to its link-local group, in a slot as the control plane builds it. */
    private int hello()
    {
        final int slot = hub.slab.allocate();
        assertTrue(slot >= 0);
        final UnsafeBuffer buffer = hub.slab.buffer();
        final int at = hub.slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + PAYLOAD;
        new Ipv4Flyweight().wrap(buffer, at, length)
            .writeHeader(0xC0, length, 1, 0, 2, PROTOCOL_EIGRP, HubHarness.HUB_TUNNEL, EIGRP_GROUP);
        for (int i = 0; i < PAYLOAD; i++)
        {
            buffer.putByte(at + Ipv4Flyweight.MIN_HEADER_LENGTH + i, (byte)(i * 7));
        }
        hub.slab.data(slot, at, length);
        return slot;
    }

    /** Takes every frame transmitted, decrypts each as the spoke it is addressed to; counts copies by spoke. */
    private Map<Integer, Integer> collect(final Dataplane dataplane, final Map<Integer, Integer> copies)
    {
        final long[] batch = new long[256];
        for (final SpscLongRing ring : dataplane.txRings())
        {
            final int n = ring.pollBatch(batch, batch.length);
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)batch[i];
                assertEquals(DecodeStatus.OK, decoder.decode(hub.slab.buffer(), hub.slab.offset(slot), hub.slab.length(slot)));
                assertEquals(HubHarness.HUB_NBMA, decoder.outer().source());
                final Spoke receiver = byNbma.get(decoder.outer().destination());
                assertNotNull(receiver, "a copy goes to a multicast peer's NBMA address");
                assertEquals(EspStatus.OK, esp.decrypt(receiver.fromHub, hub.slab.buffer(), decoder.esp().offset(), decoder.esp().capacity()),
                    "each copy is encrypted under its peer's own SA, with a sequence number of that SA");
                assertEquals(DecodeStatus.OK, decoder.decodeGre(hub.slab.buffer(), esp.innerOffset(), esp.innerLength()));
                assertEquals(HubHarness.KEY, decoder.gre().key());
                final Ipv4Flyweight inner = decoder.inner();
                if (inner.destination() == EIGRP_GROUP)
                {
                    assertEquals(PROTOCOL_EIGRP, inner.protocol());
                    assertEquals(HubHarness.HUB_TUNNEL, inner.source());
                    assertEquals(2, inner.ttl(), "a copy is the packet as the control plane built it");
                    for (int b = 0; b < PAYLOAD; b++)
                    {
                        assertEquals((byte)(b * 7), hub.slab.buffer().getByte(inner.payloadOffset() + b));
                    }
                    copies.merge(receiver.id, 1, Integer::sum);
                }
                hub.slab.release(slot);
            }
        }
        return copies;
    }

    private void runUntilIdle(final Dataplane dataplane, final Map<Integer, Integer> copies)
    {
        for (int cycle = 0; cycle < 10_000; cycle++)
        {
            final int work = dataplane.doWork(cycle);
            collect(dataplane, copies);
            if (work == 0)
            {
                return;
            }
        }
        fail("the dataplane never went idle");
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void aMulticastPacketLeavesOncePerPeerEachUnderThatPeersSa(final ThreadingMode mode)
    {
        final List<Spoke> spokes = spokes(150);
        publish(spokes);
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), mode, 2, 1024))
        {
            final Map<Integer, Integer> copies = new HashMap<>();
            for (int packet = 1; packet <= 3; packet++)
            {
                assertTrue(dataplane.injectMulticast(hello()));
                runUntilIdle(dataplane, copies);
                for (final Spoke spoke : spokes)
                {
                    assertEquals(packet, copies.getOrDefault(spoke.id, 0), "spoke " + spoke.id + " got one copy of each packet");
                }
            }
            final WorkerCounters totals = dataplane.totals();
            assertEquals(3, totals.multicastPackets());
            assertEquals(3L * spokes.size(), totals.copies());
            assertEquals(3L * spokes.size(), totals.transmitted());
            assertEquals(mode == ThreadingMode.PIPELINED ? 3 : 6, totals.replicated(), "each worker that sends for an SA took the packet");
            assertEquals(0, totals.dropped());
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots(), "every copy's slot and every worker's packet came back");
        }
    }

    @Test
    void aSpokeLeftOutOfThePublishedListGetsNoCopy()
    {
        final List<Spoke> spokes = spokes(5);
        publish(List.of(spokes.get(0), spokes.get(2), spokes.get(4)));
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.RUN_TO_COMPLETION, 1, 1024))
        {
            final Map<Integer, Integer> copies = new HashMap<>();
            assertTrue(dataplane.injectMulticast(hello()));
            runUntilIdle(dataplane, copies);
            assertEquals(Map.of(1, 1, 3, 1, 5, 1), copies);
            assertEquals(3, hub.tables.multicastPeerCount());
        }
    }

    /**
     * While received frames wait, a duty cycle makes only the replication weight's copies; with
     * none waiting it makes a batch. Unicast is forwarded in the same cycles, none of it dropped.
     */
    @Test
    void replicationIsBoundedPerDutyCycleWhileUnicastWaits()
    {
        final List<Spoke> spokes = spokes(200);
        publish(spokes);
        final HubConfig config = HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY).backPressure(false)
            .replicationWeight(4).build();
        for (final Spoke spoke : spokes.subList(0, 2))
        {
            hub.tables.routes().add(new Route(spoke.lan, 24, RouteSource.EIGRP, 90,
                Adjacency.tunnel(spoke.tunnel)));
            hub.tables.peers().put(spoke.tunnel, spoke.nbma, spoke.id, PeerTable.Type.DYNAMIC, Long.MAX_VALUE);
        }
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, config, ThreadingMode.RUN_TO_COMPLETION, 1, 1024))
        {
            final SpscLongRing rx = dataplane.receiveRings()[0];
            assertTrue(dataplane.injectMulticast(hello()));
            final Map<Integer, Integer> copies = new HashMap<>();
            long unicast = 0;
            for (int cycle = 0; cycle < 10; cycle++)
            {
                // Two cycles' worth of unicast waiting behind each batch: the ring is never empty when the cycle starts.
                while (rx.size() < 2 * HubWorker.BATCH)
                {
                    assertTrue(rx.offer(hub.frameFrom(spokes.get(0), spokes.get(0).host(1), spokes.get(1).host(2), 64, 20)));
                    unicast++;
                }
                final long before = dataplane.totals().copies();
                dataplane.doWork(cycle);
                assertEquals(4, dataplane.totals().copies() - before, "cycle " + cycle + ": the weight's copies, no more");
                collect(dataplane, copies);
            }
            assertEquals(40, dataplane.totals().copies());
            final long received = dataplane.totals().received();
            assertEquals(10L * HubWorker.BATCH, received, "a whole batch of unicast forwarded every cycle meanwhile");
            // Unicast drained, the rest of the replication goes a batch per cycle.
            while (rx.size() > 0)
            {
                dataplane.doWork(100);
                collect(dataplane, copies);
            }
            final long before = dataplane.totals().copies();
            dataplane.doWork(200);
            assertEquals(HubWorker.BATCH, dataplane.totals().copies() - before);
            runUntilIdle(dataplane, copies);
            assertEquals(spokes.size(), copies.size());
            assertEquals(unicast, dataplane.totals().received());
            assertEquals(unicast + spokes.size(), dataplane.totals().transmitted());
            assertEquals(0, dataplane.totals().dropped());
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }

    @Test
    void aCopyWithoutAFreeSlotOrAnOutboundSaIsANamedDrop()
    {
        final List<Spoke> spokes = spokes(4);
        // The third peer is a static multicast address with no SA (SA id 0) while the tunnel requires IPsec.
        hub.tables.multicastPeers(new long[]{
            HubTables.multicastPeer(1, spokes.get(0).nbma), HubTables.multicastPeer(2, spokes.get(1).nbma),
            HubTables.multicastPeer(0, Ipv4Address.parse("203.0.113.9")), HubTables.multicastPeer(4, spokes.get(3).nbma)});
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.RUN_TO_COMPLETION, 1, 1024))
        {
            final int packet = hello();
            // Every other slot taken: the worker's first copy finds the pool empty.
            final List<Integer> held = new ArrayList<>();
            for (int slot = hub.slab.allocate(); slot >= 0; slot = hub.slab.allocate())
            {
                held.add(slot);
            }
            assertTrue(dataplane.injectMulticast(packet));
            dataplane.doWork(1);
            final WorkerCounters totals = dataplane.totals();
            assertEquals(4, totals.copies());
            assertEquals(4, totals.drops(DropReasons.index(Drop.MULTICAST_NO_SLOT)));
            assertTrue(dataplane.conserved());
            held.forEach(hub.slab::release);

            final Map<Integer, Integer> copies = new HashMap<>();
            assertTrue(dataplane.injectMulticast(hello()));
            runUntilIdle(dataplane, copies);
            assertEquals(Map.of(1, 1, 2, 1, 4, 1), copies);
            assertEquals(1, dataplane.totals().drops(DropReasons.index(Drop.NO_OUTBOUND_SA)), "the peer without an SA");
            assertEquals(8, dataplane.totals().copies());
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }

    @Test
    void aFullMulticastQueueRefusesThePacketAndLeavesTheSlotWithTheCaller()
    {
        publish(spokes(1));
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.RUN_TO_COMPLETION, 1, 1024))
        {
            final List<Integer> queued = new ArrayList<>();
            for (int i = 0; i < Dataplane.MULTICAST_QUEUE_CAPACITY; i++)
            {
                final int slot = hello();
                assertTrue(dataplane.injectMulticast(slot));
                queued.add(slot);
            }
            final int refused = hello();
            assertFalse(dataplane.injectMulticast(refused));
            hub.slab.release(refused);
            runUntilIdle(dataplane, new HashMap<>());
            assertEquals(Dataplane.MULTICAST_QUEUE_CAPACITY, dataplane.totals().multicastPackets());
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }

    /**
     * From a spoke: a link-local group (a neighbour's routing-protocol hello, TTL 1) and the
     * limited broadcast are for the hub itself, punted with the TTL they came with; any other group
     * is not routed and class E never is, each a named drop; no ICMP error about any of them.
     */
    @Test
    void multicastFromASpokeIsPuntedWhenLinkLocalAndOtherwiseANamedDrop()
    {
        final Spoke spoke = spokes(1).get(0);
        hub.send(hub.frameFrom(spoke, spoke.host(1), EIGRP_GROUP, 1, 20), 1);
        hub.send(hub.frameFrom(spoke, spoke.host(1), -1, 255, 20), 2);
        hub.send(hub.frameFrom(spoke, spoke.host(1), Ipv4Address.parse("239.1.1.1"), 1, 20), 3);
        hub.send(hub.frameFrom(spoke, spoke.host(1), Ipv4Address.parse("239.1.1.1"), 8, 20), 4);
        hub.send(hub.frameFrom(spoke, spoke.host(1), Ipv4Address.parse("240.0.0.1"), 8, 20), 5);
        final WorkerCounters counters = hub.worker.counters();
        assertEquals(2, counters.puntedLocal());
        assertEquals(2, counters.drops(DropReasons.index(Drop.MULTICAST_NOT_FORWARDED)), "TTL 1 or not, a group beyond 224.0.0.0/24");
        assertEquals(1, counters.drops(DropReasons.index(Drop.RESERVED_DESTINATION)));
        assertEquals(0, counters.drops(DropReasons.index(Drop.TTL_EXPIRED)));
        assertEquals(0, counters.timeExceededSent());
        final long[] punted = new long[4];
        assertEquals(2, hub.localPunt.pollBatch(punted, 4));
        final Ipv4Flyweight inner = new Ipv4Flyweight();
        final int first = (int)punted[0];
        inner.wrap(hub.slab.buffer(), hub.slab.offset(first), hub.slab.length(first));
        assertEquals(EIGRP_GROUP, inner.destination());
        assertEquals(1, inner.ttl(), "a packet for the hub keeps its TTL");
        assertEquals(DecodeStatus.OK, inner.validate());
        assertEquals(spoke.nbma, hub.slab.ingress(first));
        final int second = (int)punted[1];
        inner.wrap(hub.slab.buffer(), hub.slab.offset(second), hub.slab.length(second));
        assertEquals(-1, inner.destination());
        assertEquals(255, inner.ttl(), "a packet for the hub keeps its TTL");
        hub.slab.release(first);
        hub.slab.release(second);
        assertTrue(counters.conserved());
        assertEquals(hub.slab.slots(), hub.slab.freeSlots());
    }

    /**
     * A list published while packets wait changes nothing for them: each is replicated over the
     * list as it was when handed over, by every worker alike, so no peer gets a copy twice or none.
     */
    @Test
    void aListPublishedWhileAPacketWaitsLeavesThatPacketsPeersAsTheyWere()
    {
        final List<Spoke> spokes = spokes(100);
        publish(spokes);
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.RUN_TO_COMPLETION, 2, 1024))
        {
            assertTrue(dataplane.injectMulticast(hello()));
            publish(spokes.subList(0, 10));
            assertTrue(dataplane.injectMulticast(hello()));
            final Map<Integer, Integer> copies = new HashMap<>();
            runUntilIdle(dataplane, copies);
            for (final Spoke spoke : spokes)
            {
                assertEquals(spoke.id <= 10 ? 2 : 1, copies.getOrDefault(spoke.id, 0), "spoke " + spoke.id);
            }
            assertEquals(110, dataplane.totals().copies());
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }

    /**
     * With two workers and unicast waiting at both, each makes at most the weight's copies per
     * cycle, over its own part of the list only: a cycle's work does not depend on how the other
     * worker's peers lie in the list.
     */
    @Test
    void eachOfTwoWorkersMakesAtMostTheWeightsCopiesPerCycle()
    {
        final List<Spoke> spokes = spokes(200);
        // Worker 0 owns the even SA ids: a list of all odd ids first, then the even ones.
        final List<Spoke> skewed = new ArrayList<>(spokes.stream().filter(s -> s.id % 2 == 1).toList());
        skewed.addAll(spokes.stream().filter(s -> s.id % 2 == 0).toList());
        publish(skewed);
        final HubConfig config = HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY).backPressure(false)
            .replicationWeight(3).build();
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, config, ThreadingMode.RUN_TO_COMPLETION, 2, 1024))
        {
            assertTrue(dataplane.injectMulticast(hello()));
            final Map<Integer, Integer> copies = new HashMap<>();
            for (int cycle = 0; cycle < 5; cycle++)
            {
                for (final HubWorker worker : dataplane.workers())
                {
                    // A frame waits at each worker: a spoke whose SA it does not matter which (it is dropped unrouted).
                    final SpscLongRing rx = dataplane.receiveRings()[worker.index()];
                    final Spoke from = spokes.stream().filter(s -> dataplane.rxFor(s.nbma) == rx).findFirst().orElseThrow();
                    assertTrue(rx.offer(hub.frameFrom(from, from.host(1), Ipv4Address.parse("203.0.113.1"), 64, 10)));
                    final long before = worker.counters().copies();
                    worker.doWork(cycle);
                    assertEquals(3, worker.counters().copies() - before, "worker " + worker.index() + ", cycle " + cycle);
                }
                collect(dataplane, copies);
            }
            runUntilIdle(dataplane, copies);
            assertEquals(spokes.size(), copies.size());
            assertEquals(10, dataplane.totals().drops(DropReasons.index(Drop.NO_ROUTE)));
            assertTrue(dataplane.conserved());
            assertEquals(hub.slab.slots(), hub.slab.freeSlots());
        }
    }

    /**
     * A copy whose SA id, by the time the worker reaches it, holds the SAs of another peer (the
     * first one left and its id was given again) is not sent to the old peer under the new
     * peer's SA: a named drop.
     */
    @Test
    void aCopyForAPeerWhoseSaIdWentToAnotherPeerIsANamedDrop()
    {
        final List<Spoke> spokes = spokes(3);
        publish(spokes);
        try (Dataplane dataplane = new Dataplane(hub.slab, hub.tables, hub.config(), ThreadingMode.RUN_TO_COMPLETION, 1, 1024))
        {
            assertTrue(dataplane.injectMulticast(hello()));
            // Spoke 2 leaves; its id 2 now holds SAs bound to another NBMA address.
            final int otherNbma = Ipv4Address.parse("203.0.113.77");
            hub.tables.removePeerSas(2);
            hub.tables.peerSas(2, new PeerSas(boundTo(otherNbma, SecurityAssociation.Direction.OUTBOUND, 0x7001),
                boundTo(otherNbma, SecurityAssociation.Direction.INBOUND, 0x7002)));
            final Map<Integer, Integer> copies = new HashMap<>();
            runUntilIdle(dataplane, copies);
            assertEquals(Map.of(1, 1, 3, 1), copies);
            assertEquals(1, dataplane.totals().drops(DropReasons.index(Drop.MULTICAST_PEER_GONE)));
            assertTrue(dataplane.conserved());
        }
    }

    /** An SA of a new key between the hub and {@code peer}. */
    private static SecurityAssociation boundTo(final int peer, final SecurityAssociation.Direction direction, final int spi)
    {
        final byte[] key = new byte[HubHarness.TRANSFORM.keyMaterialLength()];
        new java.util.SplittableRandom(spi).nextBytes(key);
        return SecurityAssociation.create(CryptoProvider.OPENSSL, HubHarness.TRANSFORM, key, spi, direction, false, peer, HubHarness.HUB_NBMA);
    }
}
