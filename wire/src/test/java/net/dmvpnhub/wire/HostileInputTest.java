package net.dmvpnhub.wire;

import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpCieFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile input against the whole decode chain, as Netty's codec tests do it: for a valid frame
 * of each kind, every truncation and every corrupted length field must give a named reason (never
 * an exception, never a read past the frame: each bad frame sits in a buffer that ends exactly
 * where the frame does, and Agrona's bounds checks throw on any read beyond), and the next good
 * frame must still decode.
 */
class HostileInputTest
{
    private static final int FRAME_OFFSET = 11;

    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();

    /** A valid frame and where its length fields are. */
    record Sample(String name, byte[] frame)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    /**
     * A length field: absolute offset in the frame, width in bytes (0 for the IHL nibble, -1 for
     * the GRE flags byte, whose C, K and S bits decide the header length).
     */
    record LengthField(String name, int offset, int width)
    {
        int max()
        {
            return width == 0 ? 15 : width == 2 ? 0xFFFF : 0xFF;
        }

        int[] corruptions(final int original)
        {
            if (width == -1)
            {
                return new int[]{original ^ 0x80, original ^ 0x20, original ^ 0x10};
            }
            return new int[]{original + 1 & max(), original - 1 & max(), 0, max()};
        }
    }

    static List<Sample> samples()
    {
        final List<Sample> samples = new ArrayList<>();
        samples.add(new Sample("GRE key / IPv4", TestFrames.greIpv4()));
        samples.add(new Sample("GRE checksum key sequence / IPv4",
            TestFrames.gre(true, TestFrames.TUNNEL_KEY, 77, GreFlyweight.PROTOCOL_IPV4, TestFrames.innerUdp(100))));
        samples.add(new Sample("GRE bare / IPv4", TestFrames.gre(false, -1, -1, GreFlyweight.PROTOCOL_IPV4, TestFrames.innerUdp(0))));
        samples.add(new Sample("ESP", TestFrames.esp(64)));
        for (final int type : TestFrames.NHRP_TYPES)
        {
            samples.add(new Sample("GRE / NHRP " + Nhrp.typeName(type), TestFrames.greNhrp(type, false)));
            if (type != Nhrp.TYPE_ERROR_INDICATION)
            {
                samples.add(new Sample("GRE / NHRP " + Nhrp.typeName(type) + " with extensions", TestFrames.greNhrp(type, true)));
            }
        }
        return samples;
    }

    @Test
    void everySampleIsValid()
    {
        for (final Sample sample : samples())
        {
            assertEquals(DecodeStatus.OK, decode(sample.frame(), sample.frame().length), sample.name());
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyTruncationIsNamedAndTheNextGoodFrameDecodes(final Sample sample)
    {
        final byte[] frame = sample.frame();
        for (int length = 0; length < frame.length; length++)
        {
            final DecodeStatus status = decode(Arrays.copyOf(frame, length), length);
            assertNotEquals(DecodeStatus.OK, status, sample.name() + " cut to " + length);
            assertGoodFrameStillDecodes(sample);
        }
    }

    /**
     * Truncation of what the tunnel carries, with the outer IPv4 (and GRE checksum) fixed up so
     * that only the inner decoders can notice. ESP is opaque without keys: a cut that leaves
     * less than header, IV, trailer and ICV is named here; a longer one fails the ICV check in
     * the crypto module, which has its own tests for it.
     */
    @ParameterizedTest
    @MethodSource("samples")
    void everyInnerTruncationIsNamedByTheInnerDecoder(final Sample sample)
    {
        final byte[] frame = sample.frame();
        assertEquals(DecodeStatus.OK, decode(frame, frame.length));
        final int kind = decoder.kind();
        final int innerStart = (kind == TunnelFrameDecoder.KIND_ESP ? decoder.esp().offset() : decoder.gre().payloadOffset()) -
            FRAME_OFFSET;
        final int espMinimum = EspFlyweight.HEADER_LENGTH + 8 + EspFlyweight.TRAILER_LENGTH + 16;
        for (int cut = 1; cut <= frame.length - innerStart; cut++)
        {
            final byte[] shorter = Arrays.copyOf(frame, frame.length - cut);
            final UnsafeBuffer buffer = new UnsafeBuffer(shorter);
            new Ipv4Flyweight().wrap(buffer, 0, shorter.length).totalLength(shorter.length).updateChecksum();
            if (kind != TunnelFrameDecoder.KIND_ESP)
            {
                new GreFlyweight().wrap(buffer, 20, shorter.length - 20).updateChecksum();
            }
            final DecodeStatus status = decode(shorter, shorter.length);
            if (kind == TunnelFrameDecoder.KIND_ESP)
            {
                final boolean tooShort = shorter.length - innerStart < espMinimum;
                assertEquals(tooShort ? DecodeStatus.ESP_TRUNCATED : DecodeStatus.OK, status, sample.name() + " cut by " + cut);
            }
            else
            {
                assertNotEquals(DecodeStatus.OK, status, sample.name() + " inner cut by " + cut);
                assertNotEquals(DecodeStatus.IPV4_LENGTH_MISMATCH, status, sample.name() + ": outer lengths were fixed up");
            }
            assertGoodFrameStillDecodes(sample);
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyCorruptedLengthFieldIsNamedAndTheNextGoodFrameDecodes(final Sample sample)
    {
        final List<LengthField> fields = lengthFields(sample.frame());
        assertFalse(fields.isEmpty());
        for (final LengthField field : fields)
        {
            final int original = read(sample.frame(), field);
            for (final int value : field.corruptions(original))
            {
                if (value == original)
                {
                    continue;
                }
                final byte[] frame = sample.frame().clone();
                write(frame, field, value);
                fixChecksums(frame, sample.frame());
                final DecodeStatus status = decode(frame, frame.length);
                assertNotEquals(DecodeStatus.OK, status,
                    sample.name() + ": " + field.name() + " " + original + " -> " + value);
                assertGoodFrameStillDecodes(sample);
            }
        }
    }

    /**
     * Every length field of a valid frame, found by walking it with the project's flyweights:
     * outer and inner IPv4 header and total lengths, the GRE K and S bits (they decide the header
     * length), and in NHRP the packet size, extension offset, address type/lengths, every CIE's
     * address lengths and every extension's length.
     */
    private List<LengthField> lengthFields(final byte[] frame)
    {
        final List<LengthField> fields = new ArrayList<>();
        assertEquals(DecodeStatus.OK, decode(frame, frame.length));
        final int base = FRAME_OFFSET;
        fields.add(new LengthField("outer IHL", 0, 0));
        fields.add(new LengthField("outer total length", 2, 2));
        if (decoder.kind() == TunnelFrameDecoder.KIND_ESP)
        {
            return fields;
        }
        fields.add(new LengthField("GRE flags (C, K, S)", 20, -1));
        if (decoder.kind() == TunnelFrameDecoder.KIND_GRE_IPV4)
        {
            final int inner = decoder.inner().offset() - base;
            fields.add(new LengthField("inner IHL", inner, 0));
            fields.add(new LengthField("inner total length", inner + 2, 2));
            return fields;
        }
        final NhrpPacket nhrp = decoder.nhrp();
        final int start = nhrp.offset() - base;
        fields.add(new LengthField("ar$pktsz", start + NhrpPacket.PACKET_SIZE_OFFSET, 2));
        fields.add(new LengthField("ar$extoff", start + NhrpPacket.EXTENSION_OFFSET_OFFSET, 2));
        fields.add(new LengthField("ar$shtl", start + NhrpPacket.SOURCE_NBMA_TL_OFFSET, 1));
        fields.add(new LengthField("ar$sstl", start + NhrpPacket.SOURCE_SUBADDRESS_TL_OFFSET, 1));
        fields.add(new LengthField("src proto len", start + NhrpPacket.FIXED_HEADER_LENGTH, 1));
        fields.add(new LengthField("dst proto len", start + NhrpPacket.FIXED_HEADER_LENGTH + 1, 1));
        final NhrpCieFlyweight cie = new NhrpCieFlyweight();
        int cieOffset = nhrp.bodyOffset();
        for (int i = 0; i < nhrp.cieCount(); i++)
        {
            addCieFields(fields, "CIE " + i, cieOffset - base);
            cieOffset += cie.wrap(nhrp.buffer(), cieOffset).length();
        }
        if (nhrp.extensionsOffset() >= 0)
        {
            final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
            int at = nhrp.extensionsOffset();
            while (true)
            {
                extension.wrap(nhrp.buffer(), at);
                fields.add(new LengthField("extension " + extension.type() + " length", at + 2 - base, 2));
                if (extension.type() == Nhrp.EXTENSION_END)
                {
                    break;
                }
                if (extension.type() != Nhrp.EXTENSION_AUTHENTICATION)
                {
                    for (int c = extension.valueOffset(); c < extension.nextOffset(); c += cie.wrap(nhrp.buffer(), c).length())
                    {
                        addCieFields(fields, "extension " + extension.type() + " CIE", c - base);
                    }
                }
                at = extension.nextOffset();
            }
        }
        return fields;
    }

    private static void addCieFields(final List<LengthField> fields, final String name, final int offset)
    {
        fields.add(new LengthField(name + " client NBMA type/length", offset + NhrpCieFlyweight.CLIENT_NBMA_TL_OFFSET, 1));
        fields.add(new LengthField(name + " client subaddress type/length", offset + NhrpCieFlyweight.CLIENT_SUBADDRESS_TL_OFFSET, 1));
        fields.add(new LengthField(name + " client protocol length", offset + NhrpCieFlyweight.CLIENT_PROTOCOL_LENGTH_OFFSET, 1));
    }

    private static int read(final byte[] frame, final LengthField field)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        return switch (field.width())
        {
            case 0 -> buffer.getByte(field.offset()) & 0x0F;
            case 1, -1 -> buffer.getByte(field.offset()) & 0xFF;
            default -> buffer.getShort(field.offset(), ByteOrder.BIG_ENDIAN) & 0xFFFF;
        };
    }

    private static void write(final byte[] frame, final LengthField field, final int value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        switch (field.width())
        {
            case 0 -> buffer.putByte(field.offset(), (byte)(buffer.getByte(field.offset()) & 0xF0 | value));
            case 1, -1 -> buffer.putByte(field.offset(), (byte)value);
            default -> buffer.putShort(field.offset(), (short)value, ByteOrder.BIG_ENDIAN);
        }
    }

    /**
     * Recomputes every checksum over the corrupted frame, using the layout of the original, so
     * that only the structural checks can reject it.
     */
    private void fixChecksums(final byte[] frame, final byte[] original)
    {
        assertEquals(DecodeStatus.OK, decode(original, original.length));
        final int kind = decoder.kind();
        final int greOffset = kind == TunnelFrameDecoder.KIND_ESP ? -1 : decoder.gre().offset() - FRAME_OFFSET;
        final int greLength = kind == TunnelFrameDecoder.KIND_ESP ? 0 : decoder.gre().capacity();
        final int innerOffset = kind == TunnelFrameDecoder.KIND_GRE_IPV4 ? decoder.inner().offset() - FRAME_OFFSET : -1;
        final int nhrpOffset = kind == TunnelFrameDecoder.KIND_GRE_NHRP ? decoder.nhrp().offset() - FRAME_OFFSET : -1;
        final int nhrpLength = kind == TunnelFrameDecoder.KIND_GRE_NHRP ? decoder.nhrp().packetSize() : 0;

        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        if (innerOffset >= 0)
        {
            final Ipv4Flyweight inner = new Ipv4Flyweight().wrap(buffer, innerOffset, frame.length - innerOffset);
            if (20 <= inner.headerLength() && innerOffset + inner.headerLength() <= frame.length)
            {
                inner.updateChecksum();
            }
        }
        if (nhrpOffset >= 0)
        {
            buffer.putShort(nhrpOffset + NhrpPacket.CHECKSUM_OFFSET, (short)0);
            buffer.putShort(nhrpOffset + NhrpPacket.CHECKSUM_OFFSET,
                (short)InternetChecksum.compute(buffer, nhrpOffset, nhrpLength), ByteOrder.BIG_ENDIAN);
        }
        if (greOffset >= 0 && (buffer.getByte(greOffset) & 0x80) != 0)
        {
            buffer.putShort(greOffset + 4, (short)0);
            buffer.putShort(greOffset + 4, (short)InternetChecksum.compute(buffer, greOffset, greLength), ByteOrder.BIG_ENDIAN);
        }
        final Ipv4Flyweight outer = new Ipv4Flyweight().wrap(buffer, 0, frame.length);
        if (20 <= outer.headerLength() && outer.headerLength() <= frame.length)
        {
            outer.updateChecksum();
        }
    }

    private DecodeStatus decode(final byte[] frame, final int length)
    {
        final DecodeStatus status = decoder.decode(TestFrames.placed(frame, FRAME_OFFSET), FRAME_OFFSET, length);
        assertNotNull(status);
        return status;
    }

    private void assertGoodFrameStillDecodes(final Sample sample)
    {
        assertEquals(DecodeStatus.OK, decode(sample.frame(), sample.frame().length), "good frame after a bad one");
    }
}
