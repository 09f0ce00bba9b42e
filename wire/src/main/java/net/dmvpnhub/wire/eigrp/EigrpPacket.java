package net.dmvpnhub.wire.eigrp;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.InternetChecksum;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an EIGRP packet (RFC 7868 section 6): the fixed header, then TLVs to the end of
 * the IP payload.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Header Version |    Opcode     |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Flags                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Acknowledgement Number                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Virtual Router ID        |       Autonomous System       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  TLVs: Type (2) | Length (2, the TLV's own 4 included) | Value |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The checksum is the Internet checksum of the whole EIGRP packet (header and TLVs, not the IP
 * header). {@link #validate()} checks, before any field is read, the header's length, version,
 * opcode and checksum, then walks every TLV: each lies inside the packet, and each TLV this
 * project reads has the length its type fixes (a route's with its prefix length's destination
 * bytes); TLVs of other types are skipped, as RFC 7868 has receivers do. Nothing throws for bad
 * input and nothing is allocated. Read TLVs with {@link EigrpTlvFlyweight} from
 * {@link #firstTlvOffset()} to {@link #endOffset()}.
 */
public final class EigrpPacket
{
    public static final int HEADER_LENGTH = 20;
    public static final int VERSION_OFFSET = 0;
    public static final int OPCODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int FLAGS_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int ACK_OFFSET = 12;
    public static final int VIRTUAL_ROUTER_ID_OFFSET = 16;
    public static final int AS_OFFSET = 18;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * @param length bytes of the EIGRP packet from {@code offset} (the IPv4 payload length).
     */
    public EigrpPacket wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    /** Every check of the class description, in that order; the first that fails is named. */
    public DecodeStatus validate()
    {
        if (length < HEADER_LENGTH)
        {
            return DecodeStatus.EIGRP_TRUNCATED;
        }
        if ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) != Eigrp.VERSION)
        {
            return DecodeStatus.EIGRP_BAD_VERSION;
        }
        if (!knownOpcode(opcode()))
        {
            return DecodeStatus.EIGRP_UNKNOWN_OPCODE;
        }
        if (!InternetChecksum.verify(buffer, offset, length))
        {
            return DecodeStatus.EIGRP_BAD_CHECKSUM;
        }
        final int end = offset + length;
        int at = offset + HEADER_LENGTH;
        while (at < end)
        {
            if (end - at < EigrpTlvFlyweight.HEADER_LENGTH)
            {
                return DecodeStatus.EIGRP_TLV_TRUNCATED;
            }
            final int type = buffer.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int tlvLength = buffer.getShort(at + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (tlvLength < EigrpTlvFlyweight.HEADER_LENGTH)
            {
                return DecodeStatus.EIGRP_TLV_BAD_LENGTH;
            }
            if (tlvLength > end - at)
            {
                return DecodeStatus.EIGRP_TLV_TRUNCATED;
            }
            final DecodeStatus status = checkTlv(at, type, tlvLength);
            if (status != DecodeStatus.OK)
            {
                return status;
            }
            at += tlvLength;
        }
        return DecodeStatus.OK;
    }

    private DecodeStatus checkTlv(final int at, final int type, final int tlvLength)
    {
        switch (type)
        {
            case Eigrp.TLV_PARAMETER:
                return tlvLength == EigrpTlvFlyweight.PARAMETER_LENGTH ? DecodeStatus.OK : DecodeStatus.EIGRP_TLV_BAD_LENGTH;
            case Eigrp.TLV_SOFTWARE_VERSION:
            case Eigrp.TLV_NEXT_MULTICAST_SEQUENCE:
                return tlvLength == 8 ? DecodeStatus.OK : DecodeStatus.EIGRP_TLV_BAD_LENGTH;
            case Eigrp.TLV_STUB:
                return tlvLength == EigrpTlvFlyweight.STUB_LENGTH ? DecodeStatus.OK : DecodeStatus.EIGRP_TLV_BAD_LENGTH;
            case Eigrp.TLV_SEQUENCE:
            {
                // (address length, address) pairs, IPv4 only: 5 bytes each, at least one.
                final int value = tlvLength - EigrpTlvFlyweight.HEADER_LENGTH;
                if (value == 0 || value % 5 != 0)
                {
                    return DecodeStatus.EIGRP_TLV_BAD_LENGTH;
                }
                for (int pair = at + EigrpTlvFlyweight.HEADER_LENGTH; pair < at + tlvLength; pair += 5)
                {
                    if ((buffer.getByte(pair) & 0xFF) != 4)
                    {
                        return DecodeStatus.EIGRP_TLV_BAD_LENGTH;
                    }
                }
                return DecodeStatus.OK;
            }
            case Eigrp.TLV_IPV4_INTERNAL:
                return checkRoute(at, tlvLength, EigrpTlvFlyweight.INTERNAL_PREFIX_LENGTH_OFFSET);
            case Eigrp.TLV_IPV4_EXTERNAL:
                return checkRoute(at, tlvLength, EigrpTlvFlyweight.EXTERNAL_PREFIX_LENGTH_OFFSET);
            default:
                return DecodeStatus.OK;
        }
    }

    /** A route TLV: its fixed part, a prefix length of at most 32, then exactly the destination's significant bytes. */
    private DecodeStatus checkRoute(final int at, final int tlvLength, final int prefixLengthOffset)
    {
        if (tlvLength < prefixLengthOffset + 1)
        {
            return DecodeStatus.EIGRP_TLV_BAD_LENGTH;
        }
        final int prefixLength = buffer.getByte(at + prefixLengthOffset) & 0xFF;
        if (prefixLength > 32)
        {
            return DecodeStatus.EIGRP_BAD_PREFIX_LENGTH;
        }
        final int destination = tlvLength - prefixLengthOffset - 1;
        // A default route (/0) has no significant byte; some implementations still write one.
        final boolean fits = destination == Eigrp.destinationBytes(prefixLength) || prefixLength == 0 && destination == 1;
        return fits ? DecodeStatus.OK : DecodeStatus.EIGRP_TLV_BAD_LENGTH;
    }

    private static boolean knownOpcode(final int opcode)
    {
        return opcode >= Eigrp.OPCODE_UPDATE && opcode <= Eigrp.OPCODE_HELLO || opcode == Eigrp.OPCODE_SIA_QUERY ||
            opcode == Eigrp.OPCODE_SIA_REPLY;
    }

    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public int opcode()
    {
        return buffer.getByte(offset + OPCODE_OFFSET) & 0xFF;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int flags()
    {
        return buffer.getInt(offset + FLAGS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** @return the sequence number as an unsigned 32-bit value. */
    public long sequence()
    {
        return buffer.getInt(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** @return the acknowledgement number as an unsigned 32-bit value. */
    public long ack()
    {
        return buffer.getInt(offset + ACK_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    public int virtualRouterId()
    {
        return buffer.getShort(offset + VIRTUAL_ROUTER_ID_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int autonomousSystem()
    {
        return buffer.getShort(offset + AS_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** @return true for an acknowledgement: a Hello with a non-zero acknowledgement number and no TLVs. */
    public boolean isAck()
    {
        return opcode() == Eigrp.OPCODE_HELLO && ack() != 0 && length == HEADER_LENGTH;
    }

    /** @return where the first TLV starts (equal to {@link #endOffset()} when there is none). */
    public int firstTlvOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** @return where the packet ends: a TLV at or past this offset does not exist. */
    public int endOffset()
    {
        return offset + length;
    }
}
