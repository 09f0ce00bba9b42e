package net.dmvpnhub.trafficgen;

import net.dmvpnhub.wire.PcapReader;
import net.dmvpnhub.wire.PcapWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 4301 section 5.2 and RFC 4303 section 3.4 at the hub, with frames built and read by code
 * that is not the project's: IPv4, GRE and ESP packed by hand here, AES-GCM (RFC 4106) from the
 * JDK's {@link Cipher}. Good and hostile frames are replayed through a hub built from an IOS
 * configuration with manual keys ({@link PcapReplay}); the test asserts exactly which frames leave
 * (decrypted here, with the hub's outbound key) and which named drop each other one is.
 */
class InboundSaChecksTest
{
    private static final String KEY2_IN = PcapReplayTest.KEY2_IN;
    private static final String KEY3_IN = PcapReplayTest.KEY3_IN;
    private static final String KEY3_OUT = PcapReplayTest.KEY3_OUT;
    private static final byte[] HUB = {(byte)198, 18, 0, 1};
    private static final byte[] SPOKE2 = {(byte)198, 18, 0, 2};
    private static final byte[] SPOKE3 = {(byte)198, 18, 0, 3};
    private static final int GRE_KEY = 7;
    private static final int PROTOCOL_ESP = 50;
    private static final int PROTOCOL_GRE = 47;

    @Test
    void onlyAuthenticFramesFromTheSasPeerLeaveAndEveryOtherIsANamedDrop(@TempDir final Path directory) throws Exception
    {
        final Path config = directory.resolve("hub.cfg");
        Files.write(config, PcapReplayTest.MANUAL_HUB);

        final List<byte[]> frames = new ArrayList<>();
        // Spoke 2 to a host behind spoke 3, through the hub. The inner packet's identification names the frame.
        frames.add(frame(SPOKE2, KEY2_IN, 4096, 1, 1));
        // A captured frame sent again from spoke 3's address before the genuine one arrives: it authenticates, but is not from
        // the SA's peer; and it must not use up the sequence number, so the genuine frame after it still leaves.
        frames.add(frame(SPOKE3, KEY2_IN, 4096, 2, 2));
        frames.add(frame(SPOKE2, KEY2_IN, 4096, 2, 2));
        // Spoke 3's genuine frame under its own SA, sent from spoke 2's address.
        frames.add(frame(SPOKE2, KEY3_IN, 4097, 1, 4));
        // Another peer's SPI on spoke 2's key: it does not authenticate under that SA.
        frames.add(frame(SPOKE2, KEY2_IN, 4097, 3, 5));
        // The first frame again, then a new one far ahead, then one left of the window.
        frames.add(frames.get(0).clone());
        frames.add(frame(SPOKE2, KEY2_IN, 4096, 200, 7));
        frames.add(frame(SPOKE2, KEY2_IN, 4096, 100, 8));
        // A new frame cut at each ESP boundary (the outer header made to match), then whole: the cut ones must not move the window.
        final byte[] whole = frame(SPOKE2, KEY2_IN, 4096, 201, 9);
        final int esp = whole.length - 20;
        final int[] cuts = {0, 4, 8, 12, 16, 20, esp - 16, esp - 8, esp - 1};
        for (final int cut : cuts)
        {
            frames.add(truncated(whole, cut));
        }
        frames.add(whole);

        final Path in = directory.resolve("in.pcap");
        try (PcapWriter writer = new PcapWriter(in))
        {
            long time = 1_000_000_000L;
            for (final byte[] f : frames)
            {
                writer.write(time += 1_000_000L, new UnsafeBuffer(f), 0, f.length);
            }
        }
        final Path out = directory.resolve("out.pcap");
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final boolean ok = PcapReplay.replay(config, in, out, new PrintStream(console, true, StandardCharsets.UTF_8));
        final String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(ok, text);
        assertTrue(text.contains(frames.size() + " received by the hub, 4 transmitted"), text);
        // The six cuts shorter than ESP header, IV, trailer and ICV are caught by their length; the three longer ones lose ICV
        // or ciphertext bytes, so they do not authenticate; nor does the frame under another peer's SPI.
        assertEquals(List.of(
            "esp-truncated 6",
            "esp-replay-duplicate 1",
            "esp-replay-too-old 1",
            "esp-authentication-failed 4",
            "esp-selector-mismatch 2"), drops(text), text);

        // What left: frames 1, 2, 7 and 9, in that order, to spoke 3 under the hub's outbound SA, decrypted here.
        final List<Integer> left = new ArrayList<>();
        for (final PcapReader.Packet packet : PcapReader.read(out).packets())
        {
            final ByteBuffer outer = ByteBuffer.wrap(packet.bytes());
            assertEquals(PROTOCOL_ESP, outer.get(9) & 0xFF);
            assertEquals(ByteBuffer.wrap(HUB).getInt(), outer.getInt(12));
            assertEquals(ByteBuffer.wrap(SPOKE3).getInt(), outer.getInt(16));
            assertEquals(0xFFFF, onesComplementSum(packet.bytes(), 0, 20), "outer header checksum");
            final byte[] gre = open(KEY3_OUT, 8193, Arrays.copyOfRange(packet.bytes(), 20, packet.bytes().length));
            final ByteBuffer g = ByteBuffer.wrap(gre);
            assertEquals(0x2000, g.getShort(0) & 0xFFFF, "GRE with key");
            assertEquals(0x0800, g.getShort(2) & 0xFFFF);
            assertEquals(GRE_KEY, g.getInt(4));
            assertEquals(63, g.get(8 + 8) & 0xFF, "TTL decremented");
            assertEquals(0xFFFF, onesComplementSum(gre, 8, 20), "inner header checksum after the TTL");
            left.add(g.getShort(8 + 4) & 0xFFFF);
        }
        assertEquals(List.of(1, 2, 7, 9), left);
    }

    /** The replay's "dropped NAME COUNT" lines, as "NAME COUNT". */
    private static List<String> drops(final String console)
    {
        return console.lines().filter(l -> l.startsWith("  dropped "))
            .map(l -> l.substring("  dropped ".length()).trim().split("\\s+"))
            .map(w -> w[0] + " " + w[1]).toList();
    }

    /**
     * Outer IPv4 from {@code source} to the hub, ESP under {@code spi} and {@code key} (16 key bytes, 4 of salt) with
     * sequence number {@code sequence}, GRE key 7, inner IPv4/UDP 192.168.2.5 to 192.168.3.7 with identification {@code id}.
     */
    private static byte[] frame(final byte[] source, final String key, final int spi, final int sequence, final int id) throws Exception
    {
        final byte[] udp = new byte[8 + 16];
        ByteBuffer.wrap(udp).putShort(0, (short)5000).putShort(2, (short)6000).putShort(4, (short)udp.length);
        final byte[] inner = ipv4(id, 64, 17, new byte[]{(byte)192, (byte)168, 2, 5}, new byte[]{(byte)192, (byte)168, 3, 7}, udp);
        final ByteBuffer gre = ByteBuffer.allocate(8 + inner.length).putShort((short)0x2000).putShort((short)0x0800).putInt(GRE_KEY)
            .put(inner);
        // RFC 4303 section 2.4: padding 1, 2, 3... to a multiple of 4 with the two trailer bytes.
        final int padLength = (4 - (gre.capacity() + 2) % 4) % 4;
        final ByteBuffer plaintext = ByteBuffer.allocate(gre.capacity() + padLength + 2).put(gre.array());
        for (int i = 1; i <= padLength; i++)
        {
            plaintext.put((byte)i);
        }
        plaintext.put((byte)padLength).put((byte)PROTOCOL_GRE);
        final byte[] material = HexFormat.of().parseHex(key);
        final byte[] iv = ByteBuffer.allocate(8).putLong(0x5A5A_0000_0000_0000L + sequence).array();
        final byte[] header = ByteBuffer.allocate(8).putInt(spi).putInt(sequence).array();
        final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(material, 0, 16, "AES"), new GCMParameterSpec(128, nonce(material, iv)));
        gcm.updateAAD(header);
        final byte[] sealed = gcm.doFinal(plaintext.array());
        final byte[] esp = ByteBuffer.allocate(16 + sealed.length).put(header).put(iv).put(sealed).array();
        return ipv4(sequence, 255, PROTOCOL_ESP, source, HUB, esp);
    }

    /** The GRE packet inside an ESP packet (header to ICV) under {@code key}, its trailer checked. */
    private static byte[] open(final String key, final int spi, final byte[] esp) throws Exception
    {
        final ByteBuffer b = ByteBuffer.wrap(esp);
        assertEquals(spi, b.getInt(0));
        final byte[] material = HexFormat.of().parseHex(key);
        final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, 0, 16, "AES"),
            new GCMParameterSpec(128, nonce(material, Arrays.copyOfRange(esp, 8, 16))));
        gcm.updateAAD(esp, 0, 8);
        final byte[] plaintext;
        try
        {
            plaintext = gcm.doFinal(esp, 16, esp.length - 16);
        }
        catch (final AEADBadTagException ex)
        {
            throw new AssertionError("the hub's frame does not authenticate under its outbound key", ex);
        }
        assertEquals(PROTOCOL_GRE, plaintext[plaintext.length - 1] & 0xFF, "next header");
        final int padLength = plaintext[plaintext.length - 2] & 0xFF;
        for (int i = 1; i <= padLength; i++)
        {
            assertEquals(i, plaintext[plaintext.length - 2 - padLength + i - 1] & 0xFF, "padding");
        }
        return Arrays.copyOf(plaintext, plaintext.length - 2 - padLength);
    }

    /** RFC 4106 section 4: the salt (the last 4 bytes of the key material), then the packet's IV. */
    private static byte[] nonce(final byte[] material, final byte[] iv)
    {
        return ByteBuffer.allocate(12).put(material, 16, 4).put(iv).array();
    }

    /** An IPv4 packet with a 20-byte header, its checksum summed here. */
    private static byte[] ipv4(final int id, final int ttl, final int protocol, final byte[] source, final byte[] destination,
        final byte[] payload)
    {
        final byte[] packet = ByteBuffer.allocate(20 + payload.length).put((byte)0x45).put((byte)0).putShort((short)(20 + payload.length))
            .putShort((short)id).putShort((short)0).put((byte)ttl).put((byte)protocol).putShort((short)0).put(source).put(destination)
            .put(payload).array();
        ByteBuffer.wrap(packet).putShort(10, (short)~onesComplementSum(packet, 0, 20));
        return packet;
    }

    /** The frame with only the first {@code espBytes} bytes of its ESP packet, its outer header made to match. */
    private static byte[] truncated(final byte[] frame, final int espBytes)
    {
        final byte[] cut = Arrays.copyOf(frame, 20 + espBytes);
        final ByteBuffer b = ByteBuffer.wrap(cut);
        b.putShort(2, (short)cut.length).putShort(10, (short)0);
        b.putShort(10, (short)~onesComplementSum(cut, 0, 20));
        return cut;
    }

    private static int onesComplementSum(final byte[] bytes, final int offset, final int length)
    {
        int sum = 0;
        for (int i = offset; i < offset + length; i += 2)
        {
            sum += (bytes[i] & 0xFF) << 8 | bytes[i + 1] & 0xFF;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum & 0xFFFF;
    }
}
