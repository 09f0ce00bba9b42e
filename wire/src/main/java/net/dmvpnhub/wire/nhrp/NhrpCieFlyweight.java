package net.dmvpnhub.wire.nhrp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over one Client Information Entry (RFC 2332 section 5.2.0.1). Only read one that
 * {@link NhrpPacket#validate()} accepted, or one this project wrote.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Code      | Prefix Length |         unused                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Maximum Transmission Unit    |        Holding Time           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Cli Addr T/L | Cli SAddr T/L | Cli Proto Len |  Preference   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Client NBMA Address (variable length)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Client NBMA Subaddress (variable length)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Client Protocol Address (variable length)            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class NhrpCieFlyweight
{
    public static final int FIXED_LENGTH = 12;
    public static final int CODE_OFFSET = 0;
    public static final int PREFIX_LENGTH_OFFSET = 1;
    public static final int MTU_OFFSET = 4;
    public static final int HOLDING_TIME_OFFSET = 6;
    public static final int CLIENT_NBMA_TL_OFFSET = 8;
    public static final int CLIENT_SUBADDRESS_TL_OFFSET = 9;
    public static final int CLIENT_PROTOCOL_LENGTH_OFFSET = 10;
    public static final int PREFERENCE_OFFSET = 11;
    /** Low six bits of a type/length octet: the length. Bit 0x40 is the E.164 type. */
    public static final int ADDRESS_LENGTH_MASK = 0x3F;

    private DirectBuffer buffer;
    private int offset;

    public NhrpCieFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public int code()
    {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    public int prefixLength()
    {
        return buffer.getByte(offset + PREFIX_LENGTH_OFFSET) & 0xFF;
    }

    public int mtu()
    {
        return buffer.getShort(offset + MTU_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return holding time in seconds.
     */
    public int holdingTimeS()
    {
        return buffer.getShort(offset + HOLDING_TIME_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int clientNbmaLength()
    {
        return buffer.getByte(offset + CLIENT_NBMA_TL_OFFSET) & ADDRESS_LENGTH_MASK;
    }

    public int clientSubaddressLength()
    {
        return buffer.getByte(offset + CLIENT_SUBADDRESS_TL_OFFSET) & ADDRESS_LENGTH_MASK;
    }

    public int clientProtocolLength()
    {
        return buffer.getByte(offset + CLIENT_PROTOCOL_LENGTH_OFFSET) & 0xFF;
    }

    public int preference()
    {
        return buffer.getByte(offset + PREFERENCE_OFFSET) & 0xFF;
    }

    /**
     * @return the client NBMA address, or 0 when its length is 0.
     */
    public int clientNbma()
    {
        return clientNbmaLength() == 0 ? 0 : buffer.getInt(offset + FIXED_LENGTH, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return the client protocol address, or 0 when its length is 0.
     */
    public int clientProtocol()
    {
        return clientProtocolLength() == 0 ? 0 :
            buffer.getInt(offset + FIXED_LENGTH + clientNbmaLength() + clientSubaddressLength(), ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return bytes of this CIE, fixed part and addresses.
     */
    public int length()
    {
        return FIXED_LENGTH + clientNbmaLength() + clientSubaddressLength() + clientProtocolLength();
    }

    /**
     * Writes a CIE with IPv4 addresses; a negative address length field is never written.
     *
     * @param withAddresses false for a CIE without client addresses (as in a registration request).
     * @return bytes written.
     */
    public static int write(
        final MutableDirectBuffer buffer,
        final int offset,
        final int code,
        final int prefixLength,
        final int mtu,
        final int holdingTimeS,
        final int preference,
        final boolean withAddresses,
        final int clientNbma,
        final int clientProtocol)
    {
        buffer.putByte(offset + CODE_OFFSET, (byte)code);
        buffer.putByte(offset + PREFIX_LENGTH_OFFSET, (byte)prefixLength);
        buffer.putShort(offset + 2, (short)0);
        buffer.putShort(offset + MTU_OFFSET, (short)mtu, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + HOLDING_TIME_OFFSET, (short)holdingTimeS, ByteOrder.BIG_ENDIAN);
        final int addressLength = withAddresses ? Nhrp.IPV4_ADDRESS_LENGTH : 0;
        buffer.putByte(offset + CLIENT_NBMA_TL_OFFSET, (byte)addressLength);
        buffer.putByte(offset + CLIENT_SUBADDRESS_TL_OFFSET, (byte)0);
        buffer.putByte(offset + CLIENT_PROTOCOL_LENGTH_OFFSET, (byte)addressLength);
        buffer.putByte(offset + PREFERENCE_OFFSET, (byte)preference);
        if (withAddresses)
        {
            buffer.putInt(offset + FIXED_LENGTH, clientNbma, ByteOrder.BIG_ENDIAN);
            buffer.putInt(offset + FIXED_LENGTH + 4, clientProtocol, ByteOrder.BIG_ENDIAN);
            return FIXED_LENGTH + 8;
        }
        return FIXED_LENGTH;
    }
}
