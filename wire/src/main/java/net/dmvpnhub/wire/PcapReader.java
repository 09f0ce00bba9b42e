package net.dmvpnhub.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads classic pcap files (microsecond or nanosecond, either byte order) whose link type is
 * LINKTYPE_RAW (101: each record an IP packet) or Ethernet (1: IPv4 frames have their 14-byte
 * header removed; other EtherTypes are skipped and counted). A damaged file is an
 * {@link IOException} naming the record and the problem. For replays and tests, not the hot path.
 */
public final class PcapReader
{
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERTYPE_IPV4 = 0x0800;

    /** One packet: its time (ns since the epoch) and its bytes, from the IP header on. */
    public record Packet(long timestampNs, byte[] bytes)
    {
    }

    /** The packets, and how many records were skipped (not IPv4 over Ethernet). */
    public record Capture(List<Packet> packets, int skipped)
    {
    }

    private PcapReader()
    {
    }

    public static Capture read(final Path file) throws IOException
    {
        final ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        if (in.remaining() < 24)
        {
            throw new IOException(file + ": shorter than a pcap file header (24 bytes)");
        }
        final long nanosPerFraction;
        final int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D)
        {
            in.order(ByteOrder.LITTLE_ENDIAN);
        }
        else if (Integer.reverseBytes(magic) == 0xA1B2C3D4 || Integer.reverseBytes(magic) == 0xA1B23C4D)
        {
            in.order(ByteOrder.BIG_ENDIAN);
        }
        else
        {
            throw new IOException(file + ": not a classic pcap file (magic " + String.format("0x%08x", magic) +
                "); pcapng is not read: convert it with 'editcap -F pcap'");
        }
        nanosPerFraction = in.getInt(0) == 0xA1B23C4D ? 1 : 1000;
        final int linkType = in.getInt(20);
        if (linkType != PcapWriter.LINKTYPE_RAW && linkType != LINKTYPE_ETHERNET)
        {
            throw new IOException(file + ": link type " + linkType + " is neither raw IP (101) nor Ethernet (1)");
        }
        in.position(24);
        final List<Packet> packets = new ArrayList<>();
        int skipped = 0;
        for (int record = 1; in.hasRemaining(); record++)
        {
            if (in.remaining() < 16)
            {
                throw new IOException(file + ": record " + record + " has a truncated header");
            }
            final long seconds = in.getInt() & 0xFFFF_FFFFL;
            final long fraction = in.getInt() & 0xFFFF_FFFFL;
            final int captured = in.getInt();
            in.getInt();
            if (captured < 0 || captured > in.remaining())
            {
                throw new IOException(file + ": record " + record + " claims " + captured + " bytes, " + in.remaining() + " remain");
            }
            int start = in.position();
            int length = captured;
            in.position(start + captured);
            if (linkType == LINKTYPE_ETHERNET)
            {
                if (length < 14 || (in.getShort(start + 12) & 0xFFFF) != ETHERTYPE_IPV4)
                {
                    skipped++;
                    continue;
                }
                start += 14;
                length -= 14;
            }
            final byte[] bytes = new byte[length];
            in.get(start, bytes);
            packets.add(new Packet(seconds * 1_000_000_000L + fraction * nanosPerFraction, bytes));
        }
        return new Capture(packets, skipped);
    }
}
