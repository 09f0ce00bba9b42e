package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.crypto.WiresharkEspSa;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hub (one dataplane worker, the NHS) driven on the test's thread with a manual clock, and raw
 * clients that speak hand-built NHRP through real frames: IKE through the server's rings, then
 * NHRP in GRE in ESP in IPv4 into the dataplane, answers decrypted out of its transmit ring.
 * Every frame both ways is captured as sent, for tshark.
 */
final class HubRig
{
    static final int HUB_NBMA = parse("198.18.0.1");
    static final int HUB_TUNNEL = parse("10.0.0.1");
    static final long KEY = 999;
    static final Transform TRANSFORM = Transform.AES_GCM_128;
    static final byte[] PSK = "cisco123".getBytes(StandardCharsets.US_ASCII);

    final CachedNanoClock clock = new CachedNanoClock();
    final FrameSlab slab = new FrameSlab(1024, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
    final HubTables tables = new HubTables(256, 4);
    final SimulatedIke ike = new SimulatedIke(CryptoProvider.OPENSSL, TRANSFORM, PSK, false);
    final Dataplane dataplane;
    final NhrpServer server;
    /** Every frame both ways as it crossed the wire, with its NHRP packet in clear when it carries one. */
    final List<Captured> capture = new ArrayList<>();
    final List<String> espSaRows = new ArrayList<>();
    final List<Integer> registered = new ArrayList<>();
    final List<Integer> unregistered = new ArrayList<>();
    private final Map<Integer, Client> clients = new HashMap<>();
    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
    private final long[] one = new long[1];

    /** A frame as sent, and our own reading of its NHRP packet (null for data). */
    record Captured(byte[] frame, byte[] nhrp)
    {
    }

    HubRig(final NhsConfig config)
    {
        clock.update(1_000_000_000L);
        dataplane = new Dataplane(slab, tables,
            HubConfig.builder(HUB_NBMA).tunnelKey(KEY).redirect(config.redirect()).backPressure(false).build(),
            Dataplane.ThreadingMode.RUN_TO_COMPLETION, 1, 256);
        server = new NhrpServer(config, dataplane, tables, ike, clock, new RegistrationListener()
        {
            @Override
            public void registered(final int tunnel, final int nbma)
            {
                registered.add(tunnel);
            }

            @Override
            public void unregistered(final int tunnel)
            {
                unregistered.add(tunnel);
            }
        });
        tables.routes().add(new Route(HUB_TUNNEL & 0xFFFF_0000, 16, RouteSource.CONNECTED, 0, Adjacency.ATTACHED));
    }

    HubRig()
    {
        this(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16).withRedirect(false));
    }

    /** A spoke LAN behind {@code tunnel}, as a routing protocol over the tunnel would give the hub. */
    void lanRoute(final int lan, final int length, final int tunnel)
    {
        tables.routes().add(new Route(lan, length, RouteSource.EIGRP, RouteSource.EIGRP.defaultDistance(), Adjacency.tunnel(tunnel)));
    }

    void advance(final long ns)
    {
        clock.update(clock.nanoTime() + ns);
    }

    /** Runs the dataplane and the server until neither has work, then hands transmitted frames out. */
    void run()
    {
        for (int idle = 0; idle < 2; )
        {
            final int work = dataplane.doWork(clock.nanoTime()) + server.doWork();
            idle = work == 0 ? idle + 1 : 0;
        }
        deliver();
    }

    private void deliver()
    {
        for (final SpscLongRing tx : dataplane.txRings())
        {
            while (tx.pollBatch(one, 1) == 1)
            {
                final int slot = (int)one[0];
                try
                {
                    final byte[] frame = new byte[slab.length(slot)];
                    slab.buffer().getBytes(slab.offset(slot), frame);
                    final int destination = slab.buffer().getInt(slab.offset(slot) + 16, ByteOrder.BIG_ENDIAN);
                    final Client client = clients.get(destination);
                    assertTrue(client != null, "frame for an NBMA address with no client");
                    capture.add(new Captured(frame, client.receive(slot)));
                }
                finally
                {
                    slab.release(slot);
                }
            }
        }
    }

