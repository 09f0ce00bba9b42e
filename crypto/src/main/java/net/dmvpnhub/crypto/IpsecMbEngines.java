package net.dmvpnhub.crypto;

import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static net.dmvpnhub.crypto.NativeCalls.rethrow;

/**
 * Engines on Intel's multi-buffer crypto library (intel-ipsec-mb, {@code libIPSec_MB.so.1}), the
 * library FD.io VPP and DPDK use for IPsec in software, through the JDK's foreign function API.
 * <p>
 * AES-GCM uses the library's direct GCM API: one call per packet and direction
 * ({@code IMB_AES128_GCM_ENC}/{@code _DEC} and their 192/256 twins) with the SA's expanded key
 * state ({@code struct gcm_key_data}, 1,008 bytes, 64-byte aligned, from a pool of native blocks
 * that zeroes a block when its SA closes), and the calling thread's GCM context, nonce, AAD
 * (SPI || sequence, 12 bytes with ESN) and tag in its {@link CryptoWorkspace}. The library selects
 * its code for the processor at run time ({@code init_mb_mgr_auto}: VAES and VPCLMULQDQ where
 * AVX-512 has them).
 * <p>
 * AES-256-CBC with HMAC-SHA-256-128 uses the job API, with the calling thread's manager (set up
 * for AVX2 where the processor has it: one job at a time, the AVX-512 manager pays for 16 lanes):
 * the IV is one AES-ECB job over the sequence number (unpredictable, as CBC needs), the packet one
 * chained cipher and hash job. ESN's high sequence bits are hashed after the ciphertext by writing them
 * where the ICV goes, since the ICV is written (or checked) after the hash.
 * <p>
 * The library's function pointers are read from a manager the library initialised, at the offsets
 * of {@code IMB_MGR} and {@code IMB_JOB} in version 1.3 (checked against the header by
 * {@code IpsecMbLayoutTest}, which compiles a probe against the installed header); any other
 * version is refused. At load
 * the engines encrypt a packet and compare it with the JDK's AES-GCM, so a library that does not
 * compute what this class expects is never used.
 */
final class IpsecMbEngines
{
    /** System property naming the library file to load (default {@link #DEFAULT_LIBRARY}). */
    static final String LIBRARY_PROPERTY = "dmvpn.ipsecmb.library";
    /** Environment variable naming the library file, used when the property is not set. */
    static final String LIBRARY_ENVIRONMENT = "DMVPN_IPSEC_MB_LIBRARY";
    static final String DEFAULT_LIBRARY = "libIPSec_MB.so.1";

    // IMB_MGR (intel-ipsec-mb 1.3)
    static final int MGR_FEATURES = 8;
    static final int MGR_USED_ARCH = 56;
    static final int MGR_GET_NEXT_JOB = 64;
    static final int MGR_SUBMIT_JOB = 72;
    static final int MGR_FLUSH_JOB = 96;
    static final int MGR_KEYEXP_256 = 128;
    static final int MGR_SHA256_ONE_BLOCK = 176;
    static final int MGR_GCM128_ENC = 256;
    static final int MGR_GCM128_DEC = 280;
    static final int MGR_GCM128_PRE = 448;

    // IMB_JOB (intel-ipsec-mb 1.3)
    static final int JOB_ENC_KEYS = 0;
    static final int JOB_DEC_KEYS = 8;
    static final int JOB_KEY_LENGTH = 16;
    static final int JOB_SRC = 24;
    static final int JOB_DST = 32;
    static final int JOB_CIPHER_START = 40;
    static final int JOB_CIPHER_LENGTH = 48;
    static final int JOB_HASH_START = 56;
    static final int JOB_HASH_LENGTH = 64;
    static final int JOB_IV = 72;
    static final int JOB_IV_LENGTH = 80;
    static final int JOB_TAG = 88;
    static final int JOB_TAG_LENGTH = 96;
    static final int JOB_IPAD = 104;
    static final int JOB_OPAD = 112;
    static final int JOB_STATUS = 128;
    static final int JOB_CIPHER_MODE = 132;
    static final int JOB_CIPHER_DIRECTION = 136;
    static final int JOB_HASH_ALG = 140;
    static final int JOB_CHAIN_ORDER = 144;

