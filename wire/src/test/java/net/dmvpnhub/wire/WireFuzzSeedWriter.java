package net.dmvpnhub.wire;

import net.dmvpnhub.wire.eigrp.EigrpPacket;
import net.dmvpnhub.wire.eigrp.EigrpSamples;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes the seed corpus of {@link WireFuzzTest}: the valid frames of {@link TestFrames}, cut to
 * what each target expects, as files under
 * {@code src/test/resources/net/dmvpnhub/wire/WireFuzzTestInputs/<method>/}. The files are
 * committed; this only needs running again when TestFrames changes. It overwrites the seeds it
 * names and leaves every other file (crash reproducers kept as regressions) alone. Off unless asked
 * for, so a build never rewrites resources:
 * <pre>
 * mvn -B -q -ntp -pl wire test-compile surefire:test -Dtest=WireFuzzSeedWriter -Ddmvpn.fuzz.writeSeeds=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "dmvpn.fuzz.writeSeeds", matches = "true")
class WireFuzzSeedWriter
{
    private static final int OUTER_IPV4_LENGTH = 20;

    @Test
    void writeSeeds()
    {
        final Map<String, byte[]> frames = frames();
        final Map<String, byte[]> greSlices = new LinkedHashMap<>();
        final Map<String, byte[]> espSlices = new LinkedHashMap<>();
        for (final Map.Entry<String, byte[]> entry : frames.entrySet())
        {
            final byte[] afterOuter = Arrays.copyOfRange(entry.getValue(), OUTER_IPV4_LENGTH, entry.getValue().length);
            if (entry.getKey().startsWith("gre-"))
            {
                greSlices.put(entry.getKey(), afterOuter);
            }
            else if (entry.getKey().startsWith("esp-"))
            {
                espSlices.put(entry.getKey(), afterOuter);
            }
        }
        espSlices.put("esp-gcm-decrypted-gre-ipv4", decryptedInPlace(8, 4, EspFlyweight.NEXT_HEADER_GRE, TestFrames.greIpv4()));
        espSlices.put("esp-cbc-decrypted-gre-nhrp", decryptedInPlace(
            16, 16, EspFlyweight.NEXT_HEADER_GRE, TestFrames.greNhrp(Nhrp.TYPE_RESOLUTION_REPLY, true)));
        espSlices.put("esp-gcm-decrypted-ipv4", decryptedInPlace(8, 4, EspFlyweight.NEXT_HEADER_IPV4, TestFrames.innerUdp(17)));

        final Map<String, byte[]> nhrp = new LinkedHashMap<>();
        for (final int type : TestFrames.NHRP_TYPES)
        {
            nhrp.put("nhrp-type" + type, TestFrames.nhrp(type, false));
            if (type != Nhrp.TYPE_ERROR_INDICATION)
            {
                nhrp.put("nhrp-type" + type + "-ext", TestFrames.nhrp(type, true));
            }
        }

        // Options after the GRE and ESP slices are cut, as they move everything behind the outer header.
        frames.put("ipv4-router-alert-gre-ipv4", withOptions(TestFrames.greIpv4(), new byte[]{(byte)0x94, 4, 0, 0}));
        final Map<String, byte[]> ipv4 = new LinkedHashMap<>(frames);
        ipv4.put("ipv4-udp", TestFrames.innerUdp(32));
        ipv4.put("ipv4-udp-odd", TestFrames.innerUdp(17));
        ipv4.put("ipv4-nop-eol-udp", withOptions(TestFrames.innerUdp(8), new byte[]{1, 1, 0, 0, 0, 0, 0, 0}));

        // A seed that does not decode would start the fuzzer from a rejection instead of a deep path.
        final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
        for (final Map.Entry<String, byte[]> frame : frames.entrySet())
        {
            assertEquals(DecodeStatus.OK, decoder.decode(new UnsafeBuffer(frame.getValue()), 0, frame.getValue().length), frame.getKey());
        }
        for (final Map.Entry<String, byte[]> packet : ipv4.entrySet())
        {
            final Ipv4Flyweight header = new Ipv4Flyweight().wrap(new UnsafeBuffer(packet.getValue()), 0, packet.getValue().length);
            assertEquals(DecodeStatus.OK, header.validate(), packet.getKey());
            assertTrue(header.verifyChecksum(), packet.getKey());
        }
        for (final Map.Entry<String, byte[]> packet : nhrp.entrySet())
        {
            final NhrpPacket parsed = new NhrpPacket().wrap(new UnsafeBuffer(packet.getValue()), 0, packet.getValue().length);
            assertEquals(DecodeStatus.OK, parsed.validate(), packet.getKey());
            assertTrue(parsed.verifyChecksum(), packet.getKey());
        }
        for (final Map.Entry<String, byte[]> packet : espSlices.entrySet())
        {
            final byte[] bytes = packet.getValue();
            assertEquals(DecodeStatus.OK, new EspFlyweight().wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate(8, 16), packet.getKey());
        }

        final Map<String, byte[]> icmp = icmpMessages();
        for (final Map.Entry<String, byte[]> message : icmp.entrySet())
        {
            final byte[] bytes = message.getValue();
            assertEquals(DecodeStatus.OK, new Icmp4Flyweight().wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate(), message.getKey());
        }

        write("ipv4Flyweight", ipv4);
        write("icmp4Flyweight", icmp);
        write("greFlyweight", greSlices);
        write("espFlyweight", espSlices);
        write("nhrpPacket", nhrp);
        write("tunnelFrameDecoder", frames);
        final Map<String, byte[]> eigrp = EigrpSamples.all();
        for (final Map.Entry<String, byte[]> packet : eigrp.entrySet())
        {
            final byte[] bytes = packet.getValue();
            assertEquals(DecodeStatus.OK, new EigrpPacket().wrap(new UnsafeBuffer(bytes), 0, bytes.length).validate(), packet.getKey());
        }
        write("eigrpPacket", eigrp);
    }

