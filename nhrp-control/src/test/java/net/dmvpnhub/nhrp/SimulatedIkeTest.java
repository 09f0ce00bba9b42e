package net.dmvpnhub.nhrp;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.Transform;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SimulatedIkeTest
{
    private static final byte[] PSK = "cisco123".getBytes(StandardCharsets.US_ASCII);

    /** HKDF-Expand (RFC 5869 section 2.3) written out with a fresh Mac per block, as the Javadoc states it. */
    private static byte[] expected(final int sender, final int receiver, final int spi, final int length) throws Exception
    {
        final byte[] prk = hmac(PSK, "dmvpnhub simulated IKE v1".getBytes(StandardCharsets.US_ASCII));
        final byte[] info = ByteBuffer.allocate(12).putInt(sender).putInt(receiver).putInt(spi).array();
        final ByteArrayOutputStream okm = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int block = 1; okm.size() < length; block++)
        {
            final ByteArrayOutputStream input = new ByteArrayOutputStream();
            input.write(t);
            input.write(info);
            input.write(block);
            t = hmac(prk, input.toByteArray());
            okm.write(t);
        }
        return Arrays.copyOf(okm.toByteArray(), length);
    }

    private static byte[] hmac(final byte[] key, final byte[] data) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Test
    void keyMaterialIsHkdfExpandOfTheEndpointsAndSpiOnEveryThread() throws Exception
    {
        for (final Transform transform : Transform.values())
        {
            final SimulatedIke ike = new SimulatedIke(CryptoProvider.JDK, transform, PSK, false);
            final int length = transform.keyMaterialLength();
            // Twice on this thread (the reused Mac must start clean), once on another thread.
            assertArrayEquals(expected(0xC6120001, 0xC6120002, 0x1000, length), ike.keyMaterial(0xC6120001, 0xC6120002, 0x1000), transform.name());
            assertArrayEquals(expected(0xC6120002, 0xC6120001, 0x2000, length), ike.keyMaterial(0xC6120002, 0xC6120001, 0x2000), transform.name());
            assertArrayEquals(expected(0xC6120003, 0xC6120001, 0x3000, length),
                CompletableFuture.supplyAsync(() -> ike.keyMaterial(0xC6120003, 0xC6120001, 0x3000)).get(), transform.name());
        }
        final SimulatedIke ike = new SimulatedIke(CryptoProvider.JDK, Transform.AES_GCM_128, PSK, false);
        assertFalse(Arrays.equals(ike.keyMaterial(1, 2, 3), ike.keyMaterial(2, 1, 3)), "each direction has its own key");
    }
}
