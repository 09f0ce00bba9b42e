package net.dmvpnhub.wire.eigrp;

import net.dmvpnhub.wire.Ipv4Address;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Valid EIGRP packets built with {@link EigrpPacketWriter}, one of each kind this project sends:
 * for the codec's tests, the fuzz seeds and the tshark cross-check.
 */
public final class EigrpSamples
{
    private EigrpSamples()
    {
    }

    public static byte[] hello()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int length = new EigrpPacketWriter().wrap(buffer, 0, 64)
            .header(Eigrp.OPCODE_HELLO, 0, 0, 0, 100)
            .parameter(Eigrp.DEFAULT_K1, 0, Eigrp.DEFAULT_K3, 0, 0, 0, Eigrp.DEFAULT_HOLD_S)
            .softwareVersion(12, 4, 1, 2)
            .stub(Eigrp.STUB_CONNECTED)
            .finish();
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    public static byte[] update()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int length = new EigrpPacketWriter().wrap(buffer, 0, 64)
            .header(Eigrp.OPCODE_UPDATE, 0, 1, 0, 100)
            .internalRoute(0, Eigrp.scaledDelay(50_000), Eigrp.scaledBandwidth(1000), 1476, 0, 255, 1, 0, 0, 24,
                Ipv4Address.parse("192.168.1.0"))
            .finish();
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    /** An Update with routes of every destination size, a withdrawal, a Sequence and a Next Multicast Sequence TLV. */
    public static byte[] mixed()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final EigrpPacketWriter writer = new EigrpPacketWriter().wrap(buffer, 0, 512);
        writer.header(Eigrp.OPCODE_UPDATE, Eigrp.FLAG_CR | Eigrp.FLAG_EOT, 0xFFFF_FFF0L, 0x8000_0001L, 65535)
            .sequence(new int[]{Ipv4Address.parse("10.0.0.2"), Ipv4Address.parse("10.0.0.3")}, 2)
            .nextMulticastSequence(0x1234_5678L)
            .internalRoute(Ipv4Address.parse("10.0.0.2"), Eigrp.scaledDelay(60_000), Eigrp.scaledBandwidth(100), 1400, 1, 255, 1, 7,
                Eigrp.ROUTE_FLAG_CANDIDATE_DEFAULT, 0, 0)
            .internalRoute(0, Eigrp.scaledDelay(10), Eigrp.scaledBandwidth(100_000), 1500, 2, 200, 3, 0, 0, 32, Ipv4Address.parse("10.1.2.3"))
            .internalRoute(0, Eigrp.scaledDelay(100), Eigrp.scaledBandwidth(10_000), 1500, 3, 255, 1, 0, 0, 12, Ipv4Address.parse("172.16.0.0"))
            .internalRoute(0, Eigrp.DELAY_UNREACHABLE, Eigrp.scaledBandwidth(1000), 1476, 0, 255, 1, 0, 0, 24, Ipv4Address.parse("192.168.7.0"));
        return Arrays.copyOf(buffer.byteArray(), writer.finish());
    }

    /** An acknowledgement of sequence 42: a Hello with no TLVs. */
    public static byte[] ack()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        return Arrays.copyOf(buffer.byteArray(), new EigrpPacketWriter().wrap(buffer, 0, 64).header(Eigrp.OPCODE_HELLO, 0, 0, 42, 100).finish());
    }

    /** A goodbye: a Hello whose Parameter TLV has every K value 255. */
    public static byte[] goodbye()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        return Arrays.copyOf(buffer.byteArray(),
            new EigrpPacketWriter().wrap(buffer, 0, 64).header(Eigrp.OPCODE_HELLO, 0, 0, 0, 100).goodbye(15).finish());
    }

    /** A Query for a lost route: the route with an unreachable delay, sequence 7. */
    public static byte[] query()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        return Arrays.copyOf(buffer.byteArray(), new EigrpPacketWriter().wrap(buffer, 0, 64).header(Eigrp.OPCODE_QUERY, 0, 7, 0, 100)
            .internalRoute(0, Eigrp.DELAY_UNREACHABLE, Eigrp.scaledBandwidth(1000), 1476, 0, 255, 1, 0, 0, 24, Ipv4Address.parse("192.168.3.0"))
            .finish());
    }

    /** An Update with the INIT flag and no routes: the first packet to a new neighbour. */
    public static byte[] init()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        return Arrays.copyOf(buffer.byteArray(),
            new EigrpPacketWriter().wrap(buffer, 0, 64).header(Eigrp.OPCODE_UPDATE, Eigrp.FLAG_INIT, 1, 0, 100).finish());
    }

    /** Every sample by name. */
    public static Map<String, byte[]> all()
    {
        final Map<String, byte[]> all = new LinkedHashMap<>();
        all.put("eigrp-hello-stub", hello());
        all.put("eigrp-update-one-route", update());
        all.put("eigrp-update-mixed", mixed());
        all.put("eigrp-ack", ack());
        all.put("eigrp-goodbye", goodbye());
        all.put("eigrp-query-unreachable", query());
        all.put("eigrp-update-init", init());
        return all;
    }
}
