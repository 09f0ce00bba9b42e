package net.dmvpnhub.wire;

import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

import static net.dmvpnhub.wire.Ipv4Address.parse;

/**
 * Valid frames of every kind the hub receives, built with the project's writers. Addresses
 * follow the Phase 3 lab: hub tunnel 10.0.0.1, NBMA from the benchmark range 198.18.0.0/15.
 */
public final class TestFrames
{
    public static final int HUB_NBMA = parse("198.18.0.1");
    public static final int SPOKE_NBMA = parse("198.18.1.2");
    public static final int SPOKE_NAT_NBMA = parse("198.19.1.2");
    public static final int OTHER_SPOKE_NBMA = parse("198.18.2.2");
    public static final int HUB_TUNNEL = parse("10.0.0.1");
    public static final int SPOKE_TUNNEL = parse("10.0.0.11");
    public static final int OTHER_SPOKE_TUNNEL = parse("10.0.0.12");
    public static final int SPOKE_HOST = parse("192.168.11.10");
    public static final int OTHER_SPOKE_HOST = parse("192.168.12.20");
    public static final long TUNNEL_KEY = 999;
    public static final int REQUEST_ID = 0x1234;
    public static final int MTU = 1514;
    public static final byte[] PASSWORD = "cisco123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Every NHRP type, 1 to 8. */
    public static final int[] NHRP_TYPES = {1, 2, 3, 4, 5, 6, 7, 8};

    private TestFrames()
    {
    }