    /** ICMP messages as the hub and the spokes send them: echo, Time Exceeded and Port Unreachable quoting a UDP packet. */
    private static Map<String, byte[]> icmpMessages()
    {
        final Map<String, byte[]> messages = new LinkedHashMap<>();
        final byte[] echo = new byte[Icmp4Flyweight.HEADER_LENGTH + 56];
        for (int i = Icmp4Flyweight.HEADER_LENGTH; i < echo.length; i++)
        {
            echo[i] = (byte)i;
        }
        new Icmp4Flyweight().wrap(new UnsafeBuffer(echo), 0, echo.length).writeEcho(Icmp4Flyweight.TYPE_ECHO_REQUEST, 0x1234, 7).updateChecksum();
        messages.put("icmp-echo-request", echo);
        // An odd length: the checksum pads the last byte.
        final byte[] reply = Arrays.copyOf(echo, echo.length - 1);
        new Icmp4Flyweight().wrap(new UnsafeBuffer(reply), 0, reply.length).writeEcho(Icmp4Flyweight.TYPE_ECHO_REPLY, 0x1234, 7).updateChecksum();
        messages.put("icmp-echo-reply-odd", reply);
        final byte[] probe = TestFrames.innerUdp(12);
        final int quote = Icmp4Flyweight.quoteLength(Ipv4Flyweight.MIN_HEADER_LENGTH, probe.length);
        for (final int[] typeCode : new int[][]{
            {Icmp4Flyweight.TYPE_TIME_EXCEEDED, Icmp4Flyweight.CODE_TTL_EXCEEDED_IN_TRANSIT},
            {Icmp4Flyweight.TYPE_DESTINATION_UNREACHABLE, Icmp4Flyweight.CODE_PORT_UNREACHABLE}})
        {
            final byte[] error = new byte[Icmp4Flyweight.HEADER_LENGTH + quote];
            System.arraycopy(probe, 0, error, Icmp4Flyweight.HEADER_LENGTH, quote);
            new Icmp4Flyweight().wrap(new UnsafeBuffer(error), 0, error.length).writeError(typeCode[0], typeCode[1]).updateChecksum();
            messages.put(typeCode[0] == Icmp4Flyweight.TYPE_TIME_EXCEEDED ? "icmp-time-exceeded" : "icmp-port-unreachable", error);
        }
        return messages;
    }

