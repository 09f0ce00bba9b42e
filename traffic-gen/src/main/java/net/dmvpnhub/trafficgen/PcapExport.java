package net.dmvpnhub.trafficgen;

import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.crypto.WiresharkEspSa;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.PcapWriter;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The first N frames of a run each way between the spokes and the hub, as they crossed the wire,
 * in a pcap (LINKTYPE_RAW), with the {@code esp_sa} table Wireshark needs to decrypt them: one row
 * per (source, destination, SPI) seen, its keys derived as both ends derived them
 * ({@link SimulatedIke}). Open with {@code wireshark -o esp.enable_encryption_decode:TRUE} after
 * copying {@code esp_sa} into the Wireshark profile, or give tshark each row as
 * {@code -o uat:esp_sa:ROW} (the README shows the command).
 */
public final class PcapExport implements Spokes.FrameTap, AutoCloseable
{
    private final PcapWriter pcap;
    private final Path espSa;
    private final SimulatedIke ike;
    private final Transform transform;
    private final int limit;
    private final Set<String> rows = new LinkedHashSet<>();
    private int toHub;
    private int fromHub;

    public PcapExport(final Path pcapFile, final Path espSaFile, final SimulatedIke ike, final int framesEachWay) throws IOException
    {
        this.pcap = new PcapWriter(pcapFile);
        this.espSa = espSaFile;
        this.ike = ike;
        this.transform = ike.transform();
        this.limit = framesEachWay;
    }

    @Override
    public void frame(final boolean toHubDirection, final DirectBuffer buffer, final int offset, final int length)
    {
        if (toHubDirection ? toHub >= limit : fromHub >= limit)
        {
            return;
        }
        if (toHubDirection)
        {
            toHub++;
        }
        else
        {
            fromHub++;
        }
        try
        {
            pcap.write(System.currentTimeMillis() * 1_000_000L, buffer, offset, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if ((buffer.getByte(offset + 9) & 0xFF) == Ipv4Flyweight.PROTOCOL_ESP)
        {
            final int headerLength = (buffer.getByte(offset) & 0x0F) * 4;
            final int source = buffer.getInt(offset + 12, ByteOrder.BIG_ENDIAN);
            final int destination = buffer.getInt(offset + 16, ByteOrder.BIG_ENDIAN);
            final int spi = buffer.getInt(offset + headerLength, ByteOrder.BIG_ENDIAN);
            rows.add(WiresharkEspSa.row(transform, source, destination, spi, ike.keyMaterial(source, destination, spi)));
        }
    }

    public int framesToHub()
    {
        return toHub;
    }

    public int framesFromHub()
    {
        return fromHub;
    }

    @Override
    public void close() throws IOException
    {
        pcap.close();
        Files.writeString(espSa, String.join("\n", rows) + (rows.isEmpty() ? "" : "\n"));
    }
}
