package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.wire.Tshark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.dmvpnhub.wire.Ipv4Address.parse;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ICMP the hub itself emits, as it crossed the wire to the spokes, decrypted by tshark with the
 * ESP SAs of the run: a traceroute through the hub (Time Exceeded from the hub, the probes it
 * forwards, the spoke's Port Unreachable it forwards back) and a ping to the hub (its Echo
 * Replies). Every ICV, IP header checksum (outer, inner and the header an error quotes) and ICMP
 * checksum must be good and nothing malformed.
 */
class IcmpTsharkCrossCheckTest
{
    private static final List<String> FIELDS = List.of("frame.protocols", "esp.icv_good", "ip.checksum.status", "icmp.type",
        "icmp.checksum.status", "ip.src", "_ws.malformed", "_ws.expert.message");
    private static final List<byte[]> FROM_HUB = new ArrayList<>();
    private static final Map<String, Map<String, String>> DECODED = new LinkedHashMap<>();

    @BeforeAll
    static void traceAndPingThroughTheHubAndDecodeWhatItSent(@TempDir final Path directory) throws Exception
    {
        final Set<String> rows = new LinkedHashSet<>();
        try (SimulatedNetwork network = SimulatedNetwork.build(List.of(SimulatedNetworkTest.example("phase1-R1.cfg"),
            SimulatedNetworkTest.example("phase1-R3.cfg"), SimulatedNetworkTest.example("phase1-R4.cfg"))))
        {
            network.lab().spokes().tap((toHub, buffer, offset, length) ->
            {
                if (!toHub)
                {
                    final byte[] frame = new byte[length];
                    buffer.getBytes(offset, frame);
                    FROM_HUB.add(frame);
                }
            });
            network.traceroute("R4", parse("192.168.1.2"));
            network.ping("R4", parse("192.168.1.1"), 3, 100);
            assertTrue(network.conserved());
            rows.addAll(TsharkDecrypt.espSaRows(network, FROM_HUB));
        }
        DECODED.putAll(TsharkDecrypt.decode(directory, FROM_HUB, rows, FIELDS));
    }

    @BeforeEach
    void skipWithoutTshark()
    {
        Tshark.assumeInstalled();
    }

    @Test
    void timeExceededAndEchoRepliesFromTheHubDissectCleanlyWithGoodChecksums()
    {
        final Map<String, Integer> icmpFromHub = new LinkedHashMap<>();
        for (final Map.Entry<String, Map<String, String>> entry : DECODED.entrySet())
        {
            final Map<String, String> frame = entry.getValue();
            final String name = "frame " + entry.getKey() + " " + frame;
            assertAll(name,
                () -> assertEquals("1", frame.get("esp.icv_good"), "esp.icv_good"),
                () -> assertEquals("", frame.get("_ws.malformed"), () -> "malformed: " + frame.get("_ws.expert.message")),
                () -> Tshark.values(frame, "ip.checksum.status").forEach(status -> assertEquals("1", status, "ip.checksum.status (1: good)")),
                () -> Tshark.values(frame, "icmp.checksum.status").forEach(status -> assertEquals("1", status, "icmp.checksum.status (1: good)")));
            final List<String> sources = Tshark.values(frame, "ip.src");
            if (frame.get("frame.protocols").contains(":icmp") && sources.get(1).equals("192.168.1.1"))
            {
                icmpFromHub.merge(Tshark.values(frame, "icmp.type").get(0), 1, Integer::sum);
            }
        }
        assertEquals(Map.of("11", 3, "0", 3), icmpFromHub, "three Time Exceeded (hop 1), three Echo Replies, from the hub's tunnel address");
    }
}
