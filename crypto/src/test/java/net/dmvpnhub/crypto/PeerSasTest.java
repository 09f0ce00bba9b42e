package net.dmvpnhub.crypto;

import net.dmvpnhub.crypto.SecurityAssociation.Direction;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

class PeerSasTest
{
    private static final Transform TRANSFORM = Transform.AES_GCM_256;

    private final EspProcessor processor = new EspProcessor();

    private static SecurityAssociation sa(final int spi, final Direction direction, final long keySeed)
    {
        return SecurityAssociation.create(CryptoProvider.OPENSSL, TRANSFORM, EspProcessorTest.key(TRANSFORM, keySeed), spi, direction, false);
    }

    /** What the peer sends with the given outbound SA, as a standalone frame. */
    private MutableDirectBuffer send(final SecurityAssociation peerOutbound)
    {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        assertEquals(EspStatus.OK, processor.encrypt(peerOutbound, buffer, 64, 60, 256));
        return buffer;
    }

    /** The hub's receive path: SPI lookup, then ESP. */
    private EspStatus receive(final PeerSas hub, final MutableDirectBuffer buffer)
    {
        final int espOffset = 64 - TRANSFORM.headerOverhead();
        final SecurityAssociation sa = hub.inbound(buffer.getInt(espOffset, ByteOrder.BIG_ENDIAN));
        if (sa == null)
        {
            return null;
        }
        return processor.decrypt(sa, buffer, espOffset, TRANSFORM.headerOverhead() + 60 + 2 + 2 + 16);
    }

    @Test
    void duringTheOverlapBothInboundSasAreAcceptedAndAfterItOnlyTheNewOne()
    {
        try (SecurityAssociation hubOut1 = sa(0x100, Direction.OUTBOUND, 1);
             SecurityAssociation hubIn1 = sa(0x200, Direction.INBOUND, 2);
             SecurityAssociation peerOut1 = sa(0x200, Direction.OUTBOUND, 2);
             SecurityAssociation hubOut2 = sa(0x101, Direction.OUTBOUND, 3);
             SecurityAssociation hubIn2 = sa(0x201, Direction.INBOUND, 4);
             SecurityAssociation peerOut2 = sa(0x201, Direction.OUTBOUND, 4))
        {
            final PeerSas hub = new PeerSas(hubOut1, hubIn1);
            assertEquals(EspStatus.OK, receive(hub, send(peerOut1)));
            final MutableDirectBuffer lateOldPacket = send(peerOut1);

            final long nowNs = 1_000_000_000L;
            assertSame(hubOut1, hub.rekey(hubOut2, hubIn2, nowNs + 30_000_000_000L));
            assertSame(hubOut2, hub.outbound());
            assertTrue(hubOut1.isHardExpired(), "the old outbound SA sends nothing more");
            assertEquals(EspStatus.LIFETIME_EXPIRED, processor.encrypt(hubOut1, new UnsafeBuffer(new byte[256]), 64, 60, 256));

            // Overlap: the peer's last packets on the old SA and its first on the new are both good.
            assertEquals(EspStatus.OK, receive(hub, lateOldPacket));
            assertEquals(EspStatus.OK, receive(hub, send(peerOut2)));
            assertNull(hub.expireOverlap(nowNs + 29_000_000_000L));
            assertEquals(EspStatus.OK, receive(hub, send(peerOut1)));

            assertSame(hubIn1, hub.expireOverlap(nowNs + 30_000_000_000L));
            assertNull(hub.previousInbound());
            assertNull(receive(hub, send(peerOut1)), "the old SPI is no longer known");
            assertEquals(EspStatus.OK, receive(hub, send(peerOut2)));
            // A dataplane thread that still held the old SA drops with a named reason.
            final MutableDirectBuffer stale = send(peerOut1);
            assertEquals(EspStatus.LIFETIME_EXPIRED, processor.decrypt(hubIn1, stale, 64 - TRANSFORM.headerOverhead(), 100));
            assertEquals(3, hubIn1.packets());
            assertEquals(2, hubIn2.packets());
        }
    }

    @Test
    void overlapDeadlinesCompareWrapSafely()
    {
        try (SecurityAssociation out1 = sa(1, Direction.OUTBOUND, 1);
             SecurityAssociation in1 = sa(2, Direction.INBOUND, 2);
             SecurityAssociation out2 = sa(3, Direction.OUTBOUND, 3);
             SecurityAssociation in2 = sa(4, Direction.INBOUND, 4))
        {
            final PeerSas hub = new PeerSas(out1, in1);
            hub.rekey(out2, in2, Long.MAX_VALUE + 10);
            assertNull(hub.expireOverlap(Long.MAX_VALUE - 5));
            assertSame(in1, hub.expireOverlap(Long.MIN_VALUE + 20));
        }
    }
}
