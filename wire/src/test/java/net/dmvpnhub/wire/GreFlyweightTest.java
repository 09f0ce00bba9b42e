package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

class GreFlyweightTest
{
    private final GreFlyweight gre = new GreFlyweight();

    /** All eight combinations of the C, K and S bits. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void roundTripsEveryOptionalWordCombination(final int combination)
    {
        final boolean checksum = (combination & 1) != 0;
        final long key = (combination & 2) != 0 ? 0xFFFF_FFFEL : -1;
        final long sequence = (combination & 4) != 0 ? 0x8000_0001L : -1;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        gre.wrap(buffer, 3, 40);
        final int headerLength = gre.writeHeader(checksum, GreFlyweight.PROTOCOL_NHRP, key, sequence);
        for (int i = 3 + headerLength; i < 43; i++)
        {
            buffer.putByte(i, (byte)(i * 7));
        }
        gre.updateChecksum();

        assertEquals(DecodeStatus.OK, gre.validate());
        assertEquals(4 + Integer.bitCount(combination) * 4, headerLength);
        assertEquals(headerLength, gre.headerLength());
        assertEquals(checksum, gre.hasChecksum());
        assertEquals(key, gre.key());
        assertEquals(sequence, gre.sequence());
        assertEquals(GreFlyweight.PROTOCOL_NHRP, gre.protocolType());
        assertEquals(3 + headerLength, gre.payloadOffset());
        assertEquals(40 - headerLength, gre.payloadLength());
        assertTrue(gre.verifyChecksum());
        if (checksum)
        {
            buffer.putByte(42, (byte)(buffer.getByte(42) ^ 1));
            assertFalse(gre.verifyChecksum());
        }
    }

    @Test
    void namedReasonsForBadHeaders()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        gre.wrap(buffer, 0, 16).writeHeader(true, GreFlyweight.PROTOCOL_IPV4, 1, 2);
        assertEquals(DecodeStatus.OK, gre.validate());
        assertEquals(DecodeStatus.GRE_TRUNCATED, gre.wrap(buffer, 0, 15).validate());
        assertEquals(DecodeStatus.GRE_TRUNCATED, gre.wrap(buffer, 0, 3).validate());
        gre.wrap(buffer, 0, 16);
        final int flags = gre.flagsAndVersion();
        buffer.putShort(0, (short)(flags | 1), ByteOrder.BIG_ENDIAN);
        assertEquals(DecodeStatus.GRE_BAD_VERSION, gre.validate());
        for (final int bit : new int[]{GreFlyweight.FLAG_ROUTING, GreFlyweight.FLAG_STRICT_SOURCE_ROUTE, 0x0400})
        {
            buffer.putShort(0, (short)(flags | bit), ByteOrder.BIG_ENDIAN);
            assertEquals(DecodeStatus.GRE_UNSUPPORTED_FLAGS, gre.validate());
        }
        // RFC 2784: bits 6 to 12 are ignored on receipt.
        buffer.putShort(0, (short)(flags | 0x0200 | 0x0008), ByteOrder.BIG_ENDIAN);
        assertEquals(DecodeStatus.OK, gre.validate());
    }
}