    static final long IMB_FEATURE_AVX2 = 1L << 6;
    static final long IMB_FEATURE_VAES = 1L << 12;
    static final int CIPHER_CBC = 1;
    static final int CIPHER_NULL = 3;
    static final int CIPHER_ECB = 12;
    static final int HASH_HMAC_SHA_256 = 3;
    static final int HASH_NULL = 8;
    static final int DIRECTION_ENCRYPT = 1;
    static final int DIRECTION_DECRYPT = 2;
    static final int ORDER_CIPHER_HASH = 1;
    static final int ORDER_HASH_CIPHER = 2;
    static final int STATUS_COMPLETED = 3;

    /** {@code struct gcm_key_data}, rounded to whole cache lines; CBC's key schedules and pads fit too. */
    static final int KEY_BLOCK_LENGTH = 1024;
    /** Room for a raw key or one HMAC pad block while a key is expanded. */
    static final int SETUP_SCRATCH_LENGTH = 128;
    static final int GCM_KEY_DATA_LENGTH = 1008;
    /** The cache lines a packet's cipher call reads of its SA's key state. */
    static final int KEY_LINES = (GCM_KEY_DATA_LENGTH + 63) / 64;
    /** Every SA's key state, in blocks of whole cache lines (see {@link NativeBlocks} for why not an arena per SA). */
    static final NativeBlocks KEYS = new NativeBlocks(KEY_BLOCK_LENGTH, (int)(NativeBlocks.HUGE_PAGE / KEY_BLOCK_LENGTH), true);

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private IpsecMbEngines()
    {
    }

    /** {@code value} as an int that, stored in this machine's byte order, lies in memory big-endian (network order). */
    static int bigEndian(final int value)
    {
        return LITTLE_ENDIAN ? Integer.reverseBytes(value) : value;
    }

    static EspEngine create(final Transform transform, final byte[] keyMaterial, final boolean esn, final boolean outbound)
    {
        EspLayout.checkKeyMaterial(transform, keyMaterial);
        Native.check();
        return transform.isAead() ? new Gcm(transform, keyMaterial, esn) : new CbcHmac(transform, keyMaterial, esn);
    }

    /**
     * @return true when the library loaded, is a version whose layout this class knows, and
     * passed the self-test.
     */
    static boolean isAvailable()
    {
        return Native.FAILURE == null;
    }

    /**
     * @return why the provider cannot be used, in one sentence, or null when it can.
     */
    static String unavailableReason()
    {
        return Native.FAILURE == null ? null : Native.FAILURE.getMessage();
    }

    /**
     * @return the library's version and the code path it chose, for reports: "1.3.0, AVX512, jobs on AVX2".
     */
    static String description()
    {
        Native.check();
        return Native.VERSION + ", " + Native.ARCH + (Native.JOBS_ON_AVX2 && !"AVX2".equals(Native.ARCH) ? ", jobs on AVX2" : "");
    }

    /** The library, bound once; a manager it initialised gives the function pointers. */
    static final class Native
    {
        static final RuntimeException FAILURE;
        static final String VERSION;
        static final String ARCH;
        /** The AVX-512 code with VAES, whose GCM key layout {@link Gcm#touchKeyState(int)} knows. */
        static final boolean VAES_LAYOUT;
        static final MethodHandle ALLOC_MGR;
        static final MethodHandle FREE_MGR;
        static final MethodHandle INIT_AUTO;
        /** By key length 16, 24, 32 in that order. */
        static final MethodHandle GCM128_ENC;
        static final MethodHandle GCM192_ENC;
        static final MethodHandle GCM256_ENC;
        static final MethodHandle GCM128_DEC;
        static final MethodHandle GCM192_DEC;
        static final MethodHandle GCM256_DEC;
        static final MethodHandle[] GCM_PRE = new MethodHandle[3];
        static final MethodHandle KEYEXP_256;
        static final MethodHandle SHA256_ONE_BLOCK;
        static final MethodHandle GET_NEXT_JOB;
        static final MethodHandle SUBMIT_JOB;
        static final MethodHandle FLUSH_JOB;
        static final MethodHandle INIT_AVX2;
        /** Whether job managers ({@link Manager}) run the AVX2 code rather than what init_mb_mgr_auto picks. */
        static final boolean JOBS_ON_AVX2;
        /** A manager for set-up work on control-plane threads (key expansion), used under its lock. */
        static final long SETUP_MANAGER;
        /** Native scratch for set-up work: a raw key or an HMAC pad, zeroed after each use. */
        static final long SETUP_SCRATCH;

