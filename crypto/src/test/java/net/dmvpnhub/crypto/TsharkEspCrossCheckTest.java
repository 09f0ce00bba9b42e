package net.dmvpnhub.crypto;

import net.dmvpnhub.crypto.SecurityAssociation.Direction;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.Tshark;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static net.dmvpnhub.wire.Tshark.values;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Cross-checks ESP encryption against an independent decryptor: Wireshark's ESP dissector, run
 * as tshark with the SAs' keys.
 * <p>
 * The provider tests encrypt with one provider and decrypt with another, and check all three
 * produce the same bytes. That proves the providers agree with each other, and the published
 * GCM vectors prove the cipher, but not the ESP around it: an AAD, nonce, IV, ICV range, padding
 * or trailer laid out wrongly in {@link EspProcessor} or in the layout every engine shares is
 * wrong the same way for encrypt and decrypt, and for all three providers, so every round trip
 * passes. tshark was written by other people from RFC 4303, 4106, 3602 and 4868 and is used
 * against real routers: when it finds the ICV good, reads the sequence number, pad length and
 * next header we wrote, and decodes the decrypted payload as the GRE and the inner IPv4/UDP or
 * NHRP packet we put in, with their checksums good, a spoke's IPsec stack will accept the hub's
 * frames too.
 * <p>
 * The frames are those the hub sends: outer IPv4 (protocol 50) from the hub's NBMA address to a
 * spoke's, ESP in transport mode (next header 47), GRE with the tunnel key carrying an inner
 * IPv4/UDP packet or an NHRP Registration Reply. Each transform is encrypted by each provider
 * under its own SA (own SPI, own random keys), several packets per SA with sequence numbers
 * 1, 2, 3, ..., frames in heap and direct buffers alternately, payload sizes chosen so the pad
 * length takes several values. All frames go into one pcap and tshark runs once
 * ({@link Tshark#decode}) with an {@code esp_sa} table the test writes. ESN is not covered: ESP
 * does not carry the high sequence bits, and tshark cannot be told them.
 * <p>
 * Negative controls prove the checks can fail: a frame with one ICV bit flipped must be reported
 * bad, a frame encrypted under keys other than the table's must neither verify nor decode as
 * GRE, and, for CBC, a frame with the right HMAC key but a wrong AES key must verify yet still
 * not decode as GRE, so decoding GRE is a check on the cipher, not only on the ICV.
 * <p>
 * Field names and value formats are those of tshark 4.0 (Debian 12). The test is skipped when
 * tshark is not installed; CI installs it.
 */
class TsharkEspCrossCheckTest
{
    private static final int HUB_NBMA = Ipv4Address.parse("198.18.0.1");
    private static final int SPOKE_NBMA = Ipv4Address.parse("198.18.1.2");
    private static final int HUB_TUNNEL = Ipv4Address.parse("10.0.0.1");
    private static final int SPOKE_TUNNEL = Ipv4Address.parse("10.0.0.11");
    private static final int SPOKE_HOST = Ipv4Address.parse("192.168.11.10");
    private static final int OTHER_SPOKE_HOST = Ipv4Address.parse("192.168.12.20");
    private static final long TUNNEL_KEY = 999;
    private static final int REQUEST_ID = 0x1234;
    private static final int MTU = 1514;
    private static final int UDP_SOURCE_PORT = 5000;
    private static final int UDP_DESTINATION_PORT = 5678;

    private static final Transform[] TRANSFORMS = {Transform.AES_GCM_128, Transform.AES_GCM_192, Transform.AES_GCM_256, Transform.AES_256_CBC_HMAC_SHA256};
    /** In {@link #PACKETS}: the packet is the NHRP Registration Reply. */
    private static final int NHRP = -1;
    /**
     * What each SA's packets 1, 2, 3, ... carry: an inner UDP packet with that many payload bytes,
     * or NHRP. With GRE (8 bytes), inner IPv4 and UDP headers (28) and the 2 trailer bytes, the
     * UDP sizes give GCM every pad length 0 to 3 and CBC pad lengths from 0 to 15.
     */
    private static final int[] PACKETS = {32, 33, NHRP, 1, 250, 1403};

    private static final int OUTER_IP_LENGTH = 20;
    private static final int SLOT = 2048;

    /** ip.checksum.status and nhrp.hdr.chksum.status value for a verified checksum. */
    private static final String GOOD = "1";
    /** _ws.expert.severity of PI_WARNING. */
    private static final int SEVERITY_WARNING = 6291456;

    private static final String PROTOCOLS = "frame.protocols";
    private static final String MALFORMED = "_ws.malformed";
    private static final String SEVERITY = "_ws.expert.severity";
    private static final String EXPERT_MESSAGE = "_ws.expert.message";
    /** What tshark prints for each frame, after {@link Tshark#FRAME_NUMBER}. */
    private static final List<String> FIELDS = List.of(
        PROTOCOLS,
        "ip.src", "ip.dst", "ip.proto", "ip.checksum.status",
        "esp.spi", "esp.sequence", "esp.iv", "esp.pad_len", "esp.protocol", "esp.pad", "esp.icv", "esp.icv_good", "esp.icv_bad",
        "gre.flags_and_version", "gre.key", "gre.proto",
        "udp.srcport", "udp.dstport", "udp.length", "data.data",
        "nhrp.hdr.op.type", "nhrp.hdr.chksum.status", "nhrp.hdr.pktsz", "nhrp.reqid",
        "nhrp.src.nbma.addr", "nhrp.src.prot.addr", "nhrp.dst.prot.addr",
        MALFORMED, SEVERITY, EXPERT_MESSAGE);

    private static final String UDP_PROTOCOLS = "raw:ip:esp:gre:ip:udp:data";
    private static final String NHRP_PROTOCOLS = "raw:ip:esp:gre:nhrp";

    /** What went into the GRE packet, so each frame's expectations can be stated. */
    private enum Payload
    {
        UDP, NHRP
    }

    /** What a negative control did to its frame. */
    private enum Control
    {
        NONE, FLIPPED_ICV_BIT, WRONG_KEYS, WRONG_CIPHER_KEY
    }

    /**
     * One SA of the table tshark gets: {@code tableKey} is what the table holds, {@code sendKey}
     * what the frames were encrypted with (different only for the wrong-key controls).
     */
    private record Sa(String name, CryptoProvider provider, Transform transform, int spi, byte[] tableKey, byte[] sendKey)
    {
    }

    /**
     * One frame: its SA, sequence number, what the GRE packet carries, the bytes of the GRE
     * packet (the ESP payload) and of the whole frame.
     */
    private record Frame(String name, Sa sa, long sequence, Payload payload, byte[] inner, byte[] gre, byte[] frame, Control control)
    {
    }

    private static final List<Sa> SAS = new ArrayList<>();
    private static final List<Frame> FRAMES = new ArrayList<>();
    private static final Map<String, Map<String, String>> DECODED = new HashMap<>();

    static
    {
        buildFrames();
    }

    @BeforeAll
    static void decryptAllFramesWithTshark(@TempDir final Path directory) throws Exception
    {
        // Skipped per test below, not here (see Tshark.assumeInstalled).
        if (Tshark.isInstalled())
        {
            DECODED.putAll(Tshark.decode(directory, FRAMES, Frame::name, Frame::frame, tsharkOptions(), FIELDS));
        }
    }

    @BeforeEach
    void skipWithoutTshark()
    {
        Tshark.assumeInstalled();
    }

    static Stream<String> cleanFrames()
    {
        return FRAMES.stream().filter((f) -> f.control() == Control.NONE).map(Frame::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleanFrames")
    void tsharkVerifiesTheIcvAndReadsTheEspHeaderAndTrailerWeWrote(final String name)
    {
        final Frame frame = frame(name);
        final Map<String, String> decoded = decoded(name);
        final Transform transform = frame.sa().transform();

        assertAll(name,
            () -> assertEquals(hex(frame.sa().spi() & 0xFFFF_FFFFL, 8), decoded.get("esp.spi"), "esp.spi"),
            () -> assertEquals(Long.toString(frame.sequence()), decoded.get("esp.sequence"), "esp.sequence"),
            () -> assertEquals("1", decoded.get("esp.icv_good"), "esp.icv_good"),
            () -> assertEquals("0", decoded.get("esp.icv_bad"), "esp.icv_bad"),
            () -> assertEquals(HexFormat.of().formatHex(icvOf(frame)), decoded.get("esp.icv"), "esp.icv"),
            () -> assertEquals(Integer.toString(expectedPadLength(frame)), decoded.get("esp.pad_len"), "esp.pad_len"),
            () -> assertEquals(hex(Ipv4Flyweight.PROTOCOL_GRE, 2), decoded.get("esp.protocol"), "esp.protocol"),
            () -> assertEquals(expectedPad(frame), decoded.get("esp.pad"), "esp.pad"),
            () -> assertEquals(frame.payload() == Payload.UDP ? Ipv4Flyweight.PROTOCOL_ESP + "," + Ipv4Flyweight.PROTOCOL_UDP :
                Integer.toString(Ipv4Flyweight.PROTOCOL_ESP), decoded.get("ip.proto"), "ip.proto"));
        if (transform.isAead())
        {
            // RFC 4106 section 3.1: the hub's GCM IV is the 64-bit sequence number, unique per key.
            assertEquals(String.format("%016x", frame.sequence()), decoded.get("esp.iv"), "esp.iv");
        }
        else
        {
            assertEquals(transform.ivLength() * 2, decoded.get("esp.iv").length(), "esp.iv");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleanFrames")
    void tsharkDecryptsTheGrePacketWePutIn(final String name)
    {
        final Frame frame = frame(name);
        final Map<String, String> decoded = decoded(name);

        // The protocol chain proves tshark decrypted and dissected the payload, not just dumped it.
        assertEquals(frame.payload() == Payload.UDP ? UDP_PROTOCOLS : NHRP_PROTOCOLS, decoded.get(PROTOCOLS));
        assertEquals("", decoded.get(MALFORMED), () -> "malformed: " + decoded.get(EXPERT_MESSAGE));
        for (final String severity : values(decoded, SEVERITY))
        {
            assertTrue(Integer.parseInt(severity) < SEVERITY_WARNING,
                () -> "expert info at warning or above: " + decoded.get(EXPERT_MESSAGE));
        }
        assertEquals(hex(GreFlyweight.FLAG_KEY, 4), decoded.get("gre.flags_and_version"));
        assertEquals(hex(TUNNEL_KEY, 8), decoded.get("gre.key"));
        switch (frame.payload())
        {
            case UDP ->
            {
                assertEquals(hex(GreFlyweight.PROTOCOL_IPV4, 4), decoded.get("gre.proto"));
                assertEquals(address(HUB_NBMA) + "," + address(SPOKE_HOST), decoded.get("ip.src"));
                assertEquals(address(SPOKE_NBMA) + "," + address(OTHER_SPOKE_HOST), decoded.get("ip.dst"));
                assertEquals(GOOD + "," + GOOD, decoded.get("ip.checksum.status"));
                assertEquals(Integer.toString(UDP_SOURCE_PORT), decoded.get("udp.srcport"));
                assertEquals(Integer.toString(UDP_DESTINATION_PORT), decoded.get("udp.dstport"));
                final int udpPayloadLength = frame.inner().length - 28;
                assertEquals(Integer.toString(8 + udpPayloadLength), decoded.get("udp.length"));
                // Every byte of the UDP payload, as tshark decrypted it.
                assertEquals(HexFormat.of().formatHex(frame.inner(), 28, frame.inner().length), decoded.get("data.data"));
            }
            case NHRP ->
            {
                assertEquals(hex(GreFlyweight.PROTOCOL_NHRP, 4), decoded.get("gre.proto"));
                assertEquals(address(HUB_NBMA), decoded.get("ip.src"));
                assertEquals(address(SPOKE_NBMA), decoded.get("ip.dst"));
                assertEquals(Integer.toString(Nhrp.TYPE_REGISTRATION_REPLY), decoded.get("nhrp.hdr.op.type"));
                // The NHRP checksum covers the whole packet: every byte was decrypted right.
                assertEquals(GOOD, decoded.get("nhrp.hdr.chksum.status"));
                assertEquals(Integer.toString(frame.inner().length), decoded.get("nhrp.hdr.pktsz"));
                assertEquals(hex(REQUEST_ID, 8), decoded.get("nhrp.reqid"));
                assertEquals(address(SPOKE_NBMA), decoded.get("nhrp.src.nbma.addr"));
                assertEquals(address(SPOKE_TUNNEL), decoded.get("nhrp.src.prot.addr"));
                assertEquals(address(HUB_TUNNEL), decoded.get("nhrp.dst.prot.addr"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("net.dmvpnhub.crypto.CryptoProviderTest#availableProviders")
    void everyTransformOfEveryProviderWasDecryptedForEverySequenceNumberAndPadLength(final CryptoProvider provider)
    {
        for (final Transform transform : TRANSFORMS)
        {
            final List<String> sequences = FRAMES.stream()
                .filter((f) -> f.control() == Control.NONE && f.sa().provider() == provider && f.sa().transform() == transform)
                .map((f) -> decoded(f.name()))
                .filter((d) -> "1".equals(d.get("esp.icv_good")) && d.get(PROTOCOLS).contains(":gre:"))
                .map((d) -> d.get("esp.sequence"))
                .toList();
            final List<String> expected = new ArrayList<>();
            for (int i = 1; i <= PACKETS.length; i++)
            {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, sequences, provider + " " + transform);

            final Set<String> padLengths = FRAMES.stream()
                .filter((f) -> f.control() == Control.NONE && f.sa().provider() == provider && f.sa().transform() == transform)
                .map((f) -> decoded(f.name()).get("esp.pad_len"))
                .collect(Collectors.toCollection(TreeSet::new));
            if (transform.isAead())
            {
                assertEquals(Set.of("0", "1", "2", "3"), padLengths, "every GCM pad length was seen");
            }
            else
            {
                assertTrue(padLengths.containsAll(Set.of("0", "15")), "CBC pad lengths " + padLengths);
            }
        }
    }

    static Stream<String> flippedIcvFrames()
    {
        return controls(Control.FLIPPED_ICV_BIT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flippedIcvFrames")
    void aFlippedIcvBitIsReportedBad(final String name)
    {
        final Frame frame = frame(name);
        final Map<String, String> decoded = decoded(name);
        assertEquals(hex(frame.sa().spi() & 0xFFFF_FFFFL, 8), decoded.get("esp.spi"));
        assertEquals(Long.toString(frame.sequence()), decoded.get("esp.sequence"));
        assertEquals(HexFormat.of().formatHex(icvOf(frame)), decoded.get("esp.icv"), "tshark sees the flipped ICV");
        assertEquals("0", decoded.get("esp.icv_good"));
        assertEquals("1", decoded.get("esp.icv_bad"));
    }

    static Stream<String> wrongKeyFrames()
    {
        return controls(Control.WRONG_KEYS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongKeyFrames")
    void aFrameUnderOtherKeysNeitherVerifiesNorDecodesAsGre(final String name)
    {
        final Map<String, String> decoded = decoded(name);
        assertEquals("0", decoded.get("esp.icv_good"));
        assertEquals("1", decoded.get("esp.icv_bad"));
        assertNotGre(decoded);
    }

    @Test
    void aCbcFrameWithTheRightHmacKeyButAnotherAesKeyVerifiesYetDoesNotDecodeAsGre()
    {
        final List<String> names = controls(Control.WRONG_CIPHER_KEY).toList();
        assertEquals(1, names.size());
        final Map<String, String> decoded = decoded(names.getFirst());
        assertEquals("1", decoded.get("esp.icv_good"));
        assertEquals("0", decoded.get("esp.icv_bad"));
        assertNotGre(decoded);
    }

    private static void assertNotGre(final Map<String, String> decoded)
    {
        assertFalse(decoded.get(PROTOCOLS).contains("gre"), decoded.get(PROTOCOLS));
        assertEquals("", decoded.get("gre.key"));
        assertNotEquals(hex(Ipv4Flyweight.PROTOCOL_GRE, 2), decoded.get("esp.protocol"));
    }

    private static Stream<String> controls(final Control control)
    {
        return FRAMES.stream().filter((f) -> f.control() == control).map(Frame::name);
    }

    // ---------------------------------------------------------------------------------------------
    // Frames

    private static void buildFrames()
    {
        final SplittableRandom random = new SplittableRandom(0x5EED_E5B0L);
        int spi = 0x0100_0000;
        for (final Transform transform : TRANSFORMS)
        {
            for (final CryptoProvider provider : CryptoProvider.available())
            {
                final byte[] key = key(transform, random);
                SAS.add(new Sa(provider.shortName() + "-" + transform.name(), provider, transform, ++spi, key, key));
            }
        }

        // Packets of the SAs interleaved, as a hub sends to several spokes: all sequence 1s, then 2s, ...
        final EspProcessor processor = new EspProcessor();
        final Map<Sa, SecurityAssociation> outbound = new LinkedHashMap<>();
        try
        {
            for (final Sa sa : SAS)
            {
                outbound.put(sa, outbound(sa));
            }
            for (int i = 0; i < PACKETS.length; i++)
            {
                final Payload payload = PACKETS[i] == NHRP ? Payload.NHRP : Payload.UDP;
                final byte[] inner = payload == Payload.UDP ? innerUdp(PACKETS[i]) : registrationReply();
                for (final Sa sa : SAS)
                {
                    final SecurityAssociation out = outbound.get(sa);
                    final long sequence = out.nextSequence();
                    final byte[] gre = gre(payload == Payload.UDP ? GreFlyweight.PROTOCOL_IPV4 : GreFlyweight.PROTOCOL_NHRP, inner);
                    final byte[] frame = encrypt(processor, out, gre, (i & 1) == 0);
                    FRAMES.add(new Frame(sa.name() + "-seq-" + sequence, sa, sequence, payload, inner, gre, frame, Control.NONE));
                }
            }
        }
        finally
        {
            outbound.values().forEach(SecurityAssociation::close);
        }

        // Negative controls, each under an SA of its own in the table.
        for (final Transform transform : TRANSFORMS)
        {
            final CryptoProvider provider = CryptoProvider.available().get(transform.ordinal() % CryptoProvider.available().size());
            final byte[] key = key(transform, random);
            final Sa flipped = new Sa("flipped-icv-" + transform.name(), provider, transform, ++spi, key, key);
            final Frame genuine = control(processor, flipped, Control.FLIPPED_ICV_BIT);
            final byte[] frame = genuine.frame();
            // The lowest bit of the last ICV byte.
            frame[frame.length - 1] ^= 1;

            final Sa wrongKeys = new Sa("wrong-keys-" + transform.name(), provider, transform, ++spi, key, key(transform, random));
            control(processor, wrongKeys, Control.WRONG_KEYS);

            if (!transform.isAead())
            {
                final byte[] sendKey = key.clone();
                // Another AES key, the same HMAC key.
                sendKey[0] ^= 1;
                final Sa wrongCipherKey = new Sa("wrong-cipher-key-" + transform.name(), provider, transform, ++spi, key, sendKey);
                control(processor, wrongCipherKey, Control.WRONG_CIPHER_KEY);
            }
        }
    }

    private static Frame control(final EspProcessor processor, final Sa sa, final Control control)
    {
        SAS.add(sa);
        final byte[] inner = innerUdp(PACKETS[0]);
        final byte[] gre = gre(GreFlyweight.PROTOCOL_IPV4, inner);
        try (SecurityAssociation out = outbound(sa))
        {
            final Frame frame = new Frame(sa.name(), sa, 1, Payload.UDP, inner, gre, encrypt(processor, out, gre, false), control);
            FRAMES.add(frame);
            return frame;
        }
    }

    /**
     * @return an outbound SA encrypting with the keys the frames are sent under, ESN off.
     */
    private static SecurityAssociation outbound(final Sa sa)
    {
        return SecurityAssociation.create(sa.provider(), sa.transform(), sa.sendKey(), sa.spi(), Direction.OUTBOUND, false);
    }

    /**
     * Lays the GRE packet into a frame slot as the dataplane does (room for the outer IPv4 and
     * ESP headers before it, for the trailer and ICV after it), encrypts it in place and writes the
     * outer IPv4 header in front of the ESP packet.
     *
     * @return the frame: outer IPv4 header to ICV.
     */
    private static byte[] encrypt(final EspProcessor processor, final SecurityAssociation sa, final byte[] gre, final boolean direct)
    {
        final MutableDirectBuffer buffer = direct ? new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT)) : new UnsafeBuffer(new byte[SLOT]);
        final int payloadOffset = OUTER_IP_LENGTH + sa.transform().headerOverhead();
        buffer.putBytes(payloadOffset, gre);
        assertEquals(EspStatus.OK, processor.encrypt(sa, buffer, payloadOffset, gre.length, SLOT));
        final int espOffset = processor.espOffset();
        final int espLength = processor.espLength();
        assertEquals(OUTER_IP_LENGTH, espOffset);
        final int total = OUTER_IP_LENGTH + espLength;
        new Ipv4Flyweight().wrap(buffer, 0, total)
            .writeHeader(0, total, 0x0100, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, HUB_NBMA, SPOKE_NBMA);
        final byte[] frame = new byte[total];
        buffer.getBytes(0, frame);
        return frame;
    }

    private static byte[] key(final Transform transform, final SplittableRandom random)
    {
        final byte[] key = new byte[transform.keyMaterialLength()];
        random.nextBytes(key);
        return key;
    }

    /**
     * GRE with key 999 and no checksum or sequence number, as DMVPN tunnels run.
     */
    private static byte[] gre(final int protocolType, final byte[] payload)
    {
        final int headerLength = GreFlyweight.headerLength(GreFlyweight.FLAG_KEY);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[headerLength + payload.length]);
        new GreFlyweight().wrap(buffer, 0, buffer.capacity()).writeHeader(false, protocolType, TUNNEL_KEY, -1);
        buffer.putBytes(headerLength, payload);
        return buffer.byteArray();
    }

    /**
     * An IPv4/UDP packet from a host behind one spoke to a host behind another, forwarded by the hub.
     */
    private static byte[] innerUdp(final int payloadLength)
    {
        final int total = 20 + 8 + payloadLength;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[total]);
        new Ipv4Flyweight().wrap(buffer, 0, total)
            .writeHeader(0, total, 0x4242, Ipv4Flyweight.FLAG_DONT_FRAGMENT, 63, Ipv4Flyweight.PROTOCOL_UDP, SPOKE_HOST, OTHER_SPOKE_HOST);
        buffer.putShort(20, (short)UDP_SOURCE_PORT, ByteOrder.BIG_ENDIAN);
        buffer.putShort(22, (short)UDP_DESTINATION_PORT, ByteOrder.BIG_ENDIAN);
        buffer.putShort(24, (short)(8 + payloadLength), ByteOrder.BIG_ENDIAN);
        buffer.putShort(26, (short)0);
        for (int i = 0; i < payloadLength; i++)
        {
            buffer.putByte(28 + i, (byte)(i * 7 + payloadLength));
        }
        return buffer.byteArray();
    }

    /**
     * The hub's Registration Reply to a spoke behind NAT: one CIE, then the Responder Address
     * (the hub) and End extensions.
     */
    private static byte[] registrationReply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int size = new NhrpPacketWriter().wrap(buffer, 0, 256)
            .header(Nhrp.TYPE_REGISTRATION_REPLY, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, REQUEST_ID, SPOKE_NBMA, SPOKE_TUNNEL, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0)
            .openExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, true)
            .cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0, HUB_NBMA, HUB_TUNNEL)
            .closeExtension()
            .endExtensions()
            .finish();
        return Arrays.copyOf(buffer.byteArray(), size);
    }

    /**
     * The pad length RFC 4303 section 2.4 asks for: the fewest bytes that make GRE packet, padding,
     * pad length and next header a multiple of the alignment, worked out here rather than taken
     * from the code under test.
     */
    private static int expectedPadLength(final Frame frame)
    {
        final int alignment = frame.sa().transform().alignment();
        int padLength = 0;
        while ((frame.gre().length + padLength + 2) % alignment != 0)
        {
            padLength++;
        }
        return padLength;
    }

    /**
     * @return the padding bytes 1, 2, 3, ... as tshark prints them, empty when there are none.
     */
    private static String expectedPad(final Frame frame)
    {
        final byte[] pad = new byte[expectedPadLength(frame)];
        for (int i = 0; i < pad.length; i++)
        {
            pad[i] = (byte)(i + 1);
        }
        return HexFormat.of().formatHex(pad);
    }

    private static byte[] icvOf(final Frame frame)
    {
        final byte[] bytes = frame.frame();
        return Arrays.copyOfRange(bytes, bytes.length - frame.sa().transform().icvLength(), bytes.length);
    }

    private static Frame frame(final String name)
    {
        return FRAMES.stream().filter((f) -> f.name().equals(name)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------------------------------------
    // tshark

    /**
     * The options of the tshark run: checksums verified, ESP decrypted and its ICV checked, with
     * every SA in the {@code esp_sa} table.
     */
    private static List<String> tsharkOptions()
    {
        final List<String> options = new ArrayList<>(List.of(
            "-o", "ip.check_checksum:TRUE",
            "-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE"));
        for (final Sa sa : SAS)
        {
            options.add("-o");
            options.add("uat:esp_sa:" + espSaEntry(sa));
        }
        return options;
    }

    /** The SA's row of Wireshark's {@code esp_sa} table: the frames go from the hub to the spoke. */
    private static String espSaEntry(final Sa sa)
    {
        return WiresharkEspSa.row(sa.transform(), HUB_NBMA, SPOKE_NBMA, sa.spi(), sa.tableKey());
    }

    private static Map<String, String> decoded(final String name)
    {
        final Map<String, String> decoded = DECODED.get(name);
        assertNotNull(decoded, () -> "no frame named " + name);
        return decoded;
    }

    private static String hex(final long value, final int digits)
    {
        return String.format("0x%0" + digits + "x", value);
    }

    private static String address(final int address)
    {
        return Ipv4Address.toString(address);
    }
}
