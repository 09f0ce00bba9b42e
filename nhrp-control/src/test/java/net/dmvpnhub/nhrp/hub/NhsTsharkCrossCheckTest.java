package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Tshark;
import net.dmvpnhub.wire.nhrp.Nhrp;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static net.dmvpnhub.nhrp.hub.HubRig.HUB_NBMA;
import static net.dmvpnhub.nhrp.hub.HubRig.HUB_TUNNEL;
import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of NHRP packet the hub's NHS sends, and the requests that made it send them, as they
 * crossed the wire (ESP, GRE, NHRP), decrypted and dissected by tshark with the SA table the run
 * produced: the ICV and the NHRP checksum of every frame must be good, nothing malformed, and the
 * NHRP type and request id tshark reads must be the ones the frame carries by our own reading.
 */
class NhsTsharkCrossCheckTest
{
    private static final String GOOD = "1";
    private static final List<String> FIELDS = List.of(
        "frame.protocols", "esp.icv_good", "ip.checksum.status", "nhrp.hdr.op.type", "nhrp.hdr.chksum.status", "nhrp.reqid",
        "nhrp.src.nbma.addr", "nhrp.src.prot.addr", "nhrp.dst.prot.addr", "_ws.malformed", "_ws.expert.message");
    private static final List<HubRig.Captured> FRAMES = new ArrayList<>();
    private static final List<String> SA_ROWS = new ArrayList<>();
    private static final Map<String, Map<String, String>> DECODED = new LinkedHashMap<>();

    @BeforeAll
    static void runEveryExchangeAndDecodeTheCapture(@TempDir final Path directory) throws Exception
    {
        final byte[] key = "dmvpn".getBytes(StandardCharsets.US_ASCII);
        final HubRig rig = new HubRig(NhsConfig.phase3(HUB_NBMA, HUB_TUNNEL, 16).withAuthentication(key));
        final HubRig.Client a = rig.client("10.0.0.11", "203.0.113.11").ike();
        final HubRig.Client b = rig.client("10.0.0.12", "203.0.113.12").ike();
        final HubRig.Client thief = rig.client("10.0.0.12", "203.0.113.99").ike();
        final HubRig.Client c = rig.client("10.0.0.13", "203.0.113.13").ike();
        a.register(true, 7200, key);                                   // registration reply, success
        b.register(true, 7200, key);
        c.register(false, 7200, key);
        rig.run();
        a.resolve(c.tunnel, key);                                         // resolution reply from the hub
        rig.run();
        final HubRig.Client cMoved = rig.client("10.0.0.13", "203.0.113.113").ike();
        cMoved.register(false, 7200, key);                             // purge request to a
        rig.run();
        thief.register(true, 7200, key);                               // NAK 14
        thief.register(true, 7200, "wrong".getBytes(StandardCharsets.US_ASCII)); // error 11
        rig.lanRoute(parse("192.168.11.0"), 24, a.tunnel);
        rig.lanRoute(parse("192.168.12.0"), 24, b.tunnel);
        a.sendData(parse("192.168.11.5"), parse("192.168.12.7"));      // hairpin: traffic indication
        rig.run();
        a.resolve(parse("192.168.12.7"), key);                            // forwarded to b (with auth)
        a.resolve(parse("172.16.1.1"), key);                              // error 6
        b.sendNhrp(w -> w.header(Nhrp.TYPE_PURGE_REQUEST, 255)        // purge reply
            .mandatory(0, 42, b.nbma, b.tunnel, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, 1400, 0, 0, b.nbma, b.tunnel)
            .authenticationExtension(key, true)
            .endExtensions()
            .finish());
        rig.run();
        rig.assertConservedAndNoLeak();
        FRAMES.addAll(rig.capture);
        SA_ROWS.addAll(rig.espSaRows);

        if (Tshark.isInstalled())
        {
            final List<String> options = new ArrayList<>(List.of(
                "-o", "ip.check_checksum:TRUE",
                "-o", "esp.enable_encryption_decode:TRUE",
                "-o", "esp.enable_authentication_check:TRUE"));
            for (final String row : SA_ROWS)
            {
                options.add("-o");
                options.add("uat:esp_sa:" + row);
            }
            final List<Integer> indices = IntStream.range(0, FRAMES.size()).boxed().toList();
            DECODED.putAll(Tshark.decode(directory, indices, i -> Integer.toString(i), i -> FRAMES.get(i).frame(), options, FIELDS));
        }
    }

