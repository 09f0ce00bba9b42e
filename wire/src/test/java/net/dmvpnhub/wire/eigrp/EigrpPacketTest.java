package net.dmvpnhub.wire.eigrp;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.InternetChecksum;
import net.dmvpnhub.wire.Ipv4Address;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The EIGRP codec: what the writer emits against bytes built by an encoder that is not ours
 * (Python, from RFC 7868 and Wireshark's dissector, and checked by tshark), every field read back,
 * every check of {@link EigrpPacket#validate()} failing by name, and no input that makes it throw.
 */
class EigrpPacketTest
{
    /** A stub spoke's Hello, AS 100: Parameter (K1 1, K3 1, hold 15), Software Version 12.4/1.2, Peer Stub (connected). */
    static final String HELLO = "0205ee5b000000000000000000000000" + "00000064" + "0001000c01000100000000" + "0f" +
        "000400080c040102" + "000600060001";
    /** An Update, sequence 1, AS 100: one internal route 192.168.1.0/24, next hop 0, a 1000 kbit/s, 50,000 us tunnel, MTU 1476. */
    static final String UPDATE = "0201e07700000000000000010000000000000064" +
        "0102001c" + "00000000" + "00138800" + "00271000" + "0005c4" + "00" + "ff" + "01" + "00" + "00" + "18" + "c0a801";

    private final EigrpPacketWriter writer = new EigrpPacketWriter();
    private final EigrpPacket packet = new EigrpPacket();
    private final EigrpTlvFlyweight tlv = new EigrpTlvFlyweight();

    static List<byte[]> samples()
    {
        return new ArrayList<>(EigrpSamples.all().values());
    }

    @Test
    void theWriterEmitsTheBytesAnIndependentEncoderBuilt()
    {
        final HexFormat hex = HexFormat.of();
        assertEquals(HELLO, hex.formatHex(EigrpSamples.hello()));
        assertEquals(UPDATE, hex.formatHex(EigrpSamples.update()));
    }

    @Test
    void aHelloReadsBack()
    {
        final byte[] bytes = HexFormat.of().parseHex(HELLO);
        assertEquals(DecodeStatus.OK, packet.wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate());
        assertEquals(Eigrp.VERSION, packet.version());
        assertEquals(Eigrp.OPCODE_HELLO, packet.opcode());
        assertEquals(0xee5b, packet.checksum());
        assertEquals(0, packet.flags());
        assertEquals(0, packet.sequence());
        assertEquals(0, packet.ack());
        assertFalse(packet.isAck());
        assertEquals(0, packet.virtualRouterId());
        assertEquals(100, packet.autonomousSystem());
        int at = packet.firstTlvOffset();
        tlv.wrap(packet.buffer(), at);
        assertEquals(Eigrp.TLV_PARAMETER, tlv.type());
        assertEquals(12, tlv.length());
        assertEquals(List.of(1, 0, 1, 0, 0, 0), List.of(tlv.k(1), tlv.k(2), tlv.k(3), tlv.k(4), tlv.k(5), tlv.k(6)));
        assertEquals(15, tlv.holdTimeS());
        assertFalse(tlv.isGoodbye());
        at = tlv.nextOffset();
        tlv.wrap(packet.buffer(), at);
        assertEquals(Eigrp.TLV_SOFTWARE_VERSION, tlv.type());
        assertEquals(0x0c04_0102, tlv.softwareVersion());
        at = tlv.nextOffset();
        tlv.wrap(packet.buffer(), at);
        assertEquals(Eigrp.TLV_STUB, tlv.type());
        assertEquals(Eigrp.STUB_CONNECTED, tlv.stubFlags());
        assertEquals(packet.endOffset(), tlv.nextOffset());
    }

    @Test
    void routesOfEverySizeAndTheSequenceTlvsReadBack()
    {
        final byte[] bytes = EigrpSamples.mixed();
        assertEquals(DecodeStatus.OK, packet.wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate());
        assertEquals(Eigrp.FLAG_CR | Eigrp.FLAG_EOT, packet.flags());
        assertEquals(0xFFFF_FFF0L, packet.sequence());
        assertEquals(0x8000_0001L, packet.ack());
        assertEquals(65535, packet.autonomousSystem());
        final List<String> read = new ArrayList<>();
        for (int at = packet.firstTlvOffset(); at < packet.endOffset(); at = tlv.nextOffset())
        {
            tlv.wrap(packet.buffer(), at);
            switch (tlv.type())
            {
                case Eigrp.TLV_SEQUENCE -> read.add("sequence " + tlv.sequenceAddressCount() + " " +
                    Ipv4Address.toString(tlv.sequenceAddress(0)) + " " + Ipv4Address.toString(tlv.sequenceAddress(1)));
                case Eigrp.TLV_NEXT_MULTICAST_SEQUENCE -> read.add("next " + Long.toHexString(tlv.nextMulticastSequence()));
                case Eigrp.TLV_IPV4_INTERNAL -> read.add(Ipv4Address.toString(tlv.destination()) + "/" + tlv.prefixLength() + " via " +
                    Ipv4Address.toString(tlv.nextHop()) + " delay " + tlv.scaledDelay() + " bw " + tlv.scaledBandwidth() + " mtu " + tlv.mtu() +
                    " hops " + tlv.hopCount() + " rel " + tlv.reliability() + " load " + tlv.load() + " tag " + tlv.tag() + " flags " +
                    tlv.routeFlags() + " length " + tlv.length() + (tlv.isUnreachable() ? " unreachable" : ""));
                default -> fail("unexpected TLV " + tlv.type());
            }
        }
        assertEquals(List.of(
            "sequence 2 10.0.0.2 10.0.0.3",
            "next 12345678",
            "0.0.0.0/0 via 10.0.0.2 delay 1536000 bw 25600000 mtu 1400 hops 1 rel 255 load 1 tag 7 flags 2 length 25",
            "10.1.2.3/32 via 0.0.0.0 delay 256 bw 25600 mtu 1500 hops 2 rel 200 load 3 tag 0 flags 0 length 29",
            "172.16.0.0/12 via 0.0.0.0 delay 2560 bw 256000 mtu 1500 hops 3 rel 255 load 1 tag 0 flags 0 length 27",
            "192.168.7.0/24 via 0.0.0.0 delay 4294967295 bw 2560000 mtu 1476 hops 0 rel 255 load 1 tag 0 flags 0 length 28 unreachable"),
            read);
    }

    @Test
    void anAckAndAGoodbyeAreRecognised()
    {
        final byte[] ack = EigrpSamples.ack();
        assertEquals(DecodeStatus.OK, packet.wrap(new UnsafeBuffer(ack), 0, ack.length).validate());
        assertTrue(packet.isAck());
        assertEquals(42, packet.ack());
        final byte[] goodbye = EigrpSamples.goodbye();
        assertEquals(DecodeStatus.OK, packet.wrap(new UnsafeBuffer(goodbye), 0, goodbye.length).validate());
        assertFalse(packet.isAck());
        assertTrue(tlv.wrap(packet.buffer(), packet.firstTlvOffset()).isGoodbye());
    }

    @Test
    void theClassicMetricIsBandwidthPlusDelayScaled()
    {
        assertEquals(2_560_000, Eigrp.scaledBandwidth(1000));
        assertEquals(1_280_000, Eigrp.scaledDelay(50_000));
        assertEquals(3_840_000, Eigrp.compositeMetric(Eigrp.scaledBandwidth(1000), Eigrp.scaledDelay(50_000)));
        assertEquals(-1, Eigrp.compositeMetric(Eigrp.scaledBandwidth(1000), Eigrp.DELAY_UNREACHABLE));
        assertThrows(IllegalArgumentException.class, () -> Eigrp.scaledBandwidth(0));
        assertEquals(List.of(0, 1, 1, 2, 3, 4), List.of(Eigrp.destinationBytes(0), Eigrp.destinationBytes(1), Eigrp.destinationBytes(8),
            Eigrp.destinationBytes(9), Eigrp.destinationBytes(24), Eigrp.destinationBytes(32)));
        assertThrows(IllegalArgumentException.class, () -> writer.wrap(new UnsafeBuffer(new byte[64]), 0, 64)
            .header(Eigrp.OPCODE_UPDATE, 0, 1, 0, 1).internalRoute(0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 0));
        writer.wrap(new UnsafeBuffer(new byte[48]), 0, 48).header(Eigrp.OPCODE_UPDATE, 0, 1, 0, 1);
        assertTrue(writer.roomForInternalRoute(24), "20 + 28 bytes fit 48");
        assertFalse(writer.roomForInternalRoute(25), "20 + 29 do not");
    }

    @Test
    void everyHeaderCheckFailsByName()
    {
        final byte[] good = EigrpSamples.hello();
        assertEquals(DecodeStatus.EIGRP_TRUNCATED, check(Arrays.copyOf(good, 19)));
        final byte[] version = good.clone();
        version[0] = 1;
        assertEquals(DecodeStatus.EIGRP_BAD_VERSION, check(version));
        for (final int opcode : new int[]{0, 6, 7, 8, 9, 12, 255})
        {
            final byte[] unknown = good.clone();
            unknown[1] = (byte)opcode;
            assertEquals(DecodeStatus.EIGRP_UNKNOWN_OPCODE, check(unknown), "opcode " + opcode);
        }
        final byte[] checksum = good.clone();
        checksum[25] ^= 0x40;
        assertEquals(DecodeStatus.EIGRP_BAD_CHECKSUM, check(checksum));
    }

    @Test
    void everyTlvCheckFailsByName()
    {
        // A Parameter TLV of another length, a Stub TLV of another length, a route with prefix length 33, a route one byte
        // longer than its destination needs, a Sequence TLV with a 16-byte address, a TLV shorter than its header.
        assertEquals(DecodeStatus.EIGRP_TLV_BAD_LENGTH, check(withTlv("0001000d" + "01000100000000000f00")));
        assertEquals(DecodeStatus.EIGRP_TLV_BAD_LENGTH, check(withTlv("0006000700010a")));
        assertEquals(DecodeStatus.EIGRP_BAD_PREFIX_LENGTH, check(withTlv("0102001d" + "00".repeat(20) + "21" + "0a010203")));
        assertEquals(DecodeStatus.EIGRP_TLV_BAD_LENGTH, check(withTlv("0102001d" + "00".repeat(20) + "18" + "c0a80100")));
        assertEquals(DecodeStatus.EIGRP_TLV_BAD_LENGTH, check(withTlv("00030015" + "10" + "00".repeat(16))));
        assertEquals(DecodeStatus.EIGRP_TLV_BAD_LENGTH, check(withTlv("00010003")));
        assertEquals(DecodeStatus.EIGRP_TLV_TRUNCATED, check(withTlv("000100")));
        assertEquals(DecodeStatus.EIGRP_TLV_TRUNCATED, check(withTlv("0001001000")));
        // A default route written with one destination byte (as some implementations do) is accepted; so is an unknown TLV.
        assertEquals(DecodeStatus.OK, check(withTlv("0102001a" + "00".repeat(20) + "00" + "00")));
        assertEquals(DecodeStatus.OK, check(withTlv("7777000801020304")));
    }

    /** An Update header, AS 1, with one TLV given in hex, its checksum made good. */
    private static byte[] withTlv(final String tlvHex)
    {
        final byte[] tlvBytes = HexFormat.of().parseHex(tlvHex);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EigrpPacket.HEADER_LENGTH + tlvBytes.length]);
        new EigrpPacketWriter().wrap(buffer, 0, buffer.capacity()).header(Eigrp.OPCODE_UPDATE, 0, 1, 0, 1);
        buffer.putBytes(EigrpPacket.HEADER_LENGTH, tlvBytes);
        return withGoodChecksum(buffer.byteArray());
    }

    private static byte[] withGoodChecksum(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putShort(EigrpPacket.CHECKSUM_OFFSET, (short)0);
        buffer.putShort(EigrpPacket.CHECKSUM_OFFSET, (short)InternetChecksum.compute(buffer, 0, bytes.length), ByteOrder.BIG_ENDIAN);
        return bytes;
    }

    private DecodeStatus check(final byte[] bytes)
    {
        // Placed at an odd offset of a larger array that ends where the packet ends: a read past it throws.
        final byte[] placed = new byte[bytes.length + 3];
        System.arraycopy(bytes, 0, placed, 3, bytes.length);
        return packet.wrap(new UnsafeBuffer(placed), 3, bytes.length).validate();
    }

    /** Every prefix of a valid packet: a named status, never an exception, never OK unless it ends on a TLV boundary. */
    @ParameterizedTest
    @MethodSource("samples")
    void everyTruncationIsNamedAndNeverThrows(final byte[] sample)
    {
        assertEquals(DecodeStatus.OK, check(sample));
        for (int length = 0; length < sample.length; length++)
        {
            final DecodeStatus status = check(Arrays.copyOf(sample, length));
            assertNotEquals(DecodeStatus.OK, status, "truncated to " + length);
            assertTrue(status.name().startsWith("EIGRP_"), status + " at " + length);
        }
    }

    /** Every TLV length field of a valid packet set to every value from 0 to 600, checksum made good: named or OK, never a throw. */
    @ParameterizedTest
    @MethodSource("samples")
    void everyCorruptedTlvLengthIsNamed(final byte[] sample)
    {
        final List<Integer> lengthFields = new ArrayList<>();
        packet.wrap(new UnsafeBuffer(sample), 0, sample.length);
        for (int at = packet.firstTlvOffset(); at < packet.endOffset(); at = tlv.wrap(packet.buffer(), at).nextOffset())
        {
            lengthFields.add(at + 2);
        }
        for (final int field : lengthFields)
        {
            for (int value = 0; value <= 600; value++)
            {
                final byte[] bad = sample.clone();
                bad[field] = (byte)(value >>> 8);
                bad[field + 1] = (byte)value;
                final int original = (sample[field] & 0xFF) << 8 | sample[field + 1] & 0xFF;
                final DecodeStatus status = check(withGoodChecksum(bad));
                if (value != original)
                {
                    assertNotEquals(DecodeStatus.OK, status, "length field at " + field + " set to " + value);
                    assertTrue(status.name().startsWith("EIGRP_TLV_"), status + ": length field at " + field + " set to " + value);
                }
            }
        }
    }
}
