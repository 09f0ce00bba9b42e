package net.dmvpnhub.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an ESP packet (RFC 4303), and helpers for its trailer.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
 * |               Security Parameters Index (SPI)                 | ^Int.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |                      Sequence Number                          | |ered
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
 * |                    IV (8 bytes for GCM, 16 for CBC)           | |   ^
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * |                    Payload Data* (variable)                   | |   |
 * ~                                                               ~ |   |
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Conf.
 * |               |     Padding (0-255 bytes)                     | |Cov-
 * +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |ered*
 * |                               |  Pad Length   | Next Header   | v   v
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
 * |         Integrity Check Value-ICV   (16 bytes here)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The IV and ICV sizes belong to the transform, so the layout getters take them as arguments.
 * The trailer (padding, pad length, next header) is only visible after decryption; the static
 * helpers work on the plaintext in place.
 */
public final class EspFlyweight
{
    public static final int SPI_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;
    /** Pad length and next header. */
    public static final int TRAILER_LENGTH = 2;

    public static final int NEXT_HEADER_IPV4 = 4;
    public static final int NEXT_HEADER_GRE = 47;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * @param length bytes of the ESP packet from {@code offset} (header to ICV inclusive).
     */
    public EspFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
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
     * @return {@link DecodeStatus#ESP_TRUNCATED} unless header, IV, at least the two trailer bytes
     * and the ICV are present.
     */
    public DecodeStatus validate(final int ivLength, final int icvLength)
    {
        return length < HEADER_LENGTH + ivLength + TRAILER_LENGTH + icvLength ? DecodeStatus.ESP_TRUNCATED : DecodeStatus.OK;
    }

    /**
     * @return the SPI as a raw 32-bit int (compare as unsigned where ordering matters).
     */
    public int spi()
    {
        return buffer.getInt(offset + SPI_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public EspFlyweight spi(final int spi)
    {
        buffer.putInt(offset + SPI_OFFSET, spi, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return the low 32 bits of the sequence number, unsigned.
     */
    public long sequence()
    {
        return buffer.getInt(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    public EspFlyweight sequence(final long sequenceLow)
    {
        buffer.putInt(offset + SEQUENCE_OFFSET, (int)sequenceLow, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * @return absolute offset of the IV.
     */
    public int ivOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * @return absolute offset of the first encrypted byte.
     */
    public int ciphertextOffset(final int ivLength)
    {
        return offset + HEADER_LENGTH + ivLength;
    }

    /**
     * @return encrypted bytes: payload, padding, pad length and next header.
     */
    public int ciphertextLength(final int ivLength, final int icvLength)
    {
        return length - HEADER_LENGTH - ivLength - icvLength;
    }

    /**
     * @return absolute offset of the ICV.
     */
    public int icvOffset(final int icvLength)
    {
        return offset + length - icvLength;
    }

    /**
     * The padding RFC 4303 section 2.4 needs: payload, padding and the two trailer bytes must end
     * on a multiple of {@code alignment} (4 for GCM, the cipher block size for CBC).
     *
     * @param alignment a power of two, at least 4.
     */
    public static int padLength(final int payloadLength, final int alignment)
    {
        return -(payloadLength + TRAILER_LENGTH) & (alignment - 1);
    }

    /**
     * Writes the monotonically increasing padding 1, 2, 3, ... (RFC 4303 section 2.4), the pad
     * length and next header right after a payload.
     *
     * @param payloadEnd absolute offset just past the payload.
     * @return bytes written (padding plus two).
     */
    public static int writeTrailer(final MutableDirectBuffer buffer, final int payloadEnd, final int padLength, final int nextHeader)
    {
        for (int i = 0; i < padLength; i++)
        {
            buffer.putByte(payloadEnd + i, (byte)(i + 1));
        }
        buffer.putByte(payloadEnd + padLength, (byte)padLength);
        buffer.putByte(payloadEnd + padLength + 1, (byte)nextHeader);
        return padLength + TRAILER_LENGTH;
    }

    /**
     * Checks a decrypted trailer: pad length within the plaintext and padding bytes 1, 2, 3, ...
     *
     * @param plaintextOffset absolute offset of the decrypted payload.
     * @param plaintextLength decrypted bytes including padding and the two trailer bytes.
     */
    public static DecodeStatus validateTrailer(final DirectBuffer buffer, final int plaintextOffset, final int plaintextLength)
    {
        if (plaintextLength < TRAILER_LENGTH)
        {
            return DecodeStatus.ESP_TRUNCATED;
        }
        final int padLength = buffer.getByte(plaintextOffset + plaintextLength - 2) & 0xFF;
        if (padLength > plaintextLength - TRAILER_LENGTH)
        {
            return DecodeStatus.ESP_BAD_PAD_LENGTH;
        }
        final int padStart = plaintextOffset + plaintextLength - TRAILER_LENGTH - padLength;
        for (int i = 0; i < padLength; i++)
        {
            if ((buffer.getByte(padStart + i) & 0xFF) != i + 1)
            {
                return DecodeStatus.ESP_BAD_PADDING;
            }
        }
        return DecodeStatus.OK;
    }

    /**
     * @return the next header of a validated decrypted trailer.
     */
    public static int nextHeader(final DirectBuffer buffer, final int plaintextOffset, final int plaintextLength)
    {
        return buffer.getByte(plaintextOffset + plaintextLength - 1) & 0xFF;
    }

    /**
     * @return bytes of the inner packet in a validated decrypted payload (padding and trailer removed).
     */
    public static int innerLength(final DirectBuffer buffer, final int plaintextOffset, final int plaintextLength)
    {
        return plaintextLength - TRAILER_LENGTH - (buffer.getByte(plaintextOffset + plaintextLength - 2) & 0xFF);
    }
}
