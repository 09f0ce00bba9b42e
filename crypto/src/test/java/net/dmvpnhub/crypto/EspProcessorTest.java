package net.dmvpnhub.crypto;

import net.dmvpnhub.crypto.SecurityAssociation.Direction;
import net.dmvpnhub.crypto.SecurityAssociation.Lifetime;
import net.dmvpnhub.crypto.SecurityAssociation.Mode;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Full ESP processing through {@link EspProcessor}: round trips and cross-checks between
 * providers, tampering, anti-replay, sequence exhaustion, ESN and lifetimes.
 */
class EspProcessorTest
{
    private static final int HEADROOM = 64;
    private static final int SLOT = 16 * 1024;
    private static final int SPI = 0x1000_0001;

    private final EspProcessor processor = new EspProcessor();

    static Stream<Arguments> providerPairs()
    {
        final List<Arguments> pairs = new ArrayList<>();
        for (final Transform transform : new Transform[]{Transform.AES_GCM_128, Transform.AES_GCM_192, Transform.AES_GCM_256, Transform.AES_256_CBC_HMAC_SHA256})
        {
            for (final CryptoProvider sender : CryptoProvider.available())
            {
                for (final CryptoProvider receiver : CryptoProvider.available())
                {
                    pairs.add(Arguments.of(transform, sender, receiver));
                }
            }
        }
        return pairs.stream();
    }

    static byte[] key(final Transform transform, final long seed)
    {
        final byte[] key = new byte[transform.keyMaterialLength()];
        new SplittableRandom(seed).nextBytes(key);
        return key;
    }

    static SecurityAssociation sa(
        final CryptoProvider provider, final Transform transform, final byte[] key, final Direction direction, final boolean esn)
    {
        return SecurityAssociation.create(provider, transform, key, SPI, direction, esn);
    }

