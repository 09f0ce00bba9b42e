package net.dmvpnhub.wire.nhrp;

import net.dmvpnhub.wire.InternetChecksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes an NHRP packet front to back into a buffer, with no allocation, in the order RFC 2332
 * lays it out: {@link #header}, then one of {@link #mandatory}, {@link #errorIndication} or
 * {@link #trafficIndication}, then CIEs or {@link #contents}, then optionally extensions, then
 * {@link #finish()} which writes ar$pktsz, ar$extoff and the checksum.
 * <pre>{@code
 * int size = writer.wrap(buffer, offset, capacity)
 *     .header(Nhrp.TYPE_REGISTRATION_REQUEST, 255)
 *     .mandatory(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, requestId, spokeNbma, spokeTunnel, nhsTunnel)
 *     .cie(Nhrp.CIE_SUCCESS, 32, 1514, 7200, 0)
 *     .emptyExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, true)
 *     .endExtensions()
 *     .finish();
 * }</pre>
 * The caller gives a capacity; writing past it is a bug in the caller (the buffer's own bounds
 * check throws), not a property of received input.
 */
public final class NhrpPacketWriter
{
    private MutableDirectBuffer buffer;
    private int offset;
    private int capacity;
    private int position;
    private int extensionsStart;
    private int openExtension;

    public NhrpPacketWriter wrap(final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        this.position = offset;
        this.extensionsStart = 0;
        this.openExtension = -1;
        return this;
    }

    /**
     * @return bytes written so far.
     */
    public int length()
    {
        return position - offset;
    }

    public int capacity()
    {
        return capacity;
    }

    /**
     * Fixed header for IPv4 over an IPv4 NBMA (afn 1, protocol 0x0800, version 1, shtl 4, sstl 0).
     */
    public NhrpPacketWriter header(final int type, final int hopCount)
    {
        buffer.putShort(offset + NhrpPacket.AFN_OFFSET, (short)Nhrp.AFN_IPV4, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + NhrpPacket.PROTOCOL_TYPE_OFFSET, (short)Nhrp.PROTOCOL_IPV4, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + NhrpPacket.PROTOCOL_SNAP_OFFSET, 0);
        buffer.putByte(offset + NhrpPacket.PROTOCOL_SNAP_OFFSET + 4, (byte)0);
        buffer.putByte(offset + NhrpPacket.HOP_COUNT_OFFSET, (byte)hopCount);
        buffer.putInt(offset + NhrpPacket.PACKET_SIZE_OFFSET, 0);
        buffer.putShort(offset + NhrpPacket.EXTENSION_OFFSET_OFFSET, (short)0);
        buffer.putByte(offset + NhrpPacket.VERSION_OFFSET, (byte)Nhrp.VERSION);
        buffer.putByte(offset + NhrpPacket.TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + NhrpPacket.SOURCE_NBMA_TL_OFFSET, (byte)Nhrp.IPV4_ADDRESS_LENGTH);
        buffer.putByte(offset + NhrpPacket.SOURCE_SUBADDRESS_TL_OFFSET, (byte)0);
        position = offset + NhrpPacket.FIXED_HEADER_LENGTH;
        return this;
    }

    /**
     * Common mandatory part of types 1 to 6 with IPv4 addresses.
     */
    public NhrpPacketWriter mandatory(
        final int flags, final long requestId, final int sourceNbma, final int sourceProtocol, final int destinationProtocol)
    {
        return mandatoryPart(flags << 16, (int)requestId, sourceNbma, sourceProtocol, destinationProtocol);
    }

    /**
     * Mandatory part of an Error Indication (type 7). Follow with {@link #contents}: the packet in error.
     */
    public NhrpPacketWriter errorIndication(
        final int errorCode, final int errorOffset, final int sourceNbma, final int sourceProtocol, final int destinationProtocol)
    {
        return mandatoryPart(0, errorCode << 16 | errorOffset & 0xFFFF, sourceNbma, sourceProtocol, destinationProtocol);
    }

    /**
     * Mandatory part of a Traffic Indication (type 8). Follow with {@link #contents}: the start of
     * the data packet that took the longer path.
     */
    public NhrpPacketWriter trafficIndication(
        final int trafficCode, final int sourceNbma, final int sourceProtocol, final int destinationProtocol)
    {
        return mandatoryPart(0, trafficCode << 16, sourceNbma, sourceProtocol, destinationProtocol);
    }

    private NhrpPacketWriter mandatoryPart(
        final int flagsWord, final int secondWord, final int sourceNbma, final int sourceProtocol, final int destinationProtocol)
    {
        final int mandatory = offset + NhrpPacket.FIXED_HEADER_LENGTH;
        buffer.putByte(mandatory + NhrpPacket.SOURCE_PROTOCOL_LENGTH_OFFSET, (byte)Nhrp.IPV4_ADDRESS_LENGTH);
        buffer.putByte(mandatory + NhrpPacket.DESTINATION_PROTOCOL_LENGTH_OFFSET, (byte)Nhrp.IPV4_ADDRESS_LENGTH);
        buffer.putShort(mandatory + NhrpPacket.FLAGS_OFFSET, (short)(flagsWord >>> 16), ByteOrder.BIG_ENDIAN);
        buffer.putInt(mandatory + NhrpPacket.REQUEST_ID_OFFSET, secondWord, ByteOrder.BIG_ENDIAN);
        final int addresses = mandatory + NhrpPacket.MANDATORY_FIXED_LENGTH;
        buffer.putInt(addresses, sourceNbma, ByteOrder.BIG_ENDIAN);
        buffer.putInt(addresses + 4, sourceProtocol, ByteOrder.BIG_ENDIAN);
        buffer.putInt(addresses + 8, destinationProtocol, ByteOrder.BIG_ENDIAN);
        position = addresses + 12;
        return this;
    }

    /**
     * A CIE without client addresses (a registration request's CIE: the addresses are the source's).
     */
    public NhrpPacketWriter cie(final int code, final int prefixLength, final int mtu, final int holdingTimeS, final int preference)
    {
        position += NhrpCieFlyweight.write(buffer, position, code, prefixLength, mtu, holdingTimeS, preference, false, 0, 0);
        return this;
    }

    /**
     * A CIE with an IPv4 client NBMA and protocol address.
     */
    public NhrpPacketWriter cie(
        final int code,
        final int prefixLength,
        final int mtu,
        final int holdingTimeS,
        final int preference,
        final int clientNbma,
        final int clientProtocol)
    {
        position += NhrpCieFlyweight.write(
            buffer, position, code, prefixLength, mtu, holdingTimeS, preference, true, clientNbma, clientProtocol);
        return this;
    }

    /**
     * Copies bytes after the mandatory part: the packet in error, or the packet in traffic.
     */
    public NhrpPacketWriter contents(final DirectBuffer source, final int sourceOffset, final int length)
    {
        buffer.putBytes(position, source, sourceOffset, length);
        position += length;
        return this;
    }

    /**
     * Starts an extension; CIEs written until {@link #closeExtension()} form its value.
     */
    public NhrpPacketWriter openExtension(final int type, final boolean compulsory)
    {
        markExtensions();
        openExtension = position;
        buffer.putShort(position, (short)(type | (compulsory ? Nhrp.EXTENSION_COMPULSORY : 0)), ByteOrder.BIG_ENDIAN);
        buffer.putShort(position + 2, (short)0);
        position += NhrpExtensionFlyweight.HEADER_LENGTH;
        return this;
    }

    /**
     * Ends the open extension, writing its length.
     */
    public NhrpPacketWriter closeExtension()
    {
        final int valueLength = position - openExtension - NhrpExtensionFlyweight.HEADER_LENGTH;
        buffer.putShort(openExtension + 2, (short)valueLength, ByteOrder.BIG_ENDIAN);
        openExtension = -1;
        return this;
    }

    /**
     * An extension with no value (for example a Responder Address in a request).
     */
    public NhrpPacketWriter emptyExtension(final int type, final boolean compulsory)
    {
        return openExtension(type, compulsory).closeExtension();
    }

    /**
     * Cisco's plaintext Authentication extension: a 4-byte type 1 and the password.
     *
     * @param password at most {@link Nhrp#AUTHENTICATION_MAX_PASSWORD_LENGTH} bytes, as IOS keeps it.
     */
    public NhrpPacketWriter authenticationExtension(final byte[] password, final boolean compulsory)
    {
        openExtension(Nhrp.EXTENSION_AUTHENTICATION, compulsory);
        buffer.putInt(position, Nhrp.AUTHENTICATION_TYPE_CLEARTEXT, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(position + 4, password);
        position += 4 + password.length;
        return closeExtension();
    }

    /**
     * Copies an extension as received (for example a transit record being forwarded), header included.
     */
    public NhrpPacketWriter copyExtension(final DirectBuffer source, final int extensionOffset, final int lengthWithHeader)
    {
        markExtensions();
        buffer.putBytes(position, source, extensionOffset, lengthWithHeader);
        position += lengthWithHeader;
        return this;
    }

    /**
     * Writes the End extension (compulsory, type 0, length 0) that closes the list.
     */
    public NhrpPacketWriter endExtensions()
    {
        return emptyExtension(Nhrp.EXTENSION_END, true);
    }

    private void markExtensions()
    {
        if (extensionsStart == 0)
        {
            extensionsStart = position;
        }
    }

    /**
     * Writes ar$pktsz, ar$extoff and the checksum.
     *
     * @return the packet size.
     */
    public int finish()
    {
        final int packetSize = position - offset;
        buffer.putShort(offset + NhrpPacket.PACKET_SIZE_OFFSET, (short)packetSize, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + NhrpPacket.EXTENSION_OFFSET_OFFSET,
            (short)(extensionsStart == 0 ? 0 : extensionsStart - offset), ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + NhrpPacket.CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + NhrpPacket.CHECKSUM_OFFSET,
            (short)InternetChecksum.compute(buffer, offset, packetSize), ByteOrder.BIG_ENDIAN);
        return packetSize;
    }
}