    Client client(final String tunnel, final String nbma)
    {
        final Client client = new Client(parse(tunnel), parse(nbma));
        clients.put(client.nbma, client);
        return client;
    }

    /** Every frame accounted for and, after draining, every slot free. */
    void assertConservedAndNoLeak()
    {
        run();
        assertTrue(dataplane.conserved(), "dataplane conservation");
        assertEquals(slab.slots(), slab.freeSlots(), "slot leak");
    }

    /** An endpoint that sends hand-built NHRP and reads the hub's answers. */
    final class Client
    {
        final int tunnel;
        int nbma;
        final int spi;
        PeerSas sas;
        final ArrayDeque<byte[]> received = new ArrayDeque<>();
        final ArrayDeque<byte[]> data = new ArrayDeque<>();
        private final EspProcessor esp = new EspProcessor();
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[1500]);
        private final NhrpPacketWriter writer = new NhrpPacketWriter();
        private long requestId = 100;

        Client(final int tunnel, final int nbma)
        {
            this.tunnel = tunnel;
            this.nbma = nbma;
            this.spi = 0x5000_0000 + (nbma & 0xFFFF);
        }

        /** Simulated IKE with the hub, from this client's current NBMA address. */
        Client ike()
        {
            assertTrue(server.ikeRequests().offer((long)nbma << 32 | spi & 0xFFFF_FFFFL));
            run();
            assertEquals(1, server.ikeReplies().pollBatch(one, 1), "IKE answered");
            assertEquals(nbma, (int)(one[0] >>> 32));
            final int hubSpi = (int)one[0];
            assertTrue(hubSpi != 0, "IKE refused");
            sas = ike.pair(nbma, spi, HUB_NBMA, hubSpi);
            espSaRows.add(WiresharkEspSa.row(TRANSFORM, nbma, HUB_NBMA, hubSpi, ike.keyMaterial(nbma, HUB_NBMA, hubSpi)));
            espSaRows.add(WiresharkEspSa.row(TRANSFORM, HUB_NBMA, nbma, spi, ike.keyMaterial(HUB_NBMA, nbma, spi)));
            return this;
        }

        long nextRequestId()
        {
            return ++requestId;
        }

        /** Sends the NHRP packet {@code build} writes (it must call {@code finish()}). */
        void sendNhrp(final Consumer<NhrpPacketWriter> build)
        {
            build.accept(writer.wrap(scratch, 0, scratch.capacity()));
            final byte[] nhrp = new byte[writer.length()];
            scratch.getBytes(0, nhrp);
            send(GreFlyweight.PROTOCOL_NHRP, scratch, writer.length(), nhrp);
        }

