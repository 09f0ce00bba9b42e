package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Icmp4FlyweightTest
{
    private final Icmp4Flyweight icmp = new Icmp4Flyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    /** An echo request with 12 data bytes at an odd offset, as a ping would send it. */
    private UnsafeBuffer echo(final int at)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + 20]);
        icmp.wrap(buffer, at, 20).writeEcho(Icmp4Flyweight.TYPE_ECHO_REQUEST, 0x1234, 7);
        for (int i = 8; i < 20; i++)
        {
            buffer.putByte(at + i, (byte)(0xA0 + i));
        }
        icmp.updateChecksum();
        return buffer;
    }

    /** A Time Exceeded quoting a 20-byte header and 8 UDP bytes, as the hub writes it. */
    private UnsafeBuffer timeExceeded(final int at)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + 36]);
        ip.wrap(buffer, at + 8, 28).writeHeader(0, 60, 9, 0, 1, Ipv4Flyweight.PROTOCOL_UDP, Ipv4Address.parse("10.0.0.2"),
            Ipv4Address.parse("10.128.1.1"));
        buffer.putShort(at + 28, (short)49152, ByteOrder.BIG_ENDIAN);
        buffer.putShort(at + 30, (short)33434, ByteOrder.BIG_ENDIAN);
        icmp.wrap(buffer, at, 36).writeError(Icmp4Flyweight.TYPE_TIME_EXCEEDED, Icmp4Flyweight.CODE_TTL_EXCEEDED_IN_TRANSIT)
            .updateChecksum();
        return buffer;
    }

    @Test
    void echoRoundTripsAndItsChecksumCoversTheData()
    {
        final UnsafeBuffer buffer = echo(3);
        icmp.wrap(buffer, 3, 20);
        assertEquals(DecodeStatus.OK, icmp.validate());
        assertEquals(Icmp4Flyweight.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(7, icmp.sequence());
        assertFalse(icmp.isError());
        assertTrue(InternetChecksum.verify(buffer, 3, 20));
        buffer.putByte(3 + 19, (byte)0);
        assertEquals(DecodeStatus.ICMP_BAD_CHECKSUM, icmp.validate(), "a flipped data byte");
    }

    @Test
    void anErrorQuotesTheOriginalHeaderAndEightBytes()
    {
        final UnsafeBuffer buffer = timeExceeded(5);
        icmp.wrap(buffer, 5, 36);
        assertEquals(DecodeStatus.OK, icmp.validate());
        assertTrue(icmp.isError());
        assertEquals(13, icmp.quotedOffset());
        assertEquals(28, icmp.quotedLength());
        ip.wrap(buffer, icmp.quotedOffset(), icmp.quotedLength());
        assertEquals(Ipv4Address.parse("10.128.1.1"), ip.destination());
        assertEquals(33434, buffer.getShort(icmp.quotedOffset() + 22, ByteOrder.BIG_ENDIAN) & 0xFFFF, "the probe's port, to match it");
        assertEquals(28, Icmp4Flyweight.quoteLength(20, 60));
        assertEquals(24, Icmp4Flyweight.quoteLength(20, 24), "a datagram shorter than header + 8 is quoted whole");
    }

    @Test
    void everyTruncationIsNamedAndTheNextGoodMessageStillDecodes()
    {
        final UnsafeBuffer error = timeExceeded(0);
        for (int length = 0; length < 36; length++)
        {
            // Re-checksum what is left so the length check, not the checksum, must catch it.
            final UnsafeBuffer cut = new UnsafeBuffer(new byte[length]);
            cut.putBytes(0, error, 0, length);
            if (length >= 4)
            {
                icmp.wrap(cut, 0, length).updateChecksum();
            }
            final DecodeStatus status = icmp.wrap(cut, 0, length).validate();
            final DecodeStatus expected = length < 8 ? DecodeStatus.ICMP_TRUNCATED : DecodeStatus.ICMP_QUOTE_TRUNCATED;
            assertEquals(expected, status, "length " + length);
            assertEquals(DecodeStatus.OK, icmp.wrap(error, 0, 36).validate(), "after length " + length);
        }
    }

    @Test
    void aQuoteThatIsNotIpv4IsNamed()
    {
        final UnsafeBuffer buffer = timeExceeded(0);
        buffer.putByte(8, (byte)0x65);
        icmp.wrap(buffer, 0, 36).updateChecksum();
        assertEquals(DecodeStatus.ICMP_QUOTE_NOT_IPV4, icmp.validate());
        buffer.putByte(8, (byte)0x44);
        icmp.updateChecksum();
        assertEquals(DecodeStatus.ICMP_QUOTE_NOT_IPV4, icmp.validate(), "header length below 5 words");
        buffer.putByte(8, (byte)0x46);
        icmp.updateChecksum();
        assertEquals(DecodeStatus.ICMP_QUOTE_TRUNCATED, icmp.validate(), "options announced but 8 data bytes missing");
    }
}
