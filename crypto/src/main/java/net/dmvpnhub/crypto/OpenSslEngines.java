package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static net.dmvpnhub.crypto.NativeCalls.rethrow;

/**
 * Engines on OpenSSL's libcrypto (3.x) through the JDK's foreign function API, with one
 * {@code EVP_CIPHER_CTX} per SA keyed once, so a packet costs only the IV reset, the AAD, the
 * data and the tag: the same calls {@code openssl speed -aead} makes.
 * <p>
 * Pointers cross as raw 64-bit addresses (the same ABI as {@code void *} on x86-64 and AArch64
 * Linux), so a call allocates nothing. Frames in direct memory are processed where they lie;
 * frames on the heap are copied through native scratch memory, because the collector may move a
 * heap array during a call (measured in the benchmarks). GCM decrypts before the tag is checked,
 * so a failed packet's region is wiped.
 */
final class OpenSslEngines
{
    private static final int EVP_CTRL_GCM_GET_TAG = 0x10;
    private static final int EVP_CTRL_GCM_SET_TAG = 0x11;
    private static final int SCRATCH_LENGTH = 16 * 1024;

    private OpenSslEngines()
    {
    }

    static EspEngine create(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
    {
        EspLayout.checkKeyMaterial(transform, keyMaterial);
        Native.check();
        return transform.isAead() ? new Gcm(transform, keyMaterial, esn, outbound) : new CbcHmac(transform, keyMaterial, esn);
    }

    /**
     * @return true when libcrypto could be loaded.
     */
    static boolean isAvailable()
    {
        return Native.FAILURE == null;
    }

    /** The libcrypto functions, bound once. */
    static final class Native
    {
        static final Throwable FAILURE;
        static final MethodHandle CTX_NEW;
        static final MethodHandle CTX_FREE;
        static final MethodHandle CTX_CTRL;
        static final MethodHandle CTX_SET_PADDING;
        static final MethodHandle CIPHER_INIT;
        static final MethodHandle CIPHER_UPDATE;
        static final MethodHandle CIPHER_FINAL;
        static final MethodHandle AES_128_GCM;
        static final MethodHandle AES_192_GCM;
        static final MethodHandle AES_256_GCM;
        static final MethodHandle AES_256_CBC;
        static final MethodHandle AES_256_ECB;
        static final MethodHandle SHA256;
        static final MethodHandle HMAC_CTX_NEW;
        static final MethodHandle HMAC_CTX_FREE;
        static final MethodHandle HMAC_INIT;
        static final MethodHandle HMAC_UPDATE;
        static final MethodHandle HMAC_FINAL;
        static final MethodHandle VERSION;

        static
        {
            Throwable failure = null;
            final MethodHandle[] handles = new MethodHandle[19];
            try
            {
                final Linker linker = Linker.nativeLinker();
                final SymbolLookup crypto = lookup();
                final Linker.Option critical = Linker.Option.critical(false);
                final FunctionDescriptor pointerResult = FunctionDescriptor.of(JAVA_LONG);
                handles[0] = bind(linker, crypto, "EVP_CIPHER_CTX_new", pointerResult);
                handles[1] = bind(linker, crypto, "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(JAVA_LONG));
                handles[2] = bind(linker, crypto, "EVP_CIPHER_CTX_ctrl",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG), critical);
                handles[3] = bind(linker, crypto, "EVP_CIPHER_CTX_set_padding", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
                handles[4] = bind(linker, crypto, "EVP_CipherInit_ex",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT), critical);
                handles[5] = bind(linker, crypto, "EVP_CipherUpdate",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT), critical);
                handles[6] = bind(linker, crypto, "EVP_CipherFinal_ex",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
                handles[7] = bind(linker, crypto, "EVP_aes_128_gcm", pointerResult);
                handles[8] = bind(linker, crypto, "EVP_aes_192_gcm", pointerResult);
                handles[9] = bind(linker, crypto, "EVP_aes_256_gcm", pointerResult);
                handles[10] = bind(linker, crypto, "EVP_aes_256_cbc", pointerResult);
                handles[11] = bind(linker, crypto, "EVP_aes_256_ecb", pointerResult);
                handles[12] = bind(linker, crypto, "EVP_sha256", pointerResult);
                handles[13] = bind(linker, crypto, "HMAC_CTX_new", pointerResult);
                handles[14] = bind(linker, crypto, "HMAC_CTX_free", FunctionDescriptor.ofVoid(JAVA_LONG));
                handles[15] = bind(linker, crypto, "HMAC_Init_ex",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), critical);
                handles[16] = bind(linker, crypto, "HMAC_Update",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
                handles[17] = bind(linker, crypto, "HMAC_Final",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
                handles[18] = bind(linker, crypto, "OpenSSL_version", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
            FAILURE = failure;
            CTX_NEW = handles[0];
            CTX_FREE = handles[1];
            CTX_CTRL = handles[2];
            CTX_SET_PADDING = handles[3];
            CIPHER_INIT = handles[4];
            CIPHER_UPDATE = handles[5];
            CIPHER_FINAL = handles[6];
            AES_128_GCM = handles[7];
            AES_192_GCM = handles[8];
            AES_256_GCM = handles[9];
            AES_256_CBC = handles[10];
            AES_256_ECB = handles[11];
            SHA256 = handles[12];
            HMAC_CTX_NEW = handles[13];
            HMAC_CTX_FREE = handles[14];
            HMAC_INIT = handles[15];
            HMAC_UPDATE = handles[16];
            HMAC_FINAL = handles[17];
            VERSION = handles[18];
        }

        private static SymbolLookup lookup()
        {
            IllegalArgumentException last = null;
            for (final String name : new String[]{"libcrypto.so.3", "libcrypto.so"})
            {
                try
                {
                    return SymbolLookup.libraryLookup(name, Arena.global());
                }
                catch (final IllegalArgumentException ex)
                {
                    last = ex;
                }
            }
            throw last;
        }

        private static MethodHandle bind(
            final Linker linker, final SymbolLookup lookup, final String name, final FunctionDescriptor descriptor, final Linker.Option... options)
        {
            final MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new IllegalStateException("libcrypto has no " + name + ": OpenSSL 3 is needed"));
            return linker.downcallHandle(symbol, descriptor, options);
        }

        static void check()
        {
            if (FAILURE != null)
            {
                throw new IllegalStateException("the OpenSSL provider needs libcrypto.so.3 (Debian package libssl3) and the JVM flag " +
                    "--enable-native-access=ALL-UNNAMED: " + FAILURE.getMessage(), FAILURE);
            }
        }

        static String version()
        {
            check();
            try
            {
                final long text = (long)VERSION.invokeExact(0);
                return MemorySegment.ofAddress(text).reinterpret(256).getString(0);
            }
            catch (final Throwable ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    /**
     * @return OpenSSL's version text, for reports.
     */
    static String version()
    {
        return Native.version();
    }

    /** Native memory of one engine: small fields, then scratch for heap frames. */
    abstract static class NativeEngine implements EspEngine
    {
        static final int NONCE = 0;
        static final int AAD = 16;
        static final int OUT_LENGTH = 32;
        static final int TAG = 48;
        static final int BLOCK = 64;
        static final int IV = 80;
        static final int HIGH = 96;
        static final int DIGEST = 112;
        /**
         * The key material while the contexts are keyed, zeroed right after. In the engine's own
         * memory: a confined arena per SA for 32 or 64 bytes cost more than keying itself, and
         * its frees were most of a registration storm's NHS time (simulated IKE builds an SA pair
         * per spoke).
         */
        static final int KEY = 160;
        static final int KEY_LENGTH = 64;
        static final int FIELDS_LENGTH = 256;
        /** Every engine's fields, one block each (see {@link NativeBlocks} for why not an arena per SA). */
        static final NativeBlocks FIELDS = new NativeBlocks(FIELDS_LENGTH, 4096);

        final Transform transform;
        final boolean esn;
        final long base = FIELDS.allocate();
        final UnsafeBuffer fields = new UnsafeBuffer(base, FIELDS_LENGTH);
        // Scratch for frames on the heap, made on first use: a hub with 10,000 peers on direct
        // memory never needs 20,000 of them. Freed by the collector (an automatic arena): no
        // close, so no handshake; the segment is kept here so that its memory lives as long as the engine.
        private MemorySegment scratchMemory;
        private UnsafeBuffer scratch;
        private boolean closed;

        NativeEngine(final Transform transform, final boolean esn)
        {
            this.transform = transform;
            this.esn = esn;
        }

        @Override
        public String provider()
        {
            return "OpenSSL";
        }

        @Override
        public Transform transform()
        {
            return transform;
        }

        /**
         * @return the native address of a frame region, copying a heap region into scratch.
         */
        final long load(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            if (buffer.byteArray() == null)
            {
                return buffer.addressOffset() + offset;
            }
            if (scratch == null || scratch.capacity() < length)
            {
                // Made larger when a packet needs it: heap frames only, never the hub's path.
                final int capacity = Math.max(SCRATCH_LENGTH, length);
                scratchMemory = Arena.ofAuto().allocate(capacity, 64);
                scratch = new UnsafeBuffer(scratchMemory.address(), capacity);
            }
            scratch.putBytes(0, buffer, offset, length);
            return scratch.addressOffset();
        }

        final void store(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            if (buffer.byteArray() != null)
            {
                buffer.putBytes(offset, scratch, 0, length);
            }
        }

        final int writeAad(final MutableDirectBuffer buffer, final int espOffset, final long sequence)
        {
            fields.putInt(AAD, buffer.getInt(espOffset, java.nio.ByteOrder.BIG_ENDIAN), java.nio.ByteOrder.BIG_ENDIAN);
            if (esn)
            {
                fields.putInt(AAD + 4, (int)(sequence >>> 32), java.nio.ByteOrder.BIG_ENDIAN);
                fields.putInt(AAD + 8, (int)sequence, java.nio.ByteOrder.BIG_ENDIAN);
                return 12;
            }
            fields.putInt(AAD + 4, (int)sequence, java.nio.ByteOrder.BIG_ENDIAN);
            return 8;
        }

        /** Copies key material to {@link #KEY}; {@link #wipeKey()} when the contexts are keyed. */
        final long loadKey(final byte[] keyMaterial, final int length)
        {
            fields.putBytes(KEY, keyMaterial, 0, length);
            return base + KEY;
        }

        final void wipeKey()
        {
            fields.setMemory(KEY, KEY_LENGTH, (byte)0);
        }

        static long newCipherContext(final long cipher, final long key, final int encrypt)
        {
            try
            {
                final long context = (long)Native.CTX_NEW.invokeExact();
                if (context == 0)
                {
                    throw new OutOfMemoryError("EVP_CIPHER_CTX_new failed");
                }
                ok((int)Native.CIPHER_INIT.invokeExact(context, cipher, 0L, key, 0L, encrypt), "EVP_CipherInit_ex");
                return context;
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        static void ok(final int result, final String function)
        {
            if (result != 1)
            {
                throw new IllegalStateException(function + " failed");
            }
        }


        abstract void freeNative();

        @Override
        public final synchronized void close()
        {
            if (!closed)
            {
                closed = true;
                freeNative();
                FIELDS.release(base);
            }
        }
    }

    /**
     * GCM cipher contexts made ahead of need ({@link #reserve}), so that keying an SA takes a
     * context and sets its key (about 0.2 us) instead of making one: a new context's first key
     * costs about 3 us here, most of it the kernel handing the allocator fresh pages (a
     * registration storm's simulated IKE spent most of its time there), and a hub that withdrew
     * SAs got those pages taken back. A closed SA's context is keyed with zeros and comes back.
     * One pool per key length (a context keeps its cipher); thread-safe.
     */
    static final class GcmContexts
    {
        private static final GcmContexts[] BY_KEY_LENGTH = new GcmContexts[33];
        /** Zeros to key a returned context with, so no key schedule outlives its SA. */
        private static final long ZERO_KEY = Arena.global().allocate(32, 64).address();

        private final Transform transform;
        private long[] free = new long[64];
        private int count;

        private GcmContexts(final Transform transform)
        {
            this.transform = transform;
        }

        static synchronized GcmContexts of(final Transform transform)
        {
            final int length = transform.cipherKeyLength();
            if (BY_KEY_LENGTH[length] == null)
            {
                BY_KEY_LENGTH[length] = new GcmContexts(transform);
            }
            return BY_KEY_LENGTH[length];
        }

        long cipher() throws Throwable
        {
            return switch (transform)
            {
                case AES_GCM_128 -> (long)Native.AES_128_GCM.invokeExact();
                case AES_GCM_192 -> (long)Native.AES_192_GCM.invokeExact();
                default -> (long)Native.AES_256_GCM.invokeExact();
            };
        }

        /** Makes contexts until {@code contexts} are waiting, with the cipher set and no key. */
        synchronized void reserve(final int contexts)
        {
            try
            {
                final long cipher = cipher();
                while (count < contexts)
                {
                    final long context = (long)Native.CTX_NEW.invokeExact();
                    if (context == 0)
                    {
                        throw new OutOfMemoryError("EVP_CIPHER_CTX_new failed");
                    }
                    NativeEngine.ok((int)Native.CIPHER_INIT.invokeExact(context, cipher, 0L, 0L, 0L, 1), "EVP_CipherInit_ex");
                    push(context);
                }
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        /** @return a waiting context keyed with {@code key} for {@code encrypt}, or 0 when none waits. */
        long take(final long key, final int encrypt) throws Throwable
        {
            final long context;
            synchronized (this)
            {
                if (count == 0)
                {
                    return 0;
                }
                context = free[--count];
            }
            NativeEngine.ok((int)Native.CIPHER_INIT.invokeExact(context, 0L, 0L, key, 0L, encrypt), "EVP_CipherInit_ex");
            return context;
        }

        /** Keys {@code context} with zeros and keeps it for the next SA. */
        void give(final long context) throws Throwable
        {
            NativeEngine.ok((int)Native.CIPHER_INIT.invokeExact(context, 0L, 0L, ZERO_KEY, 0L, 1), "EVP_CipherInit_ex");
            synchronized (this)
            {
                push(context);
            }
        }

        synchronized int waiting()
        {
            return count;
        }

        private void push(final long context)
        {
            if (count == free.length)
            {
                free = java.util.Arrays.copyOf(free, free.length * 2);
            }
            free[count++] = context;
        }
    }

    /** Makes {@code contexts} GCM contexts for {@code transform} ahead of need (see {@link GcmContexts}). */
    static void reserve(final Transform transform, final int contexts)
    {
        Native.check();
        if (transform.isAead())
        {
            GcmContexts.of(transform).reserve(contexts);
        }
    }

    static final class Gcm extends NativeEngine
    {
        private final long context;
        private final GcmContexts contexts;

        Gcm(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
        {
            super(transform, esn);
            contexts = GcmContexts.of(transform);
            try
            {
                final long key = loadKey(keyMaterial, transform.cipherKeyLength());
                final long taken = contexts.take(key, outbound ? 1 : 0);
                context = taken != 0 ? taken : newCipherContext(contexts.cipher(), key, outbound ? 1 : 0);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
            finally
            {
                wipeKey();
            }
            fields.putBytes(NONCE, keyMaterial, transform.cipherKeyLength(), 4);
        }

        @Override
        public void writeIv(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int ivOffset, final long sequence)
        {
            buffer.putLong(ivOffset, sequence, java.nio.ByteOrder.BIG_ENDIAN);
        }

        private void begin(final MutableDirectBuffer buffer, final int espOffset, final long sequence) throws Throwable
        {
            fields.putLong(NONCE + 4, buffer.getLong(espOffset + 8));
            final int aadLength = writeAad(buffer, espOffset, sequence);
            ok((int)Native.CIPHER_INIT.invokeExact(context, 0L, 0L, 0L, base + NONCE, -1), "EVP_CipherInit_ex");
            ok((int)Native.CIPHER_UPDATE.invokeExact(context, 0L, base + OUT_LENGTH, base + AAD, aadLength), "EVP_CipherUpdate");
        }

        @Override
        public void seal(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = espOffset + 16;
            try
            {
                begin(buffer, espOffset, sequence);
                // The tag goes after the ciphertext: the region loaded (and copied back) holds it.
                final long data = load(buffer, dataOffset, ciphertextLength + 16);
                ok((int)Native.CIPHER_UPDATE.invokeExact(context, data, base + OUT_LENGTH, data, ciphertextLength), "EVP_CipherUpdate");
                ok((int)Native.CIPHER_FINAL.invokeExact(context, data + ciphertextLength, base + OUT_LENGTH), "EVP_CipherFinal_ex");
                ok((int)Native.CTX_CTRL.invokeExact(context, EVP_CTRL_GCM_GET_TAG, 16, data + ciphertextLength), "EVP_CIPHER_CTX_ctrl");
                store(buffer, dataOffset, ciphertextLength + 16);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        @Override
        public boolean open(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int dataOffset = espOffset + 16;
            try
            {
                begin(buffer, espOffset, sequence);
                final long data = load(buffer, dataOffset, ciphertextLength + 16);
                ok((int)Native.CTX_CTRL.invokeExact(context, EVP_CTRL_GCM_SET_TAG, 16, data + ciphertextLength), "EVP_CIPHER_CTX_ctrl");
                ok((int)Native.CIPHER_UPDATE.invokeExact(context, data, base + OUT_LENGTH, data, ciphertextLength), "EVP_CipherUpdate");
                final int verified = (int)Native.CIPHER_FINAL.invokeExact(context, data + ciphertextLength, base + OUT_LENGTH);
                if (verified != 1)
                {
                    MemorySegment.ofAddress(data).reinterpret(ciphertextLength).fill((byte)0);
                    return false;
                }
                store(buffer, dataOffset, ciphertextLength);
                return true;
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        @Override
        void freeNative()
        {
            try
            {
                contexts.give(context);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }
    }

    static final class CbcHmac extends NativeEngine implements HmacSha256Icv
    {
        private final long encryptContext;
        private final long decryptContext;
        private final long ivContext;
        private final long hmacContext;

        CbcHmac(final Transform transform, final byte[] keyMaterial, final boolean esn)
        {
            super(transform, esn);
            try
            {
                final long key = loadKey(keyMaterial, keyMaterial.length);
                final long cbc = (long)Native.AES_256_CBC.invokeExact();
                encryptContext = newCipherContext(cbc, key, 1);
                decryptContext = newCipherContext(cbc, key, 0);
                ivContext = newCipherContext((long)Native.AES_256_ECB.invokeExact(), key, 1);
                for (final long context : new long[]{encryptContext, decryptContext, ivContext})
                {
                    ok((int)Native.CTX_SET_PADDING.invokeExact(context, 0), "EVP_CIPHER_CTX_set_padding");
                }
                hmacContext = (long)Native.HMAC_CTX_NEW.invokeExact();
                ok((int)Native.HMAC_INIT.invokeExact(hmacContext, key + transform.cipherKeyLength(), transform.authKeyLength(),
                    (long)Native.SHA256.invokeExact(), 0L), "HMAC_Init_ex");
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
            finally
            {
                wipeKey();
            }
        }

        @Override
        public void writeIv(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int ivOffset, final long sequence)
        {
            fields.putLong(BLOCK, sequence, java.nio.ByteOrder.BIG_ENDIAN);
            fields.putLong(BLOCK + 8, 0);
            try
            {
                ok((int)Native.CIPHER_UPDATE.invokeExact(ivContext, base + IV, base + OUT_LENGTH, base + BLOCK, 16), "EVP_CipherUpdate");
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
            buffer.putBytes(ivOffset, fields, IV, 16);
        }

        @Override
        public void seal(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int length = 8 + 16 + ciphertextLength;
            try
            {
                final long packet = load(buffer, espOffset, length);
                crypt(encryptContext, packet, ciphertextLength);
                authenticate(packet, ciphertextLength, sequence);
                store(buffer, espOffset, length);
                buffer.putBytes(espOffset + length, fields, DIGEST, 16);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        @Override
        public boolean open(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int length = 8 + 16 + ciphertextLength;
            try
            {
                final long packet = load(buffer, espOffset, length);
                authenticate(packet, ciphertextLength, sequence);
                int difference = 0;
                for (int i = 0; i < 16; i++)
                {
                    difference |= fields.getByte(DIGEST + i) ^ buffer.getByte(espOffset + length + i);
                }
                if (difference != 0)
                {
                    return false;
                }
                crypt(decryptContext, packet, ciphertextLength);
                store(buffer, espOffset, length);
                return true;
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        private void crypt(final long context, final long packet, final int length) throws Throwable
        {
            ok((int)Native.CIPHER_INIT.invokeExact(context, 0L, 0L, 0L, packet + 8, -1), "EVP_CipherInit_ex");
            ok((int)Native.CIPHER_UPDATE.invokeExact(context, packet + 24, base + OUT_LENGTH, packet + 24, length), "EVP_CipherUpdate");
        }

        private void authenticate(final long packet, final int ciphertextLength, final long sequence) throws Throwable
        {
            mac(packet, 8 + 16 + ciphertextLength, esn, sequence);
        }

        @Override
        public byte[] icv(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            try
            {
                mac(load(buffer, offset, length), length, false, 0);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
            final byte[] icv = new byte[16];
            fields.getBytes(DIGEST, icv);
            return icv;
        }

        private void mac(final long address, final int length, final boolean withHigh, final long sequence) throws Throwable
        {
            ok((int)Native.HMAC_INIT.invokeExact(hmacContext, 0L, 0, 0L, 0L), "HMAC_Init_ex");
            ok((int)Native.HMAC_UPDATE.invokeExact(hmacContext, address, (long)length), "HMAC_Update");
            if (withHigh)
            {
                fields.putInt(HIGH, (int)(sequence >>> 32), java.nio.ByteOrder.BIG_ENDIAN);
                ok((int)Native.HMAC_UPDATE.invokeExact(hmacContext, base + HIGH, 4L), "HMAC_Update");
            }
            ok((int)Native.HMAC_FINAL.invokeExact(hmacContext, base + DIGEST, base + OUT_LENGTH), "HMAC_Final");
        }

        @Override
        void freeNative()
        {
            try
            {
                Native.CTX_FREE.invokeExact(encryptContext);
                Native.CTX_FREE.invokeExact(decryptContext);
                Native.CTX_FREE.invokeExact(ivContext);
                Native.HMAC_CTX_FREE.invokeExact(hmacContext);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }
    }

}
