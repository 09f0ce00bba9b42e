package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.wire.Tshark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EIGRP as it crossed the wire between the hub and its stub spokes (the Phase 3 EIGRP examples,
 * 20 simulated seconds), inside GRE and ESP, decrypted by tshark with the run's SAs: every frame
 * that carries EIGRP has a good ICV, good IP and EIGRP checksums, nothing malformed and no expert
 * note but the one Wireshark gives IOS's own unicast EIGRP (its TTL of 2), and the
 * conversation holds what a neighbour startup needs both ways (hellos, INIT updates, updates with
 * routes, acknowledgements), the spokes' hellos with their stub flags.
 */
class EigrpTsharkCrossCheckTest
{
    private static final List<String> FIELDS = List.of("esp.icv_good", "ip.checksum.status", "ip.src", "ip.dst", "eigrp.opcode",
        "eigrp.ack", "eigrp.flags", "eigrp.checksum.status", "eigrp.stub_options", "eigrp.ipv4.destination", "_ws.malformed",
        "_ws.expert.message");
    private static final List<byte[]> FRAMES = new ArrayList<>();
    private static final Map<String, Map<String, String>> DECODED = new TreeMap<>();

    @BeforeAll
    static void runTheEigrpTrioAndDecodeWhatCrossedTheWire(@TempDir final Path directory) throws Exception
    {
        final Set<String> rows = new LinkedHashSet<>();
        try (SimulatedNetwork network = SimulatedNetwork.build(List.of(SimulatedNetworkTest.example("phase3-eigrp-hub.cfg"),
            SimulatedNetworkTest.example("phase3-eigrp-spoke.cfg"), SimulatedNetworkTest.example("phase3-eigrp-spoke2.cfg"))))
        {
            network.lab().spokes().tap((toHub, buffer, offset, length) ->
            {
                final byte[] frame = new byte[length];
                buffer.getBytes(offset, frame);
                FRAMES.add(frame);
            });
            network.advance(20 * SimulatedNetwork.SECOND);
            assertTrue(network.conserved(), network.conservationProblem());
            rows.addAll(TsharkDecrypt.espSaRows(network, FRAMES));
        }
        DECODED.putAll(TsharkDecrypt.decode(directory, FRAMES, rows, FIELDS));
    }

    @BeforeEach
    void skipWithoutTshark()
    {
        Tshark.assumeInstalled();
    }

    @Test
    void everyEigrpFrameDissectsCleanlyAndTheStartupIsComplete()
    {
        final Set<String> seen = new java.util.TreeSet<>();
        int eigrp = 0;
        for (final Map.Entry<String, Map<String, String>> entry : DECODED.entrySet())
        {
            final Map<String, String> frame = entry.getValue();
            if (frame.get("eigrp.opcode").isEmpty())
            {
                continue;
            }
            eigrp++;
            final List<String> sources = Tshark.values(frame, "ip.src");
            final List<String> destinations = Tshark.values(frame, "ip.dst");
            final boolean fromHub = sources.get(1).equals("10.0.0.1");
            final String opcode = frame.get("eigrp.opcode");
            final boolean ack = opcode.equals("5") && !frame.get("eigrp.ack").equals("0");
            assertAll("frame " + entry.getKey() + " " + frame,
                () -> assertEquals("1", frame.get("esp.icv_good"), "esp.icv_good"),
                () -> Tshark.values(frame, "ip.checksum.status").forEach(s -> assertEquals("1", s, "ip.checksum.status")),
                () -> assertEquals("1", frame.get("eigrp.checksum.status"), "eigrp.checksum.status"),
                () -> assertEquals("", frame.get("_ws.malformed")),
                // Unicast EIGRP goes with TTL 2, as IOS sends it, which tshark notes; to 224.0.0.10 with TTL 1, which it does not.
                () -> assertEquals(destinations.get(1).equals("224.0.0.10") ? "" : "\"Time To Live\" only 2", frame.get("_ws.expert.message"),
                    "no other expert note"));
            if (opcode.equals("5") && !ack && !fromHub)
            {
                assertEquals("0x0005", frame.get("eigrp.stub_options"), "a spoke's hello says: stub, connected and summary");
            }
            final boolean init = opcode.equals("1") && frame.get("eigrp.flags").equals("0x00000001");
            seen.add((fromHub ? "hub " : "spoke ") + (ack ? "ack" : opcode.equals("5") ? "hello to " + destinations.get(1) :
                init ? "init" : opcode.equals("1") ? "update" + (frame.get("eigrp.ipv4.destination").isEmpty() ? "" : " with routes") :
                "opcode " + opcode));
        }
        assertTrue(eigrp > 20, eigrp + " EIGRP frames");
        assertEquals(new java.util.TreeSet<>(List.of("hub ack", "hub hello to 224.0.0.10", "hub init", "hub update with routes",
            "spoke ack", "spoke hello to 224.0.0.10", "spoke init", "spoke update with routes")), seen);
    }
}