    @BeforeEach
    void skipWithoutTshark()
    {
        Tshark.assumeInstalled();
    }

    @Test
    void everyFrameDecryptsWithAGoodIcvAndEveryNhrpChecksumIsGood()
    {
        for (final Map.Entry<String, Map<String, String>> entry : DECODED.entrySet())
        {
            final Map<String, String> frame = entry.getValue();
            final String name = "frame " + entry.getKey() + " " + frame.get("frame.protocols");
            assertAll(name,
                () -> assertEquals("1", frame.get("esp.icv_good"), "esp.icv_good"),
                () -> assertEquals("", frame.get("_ws.malformed"), () -> "malformed: " + frame.get("_ws.expert.message")),
                () -> assertTrue(frame.get("ip.checksum.status").startsWith(GOOD), "ip.checksum.status"));
            if (frame.get("frame.protocols").contains(":nhrp"))
            {
                // A Traffic Indication carries the start of an IPv4 packet (tshark: "nhrp:ip"), an
                // Error Indication the packet in error, which tshark dissects too: every checksum good.
                for (final String status : Tshark.values(frame, "nhrp.hdr.chksum.status"))
                {
                    assertEquals(GOOD, status, name);
                }
            }
            else
            {
                assertEquals("raw:ip:esp:gre:ip:udp:data", frame.get("frame.protocols"), name);
            }
        }
    }

    @Test
    void tsharkReadsTheTypeRequestIdAndAddressesWeWrote()
    {
        final Map<Integer, Integer> typesSeen = new TreeMap<>();
        for (final Map.Entry<String, Map<String, String>> entry : DECODED.entrySet())
        {
            final Map<String, String> frame = entry.getValue();
            if (!frame.get("frame.protocols").contains(":nhrp"))
            {
                continue;
            }
            final byte[] nhrp = FRAMES.get(Integer.parseInt(entry.getKey())).nhrp();
            final UnsafeBuffer buffer = new UnsafeBuffer(nhrp);
            final int type = buffer.getByte(17) & 0xFF;
            typesSeen.merge(type, 1, Integer::sum);
            // The first occurrence is the packet itself (an Error Indication's embedded packet follows).
            assertEquals(Integer.toString(type), first(frame, "nhrp.hdr.op.type"));
            assertEquals(Ipv4Address.toString(buffer.getInt(20 + 8, ByteOrder.BIG_ENDIAN)), first(frame, "nhrp.src.nbma.addr"));
            assertEquals(Ipv4Address.toString(buffer.getInt(20 + 12, ByteOrder.BIG_ENDIAN)), first(frame, "nhrp.src.prot.addr"));
            assertEquals(Ipv4Address.toString(buffer.getInt(20 + 16, ByteOrder.BIG_ENDIAN)), first(frame, "nhrp.dst.prot.addr"));
            if (type != Nhrp.TYPE_ERROR_INDICATION && type != Nhrp.TYPE_TRAFFIC_INDICATION)
            {
                assertEquals(String.format("0x%08x", buffer.getInt(20 + 4, ByteOrder.BIG_ENDIAN)), first(frame, "nhrp.reqid"));
            }
        }
        // Every type the hub sends appears, and the requests that caused them.
        for (final int type : List.of(Nhrp.TYPE_RESOLUTION_REQUEST, Nhrp.TYPE_RESOLUTION_REPLY, Nhrp.TYPE_REGISTRATION_REQUEST,
            Nhrp.TYPE_REGISTRATION_REPLY,
            Nhrp.TYPE_PURGE_REQUEST, Nhrp.TYPE_PURGE_REPLY, Nhrp.TYPE_ERROR_INDICATION, Nhrp.TYPE_TRAFFIC_INDICATION))
        {
            assertTrue(typesSeen.containsKey(type), () -> "no NHRP type " + type + " in " + typesSeen);
        }
        assertTrue(Collections.max(typesSeen.values()) > 1);
    }

    private static String first(final Map<String, String> frame, final String field)
    {
        final List<String> values = Tshark.values(frame, field);
        return values.isEmpty() ? "" : values.get(0);
    }
}
