package net.dmvpnhub.wire;

import org.agrona.DirectBuffer;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes classic pcap files (the libpcap format Wireshark and tshark read) with link type
 * LINKTYPE_RAW (101): each record is one IPv4 packet with no link-layer header. For exports and
 * cross-checks, not for the dataplane's hot path.
 */
public final class PcapWriter implements Closeable
{
    public static final int LINKTYPE_RAW = 101;
    private static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    private static final int SNAPLEN = 65535;

    private final OutputStream out;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] copy = new byte[2048];

    public PcapWriter(final Path file) throws IOException
    {
        this(Files.newOutputStream(file));
    }

    public PcapWriter(final OutputStream stream) throws IOException
    {
        out = new BufferedOutputStream(stream);
        final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_MICROSECONDS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(SNAPLEN).putInt(LINKTYPE_RAW);
        out.write(header.array());
    }

    /**
     * Appends one packet.
     *
     * @param timestampNs time of the packet in nanoseconds since the epoch (or since any origin).
     */
    public void write(final long timestampNs, final DirectBuffer buffer, final int offset, final int length) throws IOException
    {
        if (copy.length < length)
        {
            copy = new byte[length];
        }
        buffer.getBytes(offset, copy, 0, length);
        final int captured = Math.min(length, SNAPLEN);
        recordHeader.clear();
        recordHeader.putInt((int)(timestampNs / 1_000_000_000L)).putInt((int)(timestampNs % 1_000_000_000L / 1000))
            .putInt(captured).putInt(length);
        out.write(recordHeader.array());
        out.write(copy, 0, captured);
    }

    @Override
    public void close() throws IOException
    {
        out.close();
    }
}