        static
        {
            RuntimeException failure = null;
            String version = null;
            String arch = null;
            long features = 0;
            final MethodHandle[] handles = new MethodHandle[17];
            long setupManager = 0;
            long setupScratch = 0;
            MethodHandle jobInitAvx2 = null;
            boolean jobsOnAvx2 = false;
            final String library = libraryName();
            try
            {
                final Linker linker = Linker.nativeLinker();
                final SymbolLookup lookup = lookup(library);
                final MethodHandle versionNumber = linker.downcallHandle(find(lookup, "imb_get_version"), FunctionDescriptor.of(JAVA_INT));
                final MethodHandle versionText = linker.downcallHandle(find(lookup, "imb_get_version_str"), FunctionDescriptor.of(JAVA_LONG));
                final int number = (int)versionNumber.invokeExact();
                version = MemorySegment.ofAddress((long)versionText.invokeExact()).reinterpret(64).getString(0);
                if (number >>> 8 != 0x0103)
                {
                    throw new IllegalStateException(library + " is version " + version +
                        "; this provider knows the layout of intel-ipsec-mb 1.3 only (Debian bookworm's libipsec-mb1)");
                }
                handles[0] = linker.downcallHandle(find(lookup, "alloc_mb_mgr"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
                handles[1] = linker.downcallHandle(find(lookup, "free_mb_mgr"), FunctionDescriptor.ofVoid(JAVA_LONG));
                handles[2] = linker.downcallHandle(find(lookup, "init_mb_mgr_auto"), FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
                jobInitAvx2 = linker.downcallHandle(find(lookup, "init_mb_mgr_avx2"), FunctionDescriptor.ofVoid(JAVA_LONG));
                setupScratch = Arena.global().allocate(SETUP_SCRATCH_LENGTH, 64).address();
                setupManager = (long)handles[0].invokeExact(0L);
                if (setupManager == 0)
                {
                    throw new IllegalStateException("alloc_mb_mgr failed");
                }
                handles[2].invokeExact(setupManager, setupScratch);
                arch = archName(UnsafeApi.getInt(setupScratch));
                features = UnsafeApi.getLong(setupManager + MGR_FEATURES);
                final Linker.Option critical = Linker.Option.critical(false);
                final FunctionDescriptor gcm = FunctionDescriptor.ofVoid(
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
                for (int size = 0; size < 3; size++)
                {
                    handles[3 + size] = pointer(linker, setupManager, MGR_GCM128_ENC + 8 * size, gcm, critical);
                    handles[6 + size] = pointer(linker, setupManager, MGR_GCM128_DEC + 8 * size, gcm, critical);
                    handles[9 + size] = pointer(linker, setupManager, MGR_GCM128_PRE + 8 * size,
                        FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
                }
                handles[12] = pointer(linker, setupManager, MGR_KEYEXP_256, FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG));
                handles[13] = pointer(linker, setupManager, MGR_SHA256_ONE_BLOCK, FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
                // The job API one packet at a time (CBC + HMAC) costs the AVX-512 manager a whole
                // 16-lane round per job; the AVX2 manager's narrower lanes cost about a third of
                // that per packet (bench/ipsec-mb-loop.c), so job managers are AVX2 ones where the
                // processor has AVX2. Its function pointers come from a manager set up that way.
                jobsOnAvx2 = (features & IMB_FEATURE_AVX2) != 0;
                final long jobProbe = jobsOnAvx2 ? (long)handles[0].invokeExact(0L) : setupManager;
                if (jobProbe == 0)
                {
                    throw new IllegalStateException("alloc_mb_mgr failed");
                }
                if (jobsOnAvx2)
                {
                    jobInitAvx2.invokeExact(jobProbe);
                }
                final FunctionDescriptor job = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
                handles[14] = pointer(linker, jobProbe, MGR_GET_NEXT_JOB, job, critical);
                handles[15] = pointer(linker, jobProbe, MGR_SUBMIT_JOB, job, critical);
                handles[16] = pointer(linker, jobProbe, MGR_FLUSH_JOB, job, critical);
            }
            catch (final Throwable ex)
            {
                failure = new IllegalStateException("the ipsec-mb provider needs " + library +
                    " (Debian package libipsec-mb1) and the JVM flag --enable-native-access=ALL-UNNAMED: " + ex.getMessage(), ex);
            }
            VERSION = version;
            ARCH = arch;
            VAES_LAYOUT = "AVX512".equals(arch) && (features & IMB_FEATURE_VAES) != 0;
            ALLOC_MGR = handles[0];
            FREE_MGR = handles[1];
            INIT_AUTO = handles[2];
            GCM128_ENC = handles[3];
            GCM192_ENC = handles[4];
            GCM256_ENC = handles[5];
            GCM128_DEC = handles[6];
            GCM192_DEC = handles[7];
            GCM256_DEC = handles[8];
            GCM_PRE[0] = handles[9];
            GCM_PRE[1] = handles[10];
            GCM_PRE[2] = handles[11];
            KEYEXP_256 = handles[12];
            SHA256_ONE_BLOCK = handles[13];
            GET_NEXT_JOB = handles[14];
            SUBMIT_JOB = handles[15];
            FLUSH_JOB = handles[16];
            SETUP_MANAGER = setupManager;
            INIT_AVX2 = jobInitAvx2;
            JOBS_ON_AVX2 = jobsOnAvx2;
            SETUP_SCRATCH = setupScratch;
            FAILURE = failure == null ? selfTest() : failure;
        }

        static String libraryName()
        {
            final String property = System.getProperty(LIBRARY_PROPERTY);
            if (property != null && !property.isBlank())
            {
                return property;
            }
            final String environment = System.getenv(LIBRARY_ENVIRONMENT);
            return environment != null && !environment.isBlank() ? environment : DEFAULT_LIBRARY;
        }

        private static SymbolLookup lookup(final String library)
        {
            try
            {
                return SymbolLookup.libraryLookup(library, Arena.global());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalStateException("cannot load " + library, ex);
            }
        }

        private static MemorySegment find(final SymbolLookup lookup, final String name)
        {
            return lookup.find(name).orElseThrow(() -> new IllegalStateException("the library has no " + name));
        }

        private static MethodHandle pointer(
            final Linker linker, final long manager, final int offset, final FunctionDescriptor descriptor, final Linker.Option... options)
        {
            final long function = UnsafeApi.getLong(manager + offset);
            if (function == 0)
            {
                throw new IllegalStateException("the library's manager has no function at offset " + offset);
            }
            return linker.downcallHandle(MemorySegment.ofAddress(function), descriptor, options);
        }

        private static String archName(final int arch)
        {
            return switch (arch)
            {
                case 1 -> "no AES-NI";
                case 2 -> "SSE";
                case 3 -> "AVX";
                case 4 -> "AVX2";
                case 5 -> "AVX512";
                default -> "arch " + arch;
            };
        }

        /**
         * One packet through a GCM engine compared with the JDK's AES-GCM: null when they agree,
         * else the failure that makes the provider unavailable.
         */
        private static RuntimeException selfTest()
        {
            try
            {
                final byte[] key = new byte[20];
                for (int i = 0; i < key.length; i++)
                {
                    key[i] = (byte)(0x11 * i + 3);
                }
                final int length = 100;
                final UnsafeBuffer packet = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(16 + length + 16));
                packet.putInt(0, 0x1234_5678, ByteOrder.BIG_ENDIAN);
                packet.putInt(4, 7, ByteOrder.BIG_ENDIAN);
                packet.putLong(8, 7, ByteOrder.BIG_ENDIAN);
                for (int i = 0; i < length; i++)
                {
                    packet.putByte(16 + i, (byte)i);
                }
                final byte[] plaintext = new byte[length];
                packet.getBytes(16, plaintext);
                final byte[] aad = new byte[8];
                packet.getBytes(0, aad);
                final byte[] nonce = new byte[12];
                System.arraycopy(key, 16, nonce, 0, 4);
                packet.getBytes(8, nonce, 4, 8);
                final Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
                jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 16, "AES"), new GCMParameterSpec(128, nonce));
                jdk.updateAAD(aad);
                final byte[] expected = jdk.doFinal(plaintext);
                final CryptoWorkspace workspace = new CryptoWorkspace();
                try (Gcm engine = new Gcm(Transform.AES_GCM_128, key, false))
                {
                    engine.seal(workspace, packet, 0, length, 7);
                    final byte[] actual = new byte[length + 16];
                    packet.getBytes(16, actual);
                    if (!Arrays.equals(expected, actual))
                    {
                        return new IllegalStateException("intel-ipsec-mb's AES-GCM did not match the JDK's in the self-test");
                    }
                    if (!engine.open(workspace, packet, 0, length, 7))
                    {
                        return new IllegalStateException("intel-ipsec-mb's AES-GCM did not verify its own packet in the self-test");
                    }
                }
                return null;
            }
            catch (final Throwable ex)
            {
                return new IllegalStateException("the ipsec-mb provider's self-test failed: " + ex, ex);
            }
        }

        static void check()
        {
            if (FAILURE != null)
            {
                throw FAILURE;
            }
        }
    }

    /**
     * A multi-buffer manager for one thread's jobs ({@link CryptoWorkspace#manager()}), freed by
     * the collector's cleaner when its workspace is gone.
     */
    static final class Manager
    {
        private static final Cleaner CLEANER = Cleaner.create();
        final long address;

        private Manager(final long address)
        {
            this.address = address;
        }

        static Manager create()
        {
            Native.check();
            try
            {
                final long address = (long)Native.ALLOC_MGR.invokeExact(0L);
                if (address == 0)
                {
                    throw new OutOfMemoryError("alloc_mb_mgr failed");
                }
                if (Native.JOBS_ON_AVX2)
                {
                    Native.INIT_AVX2.invokeExact(address);
                }
                else
                {
                    Native.INIT_AUTO.invokeExact(address, 0L);
                }
                final Manager manager = new Manager(address);
                CLEANER.register(manager, () -> free(address));
                return manager;
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        private static void free(final long address)
        {
            try
            {
                Native.FREE_MGR.invokeExact(address);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        /** @return the next job to fill. */
        long nextJob()
        {
            try
            {
                return (long)Native.GET_NEXT_JOB.invokeExact(address);
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        /**
         * Submits {@code job}, the only one in flight, and flushes until it is done.
         */
        void run(final long job)
        {
            try
            {
                long done = (long)Native.SUBMIT_JOB.invokeExact(address);
                while (done == 0)
                {
                    done = (long)Native.FLUSH_JOB.invokeExact(address);
                }
                if (done != job || UnsafeApi.getInt(done + JOB_STATUS) != STATUS_COMPLETED)
                {
                    throw jobFailed(done);
                }
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }

        private IllegalStateException jobFailed(final long done)
        {
            return new IllegalStateException("intel-ipsec-mb job " + Long.toHexString(done) + " ended with status " +
                (done == 0 ? -1 : UnsafeApi.getInt(done + JOB_STATUS)) + " (submitted " + Long.toHexString(done) + ")");
        }
    }


    /** The key state of one SA in native memory; the common part of both engines. */
    abstract static class KeyedEngine implements EspEngine
    {
        final Transform transform;
        final boolean esn;
        final long key = KEYS.allocate();
        private boolean closed;

        KeyedEngine(final Transform transform, final boolean esn)
        {
            this.transform = transform;
            this.esn = esn;
        }

        @Override
        public final String provider()
        {
            return "ipsec-mb";
        }

        @Override
        public final Transform transform()
        {
            return transform;
        }

        /** Set-up work on the key: it runs under a lock on the shared scratch, which is zeroed afterwards. */
        @FunctionalInterface
        interface SetupStep
        {
            void run(UnsafeBuffer scratch) throws Throwable;
        }

        /**
         * Runs {@code step} with {@link Native#SETUP_SCRATCH} (a raw key or an HMAC pad goes there
         * for the library to read), on one control-plane thread at a time, and zeroes the scratch
         * afterwards so no key material stays behind.
         */
        static void withSetupScratch(final SetupStep step)
        {
            synchronized (Native.class)
            {
                final UnsafeBuffer scratch = new UnsafeBuffer(Native.SETUP_SCRATCH, SETUP_SCRATCH_LENGTH);
                try
                {
                    step.run(scratch);
                }
                catch (final Throwable ex)
                {
                    throw rethrow(ex);
                }
                finally
                {
                    scratch.setMemory(0, SETUP_SCRATCH_LENGTH, (byte)0);
                }
            }
        }

        /** Reads one word of each of {@code lines} cache lines of the key state from line {@code first}. */
        final long touchLines(final int first, final int lines)
        {
            final long start = key + (long)first * 64;
            long sum = 0;
            for (int line = 0; line < lines; line++)
            {
                sum += UnsafeApi.getLong(start + (long)line * 64);
            }
            return sum;
        }

        @Override
        public final synchronized void close()
        {
            if (!closed)
            {
                closed = true;
                KEYS.release(key);
            }
        }
    }

    /** AES-GCM with a 16-byte ICV through the direct GCM API. */
    static final class Gcm extends KeyedEngine
    {
        /** Bytes under which a packet needs only H^16 to H^1 of the VAES layout. */
        static final int SHORT_PACKET = 256;
        /** The line of H^16 (byte 752) in the VAES layout; H^1 ends the last line. */
        static final int SHORT_POWERS_FIRST_LINE = 752 / 64;
        /** 0, 1, 2 for 128, 192, 256-bit keys. */
        private final int size;
        /** Lines of the expanded round keys: 11, 13 or 15 keys of 16 bytes. */
        private final int roundKeyLines;
        /** The salt's four bytes as they lie in memory, to write in front of each packet's IV. */
        private final int salt;

        Gcm(final Transform transform, final byte[] keyMaterial, final boolean esn)
        {
            super(transform, esn);
            final int keyLength = transform.cipherKeyLength();
            size = (keyLength - 16) / 8;
            roundKeyLines = ((keyLength / 4 + 7) * 16 + 63) / 64;
            final UnsafeBuffer material = new UnsafeBuffer(keyMaterial);
            salt = material.getInt(keyLength, ByteOrder.nativeOrder());
            withSetupScratch(scratch ->
            {
                scratch.putBytes(0, keyMaterial, 0, keyLength);
                Native.GCM_PRE[size].invokeExact(scratch.addressOffset(), key);
            });
        }

        @Override
        public void writeIv(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int ivOffset, final long sequence)
        {
            buffer.putLong(ivOffset, sequence, ByteOrder.BIG_ENDIAN);
        }

        /**
         * The round keys, and the powers of the GHASH key the packet's length needs. In the
         * VAES code's layout ({@code struct gcm_key_data} for AVX-512 with VAES) the powers run
         * from H^48 at byte 240 down to H^1 at byte 992, and a packet under 256 bytes reads at
         * most H^16 to H^1, the last five lines; longer packets, and the other code paths'
         * layouts, get every line.
         */
        @Override
        public long touchKeyState(final int bytes)
        {
            if (!Native.VAES_LAYOUT || bytes >= SHORT_PACKET)
            {
                return touchLines(0, KEY_LINES);
            }
            return touchLines(0, roundKeyLines) + touchLines(SHORT_POWERS_FIRST_LINE, KEY_LINES - SHORT_POWERS_FIRST_LINE);
        }

        /**
         * Writes the nonce and the AAD (SPI || sequence, with ESN SPI || high || low, RFC 4106
         * section 5) into the workspace; the sequence is the one given, as the anti-replay window
         * reconstructed it. Returns the AAD's address.
         */
        private long prepare(final CryptoWorkspace workspace, final long packet, final long sequence)
        {
            final long fields = workspace.address;
            UnsafeApi.putInt(fields + CryptoWorkspace.NONCE, salt);
            UnsafeApi.putLong(fields + CryptoWorkspace.NONCE + 4, UnsafeApi.getLong(packet + 8));
            final long aad = fields + CryptoWorkspace.AAD;
            UnsafeApi.putInt(aad, UnsafeApi.getInt(packet));
            if (esn)
            {
                UnsafeApi.putInt(aad + 4, bigEndian((int)(sequence >>> 32)));
                UnsafeApi.putInt(aad + 8, bigEndian((int)sequence));
            }
            else
            {
                UnsafeApi.putInt(aad + 4, bigEndian((int)sequence));
            }
            return aad;
        }

        @Override
        public void seal(
            final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int length = 16 + ciphertextLength + 16;
            final long packet = workspace.load(buffer, espOffset, length);
            final long data = packet + 16;
            gcm(true, workspace, packet, ciphertextLength, sequence, data + ciphertextLength);
            workspace.storeHeap(buffer, espOffset, length);
        }

        @Override
        public boolean open(
            final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int length = 16 + ciphertextLength + 16;
            final long packet = workspace.load(buffer, espOffset, length);
            final long data = packet + 16;
            final long tag = workspace.address + CryptoWorkspace.TAG;
            gcm(false, workspace, packet, ciphertextLength, sequence, tag);
            final long icv = data + ciphertextLength;
            final long difference = UnsafeApi.getLong(tag) ^ UnsafeApi.getLong(icv) | UnsafeApi.getLong(tag + 8) ^ UnsafeApi.getLong(icv + 8);
            if (difference != 0)
            {
                // GCM decrypts as it authenticates: no plaintext of a forged packet stays behind.
                UnsafeApi.setMemory(data, ciphertextLength, (byte)0);
                return false;
            }
            workspace.storeHeap(buffer, espOffset, length);
            return true;
        }

        /**
         * The one library call of a packet, in place on the ciphertext after the 16-byte ESP
         * header and IV at {@code packet}; the tag goes to {@code tag}. A handle per key size and
         * direction, each a constant at its call site.
         */
        private void gcm(
            final boolean encrypt, final CryptoWorkspace workspace, final long packet, final int ciphertextLength, final long sequence,
            final long tag)
        {
            final long aad = prepare(workspace, packet, sequence);
            final long aadLength = esn ? 12L : 8L;
            final long data = packet + 16;
            final long length = ciphertextLength;
            final long context = workspace.address + CryptoWorkspace.GCM_CONTEXT;
            final long nonce = workspace.address + CryptoWorkspace.NONCE;
            try
            {
                switch (encrypt ? size : size + 3)
                {
                    case 0 -> Native.GCM128_ENC.invokeExact(key, context, data, data, length, nonce, aad, aadLength, tag, 16L);
                    case 1 -> Native.GCM192_ENC.invokeExact(key, context, data, data, length, nonce, aad, aadLength, tag, 16L);
                    case 2 -> Native.GCM256_ENC.invokeExact(key, context, data, data, length, nonce, aad, aadLength, tag, 16L);
                    case 3 -> Native.GCM128_DEC.invokeExact(key, context, data, data, length, nonce, aad, aadLength, tag, 16L);
                    case 4 -> Native.GCM192_DEC.invokeExact(key, context, data, data, length, nonce, aad, aadLength, tag, 16L);
                    default -> Native.GCM256_DEC.invokeExact(key, context, data, data, length, nonce, aad, aadLength, tag, 16L);
                }
            }
            catch (final Throwable ex)
            {
                throw rethrow(ex);
            }
        }
    }

    /** AES-256-CBC with HMAC-SHA-256-128 through the job API. */
    static final class CbcHmac extends KeyedEngine implements HmacSha256Icv
    {
        private static final int ENCRYPT_KEYS = 0;
        private static final int DECRYPT_KEYS = 256;
        private static final int INNER_PAD = 512;
        private static final int OUTER_PAD = 576;

        /** Encryption and decryption round keys (15 each, 256 bytes apart) and the two HMAC states: lines 0 to 9. */
        @Override
        public long touchKeyState(final int bytes)
        {
            return touchLines(0, (OUTER_PAD + 64) / 64);
        }

        CbcHmac(final Transform transform, final byte[] keyMaterial, final boolean esn)
        {
            super(transform, esn);
            withSetupScratch(scratch ->
            {
                scratch.putBytes(0, keyMaterial, 0, 32);
                Native.KEYEXP_256.invokeExact(scratch.addressOffset(), key + ENCRYPT_KEYS, key + DECRYPT_KEYS);
                // RFC 2104: the hash state after one block of key XOR ipad, and of key XOR opad (a 32-byte key, zero-padded to 64).
                for (final int pad : new int[]{0x36, 0x5c})
                {
                    for (int i = 0; i < 64; i++)
                    {
                        final int keyByte = i < transform.authKeyLength() ? keyMaterial[32 + i] : 0;
                        scratch.putByte(i, (byte)(keyByte ^ pad));
                    }
                    Native.SHA256_ONE_BLOCK.invokeExact(scratch.addressOffset(), key + (pad == 0x36 ? INNER_PAD : OUTER_PAD));
                }
            });
        }

        @Override
        public void writeIv(final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int ivOffset, final long sequence)
        {
            final UnsafeBuffer fields = workspace.fields;
            fields.putLong(CryptoWorkspace.BLOCK, sequence, ByteOrder.BIG_ENDIAN);
            fields.putLong(CryptoWorkspace.BLOCK + 8, 0);
            final Manager manager = workspace.manager();
            final long job = manager.nextJob();
            cipherJob(job, CIPHER_ECB, DIRECTION_ENCRYPT, workspace.address + CryptoWorkspace.BLOCK,
                workspace.address + CryptoWorkspace.IV, 0, 16, 0);
            UnsafeApi.putInt(job + JOB_HASH_ALG, HASH_NULL);
            UnsafeApi.putInt(job + JOB_CHAIN_ORDER, ORDER_CIPHER_HASH);
            manager.run(job);
            buffer.putBytes(ivOffset, fields, CryptoWorkspace.IV, 16);
        }

        private void cipherJob(
            final long job, final int mode, final int direction, final long source, final long destination, final int start, final int length,
            final long iv)
        {
            UnsafeApi.putLong(job + JOB_ENC_KEYS, key + ENCRYPT_KEYS);
            UnsafeApi.putLong(job + JOB_DEC_KEYS, key + DECRYPT_KEYS);
            UnsafeApi.putLong(job + JOB_KEY_LENGTH, 32);
            UnsafeApi.putLong(job + JOB_SRC, source);
            UnsafeApi.putLong(job + JOB_DST, destination);
            UnsafeApi.putLong(job + JOB_CIPHER_START, start);
            UnsafeApi.putLong(job + JOB_CIPHER_LENGTH, length);
            UnsafeApi.putLong(job + JOB_IV, iv);
            UnsafeApi.putLong(job + JOB_IV_LENGTH, iv == 0 ? 0 : 16);
            UnsafeApi.putInt(job + JOB_CIPHER_MODE, mode);
            UnsafeApi.putInt(job + JOB_CIPHER_DIRECTION, direction);
        }

        private void hashJob(final long job, final long source, final int length, final long tag)
        {
            UnsafeApi.putLong(job + JOB_HASH_START, 0);
            UnsafeApi.putLong(job + JOB_HASH_LENGTH, length);
            UnsafeApi.putLong(job + JOB_TAG, tag);
            UnsafeApi.putLong(job + JOB_TAG_LENGTH, 16);
            UnsafeApi.putLong(job + JOB_IPAD, key + INNER_PAD);
            UnsafeApi.putLong(job + JOB_OPAD, key + OUTER_PAD);
            UnsafeApi.putInt(job + JOB_HASH_ALG, HASH_HMAC_SHA_256);
        }

        @Override
        public void seal(
            final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int length = 8 + 16 + ciphertextLength + 16;
            final long packet = workspace.load(buffer, espOffset, length);
            runCbcHmac(workspace, packet, ciphertextLength, sequence, true);
            UnsafeApi.copyMemory(workspace.address + CryptoWorkspace.TAG, packet + 24 + ciphertextLength, 16);
            workspace.storeHeap(buffer, espOffset, length);
        }

        @Override
        public boolean open(
            final CryptoWorkspace workspace, final MutableDirectBuffer buffer, final int espOffset, final int ciphertextLength, final long sequence)
        {
            final int length = 8 + 16 + ciphertextLength + 16;
            final long packet = workspace.load(buffer, espOffset, length);
            final long icv = packet + 24 + ciphertextLength;
            final long tag = workspace.address + CryptoWorkspace.TAG;
            final long saved = workspace.address + CryptoWorkspace.SAVED_ICV;
            UnsafeApi.copyMemory(icv, saved, 16);
            runCbcHmac(workspace, packet, ciphertextLength, sequence, false);
            UnsafeApi.copyMemory(saved, icv, 16);
            final long difference = UnsafeApi.getLong(tag) ^ UnsafeApi.getLong(saved) | UnsafeApi.getLong(tag + 8) ^ UnsafeApi.getLong(saved + 8);
            if (difference != 0)
            {
                // The job decrypted after hashing: no plaintext of a forged packet stays behind.
                UnsafeApi.setMemory(packet + 24, ciphertextLength, (byte)0);
                return false;
            }
            workspace.storeHeap(buffer, espOffset, length);
            return true;
        }

        /**
         * One chained job over the ESP packet at {@code packet}: encrypt then HMAC, or HMAC then
         * decrypt, the tag into the workspace. With ESN the high sequence bits are hashed after
         * the ciphertext (RFC 4303 section 2.2.1), written where the ICV goes: the caller writes
         * or restores the ICV afterwards.
         */
        private void runCbcHmac(
            final CryptoWorkspace workspace, final long packet, final int ciphertextLength, final long sequence, final boolean encrypt)
        {
            int hashed = 24 + ciphertextLength;
            if (esn)
            {
                UnsafeApi.putInt(packet + hashed, bigEndian((int)(sequence >>> 32)));
                hashed += 4;
            }
            final Manager manager = workspace.manager();
            final long job = manager.nextJob();
            cipherJob(job, CIPHER_CBC, encrypt ? DIRECTION_ENCRYPT : DIRECTION_DECRYPT, packet, packet + 24, 24, ciphertextLength,
                packet + 8);
            hashJob(job, packet, hashed, workspace.address + CryptoWorkspace.TAG);
            UnsafeApi.putInt(job + JOB_CHAIN_ORDER, encrypt ? ORDER_CIPHER_HASH : ORDER_HASH_CIPHER);
            manager.run(job);
        }

        @Override
        public byte[] icv(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            final CryptoWorkspace workspace = new CryptoWorkspace();
            final long region = workspace.load(buffer, offset, length);
            final long tag = workspace.address + CryptoWorkspace.TAG;
            final Manager manager = workspace.manager();
            final long job = manager.nextJob();
            cipherJob(job, CIPHER_NULL, DIRECTION_ENCRYPT, region, region, 0, 0, 0);
            hashJob(job, region, length, tag);
            UnsafeApi.putInt(job + JOB_CHAIN_ORDER, ORDER_HASH_CIPHER);
            manager.run(job);
            final byte[] icv = new byte[16];
            workspace.fields.getBytes(CryptoWorkspace.TAG, icv);
            return icv;
        }
    }
}
