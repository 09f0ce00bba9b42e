package net.dmvpnhub.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.dmvpnhub.wire.eigrp.Eigrp;
import net.dmvpnhub.wire.eigrp.EigrpPacket;
import net.dmvpnhub.wire.eigrp.EigrpTlvFlyweight;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpCieFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz targets for every decoder of received bytes: {@link Ipv4Flyweight},
 * {@link GreFlyweight} (and {@link TunnelFrameDecoder#decodeGre}), {@link EspFlyweight} with its
 * trailer helpers, {@link NhrpPacket} with {@link NhrpCieFlyweight} and {@link NhrpExtensionFlyweight},
 * {@link Icmp4Flyweight}, {@link EigrpPacket} with {@link EigrpTlvFlyweight}, and {@link TunnelFrameDecoder#decode}.
 * <p>
 * Every target copies the input to a non-zero offset of an array that ends exactly where the input
 * ends ({@link TestFrames#placed}), so a read past the frame hits Agrona's bounds check and throws.
 * Beyond "nothing throws", each target asserts what a caller relies on: a status from the decoder's
 * own family, never null; decoding never writes to the frame; once OK, every offset and length the
 * decoder reports lies inside the frame and agrees with an independent walk of the bytes; checksums
 * agree with a naive RFC 1071 reference; and the result does not depend on where the frame sits.
 * <p>
 * Under plain {@code mvn test} each target runs once per seed in
 * {@code src/test/resources/net/dmvpnhub/wire/WireFuzzTestInputs/<method>/} (valid frames from
 * {@link TestFrames}, written by {@link WireFuzzSeedWriter}, plus any crash file kept as a regression).
 * To fuzz one target for longer, from the repository root:
 * <pre>
 * ./dmvpn fuzz --seconds 600 WireFuzzTest#tunnelFrameDecoder
 * </pre>
 * {@code ./dmvpn fuzz --list} names all of them. A finding fails the run and leaves a
 * {@code crash-<sha1>} file next to the seeds: fix the codec, then commit the file as a regression seed.
 */
class WireFuzzTest
{
    /** Odd, so that the codecs' multi-byte reads are unaligned. */
    private static final int BASE = 5;
    /** A second placement, aligned and with a different fill before the frame, for offset independence. */
    private static final int OTHER_BASE = 16;
    private static final byte OTHER_FILL = (byte)0x3C;
    private static final byte TESTFRAMES_FILL = (byte)0xA5;

    private static final Set<DecodeStatus> IPV4_STATUSES = EnumSet.of(
        DecodeStatus.OK,
        DecodeStatus.IPV4_TRUNCATED,
        DecodeStatus.IPV4_BAD_VERSION,
        DecodeStatus.IPV4_BAD_IHL,
        DecodeStatus.IPV4_BAD_TOTAL_LENGTH,
        DecodeStatus.IPV4_BAD_OPTIONS);
    private static final Set<DecodeStatus> GRE_STATUSES = EnumSet.of(
        DecodeStatus.OK,
        DecodeStatus.GRE_TRUNCATED,
        DecodeStatus.GRE_BAD_VERSION,
        DecodeStatus.GRE_UNSUPPORTED_FLAGS);
    private static final Set<DecodeStatus> TRAILER_STATUSES = EnumSet.of(
        DecodeStatus.OK,
        DecodeStatus.ESP_TRUNCATED,
        DecodeStatus.ESP_BAD_PAD_LENGTH,
        DecodeStatus.ESP_BAD_PADDING);
    /** What NhrpPacket.validate() may answer; the checksum and the other layers are not its business. */
    private static final Set<DecodeStatus> NHRP_STATUSES = EnumSet.of(
        DecodeStatus.OK,
        DecodeStatus.NHRP_TRUNCATED,
        DecodeStatus.NHRP_BAD_PACKET_SIZE,
        DecodeStatus.NHRP_BAD_VERSION,
        DecodeStatus.NHRP_UNSUPPORTED_AFN,
        DecodeStatus.NHRP_UNSUPPORTED_PROTOCOL,
        DecodeStatus.NHRP_UNKNOWN_TYPE,
        DecodeStatus.NHRP_BAD_ADDRESS_LENGTH,
        DecodeStatus.NHRP_MANDATORY_TRUNCATED,
        DecodeStatus.NHRP_CIE_TRUNCATED,
        DecodeStatus.NHRP_BAD_EXTENSION_OFFSET,
        DecodeStatus.NHRP_EXTENSION_TRUNCATED,
        DecodeStatus.NHRP_EXTENSION_BAD_LENGTH,
        DecodeStatus.NHRP_EXTENSION_NO_END,
        DecodeStatus.NHRP_EXTENSION_AFTER_END,
        DecodeStatus.NHRP_ERROR_OFFSET_OUT_OF_RANGE,
        DecodeStatus.NHRP_BAD_TRAFFIC_CONTENTS);
    private static final Set<DecodeStatus> ICMP_STATUSES = EnumSet.of(
        DecodeStatus.OK,
        DecodeStatus.ICMP_TRUNCATED,
        DecodeStatus.ICMP_BAD_CHECKSUM,
        DecodeStatus.ICMP_QUOTE_TRUNCATED,
        DecodeStatus.ICMP_QUOTE_NOT_IPV4);
    private static final Set<DecodeStatus> EIGRP_STATUSES = EnumSet.of(
        DecodeStatus.OK,
        DecodeStatus.EIGRP_TRUNCATED,
        DecodeStatus.EIGRP_BAD_VERSION,
        DecodeStatus.EIGRP_UNKNOWN_OPCODE,
        DecodeStatus.EIGRP_BAD_CHECKSUM,
        DecodeStatus.EIGRP_TLV_TRUNCATED,
        DecodeStatus.EIGRP_TLV_BAD_LENGTH,
        DecodeStatus.EIGRP_BAD_PREFIX_LENGTH);
    /** The ESP transforms the hub runs: AES-GCM (8-byte IV) and AES-CBC (16-byte IV), both with a 16-byte ICV. */
    private static final int[][] ESP_IV_ICV = {{8, 16}, {16, 16}};

    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv4Flyweight innerIpv4 = new Ipv4Flyweight();
    private final GreFlyweight gre = new GreFlyweight();
    private final EspFlyweight esp = new EspFlyweight();
    private final NhrpPacket nhrp = new NhrpPacket();
    private final Icmp4Flyweight icmp = new Icmp4Flyweight();
    private final Icmp4Flyweight otherIcmp = new Icmp4Flyweight();
    private final NhrpPacket otherNhrp = new NhrpPacket();
    private final NhrpCieFlyweight cie = new NhrpCieFlyweight();
    private final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
    private final TunnelFrameDecoder otherDecoder = new TunnelFrameDecoder();

    /**
     * Input: an IPv4 header and whatever follows. validate(), then when OK every getter,
     * verifyChecksum() against the reference, and decrementTtl() with its incremental checksum update.
     */
    @FuzzTest
    void ipv4Flyweight(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final int end = BASE + data.length;
        ipv4.wrap(buffer, BASE, data.length);

        final DecodeStatus status = ipv4.validate();
        assertNotNull(status);
        assertTrue(IPV4_STATUSES.contains(status), "status outside the IPv4 family");
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
        if (status != DecodeStatus.OK)
        {
            return;
        }

        final int headerLength = ipv4.headerLength();
        final int totalLength = ipv4.totalLength();
        assertEquals(4, ipv4.version());
        assertTrue(headerLength >= Ipv4Flyweight.MIN_HEADER_LENGTH && headerLength <= totalLength, "IHL");
        assertTrue(totalLength <= data.length, "total length beyond the bytes present");
        assertEquals(BASE + headerLength, ipv4.payloadOffset());
        assertTrue(ipv4.payloadLength() >= 0 && ipv4.payloadOffset() + ipv4.payloadLength() <= end, "payload outside the frame");
        assertEquals(u16(data, 2), totalLength);
        assertEquals(data[1] & 0xFF, ipv4.tos());
        assertEquals(u16(data, 4), ipv4.identification());
        final int flags = ipv4.flagsAndFragmentOffset();
        assertEquals(u16(data, 6), flags);
        assertEquals((flags & Ipv4Flyweight.FLAG_MORE_FRAGMENTS) != 0 || (flags & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) != 0, ipv4.isFragment());
        assertEquals(data[9] & 0xFF, ipv4.protocol());
        assertEquals(u16(data, 10), ipv4.checksum());
        assertEquals(s32(data, 12), ipv4.source());
        assertEquals(s32(data, 16), ipv4.destination());

        final boolean verified = ipv4.verifyChecksum();
        assertEquals(referenceChecksum(data, 0, headerLength) == 0, verified, "IPv4 checksum disagrees with RFC 1071");
        if (!verified)
        {
            // A mutated header almost never keeps a good checksum: repair it, so that the RFC 1624
            // check below runs on every header the fuzzer invents, options included.
            ipv4.updateChecksum();
            assertTrue(ipv4.verifyChecksum(), "verifyChecksum rejects what updateChecksum wrote");
        }

        // The caller drops a packet whose TTL was 0, so only a live TTL is decremented.
        final int ttl = ipv4.ttl();
        if (ttl > 0)
        {
            final int protocol = ipv4.protocol();
            assertEquals(ttl - 1, ipv4.decrementTtl());
            assertEquals(ttl - 1, ipv4.ttl());
            assertEquals(protocol, ipv4.protocol());
            assertTrue(ipv4.verifyChecksum(), "RFC 1624 update broke a good checksum");
            // Only the TTL and the checksum may change, and nothing outside the frame.
            final byte[] array = buffer.byteArray();
            for (int i = 0; i < data.length; i++)
            {
                if (i != Ipv4Flyweight.TTL_OFFSET && i != Ipv4Flyweight.CHECKSUM_OFFSET && i != Ipv4Flyweight.CHECKSUM_OFFSET + 1)
                {
                    assertEquals(data[i], array[BASE + i], "decrementTtl wrote outside TTL and checksum");
                }
            }
            assertPrefix(array, BASE, TESTFRAMES_FILL);
        }
    }

    /**
     * Input: a GRE packet (header and payload). validate(), then when OK the key, sequence and
     * checksum getters against the bytes; then TunnelFrameDecoder.decodeGre() on the same bytes.
     */
    @FuzzTest
    void greFlyweight(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final int end = BASE + data.length;
        gre.wrap(buffer, BASE, data.length);

        final DecodeStatus status = gre.validate();
        assertNotNull(status);
        assertTrue(GRE_STATUSES.contains(status), "status outside the GRE family");
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
        if (status == DecodeStatus.OK)
        {
            final int flags = gre.flagsAndVersion();
            assertEquals(0, flags & GreFlyweight.VERSION_MASK);
            assertEquals(0, flags & GreFlyweight.UNSUPPORTED_MASK);
            final boolean c = (flags & GreFlyweight.FLAG_CHECKSUM) != 0;
            final boolean k = (flags & GreFlyweight.FLAG_KEY) != 0;
            final boolean s = (flags & GreFlyweight.FLAG_SEQUENCE) != 0;
            final int headerLength = gre.headerLength();
            assertEquals(4 + (c ? 4 : 0) + (k ? 4 : 0) + (s ? 4 : 0), headerLength);
            assertTrue(headerLength <= data.length, "GRE header beyond the bytes present");
            assertEquals(BASE + headerLength, gre.payloadOffset());
            assertEquals(end, gre.payloadOffset() + gre.payloadLength(), "GRE payload does not end at the frame end");
            assertEquals(u16(data, 2), gre.protocolType());
            assertEquals(c, gre.hasChecksum());
            assertEquals(k, gre.hasKey());
            assertEquals(s, gre.hasSequence());
            assertEquals(c ? u16(data, 4) : -1, gre.checksum());
            final int keyAt = c ? 8 : 4;
            assertEquals(k ? u32(data, keyAt) : -1L, gre.key());
            assertEquals(s ? u32(data, keyAt + (k ? 4 : 0)) : -1L, gre.sequence());
            assertEquals(!c || referenceChecksum(data, 0, data.length) == 0, gre.verifyChecksum(),
                "GRE checksum disagrees with RFC 1071");
        }

        final DecodeStatus decoded = decoder.decodeGre(buffer, BASE, data.length);
        assertNotNull(decoded);
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
        if (status != DecodeStatus.OK)
        {
            assertEquals(status, decoded, "decodeGre disagrees with GreFlyweight.validate");
        }
        assertEquals(decoded == DecodeStatus.OK, decoder.kind() != 0, "kind set without OK, or OK without kind");
        if (decoded == DecodeStatus.OK)
        {
            assertGreDecoded(decoder, BASE, end);
        }
        assertSameWhereverPlaced(data, decoded, decoder.kind(), true);

        if (status == DecodeStatus.OK && gre.hasChecksum())
        {
            // Last, as it writes: what updateChecksum() writes over header and payload must verify.
            gre.updateChecksum();
            assertTrue(gre.verifyChecksum(), "verifyChecksum rejects what updateChecksum wrote");
        }
    }

    /**
     * Input: an ESP packet, header to ICV. validate() for both transforms and the layout getters;
     * then the trailer helpers on the ciphertext region, read as if decrypted in place, and on the
     * whole input read as plaintext.
     */
    @FuzzTest
    void espFlyweight(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final int end = BASE + data.length;
        esp.wrap(buffer, BASE, data.length);

        for (final int[] ivIcv : ESP_IV_ICV)
        {
            final int ivLength = ivIcv[0];
            final int icvLength = ivIcv[1];
            final DecodeStatus status = esp.validate(ivLength, icvLength);
            assertNotNull(status);
            final boolean fits = data.length >= EspFlyweight.HEADER_LENGTH + ivLength + EspFlyweight.TRAILER_LENGTH + icvLength;
            assertEquals(fits ? DecodeStatus.OK : DecodeStatus.ESP_TRUNCATED, status);
            if (status == DecodeStatus.OK)
            {
                assertEquals(s32(data, 0), esp.spi());
                assertEquals(u32(data, 4), esp.sequence());
                assertEquals(BASE + EspFlyweight.HEADER_LENGTH, esp.ivOffset());
                final int ciphertextOffset = esp.ciphertextOffset(ivLength);
                final int ciphertextLength = esp.ciphertextLength(ivLength, icvLength);
                assertEquals(esp.ivOffset() + ivLength, ciphertextOffset);
                assertTrue(ciphertextLength >= EspFlyweight.TRAILER_LENGTH, "ciphertext shorter than the trailer");
                assertEquals(ciphertextOffset + ciphertextLength, esp.icvOffset(icvLength));
                assertEquals(end, esp.icvOffset(icvLength) + icvLength, "ICV does not end at the frame end");
                checkTrailer(buffer, ciphertextOffset, ciphertextLength);
            }
        }
        checkTrailer(buffer, BASE, data.length);
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
    }

    /**
     * Input: an NHRP packet. validate(), then when OK verifyChecksum() against the reference, every
     * getter for the type, and an independent walk of every CIE with NhrpCieFlyweight and every
     * extension (and the CIEs inside) with NhrpExtensionFlyweight, which must agree with what
     * validate() recorded.
     */
    @FuzzTest
    void nhrpPacket(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final int end = BASE + data.length;
        nhrp.wrap(buffer, BASE, data.length);

        final DecodeStatus status = nhrp.validate();
        assertNotNull(status);
        assertTrue(NHRP_STATUSES.contains(status), "status outside the NHRP family");
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);

        // The same bytes elsewhere, after other bytes, must give the same answer at the same relative offsets.
        final UnsafeBuffer other = placed(data, OTHER_BASE, OTHER_FILL);
        otherNhrp.wrap(other, OTHER_BASE, data.length);
        assertEquals(status, otherNhrp.validate(), "NHRP validation depends on where the packet sits");
        assertEquals(nhrp.failureOffset(), otherNhrp.failureOffset());

        if (status != DecodeStatus.OK)
        {
            // An Error Indication quotes this offset into the packet in error; it may point at its end (no End).
            assertTrue(nhrp.failureOffset() >= 0 && nhrp.failureOffset() <= data.length, "failure offset outside the packet");
            return;
        }
        assertEquals(0, nhrp.failureOffset());
        assertEquals(data.length, nhrp.packetSize());
        assertEquals(Nhrp.AFN_IPV4, nhrp.afn());
        assertEquals(Nhrp.PROTOCOL_IPV4, nhrp.protocolType());
        assertEquals(0L, nhrp.protocolSnap());
        assertEquals(Nhrp.VERSION, nhrp.version());
        assertEquals(data[NhrpPacket.HOP_COUNT_OFFSET] & 0xFF, nhrp.hopCount());
        assertEquals(u16(data, NhrpPacket.CHECKSUM_OFFSET), nhrp.checksum());
        assertEquals(referenceChecksum(data, 0, data.length) == 0, nhrp.verifyChecksum(), "NHRP checksum disagrees with RFC 1071");

        final int type = nhrp.type();
        assertTrue(type >= Nhrp.TYPE_RESOLUTION_REQUEST && type <= Nhrp.TYPE_TRAFFIC_INDICATION, "type");
        final int nbmaLength = nhrp.sourceNbmaLength();
        final int sourceLength = nhrp.sourceProtocolLength();
        final int destinationLength = nhrp.destinationProtocolLength();
        // The mandatory part always names a source NBMA, source and destination protocol address.
        assertEquals(Nhrp.IPV4_ADDRESS_LENGTH, nbmaLength);
        assertEquals(Nhrp.IPV4_ADDRESS_LENGTH, sourceLength);
        assertEquals(Nhrp.IPV4_ADDRESS_LENGTH, destinationLength);
        final int addresses = NhrpPacket.FIXED_HEADER_LENGTH + NhrpPacket.MANDATORY_FIXED_LENGTH;
        assertEquals(s32(data, addresses), nhrp.sourceNbma());
        assertEquals(s32(data, addresses + 4), nhrp.sourceProtocol());
        assertEquals(s32(data, addresses + 8), nhrp.destinationProtocol());
        nhrp.flags();
        nhrp.requestId();
        nhrp.errorCode();
        nhrp.trafficCode();

        final int bodyOffset = nhrp.bodyOffset();
        final int bodyEnd = bodyOffset + nhrp.bodyLength();
        assertEquals(BASE + addresses + nbmaLength + sourceLength + destinationLength, bodyOffset);
        assertTrue(nhrp.bodyLength() >= 0 && bodyEnd <= end, "body outside the packet");

        final int extensionOffset = nhrp.extensionOffset();
        if (extensionOffset == 0)
        {
            assertEquals(-1, nhrp.extensionsOffset());
            assertEquals(0, nhrp.extensionCount());
            assertEquals(end, bodyEnd, "body does not fill a packet without extensions");
        }
        else
        {
            assertEquals(BASE + extensionOffset, nhrp.extensionsOffset());
            assertEquals(nhrp.extensionsOffset(), bodyEnd, "body does not end where the extensions start");
        }

        if (Nhrp.hasCies(type))
        {
            assertEquals(nhrp.cieCount(), walkCies(buffer, bodyOffset, bodyEnd), "CIE count");
        }
        else
        {
            assertEquals(0, nhrp.cieCount());
            if (type == Nhrp.TYPE_ERROR_INDICATION)
            {
                assertTrue(nhrp.errorOffset() <= nhrp.bodyLength(), "error offset beyond the packet in error");
            }
            else
            {
                // A Traffic Indication quotes the start of an IPv4 packet, at most its total length.
                final int quoted = bodyOffset - BASE;
                assertTrue(nhrp.bodyLength() >= Ipv4Flyweight.MIN_HEADER_LENGTH, "Traffic Indication quotes less than a header");
                assertEquals(4, (data[quoted] & 0xFF) >>> 4);
                assertTrue(nhrp.bodyLength() <= u16(data, quoted + 2), "Traffic Indication quotes more than the packet");
            }
        }

        walkExtensions(nhrp, buffer, end);
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);

        assertEquals(nhrp.cieCount(), otherNhrp.cieCount());
        assertEquals(nhrp.extensionCount(), otherNhrp.extensionCount());
        assertEquals(bodyOffset - BASE, otherNhrp.bodyOffset() - OTHER_BASE);
        assertEquals(nhrp.bodyLength(), otherNhrp.bodyLength());
        assertEquals(relative(nhrp.responderAddressExtension(), BASE), relative(otherNhrp.responderAddressExtension(), OTHER_BASE));
        assertEquals(relative(nhrp.authenticationExtension(), BASE), relative(otherNhrp.authenticationExtension(), OTHER_BASE));
        assertEquals(relative(nhrp.natAddressExtension(), BASE), relative(otherNhrp.natAddressExtension(), OTHER_BASE));

        // Last, as it writes: what updateChecksum() writes (after a hop count edit, say) must verify.
        nhrp.hopCount(nhrp.hopCount() - 1);
        nhrp.updateChecksum();
        assertTrue(nhrp.verifyChecksum(), "verifyChecksum rejects what updateChecksum wrote");
    }

    /**
     * Input: a whole frame from the underlay, starting at the outer IPv4 header. decode(), then
     * when OK the layers it left wrapped must nest inside the frame; decodeGre() on the GRE part
     * must agree with decode(). Then the same frame again with every checksum recomputed, so that
     * mutated structures get past the checksum checks too: that copy must never fail on a checksum.
     */
    /**
     * Input: an ICMP message (the IPv4 payload). validate(); when OK, the checksum against the
     * reference, the header getters against the bytes, and for an error the quoted IPv4 header
     * (version 4, its header and 8 data bytes present) inside the message; the same answer
     * wherever the message sits; then updateChecksum() must make any message of 8 bytes or more
     * pass the checksum check.
     */
    @FuzzTest
    void icmp4Flyweight(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final int end = BASE + data.length;
        icmp.wrap(buffer, BASE, data.length);

        final DecodeStatus status = icmp.validate();
        assertNotNull(status);
        assertTrue(ICMP_STATUSES.contains(status), "status outside the ICMP family");
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
        assertEquals(data.length < Icmp4Flyweight.HEADER_LENGTH, status == DecodeStatus.ICMP_TRUNCATED);
        if (status == DecodeStatus.OK)
        {
            assertEquals(0, referenceChecksum(data, 0, data.length), "ICMP checksum disagrees with RFC 1071");
            assertEquals(data[0] & 0xFF, icmp.type());
            assertEquals(data[1] & 0xFF, icmp.code());
            assertEquals(u16(data, 2), icmp.checksum());
            assertEquals(u16(data, 4), icmp.identifier());
            assertEquals(u16(data, 6), icmp.sequence());
            if (icmp.isError())
            {
                final int quoted = icmp.quotedOffset() - BASE;
                final int ihl = (data[quoted] & 0x0F) * 4;
                assertEquals(4, (data[quoted] & 0xFF) >>> 4, "quoted header is not IPv4");
                assertTrue(ihl >= Ipv4Flyweight.MIN_HEADER_LENGTH && quoted + ihl + Icmp4Flyweight.QUOTED_DATA_LENGTH <= data.length,
                    "quoted header and its 8 bytes beyond the message");
                assertEquals(end, icmp.quotedOffset() + icmp.quotedLength(), "quote does not end at the message end");
            }
        }
        final UnsafeBuffer other = TestFrames.placed(data, OTHER_BASE);
        assertEquals(status, otherIcmp.wrap(other, OTHER_BASE, data.length).validate(), "answer depends on where the message sits");

        if (data.length >= Icmp4Flyweight.HEADER_LENGTH)
        {
            // Last, as it writes: what updateChecksum() writes must pass the checksum check.
            icmp.updateChecksum();
            assertEquals(0, referenceChecksum(Arrays.copyOfRange(buffer.byteArray(), BASE, end), 0, data.length),
                "updateChecksum wrote a checksum RFC 1071 rejects");
            assertTrue(icmp.validate() != DecodeStatus.ICMP_BAD_CHECKSUM, "validate rejects the checksum updateChecksum wrote");
        }
    }

    /**
     * Input: an EIGRP packet (the IPv4 payload). validate(), and the same input with its checksum
     * made good so that mutated TLVs get past that check. When OK: the checksum against the
     * reference, the header getters against the bytes, and a walk of the TLVs that ends exactly at
     * the packet's end, every TLV's fields read inside it (a route's destination with no bit
     * beyond its prefix length); the same answer wherever the packet sits; nothing written.
     */
    @FuzzTest
    void eigrpPacket(final byte[] data)
    {
        checkEigrp(data);
        if (data.length >= EigrpPacket.HEADER_LENGTH)
        {
            final byte[] repaired = data.clone();
            repaired[EigrpPacket.CHECKSUM_OFFSET] = 0;
            repaired[EigrpPacket.CHECKSUM_OFFSET + 1] = 0;
            final int checksum = referenceChecksum(repaired, 0, repaired.length);
            repaired[EigrpPacket.CHECKSUM_OFFSET] = (byte)(checksum >>> 8);
            repaired[EigrpPacket.CHECKSUM_OFFSET + 1] = (byte)checksum;
            assertTrue(checkEigrp(repaired) != DecodeStatus.EIGRP_BAD_CHECKSUM, "a checksum RFC 1071 accepts is refused");
        }
    }

    private final EigrpPacket eigrp = new EigrpPacket();
    private final EigrpPacket otherEigrp = new EigrpPacket();
    private final EigrpTlvFlyweight eigrpTlv = new EigrpTlvFlyweight();

    private DecodeStatus checkEigrp(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final int end = BASE + data.length;
        final DecodeStatus status = eigrp.wrap(buffer, BASE, data.length).validate();
        assertNotNull(status);
        assertTrue(EIGRP_STATUSES.contains(status), "status outside the EIGRP family: " + status);
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
        assertEquals(data.length < EigrpPacket.HEADER_LENGTH, status == DecodeStatus.EIGRP_TRUNCATED);
        if (status == DecodeStatus.OK)
        {
            assertEquals(0, referenceChecksum(data, 0, data.length), "EIGRP checksum disagrees with RFC 1071");
            assertEquals(Eigrp.VERSION, eigrp.version());
            assertEquals(data[1] & 0xFF, eigrp.opcode());
            assertEquals(u16(data, 18), eigrp.autonomousSystem());
            int at = eigrp.firstTlvOffset();
            while (at < eigrp.endOffset())
            {
                eigrpTlv.wrap(buffer, at);
                assertTrue(eigrpTlv.length() >= EigrpTlvFlyweight.HEADER_LENGTH && eigrpTlv.nextOffset() <= end, "TLV beyond the packet");
                switch (eigrpTlv.type())
                {
                    case Eigrp.TLV_PARAMETER -> assertTrue(eigrpTlv.k(6) >= 0 && eigrpTlv.holdTimeS() >= 0);
                    case Eigrp.TLV_SOFTWARE_VERSION -> eigrpTlv.softwareVersion();
                    case Eigrp.TLV_NEXT_MULTICAST_SEQUENCE -> assertTrue(eigrpTlv.nextMulticastSequence() >= 0);
                    case Eigrp.TLV_STUB -> assertTrue(eigrpTlv.stubFlags() >= 0);
                    case Eigrp.TLV_SEQUENCE ->
                    {
                        assertTrue(eigrpTlv.sequenceAddressCount() >= 1);
                        eigrpTlv.sequenceAddress(eigrpTlv.sequenceAddressCount() - 1);
                    }
                    case Eigrp.TLV_IPV4_INTERNAL, Eigrp.TLV_IPV4_EXTERNAL ->
                    {
                        assertTrue(eigrpTlv.isRoute());
                        final int prefixLength = eigrpTlv.prefixLength();
                        assertTrue(prefixLength <= 32);
                        final int destination = eigrpTlv.destination();
                        assertEquals(0, prefixLength == 32 ? 0 : destination & (int)(0xFFFF_FFFFL >>> prefixLength), "bits beyond the prefix");
                        assertTrue(eigrpTlv.mtu() >= 0 && eigrpTlv.scaledDelay() >= 0 && eigrpTlv.routeFlags() >= 0 && eigrpTlv.nextHop() == eigrpTlv.nextHop());
                    }
                    default ->
                    {
                    }
                }
                at = eigrpTlv.nextOffset();
            }
            assertEquals(end, at, "the TLV walk does not end at the packet's end");
        }
        final UnsafeBuffer other = TestFrames.placed(data, OTHER_BASE);
        assertEquals(status, otherEigrp.wrap(other, OTHER_BASE, data.length).validate(), "answer depends on where the packet sits");
        return status;
    }

    @FuzzTest
    void tunnelFrameDecoder(final byte[] data)
    {
        checkFrame(data);
        final byte[] repaired = withChecksumsRecomputed(data);
        if (repaired != null)
        {
            final DecodeStatus status = checkFrame(repaired);
            assertTrue(status != DecodeStatus.IPV4_BAD_CHECKSUM && status != DecodeStatus.GRE_BAD_CHECKSUM &&
                status != DecodeStatus.NHRP_BAD_CHECKSUM, "verify rejects a checksum its own update wrote");
        }
    }

    private DecodeStatus checkFrame(final byte[] data)
    {
        final UnsafeBuffer buffer = TestFrames.placed(data, BASE);
        final DecodeStatus status = decoder.decode(buffer, BASE, data.length);
        assertNotNull(status);
        assertUnchanged(buffer, BASE, data, TESTFRAMES_FILL);
        final int kind = decoder.kind();
        assertEquals(status == DecodeStatus.OK, kind != 0, "kind set without OK, or OK without kind");
        assertSameWhereverPlaced(data, status, kind, false);

        final Ipv4Flyweight outer = decoder.outer();
        if (outer.validate() != DecodeStatus.OK || outer.totalLength() != data.length || !outer.verifyChecksum() ||
            outer.isFragment())
        {
            assertFalse(status.isOk(), "OK for a bad outer header");
            return status;
        }
        // A frame is exactly one IP packet.
        final int frameEnd = BASE + data.length;
        final int protocol = outer.protocol();
        if (protocol == Ipv4Flyweight.PROTOCOL_GRE)
        {
            // decode() must be exactly "outer checks, then decodeGre on the outer payload".
            final DecodeStatus greStatus = otherDecoder.decodeGre(buffer, outer.payloadOffset(), outer.payloadLength());
            assertEquals(greStatus, status, "decode and decodeGre disagree on the same GRE packet");
            assertEquals(otherDecoder.kind(), kind);
        }
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        assertTrue(outer.payloadOffset() + outer.payloadLength() <= frameEnd, "outer payload outside the frame");
        if (kind == TunnelFrameDecoder.KIND_ESP)
        {
            assertEquals(Ipv4Flyweight.PROTOCOL_ESP, protocol);
            final EspFlyweight decodedEsp = decoder.esp();
            assertEquals(outer.payloadOffset(), decodedEsp.offset());
            assertEquals(frameEnd, decodedEsp.offset() + decodedEsp.capacity(), "ESP does not end at the frame end");
            assertEquals(DecodeStatus.OK, decodedEsp.validate(8, 16));
            decodedEsp.spi();
            decodedEsp.sequence();
            assertEquals(frameEnd, decodedEsp.icvOffset(16) + 16);
        }
        else
        {
            assertEquals(Ipv4Flyweight.PROTOCOL_GRE, protocol);
            assertEquals(outer.payloadOffset(), decoder.gre().offset());
            assertGreDecoded(decoder, outer.payloadOffset(), frameEnd);
        }
        return status;
    }

    /**
     * @return a copy of a frame with the checksum of every layer that validates recomputed, inner
     * layers first as the GRE checksum covers them; null when the outer header does not validate.
     */
    private byte[] withChecksumsRecomputed(final byte[] data)
    {
        final byte[] copy = data.clone();
        final UnsafeBuffer buffer = new UnsafeBuffer(copy);
        if (ipv4.wrap(buffer, 0, copy.length).validate() != DecodeStatus.OK)
        {
            return null;
        }
        ipv4.updateChecksum();
        if (ipv4.protocol() == Ipv4Flyweight.PROTOCOL_GRE &&
            gre.wrap(buffer, ipv4.payloadOffset(), ipv4.payloadLength()).validate() == DecodeStatus.OK)
        {
            final int innerLength = gre.payloadLength();
            if (gre.protocolType() == GreFlyweight.PROTOCOL_IPV4)
            {
                if (innerIpv4.wrap(buffer, gre.payloadOffset(), innerLength).validate() == DecodeStatus.OK)
                {
                    innerIpv4.updateChecksum();
                }
            }
            else if (gre.protocolType() == GreFlyweight.PROTOCOL_NHRP &&
                nhrp.wrap(buffer, gre.payloadOffset(), innerLength).validate() == DecodeStatus.OK)
            {
                nhrp.updateChecksum();
            }
            gre.updateChecksum();
        }
        return copy;
    }

    /**
     * What decodeGre() left wrapped after OK, for a GRE packet at [greOffset, end).
     */
    private void assertGreDecoded(final TunnelFrameDecoder decoder, final int greOffset, final int end)
    {
        final GreFlyweight decodedGre = decoder.gre();
        assertEquals(greOffset, decodedGre.offset());
        assertEquals(end, decodedGre.payloadOffset() + decodedGre.payloadLength(), "GRE payload does not end at the frame end");
        assertTrue(decodedGre.verifyChecksum(), "OK with a bad GRE checksum");
        decodedGre.key();
        decodedGre.sequence();
        if (decoder.kind() == TunnelFrameDecoder.KIND_GRE_IPV4)
        {
            assertEquals(GreFlyweight.PROTOCOL_IPV4, decodedGre.protocolType());
            final Ipv4Flyweight inner = decoder.inner();
            assertEquals(decodedGre.payloadOffset(), inner.offset());
            assertEquals(end, inner.offset() + inner.totalLength(), "inner IPv4 does not end at the frame end");
            assertEquals(end, inner.payloadOffset() + inner.payloadLength());
            assertTrue(inner.verifyChecksum(), "OK with a bad inner checksum");
            inner.source();
            inner.destination();
            inner.ttl();
        }
        else
        {
            assertEquals(TunnelFrameDecoder.KIND_GRE_NHRP, decoder.kind());
            assertEquals(GreFlyweight.PROTOCOL_NHRP, decodedGre.protocolType());
            final NhrpPacket packet = decoder.nhrp();
            assertEquals(decodedGre.payloadOffset(), packet.offset());
            assertEquals(end, packet.offset() + packet.packetSize(), "NHRP does not end at the frame end");
            assertTrue(packet.bodyOffset() + packet.bodyLength() <= end, "NHRP body outside the frame");
            assertTrue(packet.verifyChecksum(), "OK with a bad NHRP checksum");
            if (Nhrp.hasCies(packet.type()))
            {
                assertEquals(packet.cieCount(), walkCies(packet.buffer(), packet.bodyOffset(), packet.bodyOffset() + packet.bodyLength()));
            }
            walkExtensions(packet, packet.buffer(), end);
        }
    }

    /**
     * The trailer helpers on a region read as decrypted plaintext. When OK the padding must be
     * exactly what writeTrailer() produces for that pad length and next header.
     */
    private static void checkTrailer(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final DecodeStatus status = EspFlyweight.validateTrailer(buffer, offset, length);
        assertNotNull(status);
        assertTrue(TRAILER_STATUSES.contains(status), "status outside the ESP trailer family");
        assertEquals(length < EspFlyweight.TRAILER_LENGTH, status == DecodeStatus.ESP_TRUNCATED);
        if (status != DecodeStatus.OK)
        {
            return;
        }
        final int innerLength = EspFlyweight.innerLength(buffer, offset, length);
        final int nextHeader = EspFlyweight.nextHeader(buffer, offset, length);
        assertTrue(innerLength >= 0 && innerLength <= length - EspFlyweight.TRAILER_LENGTH, "inner length outside the plaintext");
        assertTrue(nextHeader >= 0 && nextHeader <= 0xFF, "next header");
        final int padLength = length - EspFlyweight.TRAILER_LENGTH - innerLength;
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[padLength + EspFlyweight.TRAILER_LENGTH]);
        assertEquals(expected.capacity(), EspFlyweight.writeTrailer(expected, 0, padLength, nextHeader));
        assertEquals(0, expected.compareTo(new UnsafeBuffer(buffer, offset + innerLength, expected.capacity())),
            "accepted a trailer writeTrailer would not write");
    }

    /**
     * Walks CIEs in [from, to) with NhrpCieFlyweight, reading every field; they must tile it exactly.
     *
     * @return CIEs walked.
     */
    private int walkCies(final DirectBuffer buffer, final int from, final int to)
    {
        int count = 0;
        int position = from;
        while (position < to)
        {
            cie.wrap(buffer, position);
            assertTrue(position + NhrpCieFlyweight.FIXED_LENGTH <= to, "CIE fixed part beyond its region");
            cie.code();
            cie.prefixLength();
            cie.mtu();
            cie.holdingTimeS();
            cie.preference();
            assertTrue(isIpv4Length(cie.clientNbmaLength()) && isIpv4Length(cie.clientProtocolLength()), "CIE address length");
            assertEquals(0, cie.clientSubaddressLength());
            cie.clientNbma();
            cie.clientProtocol();
            final int length = cie.length();
            assertTrue(length >= NhrpCieFlyweight.FIXED_LENGTH && position + length <= to, "CIE beyond its region");
            position += length;
            count++;
        }
        assertEquals(to, position, "CIEs do not end at their region's end");
        return count;
    }

    /**
     * Walks the extension list of a validated packet with NhrpExtensionFlyweight up to End,
     * and checks the first offset of each kind against what validate() recorded.
     */
    private void walkExtensions(final NhrpPacket packet, final DirectBuffer buffer, final int end)
    {
        int responder = -1;
        int forward = -1;
        int reverse = -1;
        int authentication = -1;
        int nat = -1;
        int unknownCompulsory = -1;
        int count = 0;
        int position = packet.extensionsOffset();
        while (position != -1)
        {
            assertTrue(position + NhrpExtensionFlyweight.HEADER_LENGTH <= end, "extension header beyond the packet");
            extension.wrap(buffer, position);
            final int type = extension.type();
            final boolean compulsory = extension.isCompulsory();
            final int valueOffset = extension.valueOffset();
            final int next = extension.nextOffset();
            assertEquals(position + NhrpExtensionFlyweight.HEADER_LENGTH, valueOffset);
            assertEquals(valueOffset + extension.length(), next);
            assertTrue(next <= end, "extension value beyond the packet");
            count++;
            switch (type)
            {
                case Nhrp.EXTENSION_END ->
                {
                    assertEquals(0, extension.length());
                    assertEquals(end, next, "End is not the last thing in the packet");
                }
                case Nhrp.EXTENSION_RESPONDER_ADDRESS ->
                {
                    walkCies(buffer, valueOffset, next);
                    responder = responder == -1 ? position : responder;
                }
                case Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD ->
                {
                    walkCies(buffer, valueOffset, next);
                    forward = forward == -1 ? position : forward;
                }
                case Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD ->
                {
                    walkCies(buffer, valueOffset, next);
                    reverse = reverse == -1 ? position : reverse;
                }
                case Nhrp.EXTENSION_CISCO_NAT_ADDRESS ->
                {
                    walkCies(buffer, valueOffset, next);
                    nat = nat == -1 ? position : nat;
                }
                case Nhrp.EXTENSION_AUTHENTICATION ->
                {
                    final int length = extension.length();
                    assertTrue(length >= 4 && length <= 4 + 255, "authentication length");
                    final int authenticationType = extension.authenticationType();
                    // The password it carries must match itself exactly when the type is plaintext, and
                    // nothing one byte longer may.
                    final byte[] password = new byte[length - 4];
                    buffer.getBytes(valueOffset + 4, password);
                    assertEquals(authenticationType == Nhrp.AUTHENTICATION_TYPE_CLEARTEXT, extension.authenticationMatches(password));
                    assertFalse(extension.authenticationMatches(Arrays.copyOf(password, password.length + 1)));
                    extension.authenticationMatches(TestFrames.PASSWORD);
                    authentication = authentication == -1 ? position : authentication;
                }
                default ->
                {
                    if (compulsory && type != Nhrp.EXTENSION_VENDOR_PRIVATE && unknownCompulsory == -1)
                    {
                        unknownCompulsory = position;
                    }
                }
            }
            position = type == Nhrp.EXTENSION_END ? -1 : next;
        }
        assertEquals(packet.extensionCount(), count, "extension count");
        assertEquals(responder, packet.responderAddressExtension());
        assertEquals(forward, packet.forwardTransitExtension());
        assertEquals(reverse, packet.reverseTransitExtension());
        assertEquals(authentication, packet.authenticationExtension());
        assertEquals(nat, packet.natAddressExtension());
        assertEquals(unknownCompulsory, packet.unrecognizedCompulsoryExtension());
    }

    /**
     * Decoding the same bytes at another offset, after other bytes, must give the same status and kind.
     */
    private void assertSameWhereverPlaced(final byte[] data, final DecodeStatus status, final int kind, final boolean greOnly)
    {
        final UnsafeBuffer other = placed(data, OTHER_BASE, OTHER_FILL);
        final DecodeStatus otherStatus = greOnly ?
            otherDecoder.decodeGre(other, OTHER_BASE, data.length) : otherDecoder.decode(other, OTHER_BASE, data.length);
        assertEquals(status, otherStatus, "decoding depends on where the frame sits");
        assertEquals(kind, otherDecoder.kind());
    }

    /**
     * Like {@link TestFrames#placed} with another fill, so a read before the frame would change the outcome.
     */
    private static UnsafeBuffer placed(final byte[] frame, final int offset, final byte fill)
    {
        final byte[] array = new byte[offset + frame.length];
        Arrays.fill(array, 0, offset, fill);
        System.arraycopy(frame, 0, array, offset, frame.length);
        return new UnsafeBuffer(array);
    }

    private static void assertUnchanged(final UnsafeBuffer buffer, final int offset, final byte[] data, final byte fill)
    {
        final byte[] array = buffer.byteArray();
        assertTrue(Arrays.equals(array, offset, offset + data.length, data, 0, data.length), "a decoder wrote to the frame");
        assertPrefix(array, offset, fill);
    }

    private static void assertPrefix(final byte[] array, final int offset, final byte fill)
    {
        for (int i = 0; i < offset; i++)
        {
            assertEquals(fill, array[i], "a decoder wrote before the frame");
        }
    }

    /**
     * RFC 1071 the slow, obvious way: 16-bit big-endian words, an odd last byte padded on the right,
     * end-around carry, complement. The codecs use a faster 32-bit version; this is the oracle.
     */
    private static int referenceChecksum(final byte[] data, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = data[offset + i] & 0xFF;
            final int low = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum >>> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    private static int relative(final int absolute, final int base)
    {
        return absolute == -1 ? -1 : absolute - base;
    }

    private static boolean isIpv4Length(final int length)
    {
        return length == 0 || length == Nhrp.IPV4_ADDRESS_LENGTH;
    }

    private static int u16(final byte[] data, final int index)
    {
        return (data[index] & 0xFF) << 8 | data[index + 1] & 0xFF;
    }

    private static int s32(final byte[] data, final int index)
    {
        return u16(data, index) << 16 | u16(data, index + 2);
    }

    private static long u32(final byte[] data, final int index)
    {
        return s32(data, index) & 0xFFFF_FFFFL;
    }
}
