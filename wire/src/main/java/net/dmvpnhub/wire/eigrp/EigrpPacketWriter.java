package net.dmvpnhub.wire.eigrp;

import net.dmvpnhub.wire.InternetChecksum;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes an EIGRP packet ({@link EigrpPacket}) front to back, with no allocation: {@link #header},
 * then TLVs in the order the caller gives them, then {@link #finish()}, which writes the checksum
 * and returns the packet's length.
 * <pre>{@code
 * int length = writer.wrap(buffer, offset, capacity)
 *     .header(Eigrp.OPCODE_HELLO, 0, 0, 0, 100)
 *     .parameter(1, 0, 1, 0, 0, 0, 15)
 *     .softwareVersion(12, 4, 1, 2)
 *     .stub(Eigrp.STUB_CONNECTED | Eigrp.STUB_SUMMARY)
 *     .finish();
 * }</pre>
 * A route TLV carries one destination (as IOS writes them, and as Wireshark reads them);
 * {@link #roomForInternalRoute(int)} tells an Update's builder when to start the next packet.
 * Writing past the capacity is a bug in the caller (the buffer's bounds check throws), not a
 * property of received input.
 */
public final class EigrpPacketWriter
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int capacity;
    private int position;

    public EigrpPacketWriter wrap(final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        this.position = offset;
        return this;
    }

    /** @return bytes written so far. */
    public int length()
    {
        return position - offset;
    }

    /**
     * The fixed header: version 2, the IPv4 unicast address family's virtual router id (0), and
     * a zero checksum until {@link #finish()}.
     *
     * @param sequence and {@code ack}: unsigned 32-bit values.
     */
    public EigrpPacketWriter header(final int opcode, final int flags, final long sequence, final long ack, final int autonomousSystem)
    {
        buffer.putByte(offset + EigrpPacket.VERSION_OFFSET, (byte)Eigrp.VERSION);
        buffer.putByte(offset + EigrpPacket.OPCODE_OFFSET, (byte)opcode);
        buffer.putShort(offset + EigrpPacket.CHECKSUM_OFFSET, (short)0);
        buffer.putInt(offset + EigrpPacket.FLAGS_OFFSET, flags, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + EigrpPacket.SEQUENCE_OFFSET, (int)sequence, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + EigrpPacket.ACK_OFFSET, (int)ack, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + EigrpPacket.VIRTUAL_ROUTER_ID_OFFSET, (short)0, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + EigrpPacket.AS_OFFSET, (short)autonomousSystem, ByteOrder.BIG_ENDIAN);
        position = offset + EigrpPacket.HEADER_LENGTH;
        return this;
    }

    private void tlvHeader(final int type, final int length)
    {
        buffer.putShort(position, (short)type, ByteOrder.BIG_ENDIAN);
        buffer.putShort(position + 2, (short)length, ByteOrder.BIG_ENDIAN);
    }

    /** Parameter TLV: the K values and the hold time the receiver holds this router for. */
    public EigrpPacketWriter parameter(final int k1, final int k2, final int k3, final int k4, final int k5, final int k6, final int holdTimeS)
    {
        tlvHeader(Eigrp.TLV_PARAMETER, EigrpTlvFlyweight.PARAMETER_LENGTH);
        buffer.putByte(position + 4, (byte)k1);
        buffer.putByte(position + 5, (byte)k2);
        buffer.putByte(position + 6, (byte)k3);
        buffer.putByte(position + 7, (byte)k4);
        buffer.putByte(position + 8, (byte)k5);
        buffer.putByte(position + 9, (byte)k6);
        buffer.putShort(position + 10, (short)holdTimeS, ByteOrder.BIG_ENDIAN);
        position += EigrpTlvFlyweight.PARAMETER_LENGTH;
        return this;
    }

    /** Parameter TLV of a goodbye: K1 to K6 255 (the neighbour drops this router at once). */
    public EigrpPacketWriter goodbye(final int holdTimeS)
    {
        return parameter(255, 255, 255, 255, 255, 255, holdTimeS);
    }

    /** Software Version TLV. */
    public EigrpPacketWriter softwareVersion(final int releaseMajor, final int releaseMinor, final int tlvMajor, final int tlvMinor)
    {
        tlvHeader(Eigrp.TLV_SOFTWARE_VERSION, 8);
        buffer.putByte(position + 4, (byte)releaseMajor);
        buffer.putByte(position + 5, (byte)releaseMinor);
        buffer.putByte(position + 6, (byte)tlvMajor);
        buffer.putByte(position + 7, (byte)tlvMinor);
        position += 8;
        return this;
    }

    /** Peer Stub TLV ({@code eigrp stub}). */
    public EigrpPacketWriter stub(final int flags)
    {
        tlvHeader(Eigrp.TLV_STUB, EigrpTlvFlyweight.STUB_LENGTH);
        buffer.putShort(position + 4, (short)flags, ByteOrder.BIG_ENDIAN);
        position += EigrpTlvFlyweight.STUB_LENGTH;
        return this;
    }

    /** Next Multicast Sequence TLV: the sequence number of the conditionally received packet to come. */
    public EigrpPacketWriter nextMulticastSequence(final long sequence)
    {
        tlvHeader(Eigrp.TLV_NEXT_MULTICAST_SEQUENCE, 8);
        buffer.putInt(position + 4, (int)sequence, ByteOrder.BIG_ENDIAN);
        position += 8;
        return this;
    }

    /** Sequence TLV: the neighbours that are not to accept the next conditionally received packet. */
    public EigrpPacketWriter sequence(final int[] addresses, final int count)
    {
        final int length = EigrpTlvFlyweight.HEADER_LENGTH + 5 * count;
        tlvHeader(Eigrp.TLV_SEQUENCE, length);
        for (int i = 0; i < count; i++)
        {
            buffer.putByte(position + 4 + 5 * i, (byte)4);
            buffer.putInt(position + 5 + 5 * i, addresses[i], ByteOrder.BIG_ENDIAN);
        }
        position += length;
        return this;
    }

    /** @return true when an internal route of {@code prefixLength} still fits in the capacity. */
    public boolean roomForInternalRoute(final int prefixLength)
    {
        return length() + internalRouteLength(prefixLength) <= capacity;
    }

    /** @return bytes of an internal route TLV for a prefix of {@code prefixLength} bits. */
    public static int internalRouteLength(final int prefixLength)
    {
        return EigrpTlvFlyweight.INTERNAL_ROUTE_FIXED_LENGTH + Eigrp.destinationBytes(prefixLength);
    }

    /**
     * IPv4 Internal Route TLV (classic metric) for one destination.
     *
     * @param nextHop 0: the receiver's next hop is this packet's sender.
     * @param scaledDelay {@link Eigrp#scaledDelay}, or {@link Eigrp#DELAY_UNREACHABLE} to withdraw.
     */
    public EigrpPacketWriter internalRoute(
        final int nextHop, final long scaledDelay, final long scaledBandwidth, final int mtu, final int hopCount, final int reliability,
        final int load, final int tag, final int flags, final int prefixLength, final int destination)
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length must be 0 to 32, not " + prefixLength);
        }
        final int length = internalRouteLength(prefixLength);
        tlvHeader(Eigrp.TLV_IPV4_INTERNAL, length);
        buffer.putInt(position + EigrpTlvFlyweight.NEXT_HOP_OFFSET, nextHop, ByteOrder.BIG_ENDIAN);
        final int metric = position + EigrpTlvFlyweight.INTERNAL_METRIC_OFFSET;
        buffer.putInt(metric, (int)scaledDelay, ByteOrder.BIG_ENDIAN);
        buffer.putInt(metric + 4, (int)scaledBandwidth, ByteOrder.BIG_ENDIAN);
        buffer.putShort(metric + 8, (short)(mtu >>> 8), ByteOrder.BIG_ENDIAN);
        buffer.putByte(metric + 10, (byte)mtu);
        buffer.putByte(metric + 11, (byte)hopCount);
        buffer.putByte(metric + 12, (byte)reliability);
        buffer.putByte(metric + 13, (byte)load);
        buffer.putByte(metric + 14, (byte)tag);
        buffer.putByte(metric + 15, (byte)flags);
        buffer.putByte(metric + 16, (byte)prefixLength);
        for (int i = 0; i < Eigrp.destinationBytes(prefixLength); i++)
        {
            buffer.putByte(metric + 17 + i, (byte)(destination >>> 24 - 8 * i));
        }
        position += length;
        return this;
    }

    /** Writes the checksum over the whole packet. @return the packet's length. */
    public int finish()
    {
        final int length = length();
        buffer.putShort(offset + EigrpPacket.CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + EigrpPacket.CHECKSUM_OFFSET, (short)InternetChecksum.compute(buffer, offset, length), ByteOrder.BIG_ENDIAN);
        return length;
    }
}
