package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every published AES-GCM ESP case, both directions, for every provider and for frames on the
 * heap and in direct memory: 8-byte AAD (SPI || sequence) and 12-byte AAD (with ESN).
 */
class TestVectorsTest
{
    private static final int FRAME_OFFSET = 37;

    static Stream<Arguments> cases()
    {
        return CryptoProvider.available().stream().flatMap(provider -> Stream.of(false, true).flatMap(direct ->
            TestVectors.espAesGcm().stream().map(c -> Arguments.of(provider, direct, c))));
    }

    static MutableDirectBuffer frame(final boolean direct, final int length)
    {
        return direct ? new UnsafeBuffer(ByteBuffer.allocateDirect(length)) : new UnsafeBuffer(new byte[length]);
    }

    @ParameterizedTest(name = "{0} direct={1} {2}")
    @MethodSource("cases")
    void encryptsToThePublishedCiphertextAndIcv(final CryptoProvider provider, final boolean direct, final TestVectors.Case c)
    {
        final int length = 8 + 8 + c.plaintext().length + 16;
        final MutableDirectBuffer buffer = frame(direct, FRAME_OFFSET + length);
        writeHeader(buffer, c);
        buffer.putBytes(FRAME_OFFSET + 16, c.plaintext());
        try (EspEngine engine = provider.newEngine(c.transform(), c.keyMaterial(), c.esn(), true))
        {
            engine.seal(new CryptoWorkspace(), buffer, FRAME_OFFSET, c.plaintext().length, c.sequence());
        }
        final byte[] ciphertext = new byte[c.plaintext().length];
        final byte[] icv = new byte[16];
        buffer.getBytes(FRAME_OFFSET + 16, ciphertext);
        buffer.getBytes(FRAME_OFFSET + 16 + ciphertext.length, icv);
        assertEquals(HexFormat.of().formatHex(c.ciphertext()), HexFormat.of().formatHex(ciphertext));
        assertEquals(HexFormat.of().formatHex(c.icv()), HexFormat.of().formatHex(icv));
    }

    @ParameterizedTest(name = "{0} direct={1} {2}")
    @MethodSource("cases")
    void decryptsThePublishedCiphertextAndRejectsAFlippedIcv(final CryptoProvider provider, final boolean direct, final TestVectors.Case c)
    {
        final int length = 8 + 8 + c.plaintext().length + 16;
        final MutableDirectBuffer buffer = frame(direct, FRAME_OFFSET + length);
        try (EspEngine engine = provider.newEngine(c.transform(), c.keyMaterial(), c.esn(), false))
        {
            load(buffer, c);
            assertTrue(engine.open(new CryptoWorkspace(), buffer, FRAME_OFFSET, c.ciphertext().length, c.sequence()));
            final byte[] plaintext = new byte[c.plaintext().length];
            buffer.getBytes(FRAME_OFFSET + 16, plaintext);
            assertArrayEquals(c.plaintext(), plaintext);

            load(buffer, c);
            final int lastIcvByte = FRAME_OFFSET + length - 1;
            buffer.putByte(lastIcvByte, (byte)(buffer.getByte(lastIcvByte) ^ 0x80));
            assertFalse(engine.open(new CryptoWorkspace(), buffer, FRAME_OFFSET, c.ciphertext().length, c.sequence()));
            buffer.getBytes(FRAME_OFFSET + 16, plaintext);
            assertFalse(Arrays.equals(c.plaintext(), plaintext), "no plaintext may be left after a failed ICV check");

            // The wrong high sequence bits (ESN) or the wrong SPI change the AAD: the ICV fails.
            load(buffer, c);
            assertFalse(engine.open(new CryptoWorkspace(), buffer, FRAME_OFFSET, c.ciphertext().length, c.sequence() + (c.esn() ? 1L << 32 : 1)));
        }
    }

    private static void writeHeader(final MutableDirectBuffer buffer, final TestVectors.Case c)
    {
        buffer.putInt(FRAME_OFFSET, c.spi(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(FRAME_OFFSET + 4, (int)c.sequence(), ByteOrder.BIG_ENDIAN);
        buffer.putBytes(FRAME_OFFSET + 8, c.iv());
    }

    private static void load(final MutableDirectBuffer buffer, final TestVectors.Case c)
    {
        writeHeader(buffer, c);
        buffer.putBytes(FRAME_OFFSET + 16, c.ciphertext());
        buffer.putBytes(FRAME_OFFSET + 16 + c.ciphertext().length, c.icv());
    }
}
