package net.dmvpnhub.wire.eigrp;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.Tshark;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every EIGRP sample ({@link EigrpSamples}) in IPv4 as a router sends it (protocol 88, to
 * 224.0.0.10 with TTL 1 and precedence 6), decoded by Wireshark's dissector, which other people
 * wrote from RFC 7868 and captures of Cisco routers: each field tshark prints must be what our
 * flyweights read, every checksum good, nothing malformed or warned of (the goodbye's one note
 * names it). A copy with a corrupted checksum is the negative control.
 */
class EigrpTsharkCrossCheckTest
{
    private static final List<String> FIELDS = List.of("ip.proto", "eigrp.version", "eigrp.opcode", "eigrp.checksum.status", "eigrp.flags",
        "eigrp.seq", "eigrp.ack", "eigrp.as", "eigrp.tlv_type", "eigrp.tlv.len", "eigrp.par.k1", "eigrp.par.k3", "eigrp.par.holdtime",
        "eigrp.stub_options", "eigrp.next_mcast_seq", "eigrp.seq.ipv4addr", "eigrp.ipv4.nexthop", "eigrp.ipv4.prefixlen",
        "eigrp.ipv4.destination", "eigrp.old_metric.delay", "eigrp.old_metric.bw", "eigrp.old_metric.mtu", "eigrp.old_metric.hopcount",
        "eigrp.old_metric.rel", "eigrp.old_metric.load", "_ws.malformed", "_ws.expert.message");
    private static final Map<String, byte[]> PACKETS = new LinkedHashMap<>();
    private static final Map<String, Map<String, String>> DECODED = new LinkedHashMap<>();

    @BeforeAll
    static void decodeEverySample(@TempDir final Path directory) throws Exception
    {
        EigrpSamples.all().forEach((name, eigrp) -> PACKETS.put(name, inIpv4(eigrp)));
        final byte[] corrupted = EigrpSamples.hello();
        corrupted[30] ^= 1;
        PACKETS.put("corrupted-checksum", inIpv4(corrupted));
        if (Tshark.isInstalled())
        {
            final List<String> names = new ArrayList<>(PACKETS.keySet());
            DECODED.putAll(Tshark.decode(directory, names, name -> name, PACKETS::get, List.of(), FIELDS));
        }
    }

