package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A hub worker with its slab, rings and tables, and simulated spokes that build real frames
 * (inner IPv4/UDP, GRE with key, ESP with the spoke's SA, outer IPv4) and read what the hub sends.
 */
final class HubHarness
{
    static final int HUB_NBMA = parse("198.18.0.1");
    static final int HUB_TUNNEL = parse("10.0.0.1");
    static final long KEY = 999;
    static final Transform TRANSFORM = Transform.AES_GCM_128;

    /** A simulated spoke: its addresses and both directions of its SAs, seen from each end. */
    static final class Spoke
    {
        final int id;
        final int tunnel;
        final int nbma;
        final int lan;
        final SecurityAssociation toHub;
        final SecurityAssociation hubInbound;
        final SecurityAssociation hubOutbound;
        final SecurityAssociation fromHub;

        Spoke(final int id)
        {
            this.id = id;
            this.tunnel = parse("10.0.0.0") + 10 + id;
            this.nbma = parse("198.18.0.2") + (id << 8);
            this.lan = parse("192.168.0.0") + (10 + id << 8);
            final byte[] up = key(id * 2);
            final byte[] down = key(id * 2 + 1);
            toHub = SecurityAssociation.create(CryptoProvider.OPENSSL, TRANSFORM, up, 0x1000 + id, SecurityAssociation.Direction.OUTBOUND, false);
            hubInbound = SecurityAssociation.create(CryptoProvider.OPENSSL, TRANSFORM, up, 0x1000 + id, SecurityAssociation.Direction.INBOUND, false);
            hubOutbound = SecurityAssociation.create(CryptoProvider.OPENSSL, TRANSFORM, down, 0x2000 + id, SecurityAssociation.Direction.OUTBOUND, false);
            fromHub = SecurityAssociation.create(CryptoProvider.OPENSSL, TRANSFORM, down, 0x2000 + id, SecurityAssociation.Direction.INBOUND, false);
        }

        private static byte[] key(final int seed)
        {
            final byte[] key = new byte[TRANSFORM.keyMaterialLength()];
            new java.util.SplittableRandom(seed).nextBytes(key);
            return key;
        }

        int host(final int last)
        {
            return lan | last;
        }
    }

    final FrameSlab slab = new FrameSlab(1024, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
    final HubTables tables = new HubTables(256, 8);
    final SpscLongRing rx = new SpscLongRing(256);
    final SpscLongRing tx = new SpscLongRing(256);
    final SpscLongRing nhrpPunt = new SpscLongRing(256);
    final SpscLongRing localPunt = new SpscLongRing(256);
    final SpscLongRing resolutions = new SpscLongRing(256);
    final SpscLongRing redirects = new SpscLongRing(256);
    final SpscLongRing inject = new SpscLongRing(256);
    final HubWorker worker;
    private final HubConfig config;
    final List<Spoke> spokes = new ArrayList<>();
    private final EspProcessor esp = new EspProcessor();
    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();

    HubHarness(final HubConfig config)
    {
        this.config = config;
        worker = new HubWorker(slab, tables, config, rx, tx, nhrpPunt, localPunt, resolutions, redirects, inject);
    }

    HubHarness()
    {
        this(HubConfig.builder(HUB_NBMA).tunnelKey(KEY).redirect(true).backPressure(false).build());
    }

    HubConfig config()
    {
        return config;
    }

    /** A spoke with its SAs registered at the hub (SA id = spoke id), but no NHRP binding yet. */
    Spoke spoke(final int id)
    {
        final Spoke spoke = new Spoke(id);
        spokes.add(spoke);
        tables.peerSas(id, new PeerSas(spoke.hubOutbound, spoke.hubInbound));
        return spoke;
    }

    /** Builds the frame a spoke sends: inner IPv4/UDP in GRE (key) in ESP in outer IPv4. */
    int frameFrom(final Spoke spoke, final int source, final int destination, final int ttl, final int payloadLength)
    {
        return frameFrom(spoke, source, destination, ttl, payloadLength, true, KEY);
    }

    int frameFrom(final Spoke spoke, final int source, final int destination, final int ttl, final int payloadLength,
        final boolean encrypt, final long greKey)
    {
        final int slot = slab.allocate();
        assertTrue(slot >= 0, "slab exhausted");
        final UnsafeBuffer buffer = slab.buffer();
        final int inner = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        final int innerLength = 20 + 8 + payloadLength;
        new Ipv4Flyweight().wrap(buffer, inner, innerLength)
            .writeHeader(0, innerLength, 1, 0, ttl, Ipv4Flyweight.PROTOCOL_UDP, source, destination);
        buffer.putShort(inner + 20, (short)4000, ByteOrder.BIG_ENDIAN);
        buffer.putShort(inner + 22, (short)5000, ByteOrder.BIG_ENDIAN);
        buffer.putShort(inner + 24, (short)(8 + payloadLength), ByteOrder.BIG_ENDIAN);
        buffer.putShort(inner + 26, (short)0);
        buffer.setMemory(inner + 28, payloadLength, (byte)0x5A);
        final int greLength = GreFlyweight.headerLength(greKey >= 0 ? GreFlyweight.FLAG_KEY : 0);
        final int gre = inner - greLength;
        new GreFlyweight().wrap(buffer, gre, greLength + innerLength).writeHeader(false, GreFlyweight.PROTOCOL_IPV4, greKey, -1);
        final int packetStart;
        final int protocol;
        final int packetLength;
        if (encrypt)
        {
            assertEquals(EspStatus.OK, esp.encrypt(spoke.toHub, buffer, gre, greLength + innerLength, slab.limit(slot)));
            packetStart = esp.espOffset();
            packetLength = esp.espLength();
            protocol = Ipv4Flyweight.PROTOCOL_ESP;
        }
        else
        {
            packetStart = gre;
            packetLength = greLength + innerLength;
            protocol = Ipv4Flyweight.PROTOCOL_GRE;
        }
        final int outer = packetStart - 20;
        new Ipv4Flyweight().wrap(buffer, outer, 20 + packetLength)
            .writeHeader(0, 20 + packetLength, 7, 0, 255, protocol, spoke.nbma, HUB_NBMA);
        slab.data(slot, outer, 20 + packetLength);
        return slot;
    }

    /** Builds the frame a spoke sends for a GRE payload of any protocol (NHRP: 0x2001), encrypted. */
    int frameWithPayload(final Spoke spoke, final int greProtocol, final byte[] payload)
    {
        final int slot = slab.allocate();
        final UnsafeBuffer buffer = slab.buffer();
        final int start = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        buffer.putBytes(start, payload);
        final int gre = start - 8;
        new GreFlyweight().wrap(buffer, gre, 8 + payload.length).writeHeader(false, greProtocol, KEY, -1);
        assertEquals(EspStatus.OK, esp.encrypt(spoke.toHub, buffer, gre, 8 + payload.length, slab.limit(slot)));
        final int outer = esp.espOffset() - 20;
        new Ipv4Flyweight().wrap(buffer, outer, 20 + esp.espLength())
            .writeHeader(0, 20 + esp.espLength(), 9, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, spoke.nbma, HUB_NBMA);
        slab.data(slot, outer, 20 + esp.espLength());
        return slot;
    }

    /** Sends a frame from a spoke through the worker: received, processed in one duty cycle. */
    void send(final int slot, final long nowNs)
    {
        assertTrue(rx.offer(slot));
        worker.doWork(nowNs);
    }

    /** What a receiving spoke sees of a frame the hub transmitted. */
    record Delivered(int outerSource, int outerDestination, int spi, int innerSource, int innerDestination, int ttl, long greKey)
    {
    }

    /**
     * Takes the next transmitted frame and decrypts it as {@code receiver} would.
     *
     * @return null when nothing was transmitted.
     */
    Delivered delivered(final Spoke receiver)
    {
        return takeDecrypted(receiver, (outerSource, outerDestination, spi, inner) -> new Delivered(outerSource, outerDestination,
            spi, inner.source(), inner.destination(), inner.ttl(), decoder.gre().key()));
    }

    /**
     * Takes the next transmitted frame, decrypts it as {@code receiver} would, and returns its inner
     * IPv4 packet's bytes, or null when nothing was transmitted.
     */
    byte[] deliveredPacket(final Spoke receiver)
    {
        return takeDecrypted(receiver, (outerSource, outerDestination, spi, inner) ->
        {
            assertEquals(receiver.nbma, outerDestination);
            final byte[] packet = new byte[inner.totalLength()];
            slab.buffer().getBytes(inner.offset(), packet);
            return packet;
        });
    }

    /** What to read from a frame taken off the transmit ring, once decrypted and decapsulated. */
    private interface DecryptedReader<T>
    {
        T read(int outerSource, int outerDestination, int spi, Ipv4Flyweight inner);
    }

    /** Polls one transmitted frame, checks it is ESP to {@code receiver}'s SA, reads it, releases its slot. */
    private <T> T takeDecrypted(final Spoke receiver, final DecryptedReader<T> reader)
    {
        final long[] one = new long[1];
        if (tx.pollBatch(one, 1) == 0)
        {
            return null;
        }
        final int slot = (int)one[0];
        final UnsafeBuffer buffer = slab.buffer();
        try
        {
            assertEquals(DecodeStatus.OK, decoder.decode(buffer, slab.offset(slot), slab.length(slot)));
            assertEquals(TunnelFrameDecoder.KIND_ESP, decoder.kind());
            final int outerSource = decoder.outer().source();
            final int outerDestination = decoder.outer().destination();
            final int spi = decoder.esp().spi();
            assertEquals(EspStatus.OK, esp.decrypt(receiver.fromHub, buffer, decoder.esp().offset(), decoder.esp().capacity()));
            assertEquals(DecodeStatus.OK, decoder.decodeGre(buffer, esp.innerOffset(), esp.innerLength()));
            return reader.read(outerSource, outerDestination, spi, decoder.inner());
        }
        finally
        {
            slab.release(slot);
        }
    }

    /** Builds the frame a spoke sends carrying {@code packet}, an IPv4 packet, in GRE in ESP. */
    int frameWithPacket(final Spoke spoke, final byte[] packet)
    {
        return frameWithPayload(spoke, GreFlyweight.PROTOCOL_IPV4, packet);
    }

    /** Releases every slot waiting in the output rings. */
    void drain()
    {
        final long[] batch = new long[256];
        for (final SpscLongRing ring : new SpscLongRing[]{tx, nhrpPunt, localPunt})
        {
            final int n = ring.pollBatch(batch, batch.length);
            for (int i = 0; i < n; i++)
            {
                slab.release((int)batch[i]);
            }
        }
    }

    /** Every frame is accounted for and, once the rings are drained, every slot is back. */
    void assertConservedAndNoLeak()
    {
        assertTrue(worker.counters().conserved(), "received + injected == transmitted + punted + dropped");
        drain();
        assertEquals(slab.slots(), slab.freeSlots(), "slot leak");
    }
}
