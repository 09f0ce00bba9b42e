package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class Ipv4FlyweightTest
{
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    @Test
    void writesAndReadsEveryField()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        ip.wrap(buffer, 4, 60).writeHeader(0xB8, 60, 0xBEEF, Ipv4Flyweight.FLAG_DONT_FRAGMENT | 5, 64,
            Ipv4Flyweight.PROTOCOL_GRE, Ipv4Address.parse("198.18.0.1"), Ipv4Address.parse("198.19.255.254"));
        assertEquals(DecodeStatus.OK, ip.validate());
        assertTrue(ip.verifyChecksum());
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(0xB8, ip.tos());
        assertEquals(60, ip.totalLength());
        assertEquals(0xBEEF, ip.identification());
        assertEquals(Ipv4Flyweight.FLAG_DONT_FRAGMENT | 5, ip.flagsAndFragmentOffset());
        assertTrue(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Flyweight.PROTOCOL_GRE, ip.protocol());
        assertEquals("198.18.0.1", Ipv4Address.toString(ip.source()));
        assertEquals("198.19.255.254", Ipv4Address.toString(ip.destination()));
        assertEquals(24, ip.payloadOffset());
        assertEquals(40, ip.payloadLength());
    }

    /** RFC 1071 the plain way, byte pair by byte pair, for comparison: the ones' complement sum of a header's 16-bit words. */
    private static int referenceSum(final byte[] header, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += (header[i] & 0xFF) << 8 | header[i + 1] & 0xFF;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    @Test
    void writtenChecksumsAgreeWithAPlainSumOfTheHeaderOnRandomFields()
    {
        final SplittableRandom random = new SplittableRandom(1071);
        final byte[] bytes = new byte[20];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        for (int i = 0; i < 100_000; i++)
        {
            ip.wrap(buffer, 0, 20).writeHeader(random.nextInt(256), 20 + random.nextInt(65_516), random.nextInt(), random.nextInt(),
                random.nextInt(256), random.nextInt(256), random.nextInt(), random.nextInt());
            assertEquals(0xFFFF, referenceSum(bytes, 20), "header " + i);
            assertTrue(ip.verifyChecksum());
        }
    }

    @Test
    void verificationAgreesWithAPlainSumOnRandomHeadersGoodAndBad()
    {
        final SplittableRandom random = new SplittableRandom(791);
        final byte[] bytes = new byte[24];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int good = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final int headerLength = random.nextBoolean() ? 20 : 24;
            random.nextBytes(bytes);
            bytes[0] = (byte)(0x40 | headerLength / 4);
            if (random.nextBoolean())
            {
                // Half of them made right, so that both answers are tried often.
                bytes[10] = 0;
                bytes[11] = 0;
                final int checksum = ~referenceSum(bytes, headerLength) & 0xFFFF;
                bytes[10] = (byte)(checksum >>> 8);
                bytes[11] = (byte)checksum;
            }
            final boolean expected = referenceSum(bytes, headerLength) == 0xFFFF;
            good += expected ? 1 : 0;
            assertEquals(expected, ip.wrap(buffer, 0, headerLength).verifyChecksum(), "header " + i);
        }
        assertTrue(good > 90_000, "good headers tried: " + good);
    }

    @Test
    void ttlDecrementKeepsTheChecksumValidForEveryTtl()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20]);
        for (int ttl = 1; ttl <= 255; ttl++)
        {
            ip.wrap(buffer, 0, 20).writeHeader(0, 20, ttl * 257, 0, ttl, Ipv4Flyweight.PROTOCOL_UDP, ttl, -ttl);
            assertEquals(ttl - 1, ip.decrementTtl());
            assertEquals(ttl - 1, ip.ttl());
            assertTrue(ip.verifyChecksum(), "ttl " + ttl);
        }
    }

    @Test
    void optionsAreSkipped()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        ip.wrap(buffer, 0, 32).writeHeader(0, 32, 1, 0, 9, Ipv4Flyweight.PROTOCOL_UDP, 1, 2);
        buffer.putByte(0, (byte)0x46);
        buffer.putInt(20, 0x01010100);
        ip.updateChecksum();
        assertEquals(DecodeStatus.OK, ip.validate());
        assertEquals(24, ip.headerLength());
        assertEquals(24, ip.payloadOffset());
        assertEquals(8, ip.payloadLength());
        assertTrue(ip.verifyChecksum());
    }

    @Test
    void namedReasonsForBadHeaders()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        ip.wrap(buffer, 0, 40).writeHeader(0, 40, 1, 0, 9, Ipv4Flyweight.PROTOCOL_UDP, 1, 2);
        assertEquals(DecodeStatus.IPV4_TRUNCATED, ip.wrap(buffer, 0, 19).validate());
        assertEquals(DecodeStatus.IPV4_TRUNCATED, ip.wrap(buffer, 0, 39).validate());
        ip.wrap(buffer, 0, 40);

        buffer.putByte(0, (byte)0x65);
        assertEquals(DecodeStatus.IPV4_BAD_VERSION, ip.validate());
        buffer.putByte(0, (byte)0x44);
        assertEquals(DecodeStatus.IPV4_BAD_IHL, ip.validate());
        buffer.putByte(0, (byte)0x4F);
        assertEquals(DecodeStatus.IPV4_BAD_IHL, ip.validate());
        buffer.putByte(0, (byte)0x45);
        ip.totalLength(19);
        assertEquals(DecodeStatus.IPV4_BAD_TOTAL_LENGTH, ip.validate());
        ip.totalLength(40);
        assertEquals(DecodeStatus.OK, ip.validate());
        ip.ttl(8);
        assertFalse(ip.verifyChecksum());
    }
}
