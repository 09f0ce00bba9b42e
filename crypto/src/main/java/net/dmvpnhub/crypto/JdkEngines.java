package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Engines on the JDK's own providers (SunJCE), whose AES-GCM on JDK 25 uses fused AES and
 * carry-less multiply intrinsics. The JCE forces two costs per packet that this code cannot
 * avoid: a new {@link GCMParameterSpec} or {@link IvParameterSpec} for every {@code init} (the
 * API has no other way to set an IV), and an {@link AEADBadTagException} for every forged packet.
 * Both are measured in the benchmarks and stated in the README. In-place decryption of a heap
 * array writes plaintext before the tag is checked, so a failed packet's region is wiped.
 * <p>
 * Frames on the heap are processed through their {@code byte[]}; frames in direct memory through
 * two reusable {@link ByteBuffer} views of the same memory (input and output), so in-place
 * processing allocates no views per packet.
 */
final class JdkEngines
{
    private JdkEngines()
    {
    }

    static EspEngine create(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
    {
        EspLayout.checkKeyMaterial(transform, keyMaterial);
        try
        {
            return transform.isAead() ? new Gcm(transform, keyMaterial, esn, outbound) : new CbcHmac(transform, keyMaterial, esn);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK cannot provide " + transform.iosName(), ex);
        }
    }

    /** Reusable input and output views over the direct memory a frame buffer wraps. */
    static final class Views
    {
        private ByteBuffer source;
        private ByteBuffer in;
        private ByteBuffer out;
        private int adjustment;

        void bind(final MutableDirectBuffer buffer)
        {
            final ByteBuffer byteBuffer = buffer.byteBuffer();
            if (byteBuffer == null)
            {
                throw new IllegalArgumentException("the JDK engines need frames in a byte[] or a ByteBuffer, not raw memory");
            }
            if (byteBuffer != source)
            {
                source = byteBuffer;
                in = byteBuffer.duplicate();
                out = byteBuffer.duplicate();
            }
            adjustment = buffer.wrapAdjustment() - (byteBuffer.isDirect() ? 0 : byteBuffer.arrayOffset());
        }

        ByteBuffer in(final int offset, final int length)
        {
            return in.limit(adjustment + offset + length).position(adjustment + offset);
        }

        ByteBuffer out(final int offset, final int length)
        {
            return out.limit(adjustment + offset + length).position(adjustment + offset);
        }
    }

    static final class Gcm implements EspEngine
    {
        private final Transform transform;
        private final boolean esn;
        private final int mode;
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final byte[] nonce = new byte[EspLayout.GCM_NONCE_LENGTH];
        private final byte[] aad = new byte[EspLayout.MAX_AAD_LENGTH];
        private final Views views = new Views();

        Gcm(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
            throws GeneralSecurityException
        {
            this.transform = transform;
            this.esn = esn;
            this.mode = outbound ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            this.key = new SecretKeySpec(keyMaterial, 0, transform.cipherKeyLength(), "AES");
            System.arraycopy(keyMaterial, transform.cipherKeyLength(), nonce, 0, 4);
        }

        @Override
        public String provider()
        {
            return "JDK " + cipher.getProvider().getName();
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

        @Override
        public void seal(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = prepare(buffer, espOffset, sequence);
            try
            {
                final byte[] array = buffer.byteArray();
                if (array != null)
                {
                    final int at = buffer.wrapAdjustment() + dataOffset;
                    cipher.doFinal(array, at, ciphertextLength, array, at);
                }
                else
                {
                    views.bind(buffer);
                    cipher.doFinal(views.in(dataOffset, ciphertextLength), views.out(dataOffset, ciphertextLength + EspLayout.GCM_TAG_LENGTH));
                }
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("AES-GCM encryption failed", ex);
            }
        }

        @Override
        public boolean open(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = prepare(buffer, espOffset, sequence);
            final int sealedLength = ciphertextLength + EspLayout.GCM_TAG_LENGTH;
            try
            {
                final byte[] array = buffer.byteArray();
                if (array != null)
                {
                    final int at = buffer.wrapAdjustment() + dataOffset;
                    cipher.doFinal(array, at, sealedLength, array, at);
                }
                else
                {
                    views.bind(buffer);
                    cipher.doFinal(views.in(dataOffset, sealedLength), views.out(dataOffset, sealedLength));
                }
                return true;
            }
            catch (final AEADBadTagException ex)
            {
                // SunJCE decrypting in place on a heap array writes plaintext before it checks the
                // tag (seen in the test vector tests): wipe it, so a forged packet releases nothing.
                buffer.setMemory(dataOffset, ciphertextLength, (byte)0);
                return false;
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("AES-GCM decryption failed", ex);
            }
        }

        private int prepare(final MutableDirectBuffer buffer, final int espOffset, final long sequence)
        {
            final int ivOffset = espOffset + 8;
            EspLayout.writeNonceIv(nonce, buffer, ivOffset);
            final int aadLength = EspLayout.writeAad(aad, buffer, espOffset, sequence, esn);
            try
            {
                cipher.init(mode, key, new GCMParameterSpec(128, nonce));
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("AES-GCM init failed (a repeated IV means a sequence number was reused)", ex);
            }
            cipher.updateAAD(aad, 0, aadLength);
            return ivOffset + 8;
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
        private final Cipher cbc;
        private final Cipher ivCipher;
        private final Mac mac;
        private final SecretKeySpec key;
        private final byte[] block = new byte[16];
        private final byte[] iv = new byte[16];
        private final byte[] digest = new byte[32];
        private final byte[] high = new byte[4];
        private final Views views = new Views();

        CbcHmac(final Transform transform, final byte[] keyMaterial, final boolean esn) throws GeneralSecurityException
        {
            this.transform = transform;
            this.esn = esn;
            this.key = new SecretKeySpec(keyMaterial, 0, transform.cipherKeyLength(), "AES");
            this.cbc = Cipher.getInstance("AES/CBC/NoPadding");
            this.ivCipher = Cipher.getInstance("AES/ECB/NoPadding");
            this.ivCipher.init(Cipher.ENCRYPT_MODE, key);
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(new SecretKeySpec(keyMaterial, transform.cipherKeyLength(), transform.authKeyLength(), "HmacSHA256"));
        }

        @Override
        public String provider()
        {
            return "JDK " + cbc.getProvider().getName();
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
            try
            {
                ivCipher.doFinal(block, 0, 16, iv, 0);
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("IV generation failed", ex);
            }
            buffer.putBytes(ivOffset, iv);
        }

        @Override
        public void seal(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = espOffset + 8 + 16;
            try
            {
                buffer.getBytes(espOffset + 8, iv);
                cbc.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                crypt(buffer, dataOffset, ciphertextLength);
                authenticate(buffer, espOffset, ciphertextLength, sequence);
                buffer.putBytes(dataOffset + ciphertextLength, digest, 0, 16);
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("AES-CBC encryption failed", ex);
            }
        }

        @Override
        public boolean open(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = espOffset + 8 + 16;
            authenticate(buffer, espOffset, ciphertextLength, sequence);
            if (!EspLayout.constantTimeEquals(digest, buffer, dataOffset + ciphertextLength, 16))
            {
                return false;
            }
            try
            {
                buffer.getBytes(espOffset + 8, iv);
                cbc.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
                crypt(buffer, dataOffset, ciphertextLength);
                return true;
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("AES-CBC decryption failed", ex);
            }
        }

        private void crypt(final MutableDirectBuffer buffer, final int offset, final int length) throws GeneralSecurityException
        {
            final byte[] array = buffer.byteArray();
            if (array != null)
            {
                final int at = buffer.wrapAdjustment() + offset;
                cbc.doFinal(array, at, length, array, at);
            }
            else
            {
                views.bind(buffer);
                cbc.doFinal(views.in(offset, length), views.out(offset, length));
            }
        }

        /** HMAC-SHA-256 over SPI, sequence, IV and ciphertext, then the ESN high bits (RFC 4303 2.2.1). */
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
            final byte[] array = buffer.byteArray();
            if (array != null)
            {
                mac.update(array, buffer.wrapAdjustment() + offset, length);
            }
            else
            {
                views.bind(buffer);
                mac.update(views.in(offset, length));
            }
            if (withHigh)
            {
                EspLayout.putInt(high, 0, (int)(sequence >>> 32));
                mac.update(high);
            }
            try
            {
                mac.doFinal(digest, 0);
            }
            catch (final ShortBufferException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        public void close()
        {
        }
    }
}