        /** A Registration Request as an IOS spoke sends it. */
        long register(final boolean unique, final int holdingTimeS, final byte[] password)
        {
            final long id = nextRequestId();
            sendNhrp(w ->
            {
                w.header(Nhrp.TYPE_REGISTRATION_REQUEST, Nhrp.DEFAULT_HOP_COUNT)
                    .mandatory((unique ? Nhrp.FLAG_REGISTRATION_U : 0) | Nhrp.FLAG_CISCO_NAT, id, nbma, tunnel, HUB_TUNNEL)
                    .cie(Nhrp.CIE_SUCCESS, 32, 1400, holdingTimeS, 0)
                    .emptyExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, false)
                    .emptyExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, false)
                    .emptyExtension(Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD, false);
                if (password != null)
                {
                    w.authenticationExtension(password, true);
                }
                w.endExtensions().finish();
            });
            return id;
        }

        long resolve(final int target)
        {
            return resolve(target, null);
        }

        long resolve(final int target, final byte[] password)
        {
            final long id = nextRequestId();
            sendNhrp(w ->
            {
                w.header(Nhrp.TYPE_RESOLUTION_REQUEST, Nhrp.DEFAULT_HOP_COUNT)
                    .mandatory(Nhrp.FLAG_RESOLUTION_Q | Nhrp.FLAG_CISCO_NAT, id, nbma, tunnel, target)
                    .cie(Nhrp.CIE_SUCCESS, 32, 1400, 7200, 0)
                    .emptyExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, false)
                    .emptyExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, false)
                    .emptyExtension(Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD, false);
                if (password != null)
                {
                    w.authenticationExtension(password, true);
                }
                w.endExtensions().finish();
            });
            return id;
        }

        /** An IPv4/UDP packet from {@code source} to {@code destination} into the tunnel. */
        void sendData(final int source, final int destination)
        {
            final int length = 20 + 8 + 32;
            new Ipv4Flyweight().wrap(scratch, 0, length).writeHeader(0, length, 1, 0, 64, Ipv4Flyweight.PROTOCOL_UDP, source, destination);
            scratch.putShort(20, (short)4000, ByteOrder.BIG_ENDIAN);
            scratch.putShort(22, (short)5000, ByteOrder.BIG_ENDIAN);
            scratch.putShort(24, (short)(8 + 32), ByteOrder.BIG_ENDIAN);
            scratch.putShort(26, (short)0);
            scratch.setMemory(28, 32, (byte)0x5A);
            send(GreFlyweight.PROTOCOL_IPV4, scratch, length, null);
        }

        private void send(final int greProtocol, final UnsafeBuffer payload, final int length, final byte[] nhrp)
        {
            final int slot = slab.allocate();
            assertTrue(slot >= 0);
            final UnsafeBuffer buffer = slab.buffer();
            final int start = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
            buffer.putBytes(start, payload, 0, length);
            final int gre = start - 8;
            new GreFlyweight().wrap(buffer, gre, 8 + length).writeHeader(false, greProtocol, KEY, -1);
            assertEquals(EspStatus.OK, esp.encrypt(sas.outbound(), buffer, gre, 8 + length, slab.limit(slot)));
            final int outer = esp.espOffset() - 20;
            new Ipv4Flyweight().wrap(buffer, outer, 20 + esp.espLength())
                .writeHeader(0, 20 + esp.espLength(), 9, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, nbma, HUB_NBMA);
            slab.data(slot, outer, 20 + esp.espLength());
            final byte[] frame = new byte[slab.length(slot)];
            buffer.getBytes(outer, frame);
            capture.add(new Captured(frame, nhrp));
            assertTrue(dataplane.rxFor(nbma).offer(slot), "rx ring full");
        }

        /** @return the NHRP packet received, or null for data. */
        private byte[] receive(final int slot)
        {
            final UnsafeBuffer buffer = slab.buffer();
            assertEquals(DecodeStatus.OK, decoder.decode(buffer, slab.offset(slot), slab.length(slot)));
            assertEquals(TunnelFrameDecoder.KIND_ESP, decoder.kind());
            assertEquals(HUB_NBMA, decoder.outer().source());
            assertEquals(EspStatus.OK, esp.decrypt(sas.currentInbound(), buffer, decoder.esp().offset(), decoder.esp().capacity()));
            assertEquals(DecodeStatus.OK, decoder.decodeGre(buffer, esp.innerOffset(), esp.innerLength()));
            assertEquals(KEY, decoder.gre().key());
            if (decoder.kind() == TunnelFrameDecoder.KIND_GRE_NHRP)
            {
                final byte[] nhrp = new byte[decoder.nhrp().packetSize()];
                buffer.getBytes(decoder.nhrp().offset(), nhrp);
                received.add(nhrp);
                return nhrp;
            }
            final byte[] inner = new byte[decoder.inner().totalLength()];
            buffer.getBytes(decoder.inner().offset(), inner);
            data.add(inner);
            return null;
        }

        /** The next NHRP packet the hub sent here, validated and checksum-checked. */
        NhrpPacket next()
        {
            final byte[] bytes = received.poll();
            assertTrue(bytes != null, "no NHRP packet arrived");
            final NhrpPacket packet = new NhrpPacket().wrap(new UnsafeBuffer(bytes), 0, bytes.length);
            assertEquals(DecodeStatus.OK, packet.validate());
            assertTrue(packet.verifyChecksum());
            return packet;
        }
    }
}