    /**
     * An inner IPv4/UDP packet from a host behind one spoke to a host behind another.
     */
    public static byte[] innerUdp(final int payloadLength)
    {
        final int total = 20 + 8 + payloadLength;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[total]);
        new Ipv4Flyweight().wrap(buffer, 0, total)
            .writeHeader(0, total, 0x4242, Ipv4Flyweight.FLAG_DONT_FRAGMENT, 64, Ipv4Flyweight.PROTOCOL_UDP, SPOKE_HOST, OTHER_SPOKE_HOST);
        buffer.putShort(20, (short)5000, ByteOrder.BIG_ENDIAN);
        buffer.putShort(22, (short)5678, ByteOrder.BIG_ENDIAN);
        buffer.putShort(24, (short)(8 + payloadLength), ByteOrder.BIG_ENDIAN);
        buffer.putShort(26, (short)0);
        for (int i = 0; i < payloadLength; i++)
        {
            buffer.putByte(28 + i, (byte)i);
        }
        return buffer.byteArray();
    }

    /**
     * Outer IPv4 (spoke NBMA to hub NBMA), GRE with the given options, and a payload.
     */
    public static byte[] gre(final boolean checksum, final long key, final long sequence, final int protocolType, final byte[] payload)
    {
        final int greLength = GreFlyweight.headerLength(
            (checksum ? GreFlyweight.FLAG_CHECKSUM : 0) | (key >= 0 ? GreFlyweight.FLAG_KEY : 0) |
            (sequence >= 0 ? GreFlyweight.FLAG_SEQUENCE : 0));
        final int total = 20 + greLength + payload.length;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[total]);
        new Ipv4Flyweight().wrap(buffer, 0, total)
            .writeHeader(0, total, 1, 0, 255, Ipv4Flyweight.PROTOCOL_GRE, SPOKE_NBMA, HUB_NBMA);
        final GreFlyweight gre = new GreFlyweight().wrap(buffer, 20, total - 20);
        gre.writeHeader(checksum, protocolType, key, sequence);
        buffer.putBytes(20 + greLength, payload);
        gre.updateChecksum();
        return buffer.byteArray();
    }

    /** GRE with key 999 carrying an IPv4/UDP packet, as a DMVPN spoke sends data. */
    public static byte[] greIpv4()
    {
        return gre(false, TUNNEL_KEY, -1, GreFlyweight.PROTOCOL_IPV4, innerUdp(32));
    }

    /** GRE with key 999 carrying an NHRP packet. */
    public static byte[] greNhrp(final int type, final boolean withExtensions)
    {
        return gre(false, TUNNEL_KEY, -1, GreFlyweight.PROTOCOL_NHRP, nhrp(type, withExtensions));
    }

    /**
     * An outer IPv4 packet carrying a structurally valid ESP packet (AES-GCM layout: 8-byte IV,
     * 16-byte ICV). The ciphertext is arbitrary bytes: only the headers can be checked without keys.
     */
    public static byte[] esp(final int ciphertextLength)
    {
        final int espLength = 8 + 8 + ciphertextLength + 16;
        final int total = 20 + espLength;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[total]);
        new Ipv4Flyweight().wrap(buffer, 0, total)
            .writeHeader(0, total, 7, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, SPOKE_NBMA, HUB_NBMA);
        new EspFlyweight().wrap(buffer, 20, espLength).spi(0x11223344).sequence(1);
        for (int i = 28; i < total; i++)
        {
            buffer.putByte(i, (byte)(i * 31));
        }
        return buffer.byteArray();
    }

    /**
     * The Registration Request IOS sends from a spoke behind NAT, as its debug output shows it:
     * unique and NAT flags, one CIE (no client addresses, prefix 32, MTU 1514, 7200 s), then
     * Responder Address, Forward and Reverse Transit NHS Record (empty, compulsory), Cisco NAT
     * Address with one CIE, and End: ar$pktsz 92, ar$extoff 52.
     */
    public static byte[] ciscoRegistrationRequest()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int size = new NhrpPacketWriter().wrap(buffer, 0, 256)
            .header(Nhrp.TYPE_REGISTRATION_REQUEST, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, REQUEST_ID, SPOKE_NBMA, SPOKE_TUNNEL, HUB_TUNNEL)
            .cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0)
            .emptyExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, true)
            .emptyExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, true)
            .emptyExtension(Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD, true)
            .openExtension(Nhrp.EXTENSION_CISCO_NAT_ADDRESS, false)
            .cie(Nhrp.CIE_SUCCESS, 32, 0, 0, 0, SPOKE_NAT_NBMA, SPOKE_TUNNEL)
            .closeExtension()
            .endExtensions()
            .finish();
        return Arrays.copyOf(buffer.byteArray(), size);
    }

    /**
     * A valid NHRP packet of the given type, shaped as the hub and its spokes exchange it.
     * Error Indications never carry extensions (RFC 2332 section 5.2.7 lists none), so for
     * type 7 {@code withExtensions} adds nothing.
     */
    public static byte[] nhrp(final int type, final boolean withExtensions)
    {
        if (type == Nhrp.TYPE_REGISTRATION_REQUEST && withExtensions)
        {
            return ciscoRegistrationRequest();
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final NhrpPacketWriter writer = new NhrpPacketWriter().wrap(buffer, 0, 512).header(type, Nhrp.DEFAULT_HOP_COUNT);
        switch (type)
        {
            case Nhrp.TYPE_RESOLUTION_REQUEST ->
                writer.mandatory(Nhrp.FLAG_RESOLUTION_Q | Nhrp.FLAG_RESOLUTION_U | Nhrp.FLAG_CISCO_NAT, REQUEST_ID,
                        SPOKE_NBMA, SPOKE_TUNNEL, OTHER_SPOKE_HOST)
                    .cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0);
            case Nhrp.TYPE_RESOLUTION_REPLY ->
                writer.mandatory(Nhrp.FLAG_RESOLUTION_Q | Nhrp.FLAG_RESOLUTION_A | Nhrp.FLAG_RESOLUTION_D |
                        Nhrp.FLAG_RESOLUTION_U | Nhrp.FLAG_RESOLUTION_S | Nhrp.FLAG_CISCO_NAT, REQUEST_ID,
                        SPOKE_NBMA, SPOKE_TUNNEL, OTHER_SPOKE_HOST)
                    .cie(Nhrp.CIE_SUCCESS, 24, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0, OTHER_SPOKE_NBMA, OTHER_SPOKE_TUNNEL);
            case Nhrp.TYPE_REGISTRATION_REQUEST ->
                writer.mandatory(Nhrp.FLAG_REGISTRATION_U, REQUEST_ID, SPOKE_NBMA, SPOKE_TUNNEL, HUB_TUNNEL)
                    .cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0);
            case Nhrp.TYPE_REGISTRATION_REPLY ->
                writer.mandatory(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, REQUEST_ID, SPOKE_NBMA, SPOKE_TUNNEL, HUB_TUNNEL)
                    .cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0);
            case Nhrp.TYPE_PURGE_REQUEST ->
                writer.mandatory(0, REQUEST_ID, HUB_NBMA, HUB_TUNNEL, SPOKE_TUNNEL)
                    .cie(Nhrp.CIE_SUCCESS, 24, 0, 0, 0, OTHER_SPOKE_NBMA, OTHER_SPOKE_TUNNEL);
            case Nhrp.TYPE_PURGE_REPLY ->
                writer.mandatory(0, REQUEST_ID, HUB_NBMA, HUB_TUNNEL, SPOKE_TUNNEL)
                    .cie(Nhrp.CIE_SUCCESS, 24, 0, 0, 0, OTHER_SPOKE_NBMA, OTHER_SPOKE_TUNNEL);
            case Nhrp.TYPE_ERROR_INDICATION ->
            {
                final byte[] inError = ciscoRegistrationRequest();
                return finishWithoutExtensions(writer
                    .errorIndication(Nhrp.ERROR_AUTHENTICATION_FAILURE, 52, HUB_NBMA, HUB_TUNNEL, SPOKE_TUNNEL)
                    .contents(new UnsafeBuffer(inError), 0, inError.length), buffer);
            }
            case Nhrp.TYPE_TRAFFIC_INDICATION ->
            {
                final byte[] data = innerUdp(32);
                writer.trafficIndication(Nhrp.TRAFFIC_CODE_REDIRECT, HUB_NBMA, HUB_TUNNEL, SPOKE_HOST)
                    .contents(new UnsafeBuffer(data), 0, data.length);
            }
            default -> throw new IllegalArgumentException("no NHRP type " + type);
        }
        if (withExtensions)
        {
            addExtensions(type, writer);
        }
        return finishWithoutExtensions(writer, buffer);
    }

    private static void addExtensions(final int type, final NhrpPacketWriter writer)
    {
        final boolean reply = type == Nhrp.TYPE_RESOLUTION_REPLY || type == Nhrp.TYPE_REGISTRATION_REPLY ||
            type == Nhrp.TYPE_PURGE_REPLY;
        writer.openExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, true);
        if (reply)
        {
            writer.cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0, HUB_NBMA, HUB_TUNNEL);
        }
        writer.closeExtension()
            .openExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, true);
        if (type == Nhrp.TYPE_RESOLUTION_REQUEST || type == Nhrp.TYPE_RESOLUTION_REPLY)
        {
            writer.cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0, HUB_NBMA, HUB_TUNNEL);
        }
        writer.closeExtension()
            .openExtension(Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD, true);
        if (type == Nhrp.TYPE_RESOLUTION_REPLY)
        {
            writer.cie(Nhrp.CIE_SUCCESS, 32, MTU, Nhrp.DEFAULT_HOLDING_TIME_S, 0, HUB_NBMA, HUB_TUNNEL);
        }
        writer.closeExtension()
            .authenticationExtension(PASSWORD, true)
            .openExtension(Nhrp.EXTENSION_CISCO_NAT_ADDRESS, false)
            .cie(Nhrp.CIE_SUCCESS, 32, 0, 0, 0, SPOKE_NAT_NBMA, SPOKE_TUNNEL)
            .closeExtension()
            .endExtensions();
    }

    private static byte[] finishWithoutExtensions(final NhrpPacketWriter writer, final UnsafeBuffer buffer)
    {
        final int size = writer.finish();
        return Arrays.copyOf(buffer.byteArray(), size);
    }

    /**
     * @return a buffer over a copy of {@code frame} placed at {@code offset} in a larger array, with
     * capacity ending exactly at the frame's end, so a read past the frame throws.
     */
    public static UnsafeBuffer placed(final byte[] frame, final int offset)
    {
        final byte[] array = new byte[offset + frame.length];
        Arrays.fill(array, 0, offset, (byte)0xA5);
        System.arraycopy(frame, 0, array, offset, frame.length);
        return new UnsafeBuffer(array);
    }
}
