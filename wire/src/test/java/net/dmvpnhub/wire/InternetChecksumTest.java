package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class InternetChecksumTest
{
    /** The worked example of RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2. */
    @Test
    void rfc1071Example()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(HexFormat.of().parseHex("0001f203f4f5f6f7"));
        assertEquals(~0xDDF2 & 0xFFFF, InternetChecksum.compute(buffer, 0, 8));
    }

    /** A real IPv4 header (a textbook capture), checksum b861. */
    @Test
    void knownIpv4Header()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7"));
        assertEquals(0xB861, InternetChecksum.compute(buffer, 0, 20));
        buffer.putShort(10, (short)0xB861, java.nio.ByteOrder.BIG_ENDIAN);
        assertTrue(InternetChecksum.verify(buffer, 0, 20));
    }

    @Test
    void matchesByteAtATimeReferenceForEveryLengthAndAlignment()
    {
        final SplittableRandom random = new SplittableRandom(1071);
        final byte[] bytes = new byte[300];
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = (byte)random.nextInt(256);
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            for (int offset = 0; offset < 5; offset++)
            {
                for (int length = 0; length + offset <= bytes.length; length++)
                {
                    assertEquals(reference(bytes, offset, length), InternetChecksum.compute(buffer, offset, length),
                        "offset " + offset + " length " + length);
                }
            }
        }
    }

    /** RFC 1624: the incremental update equals a full recomputation, for any old and new word. */
    @Test
    void incrementalUpdateEqualsRecomputation()
    {
        final SplittableRandom random = new SplittableRandom(1624);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20]);
        for (int round = 0; round < 100_000; round++)
        {
            for (int i = 0; i < 20; i += 2)
            {
                buffer.putShort(i, (short)random.nextInt(65536));
            }
            buffer.putShort(10, (short)0);
            final int checksum = InternetChecksum.compute(buffer, 0, 20);
            buffer.putShort(10, (short)checksum, java.nio.ByteOrder.BIG_ENDIAN);
            final int oldWord = buffer.getShort(8, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int newWord = random.nextInt(65536);
            buffer.putShort(8, (short)newWord, java.nio.ByteOrder.BIG_ENDIAN);
            final int updated = InternetChecksum.incrementalUpdate(checksum, oldWord, newWord);
            buffer.putShort(10, (short)updated, java.nio.ByteOrder.BIG_ENDIAN);
            assertTrue(InternetChecksum.verify(buffer, 0, 20), "round " + round);
        }
    }

    private static int reference(final byte[] bytes, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = bytes[offset + i] & 0xFF;
            final int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum >>> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }
}
