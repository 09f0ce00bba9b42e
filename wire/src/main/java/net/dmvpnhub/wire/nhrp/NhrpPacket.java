package net.dmvpnhub.wire.nhrp;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.InternetChecksum;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Validating flyweight over a whole NHRP packet (RFC 2332, plus the Cisco Traffic Indication of
 * draft-detienne-dmvpn-01). {@link #validate()} walks every length once, against the bytes
 * really present, and records where each part lies; the getters then read those parts.
 * <p>
 * Fixed header (section 5.1):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            ar$afn             |          ar$pro.type          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          ar$pro.snap                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ar$pro.snap  |   ar$hopcnt   |            ar$pktsz           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           ar$chksum           |            ar$extoff          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | ar$op.version | ar$op.type    |    ar$shtl    |    ar$sstl    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Common mandatory part of types 1 to 6 (section 5.2.0); Error Indication (7) puts the error
 * code and offset, and Traffic Indication (8) the traffic code, where the request ID is:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Src Proto Len | Dst Proto Len |           Flags               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Request ID                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Source NBMA Address (variable length)              |
 * |           Source NBMA Subaddress (variable length)            |
 * |          Source Protocol Address (variable length)            |
 * |       Destination  Protocol Address (variable length)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  CIEs (types 1-6) or the packet in error (7) or in traffic (8)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Extensions from ar$extoff, ending with End (section 5.3)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Rules beyond the RFC's words, chosen for a GRE transport that carries exactly one packet:
 * ar$pktsz equals the bytes wrapped; the mandatory part's three addresses are IPv4 (length 4:
 * section 5.2 names a source NBMA, source and destination protocol address for every type);
 * CIE addresses are IPv4 or absent (an IOS registration CIE has none); subaddresses are absent;
 * CIE-valued extensions hold whole CIEs; the list ends with End at ar$pktsz; a Traffic
 * Indication carries the start of an IPv4 packet, no longer than that packet's total length.
 */
public final class NhrpPacket
{
    public static final int FIXED_HEADER_LENGTH = 20;
    public static final int AFN_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int PROTOCOL_SNAP_OFFSET = 4;
    public static final int HOP_COUNT_OFFSET = 9;
    public static final int PACKET_SIZE_OFFSET = 10;
    public static final int CHECKSUM_OFFSET = 12;
    public static final int EXTENSION_OFFSET_OFFSET = 14;
    public static final int VERSION_OFFSET = 16;
    public static final int TYPE_OFFSET = 17;
    public static final int SOURCE_NBMA_TL_OFFSET = 18;
    public static final int SOURCE_SUBADDRESS_TL_OFFSET = 19;

    /** Offsets inside the mandatory part, which starts at {@link #FIXED_HEADER_LENGTH}. */
    public static final int SOURCE_PROTOCOL_LENGTH_OFFSET = 0;
    public static final int DESTINATION_PROTOCOL_LENGTH_OFFSET = 1;
    public static final int FLAGS_OFFSET = 2;
    public static final int REQUEST_ID_OFFSET = 4;
    public static final int ERROR_CODE_OFFSET = 4;
    public static final int ERROR_OFFSET_OFFSET = 6;
    public static final int TRAFFIC_CODE_OFFSET = 4;
    public static final int MANDATORY_FIXED_LENGTH = 8;

    private static final int ABSENT = -1;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    // Recorded by validate(), absolute offsets into buffer.
    private int sourceNbmaLength;
    private int sourceProtocolLength;
    private int destinationProtocolLength;
    private int addressesOffset;
    private int bodyOffset;
    private int bodyEnd;
    private int cieCount;
    private int extensionsOffset;
    private int extensionCount;
    private int responderOffset;
    private int forwardTransitOffset;
    private int reverseTransitOffset;
    private int authenticationOffset;
    private int natOffset;
    private int unknownCompulsoryOffset;
    private int failureOffset;

