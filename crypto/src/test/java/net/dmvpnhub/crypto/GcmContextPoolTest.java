package net.dmvpnhub.crypto;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The OpenSSL provider's GCM contexts made ahead of need: an SA keys a waiting context, a closed
 * SA's context waits again, keyed with zeros, and a context that served one SA serves the next
 * with the next SA's key (checked against the JDK provider, both ways).
 */
class GcmContextPoolTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
    private final EspProcessor esp = new EspProcessor();

    @Test
    void sasTakeReservedContextsAndGiveThemBackForTheNextKey()
    {
        final Transform transform = Transform.AES_GCM_256;
        final OpenSslEngines.GcmContexts pool = OpenSslEngines.GcmContexts.of(transform);
        CryptoProvider.OPENSSL.reserve(transform, pool.waiting() + 2);
        final int waiting = pool.waiting();
        assertTrue(waiting >= 2);
        final SplittableRandom random = new SplittableRandom(6);
        for (int round = 0; round < 3; round++)
        {
            final byte[] key = new byte[transform.keyMaterialLength()];
            random.nextBytes(key);
            final SecurityAssociation out = SecurityAssociation.create(CryptoProvider.OPENSSL, transform, key, 0x100 + round,
                SecurityAssociation.Direction.OUTBOUND, false);
            final SecurityAssociation in = SecurityAssociation.create(CryptoProvider.OPENSSL, transform, key, 0x100 + round,
                SecurityAssociation.Direction.INBOUND, false);
            assertEquals(waiting - 2, pool.waiting(), "each SA took a waiting context");
            final SecurityAssociation jdkOut = SecurityAssociation.create(CryptoProvider.JDK, transform, key, 0x100 + round,
                SecurityAssociation.Direction.OUTBOUND, false);
            final SecurityAssociation jdkIn = SecurityAssociation.create(CryptoProvider.JDK, transform, key, 0x100 + round,
                SecurityAssociation.Direction.INBOUND, false);
            roundTrip(out, jdkIn, random);
            roundTrip(jdkOut, in, random);
            out.close();
            in.close();
            jdkOut.close();
            jdkIn.close();
            assertEquals(waiting, pool.waiting(), "closed SAs gave their contexts back");
        }
    }

    /** Encrypts a random payload with {@code sender} and checks {@code receiver} recovers it. */
    private void roundTrip(final SecurityAssociation sender, final SecurityAssociation receiver, final SplittableRandom random)
    {
        final int inner = 256;
        final int length = 1 + random.nextInt(600);
        final byte[] payload = new byte[length];
        random.nextBytes(payload);
        buffer.putBytes(inner, payload);
        assertEquals(EspStatus.OK, esp.encrypt(sender, buffer, inner, length, buffer.capacity()));
        final int espOffset = esp.espOffset();
        final int espLength = esp.espLength();
        assertEquals(EspStatus.OK, esp.decrypt(receiver, buffer, espOffset, espLength));
        final byte[] back = new byte[esp.innerLength()];
        buffer.getBytes(esp.innerOffset(), back);
        assertArrayEquals(payload, back);
    }
}
