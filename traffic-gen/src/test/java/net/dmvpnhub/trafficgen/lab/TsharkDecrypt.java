package net.dmvpnhub.trafficgen.lab;

import net.dmvpnhub.crypto.WiresharkEspSa;
import net.dmvpnhub.wire.Tshark;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Frames a {@link SimulatedNetwork} put on the wire, decoded by tshark with ESP decrypted and
 * authenticated under the network's own SAs and IP checksums checked: for the cross-checks of
 * what the hub and the spokes send.
 */
final class TsharkDecrypt
{
    private TsharkDecrypt()
    {
    }

    /** The {@code esp_sa} rows for every frame's SA (its outer source, destination and SPI), keys from the network's simulated IKE. */
    static Set<String> espSaRows(final SimulatedNetwork network, final List<byte[]> frames)
    {
        final Set<String> rows = new LinkedHashSet<>();
        for (final byte[] frame : frames)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int source = buffer.getInt(12, ByteOrder.BIG_ENDIAN);
            final int destination = buffer.getInt(16, ByteOrder.BIG_ENDIAN);
            final int spi = buffer.getInt(20, ByteOrder.BIG_ENDIAN);
            rows.add(WiresharkEspSa.row(network.lab().ike().transform(), source, destination, spi,
                network.lab().ike().keyMaterial(source, destination, spi)));
        }
        return rows;
    }

    /**
     * @return each frame's fields by its index (zero-padded to five digits, so they sort in order);
     * empty when tshark is not installed.
     */
    static Map<String, Map<String, String>> decode(final Path directory, final List<byte[]> frames, final Set<String> rows,
        final List<String> fields) throws Exception
    {
        if (!Tshark.isInstalled())
        {
            return new LinkedHashMap<>();
        }
        final List<String> options = new ArrayList<>(List.of("-o", "ip.check_checksum:TRUE", "-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE"));
        for (final String row : rows)
        {
            options.add("-o");
            options.add("uat:esp_sa:" + row);
        }
        final List<Integer> indices = IntStream.range(0, frames.size()).boxed().toList();
        return Tshark.decode(directory, indices, i -> String.format("%05d", i), frames::get, options, fields);
    }
}
