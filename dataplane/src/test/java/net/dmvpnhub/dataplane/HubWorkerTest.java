package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.dataplane.HubHarness.Delivered;
import net.dmvpnhub.dataplane.HubHarness.Spoke;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.*;

class HubWorkerTest
{
    private static final long SECOND = 1_000_000_000L;

    private HubHarness hub;
    private Spoke a;
    private Spoke b;
    private final Set<Drop> produced = EnumSet.noneOf(Drop.class);

    @BeforeEach
    void setUp()
    {
        hub = new HubHarness();
        a = hub.spoke(1);
        b = hub.spoke(2);
        // The hub routes each spoke's LAN via the spoke's tunnel address (as EIGRP over the tunnel would).
        for (final Spoke spoke : hub.spokes)
        {
            hub.tables.routes().add(new Route(spoke.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(spoke.tunnel)));
        }
        hub.tables.routes().add(new Route(HubHarness.HUB_TUNNEL, 32, RouteSource.CONNECTED, 0, Adjacency.LOCAL));
        hub.tables.routes().add(Route.of("172.16.0.0", 12, RouteSource.STATIC, Adjacency.DISCARD));
    }

    @AfterEach
    void conservedAndNoLeak()
    {
        hub.assertConservedAndNoLeak();
    }

    private void bind(final Spoke spoke)
    {
        hub.tables.peers().put(spoke.tunnel, spoke.nbma, spoke.id, PeerTable.Type.DYNAMIC, 7200 * SECOND);
    }

    private long drops(final Drop drop)
    {
        return hub.worker.counters().drops(DropReasons.index(drop));
    }

    /**
     * VPP's test_mgre, for the hub: no binding, drops counted; binding added, frames leave
     * encapsulated to the right NBMA with the right SA; binding removed, drops again; re-added,
     * works again.
     */
    @Test
    void bindingLifecycle()
    {
        bind(a);
        hub.send(hub.frameFrom(a, a.host(10), b.host(20), 64, 100), 0);
        assertEquals(1, drops(Drop.NO_NHRP_BINDING));
        assertEquals(1, hub.worker.counters().resolutionsRequested());
        final long[] request = new long[1];
        assertEquals(1, hub.resolutions.pollBatch(request, 1));
        assertEquals(b.tunnel & 0xFFFF_FFFFL, request[0], "the control plane is asked to resolve spoke B");

        bind(b);
        hub.send(hub.frameFrom(a, a.host(10), b.host(20), 64, 100), SECOND);
        final Delivered delivered = hub.delivered(b);
        assertNotNull(delivered);
        assertEquals(HubHarness.HUB_NBMA, delivered.outerSource());
        assertEquals(b.nbma, delivered.outerDestination());
        assertEquals(b.hubOutbound.spi(), delivered.spi());
        assertEquals(HubHarness.KEY, delivered.greKey());
        assertEquals(a.host(10), delivered.innerSource());
        assertEquals(b.host(20), delivered.innerDestination());
        assertEquals(63, delivered.ttl());
        assertTrue(hub.tables.peers().takeUsed(b.tunnel), "the binding is marked used");

        assertTrue(hub.tables.peers().remove(b.tunnel));
        hub.send(hub.frameFrom(a, a.host(10), b.host(20), 64, 100), 2 * SECOND);
        assertEquals(2, drops(Drop.NO_NHRP_BINDING));
        assertNull(hub.delivered(b));

        bind(b);
        hub.send(hub.frameFrom(a, a.host(10), b.host(20), 64, 100), 3 * SECOND);
        assertEquals(b.nbma, hub.delivered(b).outerDestination());
        assertEquals(2, hub.worker.counters().transmitted());
        assertEquals(4, hub.worker.counters().received());
    }