    static MutableDirectBuffer slot(final boolean direct)
    {
        return direct ? new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT)) : new UnsafeBuffer(new byte[SLOT]);
    }

    /**
     * Random keys and payload sizes 0..9000: each provider's ciphertext must equal every other's
     * (same key, same sequence number, so the same IV) and decrypt under every other. A provider
     * that is wrong for some sizes, as the JDK 25 GCM intrinsics once were (JDK-8371864), fails.
     */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("providerPairs")
    void providersAgreeOnRandomSizesAndKeys(final Transform transform, final CryptoProvider sender, final CryptoProvider receiver)
    {
        final SplittableRandom random = new SplittableRandom(transform.ordinal() * 31L + sender.ordinal() * 7L + receiver.ordinal());
        for (int round = 0; round < 40; round++)
        {
            final byte[] key = key(transform, random.nextLong());
            final boolean direct = random.nextBoolean();
            final boolean esn = random.nextBoolean();
            try (SecurityAssociation out = sa(sender, transform, key, Direction.OUTBOUND, esn);
                 SecurityAssociation reference = sa(CryptoProvider.BOUNCY_CASTLE, transform, key, Direction.OUTBOUND, esn);
                 SecurityAssociation in = sa(receiver, transform, key, Direction.INBOUND, esn))
            {
                final long start = esn ? 0xFFFF_FFF0L + random.nextInt(32) : 1 + random.nextInt(1000);
                out.nextSequence(start);
                reference.nextSequence(start);
                in.replayWindow().reset(start - 1);
                for (int packet = 0; packet < 5; packet++)
                {
                    final int size = round == 0 && packet == 0 ? 0 : random.nextInt(9001);
                    final byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    final MutableDirectBuffer buffer = slot(direct);
                    final MutableDirectBuffer expected = slot(false);
                    buffer.putBytes(HEADROOM, payload);
                    expected.putBytes(HEADROOM, payload);

                    assertEquals(EspStatus.OK, processor.encrypt(reference, expected, HEADROOM, size, SLOT));
                    assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, size, SLOT));
                    final int espOffset = processor.espOffset();
                    final int espLength = processor.espLength();
                    final byte[] ours = new byte[espLength];
                    final byte[] theirs = new byte[espLength];
                    buffer.getBytes(espOffset, ours);
                    expected.getBytes(espOffset, theirs);
                    assertArrayEquals(theirs, ours, sender + " ciphertext differs from Bouncy Castle's at size " + size);

                    assertEquals(EspStatus.OK, processor.decrypt(in, buffer, espOffset, espLength), receiver + " size " + size);
                    assertEquals(HEADROOM, processor.innerOffset());
                    assertEquals(size, processor.innerLength());
                    final byte[] decrypted = new byte[size];
                    buffer.getBytes(HEADROOM, decrypted);
                    assertArrayEquals(payload, decrypted, "size " + size);
                }
                assertEquals(5, in.packets());
                assertEquals(0, in.totalDrops());
            }
        }
    }

    /**
     * Every single-bit flip of SPI, sequence number, IV, ciphertext and ICV is rejected and
     * counted, no plaintext is left in the frame, and the window does not move: the genuine
     * packet still decrypts afterwards.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("transformsAndProviders")
    void everySingleBitFlipIsRejectedAndCounted(final Transform transform, final CryptoProvider provider)
    {
        final byte[] key = key(transform, 99);
        final byte[] payload = new byte[77];
        new SplittableRandom(5).nextBytes(payload);
        try (SecurityAssociation out = sa(provider, transform, key, Direction.OUTBOUND, false);
             SecurityAssociation in = sa(provider, transform, key, Direction.INBOUND, false))
        {
            out.nextSequence(1000);
            final MutableDirectBuffer buffer = slot(false);
            buffer.putBytes(HEADROOM, payload);
            assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, payload.length, SLOT));
            final int espOffset = processor.espOffset();
            final int espLength = processor.espLength();
            final byte[] genuine = new byte[espLength];
            buffer.getBytes(espOffset, genuine);

            int flips = 0;
            for (int bit = 0; bit < espLength * 8; bit++)
            {
                final MutableDirectBuffer tampered = slot(false);
                tampered.putBytes(espOffset, genuine);
                final int at = espOffset + bit / 8;
                tampered.putByte(at, (byte)(tampered.getByte(at) ^ 1 << (bit % 8)));
                final EspStatus status = processor.decrypt(in, tampered, espOffset, espLength);
                assertNotEquals(EspStatus.OK, status, "bit " + bit);
                final byte[] left = new byte[payload.length];
                tampered.getBytes(HEADROOM, left);
                assertFalse(Arrays.equals(payload, left), "plaintext left after flipping bit " + bit);
                flips++;
            }
            assertEquals(flips, in.totalDrops());
            assertEquals(32, in.drops(EspStatus.SPI_MISMATCH));
            assertEquals(flips - 32, in.drops(EspStatus.AUTHENTICATION_FAILED) + in.drops(EspStatus.REPLAY_TOO_OLD));
            assertEquals(0, in.packets());
            assertEquals(0, in.replayWindow().top());

            final MutableDirectBuffer good = slot(false);
            good.putBytes(espOffset, genuine);
            assertEquals(EspStatus.OK, processor.decrypt(in, good, espOffset, espLength));
            assertEquals(1000, in.replayWindow().top());
            assertEquals(EspStatus.REPLAY_DUPLICATE, processor.decrypt(in, good, espOffset, espLength));
        }
    }

    static Stream<Arguments> transformsAndProviders()
    {
        return Stream.of(Transform.AES_GCM_128, Transform.AES_256_CBC_HMAC_SHA256)
            .flatMap(t -> CryptoProvider.available().stream().map(p -> Arguments.of(t, p)));
    }

    /** A packet larger than the native engines' first heap copy area (16 KiB) still round-trips on the heap. */
    @ParameterizedTest
    @MethodSource("net.dmvpnhub.crypto.CryptoProviderTest#availableProviders")
    void aPayloadLargerThanTheHeapCopyAreaRoundTripsOnTheHeap(final CryptoProvider provider)
    {
        for (final Transform transform : new Transform[]{Transform.AES_GCM_128, Transform.AES_256_CBC_HMAC_SHA256})
        {
            final byte[] key = key(transform, 17);
            final int payload = 20_000;
            final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[HEADROOM + payload + 64]);
            for (int i = 0; i < payload; i++)
            {
                buffer.putByte(HEADROOM + i, (byte)(i * 7));
            }
            try (SecurityAssociation out = sa(provider, transform, key, Direction.OUTBOUND, false);
                 SecurityAssociation in = sa(CryptoProvider.BOUNCY_CASTLE, transform, key, Direction.INBOUND, false))
            {
                assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, payload, buffer.capacity()), provider + " " + transform);
                assertEquals(EspStatus.OK, processor.decrypt(in, buffer, processor.espOffset(), processor.espLength()), provider + " " + transform);
                assertEquals(payload, processor.innerLength());
                for (int i = 0; i < payload; i += 997)
                {
                    assertEquals((byte)(i * 7), buffer.getByte(processor.innerOffset() + i));
                }
            }
            try (SecurityAssociation out = sa(CryptoProvider.BOUNCY_CASTLE, transform, key, Direction.OUTBOUND, false);
                 SecurityAssociation in = sa(provider, transform, key, Direction.INBOUND, false))
            {
                assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, payload, buffer.capacity()));
                assertEquals(EspStatus.OK, processor.decrypt(in, buffer, processor.espOffset(), processor.espLength()), provider + " " + transform);
                assertEquals(payload, processor.innerLength());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("net.dmvpnhub.crypto.CryptoProviderTest#availableProviders")
    void reorderedPacketsInsideTheWindowAreAcceptedOnceAndOldOnesDropped(final CryptoProvider provider)
    {
        final Transform transform = Transform.AES_GCM_128;
        final byte[] key = key(transform, 7);
        try (SecurityAssociation out = sa(provider, transform, key, Direction.OUTBOUND, false);
             SecurityAssociation in = sa(provider, transform, key, Direction.INBOUND, false))
        {
            final List<byte[]> packets = new ArrayList<>();
            int espOffset = 0;
            for (int i = 0; i < 100; i++)
            {
                final MutableDirectBuffer buffer = slot(false);
                assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 40, SLOT));
                espOffset = processor.espOffset();
                final byte[] packet = new byte[processor.espLength()];
                buffer.getBytes(espOffset, packet);
                packets.add(packet);
            }
            final int[] order = {99, 50, 36, 98, 36, 35, 34, 0, 97};
            final EspStatus[] expected = {EspStatus.OK, EspStatus.OK, EspStatus.OK, EspStatus.OK, EspStatus.REPLAY_DUPLICATE,
                EspStatus.REPLAY_TOO_OLD, EspStatus.REPLAY_TOO_OLD, EspStatus.REPLAY_TOO_OLD, EspStatus.OK};
            for (int i = 0; i < order.length; i++)
            {
                final MutableDirectBuffer buffer = slot(false);
                buffer.putBytes(espOffset, packets.get(order[i]));
                assertEquals(expected[i], processor.decrypt(in, buffer, espOffset, packets.get(order[i]).length),
                    "packet with sequence " + (order[i] + 1));
            }
            assertEquals(5, in.packets());
            assertEquals(1, in.drops(EspStatus.REPLAY_DUPLICATE));
            assertEquals(3, in.drops(EspStatus.REPLAY_TOO_OLD));
        }
    }


    /**
     * RFC 4301 section 5.2: a packet that authenticates under an SA bound to a peer and a local
     * address, but arrives from another source or for another destination, is dropped, counted on
     * the SA, and leaves the window as it was, so the genuine packet with that sequence number is
     * still accepted after it.
     */
    @ParameterizedTest
    @MethodSource("net.dmvpnhub.crypto.CryptoProviderTest#availableProviders")
    void aPacketFromOtherThanTheSasPeerIsDroppedAndLeavesTheWindowAlone(final CryptoProvider provider)
    {
        final Transform transform = Transform.AES_GCM_128;
        final byte[] key = key(transform, 4301);
        final int peer = 0xC612_0002;
        final int local = 0xC612_0001;
        try (SecurityAssociation out = SecurityAssociation.create(provider, transform, key, SPI, Direction.OUTBOUND, false, local, peer);
             SecurityAssociation in = SecurityAssociation.create(provider, transform, key, SPI, Direction.INBOUND, false, peer, local))
        {
            assertEquals(peer, in.peerAddress());
            assertEquals(local, in.localAddress());
            final MutableDirectBuffer sent = slot(true);
            assertEquals(EspStatus.OK, processor.encrypt(out, sent, HEADROOM, 40, SLOT));
            final int espOffset = processor.espOffset();
            final byte[] packet = new byte[processor.espLength()];
            sent.getBytes(espOffset, packet);
            final int[][] outer = {{0xC612_0003, local}, {peer, 0xC612_0009}, {0, local}, {peer, local}, {peer, local}};
            final EspStatus[] expected = {EspStatus.SELECTOR_MISMATCH, EspStatus.SELECTOR_MISMATCH, EspStatus.SELECTOR_MISMATCH,
                EspStatus.OK, EspStatus.REPLAY_DUPLICATE};
            for (int i = 0; i < outer.length; i++)
            {
                final MutableDirectBuffer buffer = slot(true);
                buffer.putBytes(espOffset, packet);
                assertEquals(expected[i], processor.decrypt(in, buffer, espOffset, packet.length, outer[i][0], outer[i][1]), "try " + i);
            }
            assertEquals(3, in.drops(EspStatus.SELECTOR_MISMATCH));
            assertEquals(1, in.packets());
            assertTrue(in.selectorsMatch(peer, local));
            assertFalse(in.selectorsMatch(local, peer));
            // An SA bound to no address takes a packet from anywhere.
            try (SecurityAssociation unbound = sa(provider, transform, key, Direction.INBOUND, false))
            {
                final MutableDirectBuffer buffer = slot(true);
                buffer.putBytes(espOffset, packet);
                assertEquals(EspStatus.OK, processor.decrypt(unbound, buffer, espOffset, packet.length, 0x0A00_0001, 0x0A00_0002));
            }
        }
    }
    @Test
    void sequenceNumbersNeverWrapWithoutEsn()
    {
        final Transform transform = Transform.AES_GCM_128;
        final byte[] key = key(transform, 1);
        try (SecurityAssociation out = sa(CryptoProvider.JDK, transform, key, Direction.OUTBOUND, false))
        {
            out.nextSequence(0xFFFF_FFFFL);
            final MutableDirectBuffer buffer = slot(false);
            assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 10, SLOT));
            assertFalse(out.isHardExpired());
            assertEquals(EspStatus.SEQUENCE_EXHAUSTED, processor.encrypt(out, buffer, HEADROOM, 10, SLOT));
            assertTrue(out.isHardExpired());
            assertEquals(EspStatus.LIFETIME_EXPIRED, processor.encrypt(out, buffer, HEADROOM, 10, SLOT));
            assertEquals(1, out.drops(EspStatus.SEQUENCE_EXHAUSTED));
            assertEquals(1, out.packets());
        }
    }

    @ParameterizedTest
    @MethodSource("net.dmvpnhub.crypto.CryptoProviderTest#availableProviders")
    void extendedSequenceNumbersCarryOnPastTwoToThe32(final CryptoProvider provider)
    {
        for (final Transform transform : new Transform[]{Transform.AES_GCM_256, Transform.AES_256_CBC_HMAC_SHA256})
        {
            final byte[] key = key(transform, 3);
            try (SecurityAssociation out = sa(provider, transform, key, Direction.OUTBOUND, true);
                 SecurityAssociation in = sa(provider, transform, key, Direction.INBOUND, true))
            {
                out.nextSequence(0xFFFF_FFFDL);
                in.replayWindow().reset(0xFFFF_FFFCL);
                for (int i = 0; i < 6; i++)
                {
                    final MutableDirectBuffer buffer = slot(false);
                    assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 100, SLOT));
                    assertEquals(EspStatus.OK, processor.decrypt(in, buffer, processor.espOffset(), processor.espLength()), "packet " + i);
                }
                assertEquals(1L << 32 | 2, in.replayWindow().top());
                assertEquals(6, in.packets());
            }
        }
    }

    @Test
    void softAndHardLifetimesAskForRekeyThenEndTheSa()
    {
        final Transform transform = Transform.AES_GCM_128;
        final EspEngine engine = CryptoProvider.JDK.newEngine(transform, key(transform, 2), false, true);
        try (SecurityAssociation out = new SecurityAssociation(SPI, Direction.OUTBOUND, Mode.TRANSPORT, false, 64,
            new Lifetime(3, 5, 0, 0), engine))
        {
            final MutableDirectBuffer buffer = slot(false);
            for (int i = 1; i <= 5; i++)
            {
                assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 10, SLOT));
                assertEquals(i >= 3, out.isSoftExpired(), "after packet " + i);
                assertEquals(i >= 5, out.isHardExpired(), "after packet " + i);
            }
            assertEquals(EspStatus.LIFETIME_EXPIRED, processor.encrypt(out, buffer, HEADROOM, 10, SLOT));
            assertEquals(1, out.drops(EspStatus.LIFETIME_EXPIRED));
        }
        final EspEngine bytesEngine = CryptoProvider.JDK.newEngine(transform, key(transform, 2), false, true);
        try (SecurityAssociation out = new SecurityAssociation(SPI, Direction.OUTBOUND, Mode.TRANSPORT, false, 64,
            new Lifetime(0, 0, 1000, 1500), bytesEngine))
        {
            final MutableDirectBuffer buffer = slot(false);
            assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 999, SLOT));
            assertFalse(out.isSoftExpired());
            assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 1, SLOT));
            assertTrue(out.isSoftExpired());
            assertFalse(out.isHardExpired());
            assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 500, SLOT));
            assertTrue(out.isHardExpired());
        }
    }

    @Test
    void namedDropsForShortPacketsWrongModeAndNoRoom()
    {
        final Transform gcm = Transform.AES_GCM_128;
        final byte[] key = key(gcm, 4);
        try (SecurityAssociation out = sa(CryptoProvider.OPENSSL, gcm, key, Direction.OUTBOUND, false);
             SecurityAssociation in = sa(CryptoProvider.OPENSSL, gcm, key, Direction.INBOUND, false);
             SecurityAssociation tunnelIn = new SecurityAssociation(SPI, Direction.INBOUND, Mode.TUNNEL, false, 64, Lifetime.UNLIMITED,
                 CryptoProvider.OPENSSL.newEngine(gcm, key, false, false)))
        {
            final MutableDirectBuffer buffer = slot(true);
            assertEquals(EspStatus.NO_ROOM, processor.encrypt(out, buffer, 10, 10, SLOT));
            assertEquals(EspStatus.NO_ROOM, processor.encrypt(out, buffer, HEADROOM, 100, HEADROOM + 100));
            assertEquals(EspStatus.OK, processor.encrypt(out, buffer, HEADROOM, 100, SLOT));
            final int espOffset = processor.espOffset();
            final int espLength = processor.espLength();
            assertEquals(EspStatus.TRUNCATED, processor.decrypt(in, buffer, espOffset, 8 + 8 + 16 + 1));
            assertEquals(EspStatus.UNEXPECTED_NEXT_HEADER, processor.decrypt(tunnelIn, buffer, espOffset, espLength));
            assertEquals(1, in.drops(EspStatus.TRUNCATED));
        }
        final Transform cbc = Transform.AES_256_CBC_HMAC_SHA256;
        try (SecurityAssociation in = sa(CryptoProvider.JDK, cbc, key(cbc, 5), Direction.INBOUND, false))
        {
            assertEquals(EspStatus.BAD_CIPHERTEXT_LENGTH, processor.decrypt(in, slot(false), HEADROOM, 8 + 16 + 17 + 16));
        }
    }

    @Test
    void keyMaterialOfTheWrongLengthIsAClearError()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CryptoProvider.JDK.newEngine(Transform.AES_GCM_128, new byte[16], false, true));
        assertEquals("esp-gcm 128 needs 20 bytes of key material (16-byte AES key and 4-byte salt), not 16", ex.getMessage());
    }
}
