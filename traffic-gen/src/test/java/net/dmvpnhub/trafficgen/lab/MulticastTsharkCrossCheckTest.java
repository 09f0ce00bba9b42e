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
 * The copies of a multicast packet the hub replicates, as they crossed the wire to the spokes,
 * decrypted by tshark with the ESP SAs of the run: one frame per spoke, each to that spoke's NBMA
 * address under its own SA, with a good ICV and IP header checksums (outer and inner), GRE with
 * the tunnel key, the inner packet to the group unchanged, and nothing malformed or warned of.
 */
class MulticastTsharkCrossCheckTest
{
    /** RFC 3692's experimental protocol number: a payload no dissector reads as something it is not. */
    private static final int PROTOCOL_EXPERIMENT = 253;
    private static final List<String> FIELDS = List.of("frame.protocols", "esp.icv_good", "ip.checksum.status", "ip.src", "ip.dst",
        "ip.proto", "ip.ttl", "gre.key", "data.len", "_ws.malformed", "_ws.expert.message");
    private static final List<byte[]> FROM_HUB = new ArrayList<>();
    private static final Map<String, Map<String, String>> DECODED = new LinkedHashMap<>();

    @BeforeAll
    static void replicateTwoPacketsAndDecodeWhatTheHubSent(@TempDir final Path directory) throws Exception
    {
        final Set<String> rows = new LinkedHashSet<>();
        try (SimulatedNetwork network = SimulatedNetwork.build(List.of(SimulatedNetworkTest.example("phase3-hub.cfg"),
            SimulatedNetworkTest.example("phase3-spoke.cfg"), SimulatedNetworkTest.example("phase3-spoke2.cfg"))))
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
            assertTrue(network.multicastFromHub(parse("224.0.0.10"), PROTOCOL_EXPERIMENT, 60));
            assertTrue(network.multicastFromHub(parse("255.255.255.255"), PROTOCOL_EXPERIMENT, 60));
            assertTrue(network.conserved(), network.conservationProblem());
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
    void eachSpokeGetsOneCopyOfEachPacketThatDissectsCleanlyUnderItsOwnSa()
    {
        final Map<String, Integer> copies = new LinkedHashMap<>();
        for (final Map.Entry<String, Map<String, String>> entry : DECODED.entrySet())
        {
            final Map<String, String> frame = entry.getValue();
            final String name = "frame " + entry.getKey() + " " + frame;
            final List<String> sources = Tshark.values(frame, "ip.src");
            final List<String> destinations = Tshark.values(frame, "ip.dst");
            assertAll(name,
                () -> assertEquals("1", frame.get("esp.icv_good"), "esp.icv_good"),
                () -> assertEquals("", frame.get("_ws.malformed"), () -> "malformed: " + frame.get("_ws.expert.message")),
                () -> assertEquals("", frame.get("_ws.expert.message"), "no expert warning"),
                () -> Tshark.values(frame, "ip.checksum.status").forEach(status -> assertEquals("1", status, "ip.checksum.status (1: good)")),
                () -> assertEquals(List.of("198.18.0.1", "10.0.0.1"), sources, "from the hub's NBMA and tunnel addresses"),
                () -> assertEquals("0x00000064", frame.get("gre.key"), "the tunnel key (100)"),
                () -> assertEquals(List.of("50", Integer.toString(PROTOCOL_EXPERIMENT)), Tshark.values(frame, "ip.proto")),
                () -> assertEquals(destinations.get(1).equals("224.0.0.10") ? "1" : "64", Tshark.values(frame, "ip.ttl").get(1),
                    "the packet as the hub wrote it (TTL 1 for a link-local group)"),
                () -> assertEquals("60", frame.get("data.len")));
            copies.merge(destinations.get(0) + " " + destinations.get(1), 1, Integer::sum);
        }
        assertEquals(Map.of("198.18.0.2 224.0.0.10", 1, "198.18.0.3 224.0.0.10", 1, "198.18.0.2 255.255.255.255", 1,
            "198.18.0.3 255.255.255.255", 1), copies, "one copy of each packet per spoke of the multicast list");
    }
}
