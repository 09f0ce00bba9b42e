package net.dmvpnhub.dataplane;

import net.dmvpnhub.dataplane.HubHarness.Spoke;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Icmp4Flyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's ICMP: Time Exceeded for packets whose TTL expires at the hub (rate-limited, never about
 * an ICMP error), Echo Replies for pings to its own address, packets the hub originates, and the
 * counters that keep every frame accounted for.
 */
class HubIcmpTest
{
    private static final long SECOND = 1_000_000_000L;

    private HubHarness hub;
    private Spoke a;
    private Spoke b;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Icmp4Flyweight icmp = new Icmp4Flyweight();

    @BeforeEach
    void setUp()
    {
        start(HubConfig.DEFAULT_ICMP_ERROR_BURST, HubConfig.DEFAULT_ICMP_ERROR_INTERVAL_NS);
    }

    private void start(final int burst, final long intervalNs)
    {
        hub = new HubHarness(HubConfig.builder(HubHarness.HUB_NBMA).tunnelKey(HubHarness.KEY).redirect(true).backPressure(false)
            .hubTunnel(HubHarness.HUB_TUNNEL).icmpErrorRateLimit(burst, intervalNs).build());
        a = hub.spoke(1);
        b = hub.spoke(2);
        for (final Spoke spoke : hub.spokes)
        {
            hub.tables.routes().add(new Route(spoke.lan, 24, RouteSource.EIGRP, 90, Adjacency.tunnel(spoke.tunnel)));
            hub.tables.peers().put(spoke.tunnel, spoke.nbma, spoke.id, PeerTable.Type.DYNAMIC, 7200 * SECOND);
        }
        hub.tables.routes().add(new Route(HubHarness.HUB_TUNNEL, 32, RouteSource.CONNECTED, 0, Adjacency.LOCAL));
    }

    @AfterEach
    void conservedAndNoLeak()
    {
        hub.assertConservedAndNoLeak();
    }

    private long drops(final Enum<?> reason)
    {
        final int index = reason instanceof Drop drop ? DropReasons.index(drop) : DropReasons.index((DecodeStatus)reason);
        return hub.worker.counters().drops(index);
    }

