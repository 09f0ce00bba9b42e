package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * AES-256-CBC with HMAC-SHA-256-128 ({@code esp-aes 256 esp-sha256-hmac}): the RFC 4868 section
 * 2.7.2.1 known answers through each provider's ICV code, and ESP round trips.
 */
class CbcHmacTest
{
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 4868 section 2.7.2.1, AUTH256-1 to AUTH256-4: key, data, HMAC-SHA-256-128. */
    static Stream<Arguments> rfc4868()
    {
        final byte[] key4 = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            key4[i] = (byte)(i + 1);
        }
        final Object[][] cases = {
            {"AUTH256-1", filled(32, 0x0b), "Hi There".getBytes(StandardCharsets.US_ASCII), "198a607eb44bfbc69903a0f1cf2bbdc5"},
            {"AUTH256-2", "JefeJefeJefeJefeJefeJefeJefeJefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII), "167f928588c5cc2eef8e3093caa0e87c"},
            {"AUTH256-3", filled(32, 0xaa), filled(50, 0xdd), "cdcb1220d1ecccea91e53aba3092f962"},
            {"AUTH256-4", key4, filled(50, 0xcd), "372efcf9b40b35c2115b1346903d2ef4"},
        };
        return CryptoProvider.available().stream().flatMap(provider -> Stream.of(false, true).flatMap(direct ->
            Stream.of(cases).map(c -> Arguments.of(c[0], provider, direct, c[1], c[2], c[3]))));
    }

    private static byte[] filled(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    @ParameterizedTest(name = "{0} {1} direct={2}")
    @MethodSource("rfc4868")
    void knownAnswersOfRfc4868(
        final String name, final CryptoProvider provider, final boolean direct, final byte[] authKey, final byte[] data, final String icv)
    {
        final byte[] keyMaterial = new byte[64];
        System.arraycopy(authKey, 0, keyMaterial, 32, 32);
        try (EspEngine engine = provider.newEngine(Transform.AES_256_CBC_HMAC_SHA256, keyMaterial, false, true))
        {
            final MutableDirectBuffer buffer = direct ? new UnsafeBuffer(ByteBuffer.allocateDirect(data.length + 9)) :
                new UnsafeBuffer(new byte[data.length + 9]);
            buffer.putBytes(9, data);
            assertEquals(icv, HEX.formatHex(((HmacSha256Icv)engine).icv(buffer, 9, data.length)), name);
        }
    }

    @ParameterizedTest
    @MethodSource("net.dmvpnhub.crypto.CryptoProviderTest#availableProviders")
    void ivsAreUniqueAndUnpredictableLookingAndRoundTripsWork(final CryptoProvider provider)
    {
        final Transform transform = Transform.AES_256_CBC_HMAC_SHA256;
        final byte[] key = EspProcessorTest.key(transform, 11);
        final EspProcessor processor = new EspProcessor();
        try (SecurityAssociation out = EspProcessorTest.sa(provider, transform, key, SecurityAssociation.Direction.OUTBOUND, false);
             SecurityAssociation in = EspProcessorTest.sa(provider, transform, key, SecurityAssociation.Direction.INBOUND, false))
        {
            byte[] previousIv = null;
            for (int size = 0; size < 80; size++)
            {
                final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[512]);
                buffer.putBytes(64, filled(size, size));
                assertEquals(EspStatus.OK, processor.encrypt(out, buffer, 64, size, 512));
                assertEquals(0, (processor.espLength() - 8 - 16 - 16) % 16, "CBC ciphertext is whole blocks");
                final byte[] iv = new byte[16];
                buffer.getBytes(processor.espOffset() + 8, iv);
                assertFalse(Arrays.equals(iv, previousIv));
                // The IV is the sequence number encrypted, not the sequence number itself.
                assertNotEquals(0, iv[0] | iv[1] | iv[2] | iv[3]);
                previousIv = iv;
                assertEquals(EspStatus.OK, processor.decrypt(in, buffer, processor.espOffset(), processor.espLength()));
                final byte[] plain = new byte[size];
                buffer.getBytes(64, plain);
                assertArrayEquals(filled(size, size), plain);
            }
        }
    }
}
