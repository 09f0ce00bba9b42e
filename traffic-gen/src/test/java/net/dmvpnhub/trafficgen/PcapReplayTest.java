package net.dmvpnhub.trafficgen;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.PcapReader;
import net.dmvpnhub.wire.PcapWriter;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame crafted outside the hub, with keys from the hub's configuration (manual crypto maps),
 * replayed through a hub built from that configuration: it leaves to the right peer, encrypted
 * with the configured outbound key, and a frame with a wrong key is a named drop.
 */
class PcapReplayTest
{
    static final String KEY2_IN = "00112233445566778899aabbccddeeff01020304";
    static final String KEY2_OUT = "10112233445566778899aabbccddeeff11121314";
    static final String KEY3_IN = "20112233445566778899aabbccddeeff21222324";
    static final String KEY3_OUT = "30112233445566778899aabbccddeeff31323334";

    /**
     * A hub with manual keys (IOS's manual crypto map) for spokes 2 and 3, so that code outside the
     * project can build the frames it accepts; a route to a host behind spoke 3.
     */
    static final List<String> MANUAL_HUB = List.of(
        "hostname HUB",
        "crypto ipsec transform-set GCM esp-gcm 128",
        " mode transport",
        "crypto map MANUAL 10 ipsec-manual",
        " set peer 198.18.0.2",
        " set transform-set GCM",
        " set session-key inbound esp 4096 cipher " + KEY2_IN,
        " set session-key outbound esp 8192 cipher " + KEY2_OUT,
        "crypto map MANUAL 20 ipsec-manual",
        " set peer 198.18.0.3",
        " set transform-set GCM",
        " set session-key inbound esp 4097 cipher " + KEY3_IN,
        " set session-key outbound esp 8193 cipher " + KEY3_OUT,
        "crypto ipsec profile P",
        " set transform-set GCM",
        "interface GigabitEthernet1",
        " ip address 198.18.0.1 255.254.0.0",
        "interface Tunnel0",
        " ip address 10.0.0.1 255.255.0.0",
        " ip nhrp network-id 1",
        " ip nhrp map 10.0.0.2 198.18.0.2",
        " ip nhrp map 10.0.0.3 198.18.0.3",
        " tunnel source GigabitEthernet1",
        " tunnel mode gre multipoint",
        " tunnel key 7",
        " tunnel protection ipsec profile P",
        "ip route 192.168.3.0 255.255.255.0 10.0.0.3");

    @Test
    void aCraftedFrameLeavesToTheRightPeerWithTheConfiguredKeyAndAForgedOneIsANamedDrop(@TempDir final Path directory) throws Exception
    {
        final Path config = directory.resolve("hub.cfg");
        Files.write(config, MANUAL_HUB);

        // Spoke 2 sends to a host behind spoke 3, through the hub; then a frame under a wrong key.
        final Path in = directory.resolve("in.pcap");
        final SecurityAssociation spoke2 = sa(KEY2_IN, 4096, SecurityAssociation.Direction.OUTBOUND);
        final SecurityAssociation forged = sa(KEY3_IN, 4096, SecurityAssociation.Direction.OUTBOUND);
        // A fresh sequence number, so anti-replay lets it through to the ICV check.
        forged.nextSequence(5);
        try (PcapWriter writer = new PcapWriter(in))
        {
            final byte[] good = frame(spoke2, parse("198.18.0.2"));
            final byte[] bad = frame(forged, parse("198.18.0.2"));
            writer.write(1_000_000_000L, new UnsafeBuffer(good), 0, good.length);
            writer.write(2_000_000_000L, new UnsafeBuffer(bad), 0, bad.length);
        }
        final Path out = directory.resolve("out.pcap");
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final boolean ok = PcapReplay.replay(config, in, out, new PrintStream(console, true, StandardCharsets.UTF_8));
        final String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(ok, text);
        assertTrue(text.contains("2 received by the hub, 1 transmitted"), text);
        assertTrue(text.contains("dropped esp-authentication-failed"), text);

        final List<PcapReader.Packet> sent = PcapReader.read(out).packets();
        assertEquals(1, sent.size());
        final UnsafeBuffer frame = new UnsafeBuffer(sent.get(0).bytes());
        final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
        assertEquals(DecodeStatus.OK, decoder.decode(frame, 0, frame.capacity()));
        assertEquals(parse("198.18.0.1"), decoder.outer().source());
        assertEquals(parse("198.18.0.3"), decoder.outer().destination());
        assertEquals(8193, decoder.esp().spi());
        final EspProcessor esp = new EspProcessor();
        assertEquals(EspStatus.OK, esp.decrypt(sa(KEY3_OUT, 8193, SecurityAssociation.Direction.INBOUND), frame, decoder.esp().offset(),
            decoder.esp().capacity()));
        assertEquals(DecodeStatus.OK, decoder.decodeGre(frame, esp.innerOffset(), esp.innerLength()));
        assertEquals(7, decoder.gre().key());
        assertEquals(parse("192.168.3.7"), decoder.inner().destination());
        assertEquals(63, decoder.inner().ttl());
    }

    private static SecurityAssociation sa(final String key, final int spi, final SecurityAssociation.Direction direction)
    {
        return SecurityAssociation.create(CryptoProvider.preferred(), Transform.AES_GCM_128, HexFormat.of().parseHex(key), spi, direction,
            false);
    }

    /** Inner IPv4/UDP 192.168.2.5 -> 192.168.3.7, GRE key 7, ESP, outer IPv4 from {@code nbma} to the hub. */
    private static byte[] frame(final SecurityAssociation sa, final int nbma)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int inner = 128;
        final int innerLength = 20 + 8 + 16;
        new Ipv4Flyweight().wrap(buffer, inner, innerLength)
            .writeHeader(0, innerLength, 1, 0, 64, Ipv4Flyweight.PROTOCOL_UDP, parse("192.168.2.5"), parse("192.168.3.7"));
        buffer.putShort(inner + 24, (short)(8 + 16), java.nio.ByteOrder.BIG_ENDIAN);
        final int gre = inner - 8;
        new GreFlyweight().wrap(buffer, gre, 8 + innerLength).writeHeader(false, GreFlyweight.PROTOCOL_IPV4, 7, -1);
        final EspProcessor esp = new EspProcessor();
        assertEquals(EspStatus.OK, esp.encrypt(sa, buffer, gre, 8 + innerLength, buffer.capacity()));
        final int outer = esp.espOffset() - 20;
        new Ipv4Flyweight().wrap(buffer, outer, 20 + esp.espLength())
            .writeHeader(0, 20 + esp.espLength(), 1, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, nbma, parse("198.18.0.1"));
        final byte[] bytes = new byte[20 + esp.espLength()];
        buffer.getBytes(outer, bytes);
        return bytes;
    }
}