    /**
     * A tunnel without {@code tunnel protection} (the Phase 1 lab): plain GRE in, and plain GRE out
     * to a peer that has no SA; the same peer with protection required is a named drop.
     */
    @Test
    void withoutTunnelProtectionFramesLeaveAsPlainGre()
    {
        hub.assertConservedAndNoLeak();
        hub = new HubHarness(HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY).requireEsp(false)
            .redirectIntervalNs(0).resolutionIntervalNs(0).backPressure(false).build());
        a = hub.spoke(1);
        b = hub.spoke(2);
        hub.tables.routes().add(new Route(b.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(b.tunnel)));
        // b is known by a static map and has no SA (SA id 0).
        hub.tables.peers().put(b.tunnel, b.nbma, 0, PeerTable.Type.STATIC, PeerTable.NEVER);

        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 64, 10, false, HubHarness.KEY), 0);
        final long[] one = new long[1];
        assertEquals(1, hub.tx.pollBatch(one, 1));
        final int slot = (int)one[0];
        final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
        assertEquals(DecodeStatus.OK, decoder.decode(hub.slab.buffer(), hub.slab.offset(slot), hub.slab.length(slot)));
        assertEquals(TunnelFrameDecoder.KIND_GRE_IPV4, decoder.kind());
        assertEquals(HubHarness.HUB_NBMA, decoder.outer().source());
        assertEquals(b.nbma, decoder.outer().destination());
        assertEquals(HubHarness.KEY, decoder.gre().key());
        assertEquals(b.host(2), decoder.inner().destination());
        assertEquals(63, decoder.inner().ttl());
        hub.slab.release(slot);
    }

    @Test
    void hairpinRaisesOneRedirectPerPairPerInterval()
    {
        bind(a);
        bind(b);
        for (int i = 0; i < 50; i++)
        {
            hub.send(hub.frameFrom(a, a.host(10), b.host(20), 64, 64), 10 * SECOND + i * 1_000_000L);
            assertNotNull(hub.delivered(b), "a hairpinned frame is still forwarded");
        }
        assertEquals(1, hub.worker.counters().redirectsSignalled());
        assertEquals(49, hub.worker.counters().redirectsSuppressed());
        final long[] signal = new long[2];
        assertTrue(hub.redirects.pollPair(signal));
        assertEquals(a.nbma, (int)(signal[0] >>> 32), "to the source spoke");
        assertEquals(b.tunnel, (int)signal[0], "about the next hop");
        assertEquals(a.host(10), (int)(signal[1] >>> 32));
        assertEquals(b.host(20), (int)signal[1]);

        // Another pair is limited on its own; the same pair again after the interval.
        hub.send(hub.frameFrom(b, b.host(20), a.host(10), 64, 64), 10 * SECOND + 60_000_000L);
        hub.delivered(a);
        hub.send(hub.frameFrom(a, a.host(10), b.host(20), 64, 64), 11 * SECOND + 1);
        hub.delivered(b);
        assertEquals(3, hub.worker.counters().redirectsSignalled());

        // Redirect off: no signal at all.
        final HubHarness quiet = new HubHarness(HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY)
            .resolutionIntervalNs(SECOND).backPressure(false).build());
        final Spoke qa = quiet.spoke(1);
        final Spoke qb = quiet.spoke(2);
        quiet.tables.routes().add(new Route(qb.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(qb.tunnel)));
        quiet.tables.peers().put(qb.tunnel, qb.nbma, qb.id, PeerTable.Type.DYNAMIC, SECOND);
        quiet.send(quiet.frameFrom(qa, qa.host(1), qb.host(2), 64, 64), 0);
        assertEquals(1, quiet.worker.counters().transmitted());
        assertEquals(0, quiet.worker.counters().redirectsSignalled());
        quiet.assertConservedAndNoLeak();
    }

    @Test
    void nhrpFromASpokeIsDecryptedAndPuntedWithItsIngressAddress()
    {
        final org.agrona.concurrent.UnsafeBuffer scratch = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
        final int size = new NhrpPacketWriter().wrap(scratch, 0, 256)
            .header(Nhrp.TYPE_REGISTRATION_REQUEST, 255)
            .mandatory(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, 77, a.nbma, a.tunnel, HubHarness.HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1514, 7200, 0)
            .endExtensions()
            .finish();
        final byte[] registration = java.util.Arrays.copyOf(scratch.byteArray(), size);
        hub.send(hub.frameWithPayload(a, net.dmvpnhub.wire.GreFlyweight.PROTOCOL_NHRP, registration), 0);
        assertEquals(1, hub.worker.counters().puntedNhrp());
        final long[] punted = new long[1];
        assertEquals(1, hub.nhrpPunt.pollBatch(punted, 1));
        final int slot = (int)punted[0];
        assertEquals(a.nbma, hub.slab.ingress(slot), "the control plane learns where it came from");
        final var packet = new net.dmvpnhub.wire.nhrp.NhrpPacket().wrap(hub.slab.buffer(), hub.slab.offset(slot), hub.slab.length(slot));
        assertEquals(DecodeStatus.OK, packet.validate());
        assertEquals(77, packet.requestId());
        hub.slab.release(slot);
        // Unknown GRE protocols are named drops, not punts.
        hub.send(hub.frameWithPayload(a, 0x86DD, new byte[40]), 0);
        assertEquals(1, hub.worker.counters().drops(DropReasons.index(DecodeStatus.GRE_UNKNOWN_PROTOCOL)));
    }

    @Test
    void nhrpPacketsTheControlPlaneInjectsLeaveEncryptedToThePeer()
    {
        bind(a);
        final var buffer = hub.slab.buffer();
        assertTrue(HubWorker.inject(hub.inject, nhrpPacket(a), a.id, a.nbma));
        hub.worker.doWork(0);
        assertEquals(1, hub.worker.counters().injected());
        // Spoke A decrypts what left: GRE with key carrying the NHRP packet.
        final long[] out = new long[1];
        assertEquals(1, hub.tx.pollBatch(out, 1));
        final int sent = (int)out[0];
        final var decoder = new net.dmvpnhub.wire.TunnelFrameDecoder();
        assertEquals(DecodeStatus.OK, decoder.decode(buffer, hub.slab.offset(sent), hub.slab.length(sent)));
        final var esp = new net.dmvpnhub.crypto.EspProcessor();
        assertEquals(EspStatus.OK, esp.decrypt(a.fromHub, buffer, decoder.esp().offset(), decoder.esp().capacity()));
        assertEquals(DecodeStatus.OK, decoder.decodeGre(buffer, esp.innerOffset(), esp.innerLength()));
        assertEquals(net.dmvpnhub.wire.TunnelFrameDecoder.KIND_GRE_NHRP, decoder.kind());
        assertEquals(Nhrp.TYPE_REGISTRATION_REQUEST, decoder.nhrp().type());
        hub.slab.release(sent);
    }

    /**
     * The injection weight: while received frames wait, a duty cycle sends at most the weight of
     * the control plane's packets (and the whole received batch); with nothing received waiting,
     * a whole batch of them. Nothing is lost either way.
     */
    @Test
    void whileFramesWaitTheControlPlaneGetsItsWeightPerCycle()
    {
        hub = new HubHarness(hub.config().withInjectWeight(8));
        a = hub.spoke(1);
        b = hub.spoke(2);
        for (final Spoke spoke : hub.spokes)
        {
            hub.tables.routes().add(new Route(spoke.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(spoke.tunnel)));
        }
        bind(a);
        bind(b);
        final int weight = hub.config().injectWeight();
        assertEquals(8, weight);
        final int injected = 3 * weight;
        for (int i = 0; i < injected; i++)
        {
            assertTrue(HubWorker.inject(hub.inject, nhrpPacket(a), a.id, a.nbma));
        }
        final int received = 10;
        for (int i = 0; i < received; i++)
        {
            assertTrue(hub.rx.offer(hub.frameFrom(a, a.host(10), b.host(20), 64, 100)));
        }
        hub.worker.doWork(0);
        assertEquals(weight, hub.worker.counters().injected(), "received frames waited: the control plane got its weight");
        assertEquals(received, hub.worker.counters().received());
        assertEquals(weight + received, hub.worker.counters().transmitted());
        hub.worker.doWork(1);
        assertEquals(injected, hub.worker.counters().injected(), "nothing received waiting: the rest in one cycle");
        assertEquals(injected + received, hub.worker.counters().transmitted());
        hub.drain();
        assertThrows(IllegalArgumentException.class, () -> hub.config().withInjectWeight(0));
        assertThrows(IllegalArgumentException.class, () -> hub.config().withInjectWeight(HubWorker.BATCH + 1));
        assertEquals(HubWorker.BATCH, hub.config().withInjectWeight(HubWorker.BATCH).injectWeight());
    }

    /** A registration reply-sized NHRP packet from the control plane, in a slot after the tunnel headers' room. */
    private int nhrpPacket(final Spoke to)
    {
        final int nhrpSlot = hub.slab.allocate();
        final var buffer = hub.slab.buffer();
        final int nhrp = hub.slab.offset(nhrpSlot) + net.dmvpnhub.dataplane.frame.FrameSlabDescriptor.TUNNEL_HEADERS;
        final int size = new NhrpPacketWriter().wrap(buffer, nhrp, 512)
            .header(Nhrp.TYPE_REGISTRATION_REQUEST, 255)
            .mandatory(Nhrp.FLAG_REGISTRATION_U, 1, to.nbma, to.tunnel, HubHarness.HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1514, 7200, 0)
            .finish();
        hub.slab.data(nhrpSlot, nhrp, size);
        return nhrpSlot;
    }

    @Test
    void everyDataplaneDropReasonIsProducedAndCounted()
    {
        bind(a);
        bind(b);
        // PLAINTEXT_REFUSED: GRE without ESP.
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 64, 10, false, HubHarness.KEY), 0);
        expect(Drop.PLAINTEXT_REFUSED, 1);
        // UNKNOWN_SPI: an SA the hub does not have.
        final Spoke stranger = new Spoke(9);
        hub.send(hub.frameFrom(stranger, a.host(1), b.host(2), 64, 10), 0);
        expect(Drop.UNKNOWN_SPI, 1);
        // GRE_KEY_MISMATCH.
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 64, 10, true, 1000), 0);
        expect(Drop.GRE_KEY_MISMATCH, 1);
        // TTL_EXPIRED: TTL 1 (and 0).
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 1, 10), 0);
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 0, 10), 0);
        expect(Drop.TTL_EXPIRED, 2);
        // NO_ROUTE.
        hub.send(hub.frameFrom(a, a.host(1), parse("203.0.113.9"), 64, 10), 0);
        expect(Drop.NO_ROUTE, 1);
        // DISCARD_ROUTE: 172.16.0.0/12 to Null0.
        hub.send(hub.frameFrom(a, a.host(1), parse("172.20.1.1"), 64, 10), 0);
        expect(Drop.DISCARD_ROUTE, 1);
        // NO_NHRP_BINDING, NHRP_INCOMPLETE, NHRP_NEGATIVE.
        final Spoke c = hub.spoke(3);
        hub.tables.routes().add(new Route(c.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(c.tunnel)));
        hub.send(hub.frameFrom(a, a.host(1), c.host(2), 64, 10), 0);
        expect(Drop.NO_NHRP_BINDING, 1);
        hub.tables.peers().put(c.tunnel, 0, 0, PeerTable.Type.INCOMPLETE, SECOND);
        hub.send(hub.frameFrom(a, a.host(1), c.host(2), 64, 10), 0);
        expect(Drop.NHRP_INCOMPLETE, 1);
        hub.tables.peers().put(c.tunnel, 0, 0, PeerTable.Type.NEGATIVE, SECOND);
        hub.send(hub.frameFrom(a, a.host(1), c.host(2), 64, 10), 0);
        expect(Drop.NHRP_NEGATIVE, 1);
        // NO_OUTBOUND_SA: a binding whose SA id has no SAs.
        hub.tables.peers().put(c.tunnel, c.nbma, 40, PeerTable.Type.DYNAMIC, SECOND);
        hub.send(hub.frameFrom(a, a.host(1), c.host(2), 64, 10), 0);
        expect(Drop.NO_OUTBOUND_SA, 1);
        // TX_RING_FULL: fill the transmit ring, then one more.
        for (int i = 0; i < hub.tx.capacity(); i++)
        {
            assertTrue(hub.tx.offer(hub.slab.allocate()));
        }
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 64, 10), 0);
        expect(Drop.TX_RING_FULL, 1);
        hub.drain();
        // PUNT_RING_FULL: a frame for the hub itself with the local punt ring full.
        final long[] fill = new long[hub.localPunt.capacity()];
        int slots = 0;
        while (slots < fill.length && hub.localPunt.offer(hub.slab.allocate()))
        {
            slots++;
        }
        hub.send(hub.frameFrom(a, a.host(1), HubHarness.HUB_TUNNEL, 64, 10), 0);
        expect(Drop.PUNT_RING_FULL, 1);
        hub.drain();
        hub.send(hub.frameFrom(a, a.host(1), HubHarness.HUB_TUNNEL, 64, 10), 0);
        assertEquals(1, hub.worker.counters().puntedLocal(), "local delivery is a punt");

        hub.drain();
        // MULTICAST_NOT_FORWARDED: a group beyond the link-local ones.
        hub.send(hub.frameFrom(a, a.host(1), parse("239.1.2.3"), 64, 10), 0);
        expect(Drop.MULTICAST_NOT_FORWARDED, 1);
        // RESERVED_DESTINATION: class E.
        hub.send(hub.frameFrom(a, a.host(1), parse("250.1.2.3"), 64, 10), 0);
        expect(Drop.RESERVED_DESTINATION, 1);

        // HANDOFF_RING_FULL needs two workers: DataplaneTest produces it; ICMP_TO_SELF a hub with a tunnel address: HubIcmpTest;
        // MULTICAST_NO_SLOT and MULTICAST_PEER_GONE a replication (a worker of a Dataplane): MulticastReplicationTest.
        assertEquals(EnumSet.complementOf(EnumSet.of(Drop.HANDOFF_RING_FULL, Drop.ICMP_TO_SELF, Drop.MULTICAST_NO_SLOT,
            Drop.MULTICAST_PEER_GONE)), produced,
            "every Drop reason has a case");
    }

    @Test
    void malformedAndForgedFramesAreNamedDropsFromTheCodecAndCrypto()
    {
        bind(a);
        bind(b);
        // Corrupt the outer IPv4 checksum.
        final int badChecksum = hub.frameFrom(a, a.host(1), b.host(2), 64, 10);
        hub.slab.buffer().putByte(hub.slab.offset(badChecksum) + 8, (byte)7);
        hub.send(badChecksum, 0);
        assertEquals(1, hub.worker.counters().drops(DropReasons.index(DecodeStatus.IPV4_BAD_CHECKSUM)));
        // Flip a ciphertext bit: the ICV fails.
        final int forged = hub.frameFrom(a, a.host(1), b.host(2), 64, 10);
        final int at = hub.slab.offset(forged) + 40;
        hub.slab.buffer().putByte(at, (byte)(hub.slab.buffer().getByte(at) ^ 1));
        hub.send(forged, 0);
        assertEquals(1, hub.worker.counters().drops(DropReasons.index(EspStatus.AUTHENTICATION_FAILED)));
        // A replayed frame: the same bytes twice.
        final int original = hub.frameFrom(a, a.host(1), b.host(2), 64, 10);
        final int copy = hub.slab.allocate();
        hub.slab.buffer().putBytes(hub.slab.offset(copy), hub.slab.buffer(), hub.slab.offset(original), hub.slab.length(original));
        hub.slab.data(copy, hub.slab.offset(copy), hub.slab.length(original));
        hub.send(original, 0);
        assertNotNull(hub.delivered(b));
        hub.send(copy, 0);
        assertEquals(1, hub.worker.counters().drops(DropReasons.index(EspStatus.REPLAY_DUPLICATE)));
        assertEquals("esp-replay-duplicate", DropReasons.name(DropReasons.index(EspStatus.REPLAY_DUPLICATE)));
        // And the next good frame still goes through.
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 64, 10), 0);
        assertNotNull(hub.delivered(b));
    }

    /**
     * One duty cycle's batch mixing every fate: each stage drops or punts some frames and passes
     * the rest on, and what leaves still leaves in arrival order, to the right peer under the right
     * SA, with anti-replay applied in order within the batch.
     */
    @Test
    void aMixedBatchEndsEachFrameAsIfItCameAlone()
    {
        bind(a);
        bind(b);
        final Spoke c = hub.spoke(3);
        hub.tables.routes().add(new Route(c.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(c.tunnel)));
        final Spoke stranger = new Spoke(9);
        final org.agrona.concurrent.UnsafeBuffer scratch = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
        final int size = new NhrpPacketWriter().wrap(scratch, 0, 256)
            .header(Nhrp.TYPE_REGISTRATION_REQUEST, 255)
            .mandatory(Nhrp.FLAG_REGISTRATION_U, 5, a.nbma, a.tunnel, HubHarness.HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1514, 7200, 0)
            .endExtensions()
            .finish();

        final int first = hub.frameFrom(a, a.host(1), b.host(2), 64, 10);
        final int replayed = hub.slab.allocate();
        hub.slab.buffer().putBytes(hub.slab.offset(replayed), hub.slab.buffer(), hub.slab.offset(first), hub.slab.length(first));
        hub.slab.data(replayed, hub.slab.offset(replayed), hub.slab.length(first));
        final int badChecksum = hub.frameFrom(b, b.host(1), a.host(2), 64, 10);
        hub.slab.buffer().putByte(hub.slab.offset(badChecksum) + 8, (byte)7);
        final int[] batch = {
            first,
            badChecksum,
            hub.frameFrom(stranger, a.host(1), b.host(2), 64, 10),
            hub.frameFrom(b, b.host(3), a.host(4), 64, 10),
            hub.frameWithPayload(a, net.dmvpnhub.wire.GreFlyweight.PROTOCOL_NHRP, java.util.Arrays.copyOf(scratch.byteArray(), size)),
            hub.frameFrom(a, a.host(1), b.host(2), 1, 10),
            replayed,
            hub.frameFrom(b, b.host(1), parse("203.0.113.9"), 64, 10),
            hub.frameFrom(a, a.host(1), parse("172.20.1.1"), 64, 10),
            hub.frameFrom(b, b.host(1), HubHarness.HUB_TUNNEL, 64, 10),
            hub.frameFrom(a, a.host(5), c.host(6), 64, 10),
            hub.frameFrom(a, a.host(7), b.host(8), 9, 10),
        };
        for (final int slot : batch)
        {
            assertTrue(hub.rx.offer(slot));
        }
        assertEquals(batch.length, hub.worker.doWork(SECOND));

        final Delivered one = hub.delivered(b);
        assertEquals(new Delivered(HubHarness.HUB_NBMA, b.nbma, b.hubOutbound.spi(), a.host(1), b.host(2), 63, HubHarness.KEY), one);
        final Delivered two = hub.delivered(a);
        assertEquals(new Delivered(HubHarness.HUB_NBMA, a.nbma, a.hubOutbound.spi(), b.host(3), a.host(4), 63, HubHarness.KEY), two);
        final Delivered three = hub.delivered(b);
        assertEquals(new Delivered(HubHarness.HUB_NBMA, b.nbma, b.hubOutbound.spi(), a.host(7), b.host(8), 8, HubHarness.KEY), three);
        assertNull(hub.delivered(b), "three frames leave, no more");

        final WorkerCounters counters = hub.worker.counters();
        assertEquals(batch.length, counters.received());
        assertEquals(3, counters.transmitted());
        assertEquals(1, counters.puntedNhrp());
        assertEquals(1, counters.puntedLocal());
        assertEquals(1, counters.drops(DropReasons.index(DecodeStatus.IPV4_BAD_CHECKSUM)));
        assertEquals(1, counters.drops(DropReasons.index(EspStatus.REPLAY_DUPLICATE)), "the copy comes after its original");
        expect(Drop.UNKNOWN_SPI, 1);
        expect(Drop.TTL_EXPIRED, 1);
        expect(Drop.NO_ROUTE, 1);
        expect(Drop.DISCARD_ROUTE, 1);
        expect(Drop.NO_NHRP_BINDING, 1);
        assertEquals(1, counters.resolutionsRequested());
        final long[] resolution = new long[1];
        assertEquals(1, hub.resolutions.pollBatch(resolution, 1));
        assertEquals(c.tunnel, (int)resolution[0]);
        final long[] punted = new long[1];
        assertEquals(1, hub.localPunt.pollBatch(punted, 1));
        assertEquals(b.nbma, hub.slab.ingress((int)punted[0]), "the local punt keeps its own ingress address");
        hub.slab.release((int)punted[0]);
        assertEquals(1, hub.nhrpPunt.pollBatch(punted, 1));
        assertEquals(a.nbma, hub.slab.ingress((int)punted[0]));
        hub.slab.release((int)punted[0]);
        // One redirect per pair: a to b (twice, the second suppressed), b to a.
        assertEquals(2, counters.redirectsSignalled());
        assertEquals(1, counters.redirectsSuppressed());
    }

    private void expect(final Drop drop, final long count)
    {
        assertEquals(count, drops(drop), drop.name());
        produced.add(drop);
    }
}