    /**
     * Whole frames as the hub receives them: every GRE option combination over IPv4, GRE over every
     * NHRP type with and without extensions, and ESP.
     */
    private static Map<String, byte[]> frames()
    {
        final Map<String, byte[]> frames = new LinkedHashMap<>();
        for (int options = 0; options < 8; options++)
        {
            final boolean checksum = (options & 4) != 0;
            final long key = (options & 2) != 0 ? TestFrames.TUNNEL_KEY : -1;
            final long sequence = (options & 1) != 0 ? 0xFFFF_FFF0L : -1;
            frames.put("gre-ipv4" + optionsName(options),
                TestFrames.gre(checksum, key, sequence, GreFlyweight.PROTOCOL_IPV4, TestFrames.innerUdp(options * 5)));
        }
        for (final int type : TestFrames.NHRP_TYPES)
        {
            frames.put("gre-nhrp-type" + type, TestFrames.greNhrp(type, false));
            if (type != Nhrp.TYPE_ERROR_INDICATION)
            {
                frames.put("gre-nhrp-type" + type + "-ext", TestFrames.greNhrp(type, true));
            }
        }
        frames.put("gre-nhrp-type3-ext" + optionsName(7),
            TestFrames.gre(true, TestFrames.TUNNEL_KEY, 1, GreFlyweight.PROTOCOL_NHRP, TestFrames.nhrp(Nhrp.TYPE_REGISTRATION_REQUEST, true)));
        frames.put("esp-gcm-min", TestFrames.esp(EspFlyweight.TRAILER_LENGTH));
        frames.put("esp-gcm-64", TestFrames.esp(64));
        return frames;
    }

    private static String optionsName(final int options)
    {
        return options == 0 ? "" : "-" + ((options & 4) != 0 ? "c" : "") + ((options & 2) != 0 ? "k" : "") + ((options & 1) != 0 ? "s" : "");
    }

    /**
     * An ESP packet whose ciphertext region holds the plaintext as it is after decryption in place:
     * the inner packet, RFC 4303 padding to the cipher's alignment, pad length and next header.
     */
    private static byte[] decryptedInPlace(final int ivLength, final int alignment, final int nextHeader, final byte[] innerPacket)
    {
        final int padLength = EspFlyweight.padLength(innerPacket.length, alignment);
        final int plaintextLength = innerPacket.length + padLength + EspFlyweight.TRAILER_LENGTH;
        final int length = EspFlyweight.HEADER_LENGTH + ivLength + plaintextLength + 16;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        new EspFlyweight().wrap(buffer, 0, length).spi(0x11223344).sequence(2);
        final int plaintext = EspFlyweight.HEADER_LENGTH + ivLength;
        buffer.putBytes(plaintext, innerPacket);
        EspFlyweight.writeTrailer(buffer, plaintext + innerPacket.length, padLength, nextHeader);
        for (int i = plaintext + plaintextLength; i < length; i++)
        {
            buffer.putByte(i, (byte)(i * 31));
        }
        return buffer.byteArray();
    }

    /**
     * @return the IPv4 packet with {@code options} (a multiple of 4 bytes) after its 20-byte header,
     * IHL, total length and checksum updated.
     */
    private static byte[] withOptions(final byte[] packet, final byte[] options)
    {
        final byte[] result = new byte[packet.length + options.length];
        System.arraycopy(packet, 0, result, 0, Ipv4Flyweight.MIN_HEADER_LENGTH);
        System.arraycopy(options, 0, result, Ipv4Flyweight.MIN_HEADER_LENGTH, options.length);
        System.arraycopy(packet, Ipv4Flyweight.MIN_HEADER_LENGTH, result, Ipv4Flyweight.MIN_HEADER_LENGTH + options.length,
            packet.length - Ipv4Flyweight.MIN_HEADER_LENGTH);
        result[Ipv4Flyweight.VERSION_IHL_OFFSET] = (byte)(0x40 | (Ipv4Flyweight.MIN_HEADER_LENGTH + options.length) >>> 2);
        new Ipv4Flyweight().wrap(new UnsafeBuffer(result), 0, result.length).totalLength(result.length).updateChecksum();
        return result;
    }

    private static void write(final String method, final Map<String, byte[]> seeds)
    {
        final Path directory = Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/resources/net/dmvpnhub/wire/WireFuzzTestInputs").resolve(method);
        try
        {
            Files.createDirectories(directory);
            for (final Map.Entry<String, byte[]> seed : seeds.entrySet())
            {
                Files.write(directory.resolve(seed.getKey()), seed.getValue());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