    @Test
    void anExpiredPacketIsAnsweredWithTimeExceededQuotingItsHeaderAndEightBytes()
    {
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 1, 40), 0);

        assertEquals(1, drops(Drop.TTL_EXPIRED), "the packet itself ends as a named drop");
        assertEquals(1, hub.worker.counters().timeExceededSent());
        assertEquals(1, hub.worker.counters().injected(), "the error is a new frame entering");
        assertEquals(1, hub.worker.counters().transmitted());
        final byte[] error = hub.deliveredPacket(a);
        assertNotNull(error, "sent back to the source's spoke, through its SA");
        final UnsafeBuffer buffer = new UnsafeBuffer(error);
        ip.wrap(buffer, 0, error.length);
        assertEquals(DecodeStatus.OK, ip.validate());
        assertTrue(ip.verifyChecksum());
        assertEquals(HubHarness.HUB_TUNNEL, ip.source(), "from the hub's tunnel address");
        assertEquals(a.host(1), ip.destination());
        assertEquals(Ipv4Flyweight.PROTOCOL_ICMP, ip.protocol());
        assertEquals(20 + 8 + 28, error.length, "IP header, ICMP header, the original header and 8 bytes");
        icmp.wrap(buffer, 20, error.length - 20);
        assertEquals(DecodeStatus.OK, icmp.validate());
        assertEquals(Icmp4Flyweight.TYPE_TIME_EXCEEDED, icmp.type());
        assertEquals(0, icmp.code());
        ip.wrap(buffer, icmp.quotedOffset(), icmp.quotedLength());
        assertEquals(b.host(2), ip.destination());
        assertEquals(1, ip.ttl(), "quoted as it arrived");
        assertEquals(4000, buffer.getShort(48, ByteOrder.BIG_ENDIAN) & 0xFFFF, "the UDP source port a traceroute matches on");
    }

    @Test
    void timeExceededIsRateLimitedByATokenBucketAndWhatIsSuppressedIsCounted()
    {
        start(2, SECOND);
        for (int i = 0; i < 5; i++)
        {
            hub.send(hub.frameFrom(a, a.host(1), b.host(2), 1, 10), 0);
        }
        assertEquals(5, drops(Drop.TTL_EXPIRED));
        assertEquals(2, hub.worker.counters().timeExceededSent());
        assertEquals(3, hub.worker.counters().icmpErrorsSuppressed());
        hub.drain();
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 1, 10), SECOND / 2);
        assertEquals(4, hub.worker.counters().icmpErrorsSuppressed(), "half an interval later: no token yet");
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 1, 10), SECOND);
        hub.send(hub.frameFrom(a, a.host(1), b.host(2), 1, 10), SECOND);
        assertEquals(3, hub.worker.counters().timeExceededSent(), "one token per interval");
        assertEquals(5, hub.worker.counters().icmpErrorsSuppressed());
    }

    @Test
    void noErrorAboutAnErrorNorFromAHubWithoutATunnelAddress()
    {
        final byte[] error = icmpPacket(a.host(1), b.host(2), 1, Icmp4Flyweight.TYPE_DESTINATION_UNREACHABLE, 36);
        hub.send(hub.frameWithPacket(a, error), 0);
        assertEquals(1, drops(Drop.TTL_EXPIRED));
        assertEquals(1, hub.worker.counters().icmpErrorsNotAllowed(), "RFC 1812 4.3.2.7");
        assertEquals(0, hub.worker.counters().timeExceededSent());
        assertNull(hub.deliveredPacket(a));

        hub = new HubHarness();
        a = hub.spoke(1);
        hub.tables.peers().put(a.tunnel, a.nbma, a.id, PeerTable.Type.DYNAMIC, 7200 * SECOND);
        hub.send(hub.frameFrom(a, a.host(1), a.host(2), 1, 10), 0);
        assertEquals(1, hub.worker.counters().icmpErrorsNotAllowed());
        assertEquals(0, hub.worker.counters().transmitted());
    }

    @Test
    void anErrorForTheHubsOwnAddressIsANamedDrop()
    {
        hub.send(hub.frameFrom(a, HubHarness.HUB_TUNNEL, b.host(2), 1, 10), 0);
        assertEquals(1, drops(Drop.ICMP_TO_SELF));
        assertEquals(1, drops(Drop.TTL_EXPIRED));
        assertEquals(1, hub.worker.counters().injected());
    }

    @Test
    void aPingToTheHubIsAnsweredInTheDataplane()
    {
        final byte[] request = icmpPacket(a.host(1), HubHarness.HUB_TUNNEL, 64, Icmp4Flyweight.TYPE_ECHO_REQUEST, 8 + 36);
        hub.send(hub.frameWithPacket(a, request), 0);
        assertEquals(1, hub.worker.counters().echoRepliesSent());
        assertEquals(1, hub.worker.counters().puntedLocal(), "the request was delivered to the hub itself");
        final byte[] reply = hub.deliveredPacket(a);
        assertNotNull(reply);
        final UnsafeBuffer buffer = new UnsafeBuffer(reply);
        ip.wrap(buffer, 0, reply.length);
        assertTrue(ip.verifyChecksum());
        assertEquals(HubHarness.HUB_TUNNEL, ip.source());
        assertEquals(a.host(1), ip.destination());
        icmp.wrap(buffer, 20, reply.length - 20);
        assertEquals(DecodeStatus.OK, icmp.validate());
        assertEquals(Icmp4Flyweight.TYPE_ECHO_REPLY, icmp.type());
        assertEquals(0x4242, icmp.identifier());
        assertEquals(7, icmp.sequence());
        assertArrayEquals(Arrays.copyOfRange(request, 28, request.length), Arrays.copyOfRange(reply, 28, reply.length), "data echoed");

        // A damaged echo request is a named drop; other ICMP for the hub goes to its host stack.
        final byte[] damaged = request.clone();
        damaged[30] ^= 1;
        hub.send(hub.frameWithPacket(a, damaged), 0);
        assertEquals(1, drops(DecodeStatus.ICMP_BAD_CHECKSUM));
        hub.send(hub.frameWithPacket(a, icmpPacket(a.host(1), HubHarness.HUB_TUNNEL, 64, Icmp4Flyweight.TYPE_ECHO_REPLY, 8)), 0);
        assertEquals(2, hub.worker.counters().puntedLocal());
        assertEquals(1, hub.localPunt.size());
        final long[] punted = new long[1];
        assertEquals(1, hub.localPunt.pollBatch(punted, 1));
        ip.wrap(hub.slab.buffer(), hub.slab.offset((int)punted[0]), hub.slab.length((int)punted[0]));
        assertEquals(64, ip.ttl(), "a packet for the hub is not forwarded: its TTL is as it came");
        hub.slab.release((int)punted[0]);

        // Nor is TTL 1 a reason to drop a packet for the hub: the ping is answered.
        hub.send(hub.frameWithPacket(a, icmpPacket(a.host(1), HubHarness.HUB_TUNNEL, 1, Icmp4Flyweight.TYPE_ECHO_REQUEST, 8 + 36)), 0);
        assertEquals(2, hub.worker.counters().echoRepliesSent());
        assertEquals(0, drops(Drop.TTL_EXPIRED));
        assertNotNull(hub.deliveredPacket(a));
    }

    @Test
    void aPacketTheHubOriginatesLeavesThroughTheNormalPath()
    {
        final int slot = hub.slab.allocate();
        final int at = hub.slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        final byte[] probe = icmpPacket(HubHarness.HUB_TUNNEL, b.host(9), 64, Icmp4Flyweight.TYPE_ECHO_REQUEST, 8);
        hub.slab.buffer().putBytes(at, probe);
        hub.slab.data(slot, at, probe.length);
        assertTrue(HubWorker.injectIpv4(hub.inject, slot, b.id, b.nbma));
        hub.worker.doWork(0);
        assertEquals(1, hub.worker.counters().injected());
        assertArrayEquals(probe, hub.deliveredPacket(b));
    }

    /** An IPv4 packet carrying an ICMP message of {@code icmpLength} bytes (identifier 0x4242, sequence 7). */
    private byte[] icmpPacket(final int source, final int destination, final int ttl, final int type, final int icmpLength)
    {
        final byte[] packet = new byte[20 + icmpLength];
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        for (int i = 28; i < packet.length; i++)
        {
            packet[i] = (byte)i;
        }
        if (type == Icmp4Flyweight.TYPE_ECHO_REQUEST || type == Icmp4Flyweight.TYPE_ECHO_REPLY)
        {
            icmp.wrap(buffer, 20, icmpLength).writeEcho(type, 0x4242, 7);
        }
        else
        {
            new Ipv4Flyweight().wrap(buffer, 28, 28).writeHeader(0, 60, 1, 0, 1, Ipv4Flyweight.PROTOCOL_UDP, destination, parse("192.0.2.1"));
            icmp.wrap(buffer, 20, icmpLength).writeError(type, Icmp4Flyweight.CODE_PORT_UNREACHABLE);
        }
        icmp.updateChecksum();
        ip.wrap(buffer, 0, packet.length).writeHeader(0, packet.length, 3, 0, ttl, Ipv4Flyweight.PROTOCOL_ICMP, source, destination);
        return packet;
    }
}
