package net.dmvpnhub.wire.eigrp;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * One TLV of a validated {@link EigrpPacket}, and the fields of the TLVs this project reads
 * (RFC 7868 sections 6.7 and 6.8; offsets from the TLV's start):
 * <pre>
 * Parameter (0x0001, 12):         K1 K2 K3 K4 K5 K6 (1 each) | Hold Time (2, seconds)
 * Sequence (0x0003):              (Address Length = 4, IPv4 Address)... neighbours not to accept
 *                                 the next conditionally received packet
 * Software Version (0x0004, 8):   release major, minor | TLV version major, minor (1 each)
 * Next Multicast Sequence (0x0005, 8): Sequence Number (4)
 * Peer Stub (0x0006, 6):          Flags (2): connected 0x1, static 0x2, summary 0x4, ...
 * IPv4 Internal (0x0102, 25 + destination bytes):
 *   4 Next Hop | 8 Scaled Delay | 12 Scaled Bandwidth | 16 MTU (3) | 19 Hop Count
 *   20 Reliability | 21 Load | 22 Internal Tag | 23 Flags | 24 Prefix Length
 *   25 Destination: its (Prefix Length + 7) / 8 significant bytes
 * IPv4 External (0x0103, 45 + destination bytes): Next Hop, Originating Router, Originating AS,
 *   Administrative Tag, External Metric (4 each), Reserved (2), External Protocol, External
 *   Flags (1 each), then the internal route's metric block from Scaled Delay, at offset 28
 * </pre>
 * Accessors read without checks: only {@link EigrpPacket#validate()} makes them safe.
 */
public final class EigrpTlvFlyweight
{
    public static final int HEADER_LENGTH = 4;
    public static final int PARAMETER_LENGTH = 12;
    public static final int STUB_LENGTH = 6;
    public static final int NEXT_HOP_OFFSET = 4;
    /** Where an internal route's metric block (delay, bandwidth, MTU, hops, reliability, load, tag, flags) starts. */
    static final int INTERNAL_METRIC_OFFSET = 8;
    static final int INTERNAL_PREFIX_LENGTH_OFFSET = 24;
    static final int EXTERNAL_METRIC_OFFSET = 28;
    static final int EXTERNAL_PREFIX_LENGTH_OFFSET = 44;
    /** An internal route TLV's bytes before its destination. */
    public static final int INTERNAL_ROUTE_FIXED_LENGTH = INTERNAL_PREFIX_LENGTH_OFFSET + 1;

    private DirectBuffer buffer;
    private int offset;

    public EigrpTlvFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public int type()
    {
        return buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int length()
    {
        return buffer.getShort(offset + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** @return where the next TLV starts. */
    public int nextOffset()
    {
        return offset + length();
    }

    /** Parameter TLV: K1 to K6 ({@code k} 1 to 6). */
    public int k(final int k)
    {
        return buffer.getByte(offset + HEADER_LENGTH + k - 1) & 0xFF;
    }

    /** Parameter TLV: the hold time, seconds. */
    public int holdTimeS()
    {
        return buffer.getShort(offset + 10, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * Parameter TLV: a peer termination (goodbye): K1 to K5 all 255, as a router sends when its
     * EIGRP stops or {@code passive-interface} is configured.
     */
    public boolean isGoodbye()
    {
        for (int k = 1; k <= 5; k++)
        {
            if (k(k) != 255)
            {
                return false;
            }
        }
        return true;
    }

    /** Software Version TLV: its four bytes (release major, minor, TLV version major, minor), packed big-endian. */
    public int softwareVersion()
    {
        return buffer.getInt(offset + HEADER_LENGTH, ByteOrder.BIG_ENDIAN);
    }

    /** Next Multicast Sequence TLV: the sequence number, unsigned. */
    public long nextMulticastSequence()
    {
        return buffer.getInt(offset + HEADER_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** Peer Stub TLV: the stub flags. */
    public int stubFlags()
    {
        return buffer.getShort(offset + HEADER_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Sequence TLV: how many neighbour addresses it lists. */
    public int sequenceAddressCount()
    {
        return (length() - HEADER_LENGTH) / 5;
    }

    /** Sequence TLV: the {@code index}th neighbour address. */
    public int sequenceAddress(final int index)
    {
        return buffer.getInt(offset + HEADER_LENGTH + index * 5 + 1, ByteOrder.BIG_ENDIAN);
    }

    /** @return true for an IPv4 route TLV (internal or external). */
    public boolean isRoute()
    {
        final int type = type();
        return type == Eigrp.TLV_IPV4_INTERNAL || type == Eigrp.TLV_IPV4_EXTERNAL;
    }

    private int metric()
    {
        return offset + (type() == Eigrp.TLV_IPV4_EXTERNAL ? EXTERNAL_METRIC_OFFSET : INTERNAL_METRIC_OFFSET);
    }

    /** Route TLV: the next hop (0: the sender of the packet). */
    public int nextHop()
    {
        return buffer.getInt(offset + NEXT_HOP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Route TLV: the scaled delay, unsigned ({@link Eigrp#DELAY_UNREACHABLE}: unreachable). */
    public long scaledDelay()
    {
        return buffer.getInt(metric(), ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    public long scaledBandwidth()
    {
        return buffer.getInt(metric() + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** Route TLV: the path's MTU (24 bits). */
    public int mtu()
    {
        final int at = metric() + 8;
        return (buffer.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF) << 8 | buffer.getByte(at + 2) & 0xFF;
    }

    public int hopCount()
    {
        return buffer.getByte(metric() + 11) & 0xFF;
    }

    public int reliability()
    {
        return buffer.getByte(metric() + 12) & 0xFF;
    }

    public int load()
    {
        return buffer.getByte(metric() + 13) & 0xFF;
    }

    public int tag()
    {
        return buffer.getByte(metric() + 14) & 0xFF;
    }

    public int routeFlags()
    {
        return buffer.getByte(metric() + 15) & 0xFF;
    }

    public int prefixLength()
    {
        return buffer.getByte(metric() + 16) & 0xFF;
    }

    /** Route TLV: the destination prefix, its bytes beyond the significant ones zero. */
    public int destination()
    {
        final int prefixLength = prefixLength();
        final int at = metric() + 17;
        int address = 0;
        for (int i = 0; i < Eigrp.destinationBytes(prefixLength); i++)
        {
            address |= (buffer.getByte(at + i) & 0xFF) << 24 - 8 * i;
        }
        return prefixLength == 0 ? 0 : address & -1 << 32 - prefixLength;
    }

    /** @return true when the route's delay says it is unreachable (a withdrawal, or a query's). */
    public boolean isUnreachable()
    {
        return scaledDelay() == Eigrp.DELAY_UNREACHABLE;
    }
}
