package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.BlockCipher;

import java.util.Arrays;

/**
 * Engines on Bouncy Castle's lightweight API: pure Java, no intrinsics, an implementation
 * independent of the JDK's, which is why the tests cross-check every provider against it. Its
 * GCM decrypts before the tag is checked, so a failed packet's region is wiped. Frames in
 * direct memory are copied through a scratch array (measured in the benchmarks).
 */
final class BouncyCastleEngines
{
    private static final int SCRATCH_LENGTH = 16 * 1024;

    private BouncyCastleEngines()
    {
    }

    static EspEngine create(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
    {
        EspLayout.checkKeyMaterial(transform, keyMaterial);
        return transform.isAead() ? new Gcm(transform, keyMaterial, esn, outbound) : new CbcHmac(transform, keyMaterial, esn);
    }

    /** Gives a byte[] view of a region: the frame's own array, or a scratch copy for direct memory. */
    static final class Region
    {
        private final byte[] scratch = new byte[SCRATCH_LENGTH];
        byte[] array;
        int offset;

        void load(final MutableDirectBuffer buffer, final int at, final int length)
        {
            final byte[] frameArray = buffer.byteArray();
            if (frameArray != null)
            {
                array = frameArray;
                offset = buffer.wrapAdjustment() + at;
            }
            else
            {
                buffer.getBytes(at, scratch, 0, length);
                array = scratch;
                offset = 0;
            }
        }

        void store(final MutableDirectBuffer buffer, final int at, final int length)
        {
            if (array == scratch)
            {
                buffer.putBytes(at, scratch, 0, length);
            }
        }
    }

    static final class Gcm implements EspEngine
    {
        private final Transform transform;
        private final boolean esn;
        private final boolean outbound;
        private final GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private final byte[] nonce = new byte[EspLayout.GCM_NONCE_LENGTH];
        private final byte[] aad = new byte[EspLayout.MAX_AAD_LENGTH];
        private final Region region = new Region();
        private KeyParameter key;

        Gcm(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
        {
            this.transform = transform;
            this.esn = esn;
            this.outbound = outbound;
            this.key = new KeyParameter(keyMaterial, 0, transform.cipherKeyLength());
            System.arraycopy(keyMaterial, transform.cipherKeyLength(), nonce, 0, 4);
        }

        @Override
        public String provider()
        {
            return "Bouncy Castle";
        }

        @Override
        public Transform transform()
        {
            return transform;
        }

        @Override
        public void writeIv(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int ivOffset, final long sequence)
        {
            buffer.putLong(ivOffset, sequence, java.nio.ByteOrder.BIG_ENDIAN);
        }

        private int prepare(final MutableDirectBuffer buffer, final int espOffset, final long sequence)
        {
            EspLayout.writeNonceIv(nonce, buffer, espOffset + 8);
            final int aadLength = EspLayout.writeAad(aad, buffer, espOffset, sequence, esn);
            // A null key after the first init keeps the expanded key schedule.
            gcm.init(outbound, new AEADParameters(key, 128, nonce));
            key = null;
            gcm.processAADBytes(aad, 0, aadLength);
            return espOffset + 16;
        }

        @Override
        public void seal(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = prepare(buffer, espOffset, sequence);
            final int sealedLength = ciphertextLength + EspLayout.GCM_TAG_LENGTH;
            region.load(buffer, dataOffset, ciphertextLength);
            final int written = gcm.processBytes(region.array, region.offset, ciphertextLength, region.array, region.offset);
            try
            {
                gcm.doFinal(region.array, region.offset + written);
            }
            catch (final InvalidCipherTextException ex)
            {
                throw new IllegalStateException("GCM encryption cannot fail", ex);
            }
            region.store(buffer, dataOffset, sealedLength);
        }

        @Override
        public boolean open(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = prepare(buffer, espOffset, sequence);
            final int sealedLength = ciphertextLength + EspLayout.GCM_TAG_LENGTH;
            region.load(buffer, dataOffset, sealedLength);
            final int written = gcm.processBytes(region.array, region.offset, sealedLength, region.array, region.offset);
            try
            {
                gcm.doFinal(region.array, region.offset + written);
            }
            catch (final InvalidCipherTextException ex)
            {
                Arrays.fill(region.array, region.offset, region.offset + ciphertextLength, (byte)0);
                return false;
            }
            region.store(buffer, dataOffset, ciphertextLength);
            return true;
        }

        @Override
        public void close()
        {
        }
    }

    static final class CbcHmac implements EspEngine, HmacSha256Icv
    {
        private final Transform transform;
        private final boolean esn;
        private final CBCModeCipher cbc = CBCBlockCipher.newInstance(AESEngine.newInstance());
        private final BlockCipher ivCipher = AESEngine.newInstance();
        private final HMac mac = new HMac(SHA256Digest.newInstance());
        private final KeyParameter key;
        private final byte[] block = new byte[16];
        private final byte[] iv = new byte[16];
        private final byte[] digest = new byte[32];
        private final byte[] high = new byte[4];
        private final Region region = new Region();

        CbcHmac(final Transform transform, final byte[] keyMaterial, final boolean esn)
        {
            this.transform = transform;
            this.esn = esn;
            this.key = new KeyParameter(keyMaterial, 0, transform.cipherKeyLength());
            ivCipher.init(true, key);
            mac.init(new KeyParameter(keyMaterial, transform.cipherKeyLength(), transform.authKeyLength()));
        }

        @Override
        public String provider()
        {
            return "Bouncy Castle";
        }

        @Override
        public Transform transform()
        {
            return transform;
        }

        @Override
        public void writeIv(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int ivOffset, final long sequence)
        {
            Arrays.fill(block, (byte)0);
            EspLayout.putInt(block, 0, (int)(sequence >>> 32));
            EspLayout.putInt(block, 4, (int)sequence);
            ivCipher.processBlock(block, 0, iv, 0);
            buffer.putBytes(ivOffset, iv);
        }

        @Override
        public void seal(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = espOffset + 8 + 16;
            crypt(true, buffer, espOffset, ciphertextLength);
            authenticate(buffer, espOffset, ciphertextLength, sequence);
            buffer.putBytes(dataOffset + ciphertextLength, digest, 0, 16);
        }

        @Override
        public boolean open(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            authenticate(buffer, espOffset, ciphertextLength, sequence);
            if (!EspLayout.constantTimeEquals(digest, buffer, espOffset + 8 + 16 + ciphertextLength, 16))
            {
                return false;
            }
            crypt(false, buffer, espOffset, ciphertextLength);
            return true;
        }

        private void crypt(final boolean encrypt, final MutableDirectBuffer buffer, final int espOffset, final int length)
        {
            buffer.getBytes(espOffset + 8, iv);
            cbc.init(encrypt, new ParametersWithIV(key, iv));
            final int dataOffset = espOffset + 8 + 16;
            region.load(buffer, dataOffset, length);
            for (int i = 0; i < length; i += 16)
            {
                cbc.processBlock(region.array, region.offset + i, region.array, region.offset + i);
            }
            region.store(buffer, dataOffset, length);
        }

        private void authenticate(final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            mac(buffer, espOffset, 8 + 16 + ciphertextLength, esn, sequence);
        }

        @Override
        public byte[] icv(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            mac(buffer, offset, length, false, 0);
            return Arrays.copyOf(digest, 16);
        }

        private void mac(final MutableDirectBuffer buffer, final int offset, final int length, final boolean withHigh, final long sequence)
        {
            region.load(buffer, offset, length);
            mac.update(region.array, region.offset, length);
            if (withHigh)
            {
                EspLayout.putInt(high, 0, (int)(sequence >>> 32));
                mac.update(high, 0, 4);
            }
            mac.doFinal(digest, 0);
        }

        @Override
        public void close()
        {
        }
    }
}
