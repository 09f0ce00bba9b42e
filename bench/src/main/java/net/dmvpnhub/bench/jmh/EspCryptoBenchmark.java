package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.SecurityAssociation.Direction;
import net.dmvpnhub.crypto.Transform;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost of full ESP processing of one packet through {@link EspProcessor}, per crypto provider: what
 * the hub's {@code esp4-encrypt} and {@code esp4-decrypt} stages will spend per packet, to be set
 * beside what native code spends: {@code bench/openssl-speed.sh} ({@code ./dmvpn crypto-compare})
 * runs this benchmark, {@code openssl speed -aead}, {@code bench/openssl-evp-loop.c} (the OpenSSL
 * engine's own libcrypto calls in a C loop, keyed once per SA) and {@code bench/ipsec-mb-loop.c} (the
 * ipsec-mb engine's own intel-ipsec-mb calls in a C loop) side by side.
 * <p>
 * <b>The frame.</b> Each packet sits in a 2 KiB slot ({@link #SLOT}), as in the dataplane's frame
 * slab: the payload (the GRE packet of transport mode; {@link Frames#size} bytes) starts at
 * {@link #HEADROOM}, which leaves room before it for the ESP header and IV, and the slot leaves
 * room after it for padding, trailer and ICV. The slot is an {@link UnsafeBuffer} over a
 * {@code byte[]} or over 64-byte aligned direct memory ({@link Frames#memory}): the providers take
 * different paths for each (the JDK through the array or through {@link java.nio.ByteBuffer} views,
 * Bouncy Castle through the array or a scratch copy, OpenSSL through a native scratch copy or in
 * place), and the slab could be either. {@link Frames#size} {@code IMIX} is the simple IMIX:
 * payloads of 64, 576 and 1500 bytes in the ratio 7:4:1, as the fixed 12-packet pattern
 * {@link #IMIX_PATTERN}, one packet per call, so the score is the mean per packet.
 * <p>
 * <b>What is measured.</b>
 * <ul>
 *     <li>{@link #encrypt}: {@link EspProcessor#encrypt} on an outbound SA: SPI, sequence number and
 *     IV written, padding and trailer written, payload encrypted in place, ICV written; status and
 *     ESP length to the {@link Blackhole}.</li>
 *     <li>{@link #decrypt}: a received ESP packet copied from a ring into the slot, then
 *     {@link EspProcessor#decrypt} on an inbound SA: SPI check, anti-replay pre-check, ICV verified,
 *     payload decrypted in place, window advanced, trailer checked; status and inner length to the
 *     {@link Blackhole}. The copy is part of the figure; {@link #copyOnly} measures it alone.</li>
 *     <li>{@link #copyOnly}: the same ring step and the same copy as {@link #decrypt}, nothing else:
 *     subtract it from {@link #decrypt} for the cost of decryption on a packet already in the slot.
 *     It does not depend on the provider, so it has no provider parameter.</li>
 * </ul>
 * <p>
 * <b>Why encrypt does not restore the payload.</b> Encryption in place turns the payload into
 * ciphertext, so from the second call on {@link #encrypt} encrypts the previous call's ciphertext.
 * That does not change the cost: AES-GCM and AES-CBC with HMAC-SHA-256 do the same operations
 * whatever the bytes are (no branch or table index depends on the data in any provider here: AES-NI
 * or bit-sliced code and constant-time GHASH), and everything else {@link EspProcessor#encrypt}
 * does depends only on the payload length, which is the parameter. The header, IV, padding and
 * trailer are rewritten on every call anyway. Rewriting the plaintext would add a copy the hub does
 * not make and that cannot be told apart from the figure, so it is not done. Each call takes the
 * next sequence number, as a real SA does; {@link Esp#guardSequence()} restarts the counter between
 * iterations long before the 2^32 limit (no run comes near it: it would take minutes per iteration).
 * <p>
 * <b>Why decrypt copies, and resets the replay window.</b> Decryption in place destroys the
 * ciphertext, and anti-replay rejects a sequence number it has seen, so one packet cannot simply be
 * decrypted again. {@link Frames} pre-encrypts a ring of {@link #RING} packets with consecutive
 * sequence numbers 1, 2, ..., {@link #RING} (under the same key, through Bouncy Castle, the
 * reference provider; every provider's ciphertext is byte for byte the same, which the setup checks),
 * and each call copies the next one into the slot. When the ring wraps, the inbound SA's window is
 * reset to 0 ({@link net.dmvpnhub.crypto.ReplayWindow#reset(long)}) so the same numbers are new
 * again. The alternative, fresh sequence numbers, was rejected: the sequence number is authenticated
 * (in the GCM AAD, under the CBC HMAC), so a fresh one needs a fresh encryption, either inside the
 * measured call (which would measure encrypt plus decrypt) or ahead of time for every call of the
 * run (millions of packets: gigabytes of ring that would come from DRAM). With the reset, each call
 * does exactly the window work of in-order traffic (the number is above the top, the top advances by
 * one, a 64-bit block is cleared every 64 packets), and the reset itself is an
 * {@link Arrays#fill(long[], long)} of the window's two blocks once per {@link #RING} calls. The ring
 * is {@link #RING} = 240 packets: a multiple of the 12-packet IMIX pattern, and small enough (at most
 * 360 KiB, at 1400 bytes) to stay in this machine's 1 MiB L2, so the copy reads warm memory as
 * {@code openssl speed} does, and {@link #copyOnly} reads the same memory the same way.
 * <p>
 * <b>What this is not.</b> One SA, one thread, caches warm: the cost of the code, not of SA look-up
 * or of packets arriving by DMA. Agrona's bounds checks are on, as by default. Allocation is part of
 * the result: run with {@code -prof gc} and read gc.alloc.rate.norm. The JDK provider allocates
 * inside the JCE on every packet (a {@code GCMParameterSpec} per {@code Cipher.init} and what the
 * cipher builds at each init), Bouncy Castle a little ({@code AEADParameters} per init), OpenSSL
 * should allocate nothing.
 * <p>
 * <b>AES-256-CBC with HMAC-SHA-256.</b> {@link Frames#transform} defaults to {@code AES_GCM_128};
 * the CBC transform is measured with {@code -p transform=AES_256_CBC_HMAC_SHA256} and the sizes and
 * providers wanted ({@code bench/openssl-speed.sh} does so at 64 and 1400 bytes).
 * <p>
 * The JVM flags are fixed here so the result JSON records them: those of {@link GreHeaderBenchmark},
 * plus native access for the OpenSSL provider, which calls libcrypto through the FFM API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EspCryptoBenchmark
{
    /** Bytes of one frame slot. */
    static final int SLOT = 2048;
    /** Where the payload starts in the slot: room for the ESP header and IV (and outer headers). */
    static final int HEADROOM = 64;
    /** Pre-encrypted packets the decrypt benchmark cycles through: a multiple of the IMIX pattern. */
    static final int RING = 240;
    /** Simple IMIX, 7 x 64, 4 x 576, 1 x 1500, interleaved. */
    static final int[] IMIX_PATTERN = { 64, 576, 64, 64, 576, 64, 1500, 64, 576, 64, 576, 64 };
    static final int SPI = 0x1000_0001;
    static final long KEY_SEED = 0x5EED_0003L;
    static final int CACHE_LINE = 64;

    /**
     * Where the frame's memory lives.
     */
    public enum Memory
    {
        /** An {@link UnsafeBuffer} over a {@code byte[]}. */
        HEAP,
        /** An {@link UnsafeBuffer} over a direct {@link java.nio.ByteBuffer} aligned to 64 bytes. */
        DIRECT
    }

    /**
     * The packets: the work slot, the payload length of each call, and the ring of received ESP
     * packets. Independent of the provider, so {@link #copyOnly} uses it alone.
     */
    @State(Scope.Thread)
    public static class Frames
    {
        @Param({ "AES_GCM_128" })
        public Transform transform;

        /** Payload bytes per packet (what ESP encrypts, before padding and trailer), or IMIX. */
        @Param({ "64", "576", "1400", "IMIX" })
        public String size;

        @Param
        public Memory memory;

        byte[] keyMaterial;
        MutableDirectBuffer slot;
        MutableDirectBuffer ring;
        /** Per ring position: payload length, where its ESP packet lies in the ring, its length. */
        int[] payloadLengths;
        int[] ringOffsets;
        int[] espLengths;
        /** Where a received ESP packet is copied to in the slot, so its payload lands at HEADROOM. */
        int espOffset;
        int index;

        @Setup(Level.Trial)
        public void setUp()
        {
            final int[] pattern = "IMIX".equals(size) ? IMIX_PATTERN : new int[]{ Integer.parseInt(size) };
            check(RING % pattern.length == 0, "ring not a multiple of the size pattern");
            payloadLengths = new int[RING];
            for (int i = 0; i < RING; i++)
            {
                payloadLengths[i] = pattern[i % pattern.length];
            }
            final int maxPayload = Arrays.stream(pattern).max().orElseThrow();
            check(HEADROOM + maxPayload + transform.maxTrailerOverhead() <= SLOT, "slot too small for " + size);
            espOffset = HEADROOM - transform.headerOverhead();

            keyMaterial = new byte[transform.keyMaterialLength()];
            new SplittableRandom(KEY_SEED).nextBytes(keyMaterial);

            slot = allocate(memory, SLOT);
            writePayload(slot, HEADROOM, maxPayload);

            // The ring: packet i has sequence number i + 1, encrypted by the reference provider.
            ringOffsets = new int[RING];
            espLengths = new int[RING];
            int ringLength = 0;
            for (int i = 0; i < RING; i++)
            {
                ringOffsets[i] = ringLength;
                final int maxEsp = transform.headerOverhead() + payloadLengths[i] + transform.maxTrailerOverhead();
                ringLength += BitUtil.align(maxEsp, CACHE_LINE);
            }
            ring = allocate(memory, ringLength);
            final MutableDirectBuffer scratch = new UnsafeBuffer(new byte[SLOT]);
            final EspProcessor processor = new EspProcessor();
            try (SecurityAssociation reference = SecurityAssociation.create(
                CryptoProvider.BOUNCY_CASTLE, transform, keyMaterial, SPI, Direction.OUTBOUND, false))
            {
                for (int i = 0; i < RING; i++)
                {
                    writePayload(scratch, HEADROOM, payloadLengths[i]);
                    final EspStatus status = processor.encrypt(reference, scratch, HEADROOM, payloadLengths[i], SLOT);
                    check(status == EspStatus.OK, "reference encryption: " + status);
                    check(processor.espOffset() == espOffset, "ESP offset " + processor.espOffset());
                    check(reference.nextSequence() == i + 2, "reference sequence");
                    espLengths[i] = processor.espLength();
                    ring.putBytes(ringOffsets[i], scratch, espOffset, espLengths[i]);
                }
            }
            index = 0;
        }

        /**
         * @return the ring position of this call; advances to the next, wrapping at {@link #RING}.
         */
        final int next()
        {
            final int i = index;
            index = i + 1 == RING ? 0 : i + 1;
            return i;
        }

        /**
         * Copies the received ESP packet at ring position {@code i} into the slot.
         */
        final void receive(final int i)
        {
            slot.putBytes(espOffset, ring, ringOffsets[i], espLengths[i]);
        }
    }

    /**
     * One provider's outbound and inbound SA over the same key as the ring, and the processor.
     */
    @State(Scope.Thread)
    public static class Esp
    {
        /** Every {@link CryptoProvider} (JMH takes an enum's constants when no values are given). */
        @Param
        public CryptoProvider provider;

        final EspProcessor processor = new EspProcessor();
        SecurityAssociation outbound;
        SecurityAssociation inbound;

        @Setup(Level.Trial)
        public void setUp(final Frames frames)
        {
            // First check on throw-away SAs that this provider writes the ring's packets byte for
            // byte and reads them back, through the trial's own memory kind.
            final MutableDirectBuffer buffer = allocate(frames.memory, SLOT);
            try (SecurityAssociation out = sa(frames, Direction.OUTBOUND); SecurityAssociation in = sa(frames, Direction.INBOUND))
            {
                for (int i = 0; i < frames.payloadLengths.length && i < 12; i++)
                {
                    final int length = frames.payloadLengths[i];
                    writePayload(buffer, HEADROOM, length);
                    check(processor.encrypt(out, buffer, HEADROOM, length, SLOT) == EspStatus.OK, provider + " encrypt");
                    check(processor.espLength() == frames.espLengths[i], provider + " ESP length");
                    for (int b = 0; b < frames.espLengths[i]; b++)
                    {
                        check(buffer.getByte(frames.espOffset + b) == frames.ring.getByte(frames.ringOffsets[i] + b),
                            provider + " ciphertext differs from the reference at packet " + i + " byte " + b);
                    }
                    buffer.putBytes(frames.espOffset, frames.ring, frames.ringOffsets[i], frames.espLengths[i]);
                    final EspStatus status = processor.decrypt(in, buffer, frames.espOffset, frames.espLengths[i]);
                    check(status == EspStatus.OK, provider + " decrypt: " + status);
                    check(processor.innerOffset() == HEADROOM && processor.innerLength() == length, provider + " inner packet");
                    for (int b = 0; b < length; b++)
                    {
                        check(buffer.getByte(HEADROOM + b) == payloadByte(b), provider + " plaintext at byte " + b);
                    }
                }
            }
            outbound = sa(frames, Direction.OUTBOUND);
            inbound = sa(frames, Direction.INBOUND);
        }

        private SecurityAssociation sa(final Frames frames, final Direction direction)
        {
            return SecurityAssociation.create(provider, frames.transform, frames.keyMaterial, SPI, direction, false);
        }

        /**
         * Restarts the outbound sequence number between iterations if it ever came near 2^32
         * (it does not in runs of seconds); the next number always differs from the last, so no
         * provider sees a repeated IV in a row.
         */
        @Setup(Level.Iteration)
        public void guardSequence()
        {
            if (outbound.nextSequence() > 0xF000_0000L)
            {
                outbound.nextSequence(1);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            check(outbound.totalDrops() == 0, "outbound drops: " + outbound.totalDrops());
            check(inbound.totalDrops() == 0, "inbound drops: " + inbound.totalDrops());
            check(outbound.packets() + inbound.packets() > 0, "no packet processed");
            outbound.close();
            inbound.close();
        }
    }

    /**
     * ESP encryption in place of the next payload length; status and ESP length to the
     * {@link Blackhole}.
     */
    @Benchmark
    public void encrypt(final Frames frames, final Esp esp, final Blackhole bh)
    {
        final int length = frames.payloadLengths[frames.next()];
        final EspProcessor processor = esp.processor;
        bh.consume(processor.encrypt(esp.outbound, frames.slot, HEADROOM, length, SLOT));
        bh.consume(processor.espLength());
    }

    /**
     * The next received packet copied into the slot, then ESP decryption in place; status and
     * inner length to the {@link Blackhole}. The replay window is reset when the ring wraps.
     */
    @Benchmark
    public void decrypt(final Frames frames, final Esp esp, final Blackhole bh)
    {
        final int i = frames.next();
        if (i == 0)
        {
            esp.inbound.replayWindow().reset(0);
        }
        frames.receive(i);
        final EspProcessor processor = esp.processor;
        bh.consume(processor.decrypt(esp.inbound, frames.slot, frames.espOffset, frames.espLengths[i]));
        bh.consume(processor.innerLength());
    }

    /**
     * The ring step and copy of {@link #decrypt}, alone: its baseline. The stores go to the
     * slot, which outlives the call, so they stay; the length goes to the {@link Blackhole} as
     * {@link #decrypt}'s inner length does.
     */
    @Benchmark
    public void copyOnly(final Frames frames, final Blackhole bh)
    {
        final int i = frames.next();
        frames.receive(i);
        bh.consume(frames.espLengths[i]);
    }

    static MutableDirectBuffer allocate(final Memory memory, final int length)
    {
        final int capacity = BitUtil.align(length, CACHE_LINE);
        // The aligned direct buffer is a slice, which the cleaner refuses to free; each fork runs
        // one trial, so it is not freed.
        return memory == Memory.DIRECT ?
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, CACHE_LINE)) :
            new UnsafeBuffer(new byte[capacity]);
    }

    static byte payloadByte(final int i)
    {
        return (byte)(i * 31 + 7);
    }

    static void writePayload(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(offset + i, payloadByte(i));
        }
    }

    static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalStateException("EspCryptoBenchmark: " + message);
        }
    }
}
