package net.dmvpnhub.wire;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an ICMP message for IPv4 (RFC 792), the part of it a router uses: Echo Request
 * (8) and Echo Reply (0), Destination Unreachable (3) and Time Exceeded (11).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Echo: Identifier             |  Echo: Sequence Number        |
 * |  Errors: unused (Destination Unreachable code 4: next-hop MTU)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Echo: Data ...                                               |
 * |  Errors: Internet Header + 64 bits of Original Data Datagram  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The checksum is the Internet checksum of the whole ICMP message (header and data). An error
 * quotes the IP header of the packet that caused it and at least its first 8 data bytes (RFC 792;
 * RFC 1812 section 4.3.2.3 allows more, this codec writes exactly that much, as IOS does), which
 * is how the sender matches it to a probe: a UDP probe's ports, an echo's identifier and sequence.
 * <p>
 * {@link #validate()} checks every length against the bytes present before a field is read and
 * returns a named {@link DecodeStatus}; nothing throws for bad input, nothing is allocated.
 */
public final class Icmp4Flyweight
{
    public static final int HEADER_LENGTH = 8;
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    /** The first 8 bytes of the original datagram's data that an error quotes after its IP header. */
    public static final int QUOTED_DATA_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_TTL_EXCEEDED_IN_TRANSIT = 0;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * @param length bytes of the ICMP message from {@code offset} (the IPv4 payload length).
     */
    public Icmp4Flyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public int capacity()
    {
        return length;
    }

    /**
     * Header length, checksum, and for the error types the quoted IPv4 header (version, header
     * length, and the 8 data bytes behind it present). Other types pass with the first two checks.
     */
    public DecodeStatus validate()
    {
        if (length < HEADER_LENGTH)
        {
            return DecodeStatus.ICMP_TRUNCATED;
        }
        if (!InternetChecksum.verify(buffer, offset, length))
        {
            return DecodeStatus.ICMP_BAD_CHECKSUM;
        }
        if (isError())
        {
            final int quoted = offset + HEADER_LENGTH;
            final int available = length - HEADER_LENGTH;
            if (available < Ipv4Flyweight.MIN_HEADER_LENGTH)
            {
                return DecodeStatus.ICMP_QUOTE_TRUNCATED;
            }
            final int versionIhl = buffer.getByte(quoted) & 0xFF;
            final int ihl = (versionIhl & 0x0F) * 4;
            if (versionIhl >>> 4 != 4 || ihl < Ipv4Flyweight.MIN_HEADER_LENGTH)
            {
                return DecodeStatus.ICMP_QUOTE_NOT_IPV4;
            }
            if (available < ihl + QUOTED_DATA_LENGTH)
            {
                return DecodeStatus.ICMP_QUOTE_TRUNCATED;
            }
        }
        return DecodeStatus.OK;
    }

    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public int code()
    {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int identifier()
    {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int sequence()
    {
        return buffer.getShort(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** @return true for the types that quote an offending datagram (3 and 11). */
    public boolean isError()
    {
        final int type = type();
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_TIME_EXCEEDED;
    }

    /** @return where an error's quoted IPv4 header starts (validate first). */
    public int quotedOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** @return an error's quoted bytes: the original IP header and what follows of its data. */
    public int quotedLength()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * Writes an Echo Request or Reply header; the data behind it is the caller's. Call
     * {@link #updateChecksum()} once the data is in place.
     */
    public Icmp4Flyweight writeEcho(final int type, final int identifier, final int sequence)
    {
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + CODE_OFFSET, (byte)0);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + IDENTIFIER_OFFSET, (short)identifier, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + SEQUENCE_OFFSET, (short)sequence, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Writes an error header (type 3 or 11, the second word zero); the quoted datagram behind it
     * is the caller's. Call {@link #updateChecksum()} once the quote is in place.
     */
    public Icmp4Flyweight writeError(final int type, final int code)
    {
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + CODE_OFFSET, (byte)code);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        buffer.putInt(offset + IDENTIFIER_OFFSET, 0);
        return this;
    }

    /** Computes the checksum over the whole message and writes it. */
    public Icmp4Flyweight updateChecksum()
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)InternetChecksum.compute(buffer, offset, length), ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * How many bytes of an offending datagram an error quotes: its IP header and 8 data bytes, or
     * all of it when shorter.
     */
    public static int quoteLength(final int headerLength, final int totalLength)
    {
        return Math.min(headerLength + QUOTED_DATA_LENGTH, totalLength);
    }
}
