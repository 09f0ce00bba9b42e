package net.dmvpnhub.wire;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tshark, Wireshark's command-line decoder, as the tests' independent decoder.
 * <p>
 * Our unit tests build frames with our writers and read them back with our own flyweights or
 * engines, so a field at the wrong offset or a checksum, ICV or padding over the wrong range
 * passes them as long as both sides agree. tshark's dissectors were written by other people, from
 * the RFCs and from captures of real routers: the cross-check tests of several modules (wire's
 * GRE/IPv4/NHRP, crypto's ESP) hand it the frames we built and hold what it decodes to what we
 * wrote. This class is the plumbing they share, published in wire's test-jar: whether tshark is
 * installed, the message a test is skipped with when it is not, and one tshark run over a pcap
 * of the frames, returning each frame's fields.
 * <p>
 * Use: in {@code @BeforeAll}, when {@link #isInstalled()}, {@link #decode} every frame at once;
 * in {@code @BeforeEach}, {@link #assumeInstalled()}.
 * <p>
 * Field names and value formats are those of tshark 4.0 (Debian 12).
 */
public final class Tshark
{
    /** Why a cross-check was skipped. */
    public static final String MISSING = "tshark not installed: install the Debian package tshark to run this cross-check";
    /** Printed first for every frame by {@link #decode}, to pair each line with its frame. */
    public static final String FRAME_NUMBER = "frame.number";

    private static final String COMMAND = "tshark";
    private static final long TIMEOUT_S = 60;
    private static final String PCAP = "frames.pcap";

    private Tshark()
    {
    }

    /**
     * @return whether {@code tshark --version} runs and succeeds; asked once per JVM.
     */
    public static boolean isInstalled()
    {
        return Installed.PRESENT;
    }

    /**
     * Skips the test, with {@link #MISSING}, when tshark is not installed. Call it per test, from
     * {@code @BeforeEach}: surefire reports a class whose {@code @BeforeAll} assumption fails as
     * zero tests run, with no trace of the message.
     */
    public static void assumeInstalled()
    {
        assumeTrue(isInstalled(), MISSING);
    }

    private static final class Installed
    {
        static final boolean PRESENT = probe();
    }

    private static boolean probe()
    {
        try
        {
            final Process process = new ProcessBuilder(COMMAND, "--version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            return process.waitFor(TIMEOUT_S, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes the frames, in order, to one pcap (LINKTYPE_RAW: each frame an IPv4 packet from its
     * first byte) in the directory, runs tshark once over it printing the fields one line per
     * frame, and checks there is one line per frame, numbered as written.
     *
     * @param directory where the pcap goes, a {@code @TempDir}.
     * @param frames    the frames, in the order to write them.
     * @param name      a frame's name, unique among them: the key it is returned under.
     * @param bytes     a frame's bytes.
     * @param options   tshark options for the run, such as {@code "-o", "ip.check_checksum:TRUE"}.
     * @param fields    the fields to print, {@link #FRAME_NUMBER} excepted: it is always printed first.
     * @param <F>       what the caller holds a frame in.
     * @return name to the frame's fields, in frame order: each field mapped to its text, empty when
     * absent, comma-separated occurrences in tree order (outer header first) when repeated, as
     * {@link #values} splits them.
     */
    public static <F> Map<String, Map<String, String>> decode(
        final Path directory,
        final List<F> frames,
        final Function<F, String> name,
        final Function<F, byte[]> bytes,
        final List<String> options,
        final List<String> fields) throws IOException, InterruptedException
    {
        if (fields.contains(FRAME_NUMBER))
        {
            throw new IllegalArgumentException(FRAME_NUMBER + " is always printed: leave it out of the fields");
        }

        final Path pcap = directory.resolve(PCAP);
        try (PcapWriter writer = new PcapWriter(pcap))
        {
            long timestampNs = 1_700_000_000_000_000_000L;
            for (final F frame : frames)
            {
                final byte[] data = bytes.apply(frame);
                writer.write(timestampNs, new UnsafeBuffer(data), 0, data.length);
                timestampNs += 1_000_000;
            }
        }

        final List<String> columns = new ArrayList<>(List.of(FRAME_NUMBER));
        columns.addAll(fields);
        final List<Map<String, String>> lines = run(pcap, options, columns);
        assertEquals(frames.size(), lines.size(), "tshark printed one line per frame");

        final Map<String, Map<String, String>> decoded = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++)
        {
            // Frames are numbered from 1 in the order written; checking it guards the pairing.
            assertEquals(Integer.toString(i + 1), lines.get(i).get(FRAME_NUMBER));
            final String frameName = name.apply(frames.get(i));
            assertNull(decoded.put(frameName, lines.get(i)), () -> "two frames named " + frameName);
        }
        return decoded;
    }

    /**
     * @return the occurrences of a field in a frame {@link #decode} returned, in tree order;
     * empty when tshark did not show the field.
     */
    public static List<String> values(final Map<String, String> decoded, final String field)
    {
        final String text = decoded.get(field);
        return text.isEmpty() ? List.of() : List.of(text.split(","));
    }

    /**
     * Runs tshark once over the file and returns, per frame in file order, every column mapped to
     * its text.
     */
    private static List<Map<String, String>> run(final Path pcap, final List<String> options, final List<String> columns)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(COMMAND, "-n", "-r", pcap.toString()));
        command.addAll(options);
        command.addAll(List.of("-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "header=n"));
        for (final String column : columns)
        {
            command.add("-e");
            command.add(column);
        }

        // stderr discarded: tshark warns there when running as root, which CI containers do.
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String output;
        try (InputStream stdout = process.getInputStream())
        {
            output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "tshark did not finish");
        assertEquals(0, process.exitValue(), () -> "tshark failed: " + command);

        final List<Map<String, String>> frames = new ArrayList<>();
        for (final String line : output.split("\n"))
        {
            if (line.isEmpty())
            {
                continue;
            }
            // Limit -1 keeps the trailing empty columns.
            final String[] texts = line.split("\t", -1);
            assertEquals(columns.size(), texts.length, () -> "columns in tshark line: " + line);
            final Map<String, String> frame = new LinkedHashMap<>();
            for (int i = 0; i < texts.length; i++)
            {
                frame.put(columns.get(i), texts[i]);
            }
            frames.add(frame);
        }
        return frames;
    }
}
