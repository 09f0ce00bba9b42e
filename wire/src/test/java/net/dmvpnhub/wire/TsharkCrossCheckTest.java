package net.dmvpnhub.wire;

import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpCieFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static net.dmvpnhub.wire.TestFrames.*;
import static net.dmvpnhub.wire.Tshark.values;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Cross-checks the codecs against an independent decoder: Wireshark's dissectors, run as tshark.
 * <p>
 * The unit tests build frames with our writers and read them back with our flyweights, so a
 * field put at the wrong offset, a flag on the wrong bit or a checksum over the wrong range
 * passes them as long as writer and reader agree. tshark was written by other people, from the
 * RFCs and from captures of real routers: when it reads back every field as our flyweights read
 * it, finds every checksum good and flags nothing as malformed, the bytes are laid out where
 * the rest of the world looks for them.
 * <p>
 * Every frame goes into one pcap and tshark runs once ({@link Tshark#decode}), printing the
 * fields below one line per frame. For each frame the expected value of every field is derived
 * by walking the frame with our own flyweights, and tshark must print exactly that: a field
 * tshark decodes that we did not expect fails the test as much as a missing one. A few values
 * are also held to the {@link TestFrames} constants, so writer and reader cannot agree on
 * garbage. Negative controls, frames with a corrupted checksum or a length running past the
 * packet, prove that each kind of check can fail.
 * <p>
 * Field names and value formats are those of tshark 4.0 (Debian 12). The test is skipped when
 * tshark is not installed; CI installs it.
 */
class TsharkCrossCheckTest
{
    /** ip.checksum.status, gre.checksum.status and nhrp.hdr.chksum.status values. */
    private static final String GOOD = "1";
    private static final String BAD = "0";
    /** _ws.expert.severity of PI_WARNING; PI_ERROR is 8388608. */
    private static final int SEVERITY_WARNING = 6291456;
    private static final int SEVERITY_ERROR = 8388608;

    private static final String PROTOCOLS = "frame.protocols";
    private static final String MALFORMED = "_ws.malformed";
    private static final String SEVERITY = "_ws.expert.severity";
    private static final String EXPERT_MESSAGE = "_ws.expert.message";

    /** Fields compared with what our flyweights read; each must match exactly, empty included. */
    private static final String[] DECODED_FIELDS =
    {
        "ip.version", "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags", "ip.ttl", "ip.proto",
        "ip.checksum", "ip.checksum.status", "ip.src", "ip.dst",
        "gre.flags_and_version", "gre.proto", "gre.checksum", "gre.checksum.status", "gre.key", "gre.sequence_number",
        "nhrp.hdr.afn", "nhrp.hdr.pro.type", "nhrp.hdr.hopcnt", "nhrp.hdr.pktsz", "nhrp.hdr.chksum",
        "nhrp.hdr.chksum.status", "nhrp.hdr.extoff", "nhrp.hdr.version", "nhrp.hdr.op.type", "nhrp.hdr.shtl",
        "nhrp.hdr.sstl",
        "nhrp.src.prot.len", "nhrp.dst.prot.len", "nhrp.flags", "nhrp.flag.q", "nhrp.flag.a", "nhrp.flag.d",
        "nhrp.flag.u", "nhrp.flag.s", "nhrp.flag.n", "nhrp.flag.nat", "nhrp.reqid", "nhrp.err.code", "nhrp.err.offset",
        "nhrp.src.nbma.addr", "nhrp.src.prot.addr", "nhrp.dst.prot.addr",
        "nhrp.code", "nhrp.prefix", "nhrp.mtu", "nhrp.htime", "nhrp.cli.addr_tl", "nhrp.cli.saddr_tl", "nhrp.prot.len",
        "nhrp.pref", "nhrp.client.nbma.addr", "nhrp.client.prot.addr",
        "nhrp.ext.c", "nhrp.ext.type", "nhrp.ext.len",
        "nhrp.auth_ext.reserved", "nhrp.auth_ext.spi", "nhrp.auth_ext.src_addr", "nhrp.auth_ext.data",
    };

    private static final String GRE_IPV4_PROTOCOLS = "raw:ip:gre:ip:udp:data";
    private static final String GRE_NHRP_PROTOCOLS = "raw:ip:gre:nhrp";

    private static final String GRE_KEY_IPV4 = "gre-key-ipv4";
    private static final String GRE_CHECKSUM_KEY_SEQUENCE = "gre-checksum-key-sequence-ipv4";
    private static final long SEQUENCE = 7;
    private static final String AUTHORITATIVE_ONLY_REPLY = "gre-nhrp-2-resolution-reply-authoritative-only";
    private static final String BAD_NHRP_CHECKSUM = "bad-nhrp-checksum";
    private static final String BAD_GRE_CHECKSUM = "bad-gre-checksum";
    private static final String BAD_INNER_IPV4_CHECKSUM = "bad-inner-ipv4-checksum";
    private static final String NHRP_EXTENSION_OVERRUN = "nhrp-extension-overrun";

    private record Case(String name, byte[] frame, String protocols)
    {
    }

    /** Valid frames, each compared field by field. */
    private static final List<Case> CLEAN = cleanCases();
    /** Deliberately broken frames: tshark must object to them. */
    private static final List<Case> BROKEN = brokenCases();

    private static final Map<String, Map<String, String>> DECODED = new HashMap<>();

    @BeforeAll
    static void decodeAllFramesWithTshark(@TempDir final Path directory) throws Exception
    {
        // Skipped per test below, not here (see Tshark.assumeInstalled).
        if (Tshark.isInstalled())
        {
            final List<Case> cases = Stream.concat(CLEAN.stream(), BROKEN.stream()).toList();
            // Without ip.check_checksum, ip.checksum.status is 2 (unverified) for every header.
            final List<String> options = List.of("-o", "ip.check_checksum:TRUE");
            DECODED.putAll(Tshark.decode(directory, cases, Case::name, Case::frame, options, fieldNames()));
        }
    }

    @BeforeEach
    void skipWithoutTshark()
    {
        Tshark.assumeInstalled();
    }

    static Stream<String> cleanNames()
    {
        return CLEAN.stream().map(Case::name);
    }

    static Stream<Arguments> nhrpKinds()
    {
        final List<Arguments> kinds = new ArrayList<>();
        for (final int type : NHRP_TYPES)
        {
            kinds.add(Arguments.of(type, false));
            if (type != Nhrp.TYPE_ERROR_INDICATION)
            {
                kinds.add(Arguments.of(type, true));
            }
        }
        return kinds.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleanNames")
    void tsharkFindsEveryChecksumGoodAndNothingMalformed(final String name)
    {
        final Map<String, String> decoded = decoded(name);
        final Case c = find(CLEAN, name);

        // The protocol chain proves tshark dissected GRE and NHRP, not just dumped data, so the
        // absence of complaints below means something.
        assertEquals(c.protocols(), decoded.get(PROTOCOLS));
        assertEquals("", decoded.get(MALFORMED), () -> "malformed: " + decoded.get(EXPERT_MESSAGE));
        for (final String severity : values(decoded, SEVERITY))
        {
            assertTrue(Integer.parseInt(severity) < SEVERITY_WARNING,
                () -> "expert info at warning or above: " + decoded.get(EXPERT_MESSAGE));
        }

        // Outer and inner (or embedded) IPv4 headers alike.
        final List<String> ipStatus = values(decoded, "ip.checksum.status");
        assertFalse(ipStatus.isEmpty());
        ipStatus.forEach((status) -> assertEquals(GOOD, status, "ip.checksum.status " + ipStatus));

        final GreFlyweight gre = greOf(c.frame());
        assertEquals(gre.hasChecksum() ? GOOD : "", decoded.get("gre.checksum.status"));

        if (gre.protocolType() == GreFlyweight.PROTOCOL_NHRP)
        {
            // An Error Indication shows two NHRP headers: its own and the packet in error's.
            final List<String> nhrpStatus = values(decoded, "nhrp.hdr.chksum.status");
            assertFalse(nhrpStatus.isEmpty());
            nhrpStatus.forEach((status) -> assertEquals(GOOD, status, "nhrp.hdr.chksum.status " + nhrpStatus));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleanNames")
    void tsharkReadsEveryFieldAsOurFlyweightsDo(final String name)
    {
        final Case c = find(CLEAN, name);
        assertDecodedAsExpected(name, expectedFields(c.frame()));
    }

    @Test
    void greWithKeyCarryingIpv4HoldsTheValuesWeWrote()
    {
        final Map<String, String> decoded = decoded(GRE_KEY_IPV4);
        assertEquals(hex(GreFlyweight.FLAG_KEY, 4), decoded.get("gre.flags_and_version"));
        assertEquals(hex(TUNNEL_KEY, 8), decoded.get("gre.key"));
        assertEquals(hex(GreFlyweight.PROTOCOL_IPV4, 4), decoded.get("gre.proto"));
        assertEquals(address(SPOKE_NBMA) + "," + address(SPOKE_HOST), decoded.get("ip.src"));
        assertEquals(address(HUB_NBMA) + "," + address(OTHER_SPOKE_HOST), decoded.get("ip.dst"));
        assertEquals(Ipv4Flyweight.PROTOCOL_GRE + "," + Ipv4Flyweight.PROTOCOL_UDP, decoded.get("ip.proto"));
    }

    @Test
    void greWithChecksumKeyAndSequenceHoldsTheValuesWeWrote()
    {
        final Map<String, String> decoded = decoded(GRE_CHECKSUM_KEY_SEQUENCE);
        assertEquals(hex(GreFlyweight.FLAG_CHECKSUM | GreFlyweight.FLAG_KEY | GreFlyweight.FLAG_SEQUENCE, 4),
            decoded.get("gre.flags_and_version"));
        assertEquals(hex(TUNNEL_KEY, 8), decoded.get("gre.key"));
        assertEquals(Long.toString(SEQUENCE), decoded.get("gre.sequence_number"));
        assertEquals(GOOD, decoded.get("gre.checksum.status"));
    }

    @ParameterizedTest(name = "type {0}, extensions {1}")
    @MethodSource("nhrpKinds")
    void nhrpHoldsTheValuesWeWrote(final int type, final boolean withExtensions)
    {
        final Map<String, String> decoded = decoded(nhrpName(type, withExtensions));
        assertEquals(hex(GreFlyweight.PROTOCOL_NHRP, 4), decoded.get("gre.proto"));
        assertEquals(hex(TUNNEL_KEY, 8), decoded.get("gre.key"));
        assertEquals(Integer.toString(type), values(decoded, "nhrp.hdr.op.type").getFirst());
        assertEquals(Integer.toString(Nhrp.DEFAULT_HOP_COUNT), values(decoded, "nhrp.hdr.hopcnt").getFirst());
        assertEquals(hex(Nhrp.AFN_IPV4, 4), values(decoded, "nhrp.hdr.afn").getFirst());
        assertEquals(hex(Nhrp.PROTOCOL_IPV4, 4), values(decoded, "nhrp.hdr.pro.type").getFirst());
        // An Error Indication never carries extensions of its own (its packet in error may).
        final boolean extensionsPresent = withExtensions && type != Nhrp.TYPE_ERROR_INDICATION;
        final String extensionOffset = values(decoded, "nhrp.hdr.extoff").getFirst();
        assertEquals(extensionsPresent, !"0".equals(extensionOffset), "ar$extoff " + extensionOffset);
        switch (type)
        {
            case Nhrp.TYPE_ERROR_INDICATION ->
            {
                assertEquals(Integer.toString(Nhrp.ERROR_AUTHENTICATION_FAILURE), decoded.get("nhrp.err.code"));
                // The packet in error is decoded in turn: a Registration Request.
                assertEquals(type + "," + Nhrp.TYPE_REGISTRATION_REQUEST, decoded.get("nhrp.hdr.op.type"));
            }
            case Nhrp.TYPE_TRAFFIC_INDICATION ->
            {
                // tshark 4.0 shows no traffic code; the data packet is decoded as IPv4 after the outer one.
                assertEquals(address(SPOKE_NBMA) + "," + address(SPOKE_HOST), decoded.get("ip.src"));
                assertEquals(address(HUB_NBMA) + "," + address(OTHER_SPOKE_HOST), decoded.get("ip.dst"));
            }
            default -> assertEquals(hex(REQUEST_ID, 8), decoded.get("nhrp.reqid"));
        }
        if (extensionsPresent)
        {
            assertEquals(hex(Nhrp.EXTENSION_END, 4), values(decoded, "nhrp.ext.type").getLast());
            assertTrue(decoded.get("nhrp.client.nbma.addr").endsWith(address(SPOKE_NAT_NBMA)), "Cisco NAT Address CIE last");
        }
    }

    @Test
    void corruptedNhrpChecksumIsReportedBad()
    {
        final Map<String, String> decoded = decoded(BAD_NHRP_CHECKSUM);
        assertEquals(BAD, decoded.get("nhrp.hdr.chksum.status"));
        assertTrue(values(decoded, SEVERITY).contains(Integer.toString(SEVERITY_ERROR)), decoded.get(EXPERT_MESSAGE));
        // Only the NHRP checksum is wrong: the rest still reads as we wrote it.
        assertEquals(GOOD, decoded.get("ip.checksum.status"));
        assertEquals(GRE_NHRP_PROTOCOLS, decoded.get(PROTOCOLS));
        assertDecodedAsExpected(BAD_NHRP_CHECKSUM, expectedFields(broken(BAD_NHRP_CHECKSUM)));
    }

    @Test
    void corruptedGreChecksumIsReportedBad()
    {
        final Map<String, String> decoded = decoded(BAD_GRE_CHECKSUM);
        assertEquals(BAD, decoded.get("gre.checksum.status"));
        assertTrue(values(decoded, SEVERITY).stream().anyMatch((s) -> Integer.parseInt(s) >= SEVERITY_WARNING),
            decoded.get(EXPERT_MESSAGE));
        assertDecodedAsExpected(BAD_GRE_CHECKSUM, expectedFields(broken(BAD_GRE_CHECKSUM)));
    }

    @Test
    void corruptedInnerIpv4ChecksumIsReportedBad()
    {
        final Map<String, String> decoded = decoded(BAD_INNER_IPV4_CHECKSUM);
        assertEquals(GOOD + "," + BAD, decoded.get("ip.checksum.status"));
        assertDecodedAsExpected(BAD_INNER_IPV4_CHECKSUM, expectedFields(broken(BAD_INNER_IPV4_CHECKSUM)));
    }

    @Test
    void extensionRunningPastThePacketIsMalformedForBothDecoders()
    {
        final Map<String, String> decoded = decoded(NHRP_EXTENSION_OVERRUN);
        assertNotEquals("", decoded.get(MALFORMED));
        // Checksum recomputed after the edit: the fault is the length alone.
        assertEquals(GOOD, decoded.get("nhrp.hdr.chksum.status"));

        final byte[] frame = broken(NHRP_EXTENSION_OVERRUN);
        final GreFlyweight gre = greOf(frame);
        final NhrpPacket packet = new NhrpPacket().wrap(new UnsafeBuffer(frame), gre.payloadOffset(), gre.payloadLength());
        assertEquals(DecodeStatus.NHRP_EXTENSION_TRUNCATED, packet.validate());
    }

    // ---------------------------------------------------------------------------------------------
    // Frames

    private static List<Case> cleanCases()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case(GRE_KEY_IPV4, greIpv4(), GRE_IPV4_PROTOCOLS));
        // An odd inner length, so the GRE checksum covers an odd number of bytes (RFC 1071 padding).
        cases.add(new Case(GRE_CHECKSUM_KEY_SEQUENCE,
            gre(true, TUNNEL_KEY, SEQUENCE, GreFlyweight.PROTOCOL_IPV4, innerUdp(33)), GRE_IPV4_PROTOCOLS));
        for (final int type : NHRP_TYPES)
        {
            // A Traffic Indication carries the start of a data packet, which tshark decodes as IPv4.
            final String protocols = type == Nhrp.TYPE_TRAFFIC_INDICATION ? GRE_NHRP_PROTOCOLS + ":ip:udp:data" : GRE_NHRP_PROTOCOLS;
            cases.add(new Case(nhrpName(type, false), greNhrp(type, false), protocols));
            if (type != Nhrp.TYPE_ERROR_INDICATION)
            {
                cases.add(new Case(nhrpName(type, true), greNhrp(type, true), protocols));
            }
        }
        // The TestFrames reply sets A and D together, so a swap of those two bits would go unseen.
        cases.add(new Case(AUTHORITATIVE_ONLY_REPLY, gre(false, TUNNEL_KEY, -1, GreFlyweight.PROTOCOL_NHRP,
            authoritativeOnlyReply()), GRE_NHRP_PROTOCOLS));
        return cases;
    }

    private static List<Case> brokenCases()
    {
        final List<Case> cases = new ArrayList<>();

        final byte[] badNhrpChecksum = greNhrp(Nhrp.TYPE_REGISTRATION_REQUEST, false);
        final int nhrpChecksum = greOf(badNhrpChecksum).payloadOffset() + NhrpPacket.CHECKSUM_OFFSET;
        flipLowBit(badNhrpChecksum, nhrpChecksum);
        cases.add(new Case(BAD_NHRP_CHECKSUM, badNhrpChecksum, GRE_NHRP_PROTOCOLS));

        final byte[] badGreChecksum = gre(true, TUNNEL_KEY, SEQUENCE, GreFlyweight.PROTOCOL_IPV4, innerUdp(33));
        flipLowBit(badGreChecksum, greOf(badGreChecksum).offset() + GreFlyweight.BASE_HEADER_LENGTH);
        cases.add(new Case(BAD_GRE_CHECKSUM, badGreChecksum, GRE_IPV4_PROTOCOLS));

        final byte[] badInnerChecksum = greIpv4();
        flipLowBit(badInnerChecksum, greOf(badInnerChecksum).payloadOffset() + Ipv4Flyweight.CHECKSUM_OFFSET);
        cases.add(new Case(BAD_INNER_IPV4_CHECKSUM, badInnerChecksum, GRE_IPV4_PROTOCOLS));

        // First extension (Responder Address) claims more bytes than the packet holds.
        final byte[] overrun = greNhrp(Nhrp.TYPE_RESOLUTION_REQUEST, true);
        final UnsafeBuffer buffer = new UnsafeBuffer(overrun);
        final GreFlyweight gre = greOf(overrun);
        final NhrpPacket packet = new NhrpPacket().wrap(buffer, gre.payloadOffset(), gre.payloadLength());
        assertEquals(DecodeStatus.OK, packet.validate());
        buffer.putShort(packet.extensionsOffset() + 2, (short)packet.packetSize(), ByteOrder.BIG_ENDIAN);
        packet.updateChecksum();
        cases.add(new Case(NHRP_EXTENSION_OVERRUN, overrun, GRE_NHRP_PROTOCOLS));
        return cases;
    }

    private static byte[] authoritativeOnlyReply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int size = new NhrpPacketWriter().wrap(buffer, 0, 128)
            .header(Nhrp.TYPE_RESOLUTION_REPLY, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(Nhrp.FLAG_RESOLUTION_Q | Nhrp.FLAG_RESOLUTION_A, REQUEST_ID, SPOKE_NBMA, SPOKE_TUNNEL, OTHER_SPOKE_HOST)
            .cie(Nhrp.CIE_SUCCESS, 24, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0, OTHER_SPOKE_NBMA, OTHER_SPOKE_TUNNEL)
            .finish();
        return Arrays.copyOf(buffer.byteArray(), size);
    }

    private static String nhrpName(final int type, final boolean withExtensions)
    {
        return "gre-nhrp-" + type + "-" + Nhrp.typeName(type).replace(' ', '-').toLowerCase(Locale.ROOT) +
            (withExtensions ? "-with-extensions" : "");
    }

    private static void flipLowBit(final byte[] frame, final int wordOffset)
    {
        // The low bit of a 16-bit checksum word: never turns one representation of zero into the other.
        frame[wordOffset + 1] ^= 1;
    }

    private static byte[] broken(final String name)
    {
        return find(BROKEN, name).frame();
    }

    private static Case find(final List<Case> cases, final String name)
    {
        return cases.stream().filter((c) -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static GreFlyweight greOf(final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(buffer, 0, frame.length);
        assertEquals(DecodeStatus.OK, ip.validate());
        final GreFlyweight gre = new GreFlyweight().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertEquals(DecodeStatus.OK, gre.validate());
        return gre;
    }

    // ---------------------------------------------------------------------------------------------
    // Expected fields, read with our own flyweights in the order tshark's tree shows them.

    /** Field name to its occurrences, in tree order, as tshark prints them with occurrence=a. */
    private static final class Expected
    {
        private final Map<String, List<String>> fields = new HashMap<>();

        void add(final String field, final Object value)
        {
            fields.computeIfAbsent(field, (f) -> new ArrayList<>()).add(String.valueOf(value));
        }

        String get(final String field)
        {
            return String.join(",", fields.getOrDefault(field, List.of()));
        }
    }

    private static Expected expectedFields(final byte[] frame)
    {
        final Expected expected = new Expected();
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final Ipv4Flyweight outer = expectIpv4(buffer, 0, frame.length, expected);
        assertEquals(Ipv4Flyweight.PROTOCOL_GRE, outer.protocol());

        final GreFlyweight gre = new GreFlyweight().wrap(buffer, outer.payloadOffset(), outer.payloadLength());
        assertEquals(DecodeStatus.OK, gre.validate());
        expected.add("gre.flags_and_version", hex(gre.flagsAndVersion(), 4));
        expected.add("gre.proto", hex(gre.protocolType(), 4));
        if (gre.hasChecksum())
        {
            expected.add("gre.checksum", hex(gre.checksum(), 4));
            expected.add("gre.checksum.status", gre.verifyChecksum() ? GOOD : BAD);
        }
        if (gre.hasKey())
        {
            expected.add("gre.key", hex(gre.key(), 8));
        }
        if (gre.hasSequence())
        {
            expected.add("gre.sequence_number", gre.sequence());
        }

        switch (gre.protocolType())
        {
            case GreFlyweight.PROTOCOL_IPV4 -> expectIpv4(buffer, gre.payloadOffset(), gre.payloadLength(), expected);
            case GreFlyweight.PROTOCOL_NHRP -> expectNhrp(buffer, gre.payloadOffset(), gre.payloadLength(), expected);
            default -> fail("no GRE payload of type " + hex(gre.protocolType(), 4) + " in these frames");
        }
        return expected;
    }

    private static Ipv4Flyweight expectIpv4(final UnsafeBuffer buffer, final int offset, final int length, final Expected expected)
    {
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(buffer, offset, length);
        assertEquals(DecodeStatus.OK, ip.validate());
        expected.add("ip.version", ip.version());
        expected.add("ip.hdr_len", ip.headerLength());
        expected.add("ip.dsfield", hex(ip.tos(), 2));
        expected.add("ip.len", ip.totalLength());
        expected.add("ip.id", hex(ip.identification(), 4));
        // tshark's ip.flags is the top three bits of the word, shifted down (DF is 0x02).
        expected.add("ip.flags", hex(ip.flagsAndFragmentOffset() >>> 13, 2));
        expected.add("ip.ttl", ip.ttl());
        expected.add("ip.proto", ip.protocol());
        expected.add("ip.checksum", hex(ip.checksum(), 4));
        expected.add("ip.checksum.status", ip.verifyChecksum() ? GOOD : BAD);
        expected.add("ip.src", address(ip.source()));
        expected.add("ip.dst", address(ip.destination()));
        return ip;
    }

    private static void expectNhrp(final UnsafeBuffer buffer, final int offset, final int length, final Expected expected)
    {
        final NhrpPacket packet = new NhrpPacket().wrap(buffer, offset, length);
        assertEquals(DecodeStatus.OK, packet.validate());
        final int type = packet.type();

        expected.add("nhrp.hdr.afn", hex(packet.afn(), 4));
        expected.add("nhrp.hdr.pro.type", hex(packet.protocolType(), 4));
        expected.add("nhrp.hdr.hopcnt", packet.hopCount());
        expected.add("nhrp.hdr.pktsz", packet.packetSize());
        expected.add("nhrp.hdr.chksum", hex(packet.checksum(), 4));
        expected.add("nhrp.hdr.chksum.status", packet.verifyChecksum() ? GOOD : BAD);
        expected.add("nhrp.hdr.extoff", packet.extensionOffset());
        expected.add("nhrp.hdr.version", packet.version());
        expected.add("nhrp.hdr.op.type", type);
        expected.add("nhrp.hdr.shtl", packet.sourceNbmaLength());
        // No getter: validate() insists on 0, and tshark must see the byte at the same place.
        expected.add("nhrp.hdr.sstl", buffer.getByte(offset + NhrpPacket.SOURCE_SUBADDRESS_TL_OFFSET) & 0xFF);

        expected.add("nhrp.src.prot.len", packet.sourceProtocolLength());
        expected.add("nhrp.dst.prot.len", packet.destinationProtocolLength());
        if (Nhrp.hasCies(type))
        {
            expectFlags(type, packet.flags(), expected);
            expected.add("nhrp.reqid", hex(packet.requestId(), 8));
        }
        else if (type == Nhrp.TYPE_ERROR_INDICATION)
        {
            expected.add("nhrp.err.code", packet.errorCode());
            expected.add("nhrp.err.offset", packet.errorOffset());
        }
        if (packet.sourceNbmaLength() > 0)
        {
            expected.add("nhrp.src.nbma.addr", address(packet.sourceNbma()));
        }
        if (packet.sourceProtocolLength() > 0)
        {
            expected.add("nhrp.src.prot.addr", address(packet.sourceProtocol()));
        }
        if (packet.destinationProtocolLength() > 0)
        {
            expected.add("nhrp.dst.prot.addr", address(packet.destinationProtocol()));
        }

        switch (type)
        {
            case Nhrp.TYPE_ERROR_INDICATION -> expectNhrp(buffer, packet.bodyOffset(), packet.bodyLength(), expected);
            case Nhrp.TYPE_TRAFFIC_INDICATION -> expectIpv4(buffer, packet.bodyOffset(), packet.bodyLength(), expected);
            default ->
            {
                final NhrpCieFlyweight cie = new NhrpCieFlyweight();
                int cieOffset = packet.bodyOffset();
                for (int i = 0; i < packet.cieCount(); i++)
                {
                    expectCie(cie.wrap(buffer, cieOffset), expected);
                    cieOffset += cie.length();
                }
            }
        }

        final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
        int extensionOffset = packet.extensionsOffset();
        for (int i = 0; i < packet.extensionCount(); i++)
        {
            expectExtension(buffer, extension.wrap(buffer, extensionOffset), expected);
            extensionOffset = extension.nextOffset();
        }
    }

    /**
     * tshark names the flag bits per packet type, as RFC 2332 defines them: the same bit 0x8000
     * is Q in a resolution, U in a registration and N in a purge.
     */
    private static void expectFlags(final int type, final int flags, final Expected expected)
    {
        expected.add("nhrp.flags", hex(flags, 4));
        switch (type)
        {
            case Nhrp.TYPE_RESOLUTION_REQUEST, Nhrp.TYPE_RESOLUTION_REPLY ->
            {
                expected.add("nhrp.flag.q", bit(flags, Nhrp.FLAG_RESOLUTION_Q));
                expected.add("nhrp.flag.a", bit(flags, Nhrp.FLAG_RESOLUTION_A));
                expected.add("nhrp.flag.d", bit(flags, Nhrp.FLAG_RESOLUTION_D));
                expected.add("nhrp.flag.u", bit(flags, Nhrp.FLAG_RESOLUTION_U));
                expected.add("nhrp.flag.s", bit(flags, Nhrp.FLAG_RESOLUTION_S));
            }
            case Nhrp.TYPE_REGISTRATION_REQUEST, Nhrp.TYPE_REGISTRATION_REPLY ->
                expected.add("nhrp.flag.u", bit(flags, Nhrp.FLAG_REGISTRATION_U));
            default -> expected.add("nhrp.flag.n", bit(flags, Nhrp.FLAG_PURGE_N));
        }
        expected.add("nhrp.flag.nat", bit(flags, Nhrp.FLAG_CISCO_NAT));
    }

    private static void expectCie(final NhrpCieFlyweight cie, final Expected expected)
    {
        expected.add("nhrp.code", cie.code());
        expected.add("nhrp.prefix", cie.prefixLength());
        expected.add("nhrp.mtu", cie.mtu());
        expected.add("nhrp.htime", cie.holdingTimeS());
        expected.add("nhrp.cli.addr_tl", cie.clientNbmaLength());
        expected.add("nhrp.cli.saddr_tl", cie.clientSubaddressLength());
        expected.add("nhrp.prot.len", cie.clientProtocolLength());
        expected.add("nhrp.pref", cie.preference());
        if (cie.clientNbmaLength() > 0)
        {
            expected.add("nhrp.client.nbma.addr", address(cie.clientNbma()));
        }
        if (cie.clientProtocolLength() > 0)
        {
            expected.add("nhrp.client.prot.addr", address(cie.clientProtocol()));
        }
    }

    private static void expectExtension(final UnsafeBuffer buffer, final NhrpExtensionFlyweight extension, final Expected expected)
    {
        expected.add("nhrp.ext.c", extension.isCompulsory() ? 1 : 0);
        expected.add("nhrp.ext.type", hex(extension.type(), 4));
        expected.add("nhrp.ext.len", extension.length());
        switch (extension.type())
        {
            case Nhrp.EXTENSION_RESPONDER_ADDRESS,
                 Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD,
                 Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD,
                 Nhrp.EXTENSION_CISCO_NAT_ADDRESS ->
            {
                final NhrpCieFlyweight cie = new NhrpCieFlyweight();
                for (int offset = extension.valueOffset(); offset < extension.nextOffset(); offset += cie.length())
                {
                    expectCie(cie.wrap(buffer, offset), expected);
                }
            }
            case Nhrp.EXTENSION_AUTHENTICATION ->
            {
                // tshark 4.0 reads the value in RFC 2332's layout (reserved 2, SPI 2, source address 4,
                // data), not Cisco's cleartext one (type 4, password): the type splits into reserved
                // and SPI, the password's first four bytes show as an address and the rest as data.
                assertTrue(extension.authenticationMatches(PASSWORD));
                final int authenticationType = extension.authenticationType();
                expected.add("nhrp.auth_ext.reserved", authenticationType >>> 16);
                expected.add("nhrp.auth_ext.spi", authenticationType & 0xFFFF);
                expected.add("nhrp.auth_ext.src_addr", address(buffer.getInt(extension.valueOffset() + 4, ByteOrder.BIG_ENDIAN)));
                final byte[] data = new byte[extension.nextOffset() - extension.valueOffset() - 8];
                buffer.getBytes(extension.valueOffset() + 8, data);
                expected.add("nhrp.auth_ext.data", HexFormat.of().formatHex(data));
            }
            default -> assertEquals(Nhrp.EXTENSION_END, extension.type(), "no other extension in these frames");
        }
    }

    private static void assertDecodedAsExpected(final String name, final Expected expected)
    {
        final Map<String, String> decoded = decoded(name);
        // assertAll reports every field that differs, not just the first.
        assertAll(name, Arrays.stream(DECODED_FIELDS).map((field) -> (Executable)() ->
            assertEquals(expected.get(field), decoded.get(field), field)));
    }

    // ---------------------------------------------------------------------------------------------
    // tshark

    /** What tshark prints for each frame, after {@link Tshark#FRAME_NUMBER}. */
    private static List<String> fieldNames()
    {
        final List<String> names = new ArrayList<>(List.of(PROTOCOLS));
        names.addAll(Arrays.asList(DECODED_FIELDS));
        names.addAll(List.of(MALFORMED, SEVERITY, EXPERT_MESSAGE));
        return names;
    }

    private static Map<String, String> decoded(final String name)
    {
        final Map<String, String> decoded = DECODED.get(name);
        assertNotNull(decoded, () -> "no frame named " + name);
        return decoded;
    }

    // ---------------------------------------------------------------------------------------------
    // Formats tshark uses for -T fields

    private static String hex(final long value, final int digits)
    {
        return String.format("0x%0" + digits + "x", value);
    }

    private static int bit(final int flags, final int mask)
    {
        return (flags & mask) != 0 ? 1 : 0;
    }

    private static String address(final int address)
    {
        return Ipv4Address.toString(address);
    }
}
