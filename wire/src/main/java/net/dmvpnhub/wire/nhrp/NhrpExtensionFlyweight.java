package net.dmvpnhub.wire.nhrp;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over one extension of the NHRP extension list (RFC 2332 section 5.3).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C|u|        Type               |        Length                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The Responder Address, Forward and Reverse Transit NHS Record and Cisco NAT Address
 * extensions hold CIEs; Cisco's plaintext Authentication holds a 4-byte type 1 and the password.
 */
public final class NhrpExtensionFlyweight
{
    public static final int HEADER_LENGTH = 4;

    private DirectBuffer buffer;
    private int offset;

    public NhrpExtensionFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public boolean isCompulsory()
    {
        return (rawType() & Nhrp.EXTENSION_COMPULSORY) != 0;
    }

    /**
     * @return the type without the compulsory and unused bits.
     */
    public int type()
    {
        return rawType() & Nhrp.EXTENSION_TYPE_MASK;
    }

    private int rawType()
    {
        return buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return bytes of the value (the header excluded).
     */
    public int length()
    {
        return buffer.getShort(offset + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int valueOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * @return offset of the next extension.
     */
    public int nextOffset()
    {
        return offset + HEADER_LENGTH + length();
    }

    /**
     * @return the authentication type of an Authentication extension (1 for Cisco's plaintext form).
     */
    public int authenticationType()
    {
        return buffer.getInt(valueOffset(), ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return true when this Authentication extension carries exactly {@code password}, in the
     * plaintext form, compared in time that does not depend on where the first difference is.
     */
    public boolean authenticationMatches(final byte[] password)
    {
        if (length() != 4 + password.length || authenticationType() != Nhrp.AUTHENTICATION_TYPE_CLEARTEXT)
        {
            return false;
        }
        int difference = 0;
        final int value = valueOffset() + 4;
        for (int i = 0; i < password.length; i++)
        {
            difference |= buffer.getByte(value + i) ^ password[i];
        }
        return difference == 0;
    }
}
