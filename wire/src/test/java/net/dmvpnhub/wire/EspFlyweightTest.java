package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EspFlyweightTest
{
    @Test
    void headerAndLayoutForGcm()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final EspFlyweight esp = new EspFlyweight().wrap(buffer, 20, 100);
        esp.spi(0x8000_0001).sequence(0xFFFF_FFFFL);
        assertEquals(0x8000_0001, esp.spi());
        assertEquals(0xFFFF_FFFFL, esp.sequence());
        assertEquals(28, esp.ivOffset());
        assertEquals(36, esp.ciphertextOffset(8));
        assertEquals(100 - 8 - 8 - 16, esp.ciphertextLength(8, 16));
        assertEquals(104, esp.icvOffset(16));
        assertEquals(DecodeStatus.OK, esp.validate(8, 16));
        assertEquals(DecodeStatus.ESP_TRUNCATED, esp.wrap(buffer, 20, 8 + 8 + 1 + 16).validate(8, 16));
        assertEquals(DecodeStatus.OK, esp.wrap(buffer, 20, 8 + 8 + 2 + 16).validate(8, 16));
    }

    @Test
    void padLengthAlignsPayloadAndTrailer()
    {
        for (int payload = 0; payload < 100; payload++)
        {
            final int gcm = EspFlyweight.padLength(payload, 4);
            assertTrue(gcm >= 0 && gcm < 4);
            assertEquals(0, (payload + gcm + 2) % 4);
            final int cbc = EspFlyweight.padLength(payload, 16);
            assertTrue(cbc >= 0 && cbc < 16);
            assertEquals(0, (payload + cbc + 2) % 16);
        }
    }

    @Test
    void trailerRoundTripsAndBadTrailersAreNamed()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int payload = 21;
        final int pad = EspFlyweight.padLength(payload, 16);
        final int written = EspFlyweight.writeTrailer(buffer, 5 + payload, pad, EspFlyweight.NEXT_HEADER_GRE);
        final int plaintext = payload + written;
        assertEquals(0, plaintext % 16);
        assertEquals(DecodeStatus.OK, EspFlyweight.validateTrailer(buffer, 5, plaintext));
        assertEquals(EspFlyweight.NEXT_HEADER_GRE, EspFlyweight.nextHeader(buffer, 5, plaintext));
        assertEquals(payload, EspFlyweight.innerLength(buffer, 5, plaintext));

        buffer.putByte(5 + payload + 3, (byte)9);
        assertEquals(DecodeStatus.ESP_BAD_PADDING, EspFlyweight.validateTrailer(buffer, 5, plaintext));
        buffer.putByte(5 + payload + 3, (byte)4);
        buffer.putByte(5 + plaintext - 2, (byte)(plaintext - 1));
        assertEquals(DecodeStatus.ESP_BAD_PAD_LENGTH, EspFlyweight.validateTrailer(buffer, 5, plaintext));
        assertEquals(DecodeStatus.ESP_TRUNCATED, EspFlyweight.validateTrailer(buffer, 5, 1));
    }
}
