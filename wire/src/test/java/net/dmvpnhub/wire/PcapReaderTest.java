package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapReaderTest
{
    @Test
    void whatTheWriterWritesReadsBack(@TempDir final Path directory) throws IOException
    {
        final Path file = directory.resolve("x.pcap");
        final byte[] first = {0x45, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        final byte[] second = new byte[1400];
        Arrays.fill(second, (byte)7);
        try (PcapWriter writer = new PcapWriter(file))
        {
            writer.write(1_700_000_000_123_456_000L, new UnsafeBuffer(first), 0, first.length);
            writer.write(1_700_000_001_000_000_000L, new UnsafeBuffer(second), 0, second.length);
        }
        final PcapReader.Capture capture = PcapReader.read(file);
        assertEquals(2, capture.packets().size());
        assertEquals(0, capture.skipped());
        assertArrayEquals(first, capture.packets().get(0).bytes());
        assertEquals(1_700_000_000_123_456_000L, capture.packets().get(0).timestampNs());
        assertArrayEquals(second, capture.packets().get(1).bytes());
    }

    @Test
    void aDamagedFileNamesTheRecordAndTheProblem(@TempDir final Path directory) throws IOException
    {
        final Path file = directory.resolve("x.pcap");
        try (PcapWriter writer = new PcapWriter(file))
        {
            writer.write(0, new UnsafeBuffer(new byte[40]), 0, 40);
        }
        final byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));
        final IOException truncated = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(truncated.getMessage().endsWith("record 1 claims 40 bytes, 35 remain"), truncated.getMessage());

        Files.write(file, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24});
        final IOException magic = assertThrows(IOException.class, () -> PcapReader.read(file));
        assertTrue(magic.getMessage().contains("not a classic pcap file"), magic.getMessage());
    }
}
