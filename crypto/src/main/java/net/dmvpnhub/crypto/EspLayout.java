package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What every provider's engine needs from an ESP packet's bytes: the AAD of RFC 4106 section 5,
 * the GCM nonce of section 4, the ESN high bits, and a constant-time tag comparison.
 */
final class EspLayout
{
    static final int GCM_NONCE_LENGTH = 12;
    static final int GCM_TAG_LENGTH = 16;
    static final int MAX_AAD_LENGTH = 12;

    private EspLayout()
    {
    }

    /**
     * Writes SPI || sequence (8 bytes), or SPI || sequence high || sequence low with ESN (12 bytes).
     *
     * @return the AAD length.
     */
    static int writeAad(final byte[] aad, final MutableDirectBuffer buffer, final int espOffset, final long sequence, final boolean esn)
    {
        putInt(aad, 0, buffer.getInt(espOffset, ByteOrder.BIG_ENDIAN));
        if (esn)
        {
            putInt(aad, 4, (int)(sequence >>> 32));
            putInt(aad, 8, (int)sequence);
            return 12;
        }
        putInt(aad, 4, (int)sequence);
        return 8;
    }

    /**
     * Copies the packet's 8-byte IV after the 4-byte salt already at the start of {@code nonce}.
     */
    static void writeNonceIv(final byte[] nonce, final MutableDirectBuffer buffer, final int ivOffset)
    {
        buffer.getBytes(ivOffset, nonce, 4, 8);
    }

    static void putInt(final byte[] array, final int index, final int value)
    {
        array[index] = (byte)(value >>> 24);
        array[index + 1] = (byte)(value >>> 16);
        array[index + 2] = (byte)(value >>> 8);
        array[index + 3] = (byte)value;
    }

    /**
     * @return true when {@code length} bytes of {@code expected} equal the buffer's, in time that
     * does not depend on where they differ.
     */
    static boolean constantTimeEquals(final byte[] expected, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        int difference = 0;
        for (int i = 0; i < length; i++)
        {
            difference |= expected[i] ^ buffer.getByte(offset + i);
        }
        return difference == 0;
    }

    static void checkKeyMaterial(final Transform transform, final byte[] keyMaterial)
    {
        if (keyMaterial.length != transform.keyMaterialLength())
        {
            throw new IllegalArgumentException(transform.iosName() + " needs " + transform.keyMaterialLength() +
                " bytes of key material (" + describe(transform) + "), not " + keyMaterial.length);
        }
    }

    private static String describe(final Transform transform)
    {
        return transform.isAead() ? transform.cipherKeyLength() + "-byte AES key and 4-byte salt" :
            transform.cipherKeyLength() + "-byte AES key and " + transform.authKeyLength() + "-byte HMAC key";
    }
}
