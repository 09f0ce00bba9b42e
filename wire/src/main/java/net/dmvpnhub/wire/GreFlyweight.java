package net.dmvpnhub.wire;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over a GRE header (RFC 2784 with the key and sequence number of RFC 2890).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C| |K|S| Reserved0       | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Checksum (optional)      |       Reserved1 (Optional)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Key (optional)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sequence Number (Optional)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The optional words appear in that order, each only when its flag is set. RFC 2784 says a
 * receiver discards a packet with any of bits 1 to 5 set (the RFC 1701 routing, strict source
 * route and recursion bits, apart from K and S that RFC 2890 took), and ignores bits 6 to 12.
 * The checksum, when present, covers the GRE header and its payload.
 */
public final class GreFlyweight
{
    public static final int BASE_HEADER_LENGTH = 4;
    public static final int MAX_HEADER_LENGTH = 16;
    public static final int FLAGS_VERSION_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;

    public static final int FLAG_CHECKSUM = 0x8000;
    public static final int FLAG_ROUTING = 0x4000;
    public static final int FLAG_KEY = 0x2000;
    public static final int FLAG_SEQUENCE = 0x1000;
    public static final int FLAG_STRICT_SOURCE_ROUTE = 0x0800;
    public static final int RECURSION_MASK = 0x0700;
    public static final int VERSION_MASK = 0x0007;
    /** Bits 1, 4 and 5: RFC 2784 section 2.3.1 says discard when any is set. */
    public static final int UNSUPPORTED_MASK = FLAG_ROUTING | FLAG_STRICT_SOURCE_ROUTE | 0x0400;

    public static final int PROTOCOL_IPV4 = 0x0800;
    public static final int PROTOCOL_NHRP = 0x2001;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * @param length bytes present from {@code offset} (the GRE header and its payload).
     */
    public GreFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
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
     * Version, flags and the optional words against the bytes present. The checksum is verified
     * separately by {@link #verifyChecksum()}.
     */
    public DecodeStatus validate()
    {
        if (length < BASE_HEADER_LENGTH)
        {
            return DecodeStatus.GRE_TRUNCATED;
        }
        final int flags = flagsAndVersion();
        if ((flags & VERSION_MASK) != 0)
        {
            return DecodeStatus.GRE_BAD_VERSION;
        }
        if ((flags & UNSUPPORTED_MASK) != 0)
        {
            return DecodeStatus.GRE_UNSUPPORTED_FLAGS;
        }
        if (headerLength(flags) > length)
        {
            return DecodeStatus.GRE_TRUNCATED;
        }
        return DecodeStatus.OK;
    }

    public int flagsAndVersion()
    {
        return buffer.getShort(offset + FLAGS_VERSION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public boolean hasChecksum()
    {
        return (flagsAndVersion() & FLAG_CHECKSUM) != 0;
    }

    public boolean hasKey()
    {
        return (flagsAndVersion() & FLAG_KEY) != 0;
    }

    public boolean hasSequence()
    {
        return (flagsAndVersion() & FLAG_SEQUENCE) != 0;
    }

    public int protocolType()
    {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public GreFlyweight protocolType(final int protocolType)
    {
        buffer.putShort(offset + PROTOCOL_TYPE_OFFSET, (short)protocolType, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return header length in bytes implied by the flags word.
     */
    public static int headerLength(final int flagsAndVersion)
    {
        return BASE_HEADER_LENGTH +
            ((flagsAndVersion >>> 15 & 1) + (flagsAndVersion >>> 13 & 1) + (flagsAndVersion >>> 12 & 1)) * 4;
    }

    public int headerLength()
    {
        return headerLength(flagsAndVersion());
    }

    /**
     * @return the checksum field, or -1 when the C bit is clear.
     */
    public int checksum()
    {
        return hasChecksum() ? buffer.getShort(offset + BASE_HEADER_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF : -1;
    }

    /**
     * @return the key as an unsigned 32-bit value in a long, or -1 when the K bit is clear.
     */
    public long key()
    {
        final int flags = flagsAndVersion();
        if ((flags & FLAG_KEY) == 0)
        {
            return -1;
        }
        return buffer.getInt(offset + keyOffset(flags), ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * @return the sequence number as an unsigned 32-bit value in a long, or -1 when the S bit is clear.
     */
    public long sequence()
    {
        final int flags = flagsAndVersion();
        if ((flags & FLAG_SEQUENCE) == 0)
        {
            return -1;
        }
        return buffer.getInt(offset + sequenceOffset(flags), ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    private static int keyOffset(final int flags)
    {
        return BASE_HEADER_LENGTH + ((flags & FLAG_CHECKSUM) != 0 ? 4 : 0);
    }

    private static int sequenceOffset(final int flags)
    {
        return keyOffset(flags) + ((flags & FLAG_KEY) != 0 ? 4 : 0);
    }

    /**
     * @return absolute offset of the payload (the encapsulated packet).
     */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * @return payload bytes, given that the GRE packet fills the wrapped length.
     */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /**
     * @return true when the C bit is clear, or the checksum over the header and payload verifies.
     */
    public boolean verifyChecksum()
    {
        return !hasChecksum() || InternetChecksum.verify(buffer, offset, length);
    }

    /**
     * Writes a version 0 header. The checksum word, when requested, is left zero: call
     * {@link #updateChecksum()} once the payload is in place.
     *
     * @param withChecksum set C.
     * @param key written with K set when {@code >= 0}; -1 for no key.
     * @param sequence written with S set when {@code >= 0}; -1 for no sequence number.
     * @return the header length written.
     */
    public int writeHeader(final boolean withChecksum, final int protocolType, final long key, final long sequence)
    {
        final int flags = (withChecksum ? FLAG_CHECKSUM : 0) | (key >= 0 ? FLAG_KEY : 0) | (sequence >= 0 ? FLAG_SEQUENCE : 0);
        buffer.putShort(offset + FLAGS_VERSION_OFFSET, (short)flags, ByteOrder.BIG_ENDIAN);
        protocolType(protocolType);
        if (withChecksum)
        {
            buffer.putInt(offset + BASE_HEADER_LENGTH, 0);
        }
        if (key >= 0)
        {
            buffer.putInt(offset + keyOffset(flags), (int)key, ByteOrder.BIG_ENDIAN);
        }
        if (sequence >= 0)
        {
            buffer.putInt(offset + sequenceOffset(flags), (int)sequence, ByteOrder.BIG_ENDIAN);
        }
        return headerLength(flags);
    }

    /**
     * Computes and writes the checksum over the wrapped length (header plus payload) when C is set.
     */
    public GreFlyweight updateChecksum()
    {
        if (hasChecksum())
        {
            buffer.putShort(offset + BASE_HEADER_LENGTH, (short)0, ByteOrder.BIG_ENDIAN);
            buffer.putShort(offset + BASE_HEADER_LENGTH, (short)InternetChecksum.compute(buffer, offset, length), ByteOrder.BIG_ENDIAN);
        }
        return this;
    }
}
