package net.dmvpnhub.wire;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an IPv4 header (RFC 791), big-endian, edited in place.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} records how many bytes are really present; {@link #validate()} checks every
 * length against them before any other getter may be trusted. Getters never read past the
 * 20-byte base header, so they are safe once {@code validate()} returned {@link DecodeStatus#OK}.
 */
public final class Ipv4Flyweight
{
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_IPIP = 4;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_GRE = 47;
    public static final int PROTOCOL_ESP = 50;

    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * @param buffer holding the header.
     * @param offset of the first header byte in {@code buffer}.
     * @param length bytes present from {@code offset}; nothing beyond is ever read.
     * @return this flyweight.
     */
    public Ipv4Flyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /**
     * @return bytes present from {@link #offset()}, as given to {@link #wrap}.
     */
    public int capacity()
    {
        return length;
    }

    /**
     * Structural check: version, header length and total length against the bytes present.
     * The checksum is separate ({@link #verifyChecksum()}) because a router verifies it only where
     * it must.
     */
    public DecodeStatus validate()
    {
        if (length < MIN_HEADER_LENGTH)
        {
            return DecodeStatus.IPV4_TRUNCATED;
        }
        final int versionIhl = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xFF;
        if (versionIhl >>> 4 != 4)
        {
            return DecodeStatus.IPV4_BAD_VERSION;
        }
        final int headerLength = (versionIhl & 0x0F) << 2;
        if (headerLength < MIN_HEADER_LENGTH)
        {
            return DecodeStatus.IPV4_BAD_IHL;
        }
        final int totalLength = totalLength();
        if (totalLength < MIN_HEADER_LENGTH)
        {
            return DecodeStatus.IPV4_BAD_TOTAL_LENGTH;
        }
        if (headerLength > totalLength)
        {
            return DecodeStatus.IPV4_BAD_IHL;
        }
        if (totalLength > length)
        {
            return DecodeStatus.IPV4_TRUNCATED;
        }
        return headerLength == MIN_HEADER_LENGTH ? DecodeStatus.OK : validateOptions(headerLength);
    }

    /**
     * RFC 791 options are End of Option List (0), No Operation (1), or type, length (at least 2)
     * and value; each must end inside the header.
     */
    private DecodeStatus validateOptions(final int headerLength)
    {
        final int end = offset + headerLength;
        int option = offset + MIN_HEADER_LENGTH;
        while (option < end)
        {
            final int type = buffer.getByte(option) & 0xFF;
            if (type == 0)
            {
                break;
            }
            if (type == 1)
            {
                option++;
                continue;
            }
            if (option + 1 >= end)
            {
                return DecodeStatus.IPV4_BAD_OPTIONS;
            }
            final int optionLength = buffer.getByte(option + 1) & 0xFF;
            if (optionLength < 2 || option + optionLength > end)
            {
                return DecodeStatus.IPV4_BAD_OPTIONS;
            }
            option += optionLength;
        }
        return DecodeStatus.OK;
    }

    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xFF) >>> 4;
    }

    /**
     * @return the header length in bytes (IHL times 4).
     */
    public int headerLength()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F) << 2;
    }

    public int tos()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight tos(final int tos)
    {
        buffer.putByte(offset + TOS_OFFSET, (byte)tos);
        return this;
    }

    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight totalLength(final int totalLength)
    {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight identification(final int identification)
    {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return the 16-bit word of flags (DF 0x4000, MF 0x2000) and the fragment offset in 8-byte units.
     */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight flagsAndFragmentOffset(final int value)
    {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return true when this is a fragment (MF set or a non-zero fragment offset).
     */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight ttl(final int ttl)
    {
        buffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight protocol(final int protocol)
    {
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight checksum(final int checksum)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return the source address as a big-endian int (10.0.0.1 is 0x0A000001).
     */
    public int source()
    {
        return buffer.getInt(offset + SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Flyweight source(final int address)
    {
        buffer.putInt(offset + SOURCE_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int destination()
    {
        return buffer.getInt(offset + DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Flyweight destination(final int address)
    {
        buffer.putInt(offset + DESTINATION_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return absolute offset in the buffer of the first payload byte.
     */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * @return payload bytes according to the total length.
     */
    public int payloadLength()
    {
        return totalLength() - headerLength();
    }

    /**
     * @return true when the header checksum verifies (validate first: the header must be present).
     */
    public boolean verifyChecksum()
    {
        final int headerLength = headerLength();
        if (headerLength != MIN_HEADER_LENGTH)
        {
            return InternetChecksum.verify(buffer, offset, headerLength);
        }
        // The usual header in three loads. A ones' complement sum taken over words in the other
        // byte order is the byte-swapped sum (RFC 1071 section 2(B)), and all ones swapped is
        // all ones: so native order verifies as well as network order, without the swaps.
        final long first = buffer.getLong(offset);
        final long second = buffer.getLong(offset + 8);
        final long third = buffer.getInt(offset + 16) & 0xFFFF_FFFFL;
        final long sum = (first & 0xFFFF_FFFFL) + (first >>> 32) + (second & 0xFFFF_FFFFL) + (second >>> 32) + third;
        return InternetChecksum.fold(sum) == 0;
    }

    /**
     * Computes the header checksum and writes it.
     */
    public Ipv4Flyweight updateChecksum()
    {
        checksum(0);
        checksum(InternetChecksum.compute(buffer, offset, headerLength()));
        return this;
    }

    /**
     * Decrements the TTL and patches the checksum incrementally (RFC 1624) instead of summing
     * the header again. The caller drops the packet when the TTL was 0 or 1 before the call.
     *
     * @return the new TTL.
     */
    public int decrementTtl()
    {
        final int index = offset + TTL_OFFSET;
        final int oldWord = buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = oldWord - 0x0100;
        buffer.putShort(index, (short)newWord, ByteOrder.BIG_ENDIAN);
        checksum(InternetChecksum.incrementalUpdate(checksum(), oldWord, newWord));
        return newWord >>> 8 & 0xFF;
    }

    /**
     * Writes a 20-byte header without options and its checksum.
     *
     * @return {@link #MIN_HEADER_LENGTH}.
     */
    public int writeHeader(
        final int tos,
        final int totalLength,
        final int identification,
        final int flagsAndFragmentOffset,
        final int ttl,
        final int protocol,
        final int source,
        final int destination)
    {
        // The header as five 32-bit words, its checksum summed from the values in hand (the
        // checksum word taken as zero) rather than read back from memory.
        final int word0 = 0x45 << 24 | (tos & 0xFF) << 16 | totalLength & 0xFFFF;
        final int word1 = identification << 16 | flagsAndFragmentOffset & 0xFFFF;
        final int ttlProtocol = (ttl & 0xFF) << 24 | (protocol & 0xFF) << 16;
        final long sum = (word0 & 0xFFFF_FFFFL) + (word1 & 0xFFFF_FFFFL) + (ttlProtocol & 0xFFFF_FFFFL) +
            (source & 0xFFFF_FFFFL) + (destination & 0xFFFF_FFFFL);
        final MutableDirectBuffer buffer = this.buffer;
        final int offset = this.offset;
        buffer.putInt(offset, word0, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + IDENTIFICATION_OFFSET, word1, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + TTL_OFFSET, ttlProtocol | InternetChecksum.fold(sum), ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + SOURCE_OFFSET, source, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DESTINATION_OFFSET, destination, ByteOrder.BIG_ENDIAN);
        return MIN_HEADER_LENGTH;
    }
}