    private static byte[] inIpv4(final byte[] eigrp)
    {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[Ipv4Flyweight.MIN_HEADER_LENGTH + eigrp.length]);
        new Ipv4Flyweight().wrap(packet, 0, packet.capacity()).writeHeader(Eigrp.TOS, packet.capacity(), 1, 0, 1, Eigrp.IP_PROTOCOL,
            Ipv4Address.parse("10.0.0.2"), Eigrp.ALL_ROUTERS);
        packet.putBytes(Ipv4Flyweight.MIN_HEADER_LENGTH, eigrp);
        return packet.byteArray();
    }

    @BeforeEach
    void skipWithoutTshark()
    {
        Tshark.assumeInstalled();
    }

    /** What tshark must print for a packet, derived by walking it with our flyweights. */
    private static Map<String, String> expected(final byte[] frame)
    {
        final EigrpPacket packet = new EigrpPacket().wrap(new UnsafeBuffer(frame), Ipv4Flyweight.MIN_HEADER_LENGTH,
            frame.length - Ipv4Flyweight.MIN_HEADER_LENGTH);
        assertEquals(DecodeStatus.OK, packet.validate());
        final Map<String, List<String>> fields = new LinkedHashMap<>();
        FIELDS.forEach(field -> fields.put(field, new ArrayList<>()));
        fields.get("ip.proto").add("88");
        fields.get("eigrp.version").add("2");
        fields.get("eigrp.opcode").add(Integer.toString(packet.opcode()));
        fields.get("eigrp.checksum.status").add("1");
        fields.get("eigrp.flags").add(String.format("0x%08x", packet.flags()));
        fields.get("eigrp.seq").add(Long.toString(packet.sequence()));
        fields.get("eigrp.ack").add(Long.toString(packet.ack()));
        fields.get("eigrp.as").add(Integer.toString(packet.autonomousSystem()));
        final EigrpTlvFlyweight tlv = new EigrpTlvFlyweight();
        for (int at = packet.firstTlvOffset(); at < packet.endOffset(); at = tlv.nextOffset())
        {
            tlv.wrap(packet.buffer(), at);
            fields.get("eigrp.tlv_type").add(String.format("0x%04x", tlv.type()));
            fields.get("eigrp.tlv.len").add(Integer.toString(tlv.length()));
            switch (tlv.type())
            {
                case Eigrp.TLV_PARAMETER ->
                {
                    fields.get("eigrp.par.k1").add(Integer.toString(tlv.k(1)));
                    fields.get("eigrp.par.k3").add(Integer.toString(tlv.k(3)));
                    fields.get("eigrp.par.holdtime").add(Integer.toString(tlv.holdTimeS()));
                    if (tlv.isGoodbye())
                    {
                        // tshark names the goodbye in a note: it recognised what we meant.
                        fields.get("_ws.expert.message").add("Peer Termination");
                    }
                }
                case Eigrp.TLV_STUB -> fields.get("eigrp.stub_options").add(String.format("0x%04x", tlv.stubFlags()));
                case Eigrp.TLV_NEXT_MULTICAST_SEQUENCE -> fields.get("eigrp.next_mcast_seq").add(Long.toString(tlv.nextMulticastSequence()));
                case Eigrp.TLV_SEQUENCE ->
                {
                    for (int i = 0; i < tlv.sequenceAddressCount(); i++)
                    {
                        fields.get("eigrp.seq.ipv4addr").add(Ipv4Address.toString(tlv.sequenceAddress(i)));
                    }
                }
                case Eigrp.TLV_IPV4_INTERNAL ->
                {
                    fields.get("eigrp.ipv4.nexthop").add(Ipv4Address.toString(tlv.nextHop()));
                    fields.get("eigrp.ipv4.prefixlen").add(Integer.toString(tlv.prefixLength()));
                    fields.get("eigrp.ipv4.destination").add(Ipv4Address.toString(tlv.destination()));
                    fields.get("eigrp.old_metric.delay").add(Long.toString(tlv.scaledDelay()));
                    fields.get("eigrp.old_metric.bw").add(Long.toString(tlv.scaledBandwidth()));
                    fields.get("eigrp.old_metric.mtu").add(Integer.toString(tlv.mtu()));
                    fields.get("eigrp.old_metric.hopcount").add(Integer.toString(tlv.hopCount()));
                    fields.get("eigrp.old_metric.rel").add(Integer.toString(tlv.reliability()));
                    fields.get("eigrp.old_metric.load").add(Integer.toString(tlv.load()));
                }
                default ->
                {
                }
            }
        }
        final Map<String, String> expected = new LinkedHashMap<>();
        fields.forEach((field, values) -> expected.put(field, String.join(",", values)));
        return expected;
    }

    @Test
    void everySampleDissectsAsOurFlyweightsReadItWithAGoodChecksum()
    {
        for (final Map.Entry<String, byte[]> sample : PACKETS.entrySet())
        {
            if (sample.getKey().equals("corrupted-checksum"))
            {
                continue;
            }
            final Map<String, String> decoded = DECODED.get(sample.getKey());
            final Map<String, String> expected = expected(sample.getValue());
            assertAll(sample.getKey() + " " + decoded, expected.keySet().stream()
                .map(field -> () -> assertEquals(expected.get(field), decoded.get(field), field)));
        }
    }

    @Test
    void aCorruptedChecksumIsFlaggedBad()
    {
        assertEquals("0", DECODED.get("corrupted-checksum").get("eigrp.checksum.status"), "0: bad");
        assertTrue(DECODED.get("corrupted-checksum").get("_ws.expert.message").startsWith("Bad Checksum [should be 0x"),
            DECODED.get("corrupted-checksum").get("_ws.expert.message"));
    }
}