    /**
     * @param length bytes present from {@code offset}: the NHRP packet must fill them exactly.
     */
    public NhrpPacket wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.failureOffset = 0;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /**
     * Checks the fixed header, the mandatory part, every CIE and every extension against the
     * bytes present, and records their offsets. The checksum is separate: {@link #verifyChecksum()}.
     * On failure {@link #failureOffset()} says where, relative to the packet start, as an
     * Error Indication's offset field wants it.
     */
    public DecodeStatus validate()
    {
        failureOffset = 0;
        if (length < FIXED_HEADER_LENGTH)
        {
            return DecodeStatus.NHRP_TRUNCATED;
        }
        final int packetSize = packetSize();
        if (packetSize > length)
        {
            return fail(PACKET_SIZE_OFFSET, DecodeStatus.NHRP_TRUNCATED);
        }
        if (packetSize < FIXED_HEADER_LENGTH + MANDATORY_FIXED_LENGTH || packetSize < length)
        {
            return fail(PACKET_SIZE_OFFSET, DecodeStatus.NHRP_BAD_PACKET_SIZE);
        }
        if ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) != Nhrp.VERSION)
        {
            return fail(VERSION_OFFSET, DecodeStatus.NHRP_BAD_VERSION);
        }
        if (afn() != Nhrp.AFN_IPV4)
        {
            return fail(AFN_OFFSET, DecodeStatus.NHRP_UNSUPPORTED_AFN);
        }
        if (protocolType() != Nhrp.PROTOCOL_IPV4 || protocolSnap() != 0)
        {
            return fail(PROTOCOL_TYPE_OFFSET, DecodeStatus.NHRP_UNSUPPORTED_PROTOCOL);
        }
        final int type = type();
        if (type < Nhrp.TYPE_RESOLUTION_REQUEST || type > Nhrp.TYPE_TRAFFIC_INDICATION)
        {
            return fail(TYPE_OFFSET, DecodeStatus.NHRP_UNKNOWN_TYPE);
        }
        final int shtl = buffer.getByte(offset + SOURCE_NBMA_TL_OFFSET) & 0xFF;
        if (shtl != Nhrp.IPV4_ADDRESS_LENGTH)
        {
            return fail(SOURCE_NBMA_TL_OFFSET, DecodeStatus.NHRP_BAD_ADDRESS_LENGTH);
        }
        if ((buffer.getByte(offset + SOURCE_SUBADDRESS_TL_OFFSET) & 0xFF) != 0)
        {
            return fail(SOURCE_SUBADDRESS_TL_OFFSET, DecodeStatus.NHRP_BAD_ADDRESS_LENGTH);
        }
        sourceNbmaLength = shtl;

        final int extensionOffset = extensionOffset();
        final int bodyLimit;
        if (extensionOffset == 0)
        {
            bodyLimit = packetSize;
        }
        else if (extensionOffset < FIXED_HEADER_LENGTH + MANDATORY_FIXED_LENGTH || extensionOffset > packetSize)
        {
            return fail(EXTENSION_OFFSET_OFFSET, DecodeStatus.NHRP_BAD_EXTENSION_OFFSET);
        }
        else
        {
            bodyLimit = extensionOffset;
        }

        final int mandatory = offset + FIXED_HEADER_LENGTH;
        sourceProtocolLength = buffer.getByte(mandatory + SOURCE_PROTOCOL_LENGTH_OFFSET) & 0xFF;
        destinationProtocolLength = buffer.getByte(mandatory + DESTINATION_PROTOCOL_LENGTH_OFFSET) & 0xFF;
        if (sourceProtocolLength != Nhrp.IPV4_ADDRESS_LENGTH)
        {
            return fail(FIXED_HEADER_LENGTH + SOURCE_PROTOCOL_LENGTH_OFFSET, DecodeStatus.NHRP_BAD_ADDRESS_LENGTH);
        }
        if (destinationProtocolLength != Nhrp.IPV4_ADDRESS_LENGTH)
        {
            return fail(FIXED_HEADER_LENGTH + DESTINATION_PROTOCOL_LENGTH_OFFSET, DecodeStatus.NHRP_BAD_ADDRESS_LENGTH);
        }
        addressesOffset = mandatory + MANDATORY_FIXED_LENGTH;
        bodyOffset = addressesOffset + sourceNbmaLength + sourceProtocolLength + destinationProtocolLength;
        bodyEnd = offset + bodyLimit;
        if (bodyOffset > bodyEnd)
        {
            return fail(FIXED_HEADER_LENGTH, DecodeStatus.NHRP_MANDATORY_TRUNCATED);
        }

        cieCount = 0;
        if (Nhrp.hasCies(type))
        {
            for (int cie = bodyOffset; cie < bodyEnd; )
            {
                final int cieLength = cieLength(cie, bodyEnd);
                if (cieLength < 0)
                {
                    return fail(cie - offset, cieLength == -1 ? DecodeStatus.NHRP_CIE_TRUNCATED : DecodeStatus.NHRP_BAD_ADDRESS_LENGTH);
                }
                cie += cieLength;
                cieCount++;
            }
        }
        else if (type == Nhrp.TYPE_ERROR_INDICATION && errorOffset() > bodyEnd - bodyOffset)
        {
            return fail(FIXED_HEADER_LENGTH + ERROR_OFFSET_OFFSET, DecodeStatus.NHRP_ERROR_OFFSET_OUT_OF_RANGE);
        }
        else if (type == Nhrp.TYPE_TRAFFIC_INDICATION && !isIpv4Start(bodyOffset, bodyEnd - bodyOffset))
        {
            return fail(bodyOffset - offset, DecodeStatus.NHRP_BAD_TRAFFIC_CONTENTS);
        }

        extensionsOffset = extensionOffset == 0 ? ABSENT : offset + extensionOffset;
        return extensionOffset == 0 ? clearExtensions() : validateExtensions(offset + packetSize);
    }

    private DecodeStatus clearExtensions()
    {
        extensionCount = 0;
        responderOffset = ABSENT;
        forwardTransitOffset = ABSENT;
        reverseTransitOffset = ABSENT;
        authenticationOffset = ABSENT;
        natOffset = ABSENT;
        unknownCompulsoryOffset = ABSENT;
        return DecodeStatus.OK;
    }

    private DecodeStatus validateExtensions(final int end)
    {
        clearExtensions();
        int extension = extensionsOffset;
        while (true)
        {
            if (extension + NhrpExtensionFlyweight.HEADER_LENGTH > end)
            {
                return fail(extension - offset, extension == end ?
                    DecodeStatus.NHRP_EXTENSION_NO_END : DecodeStatus.NHRP_EXTENSION_TRUNCATED);
            }
            final int rawType = buffer.getShort(extension, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int type = rawType & Nhrp.EXTENSION_TYPE_MASK;
            final int valueLength = buffer.getShort(extension + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int value = extension + NhrpExtensionFlyweight.HEADER_LENGTH;
            if (value + valueLength > end)
            {
                return fail(extension + 2 - offset, DecodeStatus.NHRP_EXTENSION_TRUNCATED);
            }
            extensionCount++;
            switch (type)
            {
                case Nhrp.EXTENSION_END ->
                {
                    if (valueLength != 0)
                    {
                        return fail(extension + 2 - offset, DecodeStatus.NHRP_EXTENSION_BAD_LENGTH);
                    }
                    if (value != end)
                    {
                        return fail(value - offset, DecodeStatus.NHRP_EXTENSION_AFTER_END);
                    }
                    return DecodeStatus.OK;
                }
                case Nhrp.EXTENSION_RESPONDER_ADDRESS,
                     Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD,
                     Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD,
                     Nhrp.EXTENSION_CISCO_NAT_ADDRESS ->
                {
                    for (int cie = value, valueEnd = value + valueLength; cie < valueEnd; )
                    {
                        final int cieLength = cieLength(cie, valueEnd);
                        if (cieLength < 0)
                        {
                            return fail(extension + 2 - offset, DecodeStatus.NHRP_EXTENSION_BAD_LENGTH);
                        }
                        cie += cieLength;
                    }
                    recordCieExtension(type, extension);
                }
                case Nhrp.EXTENSION_AUTHENTICATION ->
                {
                    if (valueLength < 4 || valueLength > 4 + 255)
                    {
                        return fail(extension + 2 - offset, DecodeStatus.NHRP_EXTENSION_BAD_LENGTH);
                    }
                    if (authenticationOffset == ABSENT)
                    {
                        authenticationOffset = extension;
                    }
                }
                default ->
                {
                    if ((rawType & Nhrp.EXTENSION_COMPULSORY) != 0 && unknownCompulsoryOffset == ABSENT &&
                        type != Nhrp.EXTENSION_VENDOR_PRIVATE)
                    {
                        unknownCompulsoryOffset = extension;
                    }
                }
            }
            extension = value + valueLength;
        }
    }

    private void recordCieExtension(final int type, final int extension)
    {
        switch (type)
        {
            case Nhrp.EXTENSION_RESPONDER_ADDRESS -> responderOffset = responderOffset == ABSENT ? extension : responderOffset;
            case Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD ->
                forwardTransitOffset = forwardTransitOffset == ABSENT ? extension : forwardTransitOffset;
            case Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD ->
                reverseTransitOffset = reverseTransitOffset == ABSENT ? extension : reverseTransitOffset;
            default -> natOffset = natOffset == ABSENT ? extension : natOffset;
        }
    }

    /**
     * @return the CIE's length, -1 when it runs past {@code end}, -2 for a non-IPv4 address length.
     */
    private int cieLength(final int cie, final int end)
    {
        if (cie + NhrpCieFlyweight.FIXED_LENGTH > end)
        {
            return -1;
        }
        final int nbma = buffer.getByte(cie + NhrpCieFlyweight.CLIENT_NBMA_TL_OFFSET) & 0xFF;
        final int subaddress = buffer.getByte(cie + NhrpCieFlyweight.CLIENT_SUBADDRESS_TL_OFFSET) & 0xFF;
        final int protocol = buffer.getByte(cie + NhrpCieFlyweight.CLIENT_PROTOCOL_LENGTH_OFFSET) & 0xFF;
        if (!isAddressLength(nbma) || subaddress != 0 || !isAddressLength(protocol))
        {
            return -2;
        }
        final int cieLength = NhrpCieFlyweight.FIXED_LENGTH + nbma + protocol;
        return cie + cieLength > end ? -1 : cieLength;
    }

    /**
     * @return true when {@code length} bytes hold at least an IPv4 header and no more than the
     * packet's total length (the indication may carry only the start of a long packet).
     */
    private boolean isIpv4Start(final int start, final int length)
    {
        if (length < 20)
        {
            return false;
        }
        final int versionIhl = buffer.getByte(start) & 0xFF;
        final int totalLength = buffer.getShort(start + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return versionIhl >>> 4 == 4 && (versionIhl & 0x0F) >= 5 && length <= totalLength;
    }

    private static boolean isAddressLength(final int typeLength)
    {
        return typeLength == 0 || typeLength == Nhrp.IPV4_ADDRESS_LENGTH;
    }

    private DecodeStatus fail(final int relativeOffset, final DecodeStatus status)
    {
        failureOffset = relativeOffset;
        return status;
    }

    /**
     * @return where the last {@link #validate()} failure was found, relative to the packet start.
     */
    public int failureOffset()
    {
        return failureOffset;
    }

    /**
     * @return true when the checksum over ar$pktsz bytes verifies (call after {@link #validate()}).
     */
    public boolean verifyChecksum()
    {
        return InternetChecksum.verify(buffer, offset, packetSize());
    }

    /**
     * Recomputes the checksum, for example after decrementing the hop count.
     */
    public NhrpPacket updateChecksum()
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)InternetChecksum.compute(buffer, offset, packetSize()), ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int afn()
    {
        return buffer.getShort(offset + AFN_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int protocolType()
    {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the 5-byte ar$pro.snap as a long.
     */
    public long protocolSnap()
    {
        return (buffer.getInt(offset + PROTOCOL_SNAP_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL) << 8 |
            buffer.getByte(offset + PROTOCOL_SNAP_OFFSET + 4) & 0xFF;
    }

    public int hopCount()
    {
        return buffer.getByte(offset + HOP_COUNT_OFFSET) & 0xFF;
    }

    /**
     * Sets the hop count; the checksum must then be updated.
     */
    public NhrpPacket hopCount(final int hopCount)
    {
        buffer.putByte(offset + HOP_COUNT_OFFSET, (byte)hopCount);
        return this;
    }

    public int packetSize()
    {
        return buffer.getShort(offset + PACKET_SIZE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return ar$extoff: 0 when there are no extensions, else their offset from the packet start.
     */
    public int extensionOffset()
    {
        return buffer.getShort(offset + EXTENSION_OFFSET_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public int sourceNbmaLength()
    {
        return sourceNbmaLength;
    }

    public int sourceProtocolLength()
    {
        return sourceProtocolLength;
    }

    public int destinationProtocolLength()
    {
        return destinationProtocolLength;
    }

    /**
     * @return the flags of types 1 to 6.
     */
    public int flags()
    {
        return buffer.getShort(offset + FIXED_HEADER_LENGTH + FLAGS_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the request ID of types 1 to 6, as an unsigned value in a long.
     */
    public long requestId()
    {
        return buffer.getInt(offset + FIXED_HEADER_LENGTH + REQUEST_ID_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * @return the error code of an Error Indication.
     */
    public int errorCode()
    {
        return buffer.getShort(offset + FIXED_HEADER_LENGTH + ERROR_CODE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the error offset of an Error Indication: where, in the packet in error, the error is.
     */
    public int errorOffset()
    {
        return buffer.getShort(offset + FIXED_HEADER_LENGTH + ERROR_OFFSET_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the traffic code of a Traffic Indication (0: redirect).
     */
    public int trafficCode()
    {
        return buffer.getShort(offset + FIXED_HEADER_LENGTH + TRAFFIC_CODE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the source NBMA address, or 0 when absent.
     */
    public int sourceNbma()
    {
        return sourceNbmaLength == 0 ? 0 : buffer.getInt(addressesOffset, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return the source protocol address, or 0 when absent.
     */
    public int sourceProtocol()
    {
        return sourceProtocolLength == 0 ? 0 : buffer.getInt(addressesOffset + sourceNbmaLength, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return the destination protocol address, or 0 when absent.
     */
    public int destinationProtocol()
    {
        return destinationProtocolLength == 0 ? 0 :
            buffer.getInt(addressesOffset + sourceNbmaLength + sourceProtocolLength, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return absolute offset of what follows the mandatory addresses: the first CIE, or the
     * packet in error (type 7) or in traffic (type 8).
     */
    public int bodyOffset()
    {
        return bodyOffset;
    }

    /**
     * @return bytes from {@link #bodyOffset()} to the extensions (or the packet end).
     */
    public int bodyLength()
    {
        return bodyEnd - bodyOffset;
    }

    public int cieCount()
    {
        return cieCount;
    }

    /**
     * @return absolute offset of the extension list, or -1 when there is none.
     */
    public int extensionsOffset()
    {
        return extensionsOffset;
    }

    /**
     * @return extensions in the list, End included.
     */
    public int extensionCount()
    {
        return extensionCount;
    }

    /**
     * @return absolute offset of the first Responder Address extension, or -1.
     */
    public int responderAddressExtension()
    {
        return responderOffset;
    }

    /**
     * @return absolute offset of the first Forward Transit NHS Record extension, or -1.
     */
    public int forwardTransitExtension()
    {
        return forwardTransitOffset;
    }

    /**
     * @return absolute offset of the first Reverse Transit NHS Record extension, or -1.
     */
    public int reverseTransitExtension()
    {
        return reverseTransitOffset;
    }

    /**
     * @return absolute offset of the first Authentication extension, or -1.
     */
    public int authenticationExtension()
    {
        return authenticationOffset;
    }

    /**
     * @return absolute offset of the first Cisco NAT Address extension, or -1.
     */
    public int natAddressExtension()
    {
        return natOffset;
    }

    /**
     * @return absolute offset of the first compulsory extension this codec does not know, or -1:
     * RFC 2332 section 5.3 says the receiver answers it with Error Indication code 1.
     */
    public int unrecognizedCompulsoryExtension()
    {
        return unknownCompulsoryOffset;
    }
}
