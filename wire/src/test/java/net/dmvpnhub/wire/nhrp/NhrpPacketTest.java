package net.dmvpnhub.wire.nhrp;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.TestFrames;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;

import static net.dmvpnhub.wire.TestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

class NhrpPacketTest
{
    private final NhrpPacket packet = new NhrpPacket();
    private final NhrpCieFlyweight cie = new NhrpCieFlyweight();
    private final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();

    @Test
    void ciscoShapedRegistrationRequestIs92BytesWithExtensionsAt52()
    {
        final byte[] bytes = TestFrames.ciscoRegistrationRequest();
        assertEquals(92, bytes.length);
        packet.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
        assertEquals(DecodeStatus.OK, packet.validate());
        assertTrue(packet.verifyChecksum());
        assertEquals(92, packet.packetSize());
        assertEquals(52, packet.extensionOffset());
        assertEquals(1, packet.cieCount());
        assertEquals(5, packet.extensionCount());
        assertEquals(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, packet.flags());
    }

    /**
     * The same registration built by an independent hand encoder (Python struct.pack, checked with
     * tshark 4.0: pktsz 92, extoff 52, checksum good) with its own addresses. Our writer, given those
     * addresses, must produce the same bytes, checksum included.
     */
    @Test
    void writerMatchesIndependentlyEncodedRegistrationByteForByte()
    {
        final String independent = "000108000000000000ff005c38920034010304000404800200000007c000020a0a00000a0a000001" +
            "0020000005ea1c200000000080030000800400008005000000090014002000000000000004000400c63364070a00000780000000";
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int size = new NhrpPacketWriter().wrap(buffer, 0, 128)
            .header(Nhrp.TYPE_REGISTRATION_REQUEST, 255)
            .mandatory(Nhrp.FLAG_REGISTRATION_U | Nhrp.FLAG_CISCO_NAT, 7, ip("192.0.2.10"), ip("10.0.0.10"), ip("10.0.0.1"))
            .cie(Nhrp.CIE_SUCCESS, 32, 1514, 7200, 0)
            .emptyExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, true)
            .emptyExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, true)
            .emptyExtension(Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD, true)
            .openExtension(Nhrp.EXTENSION_CISCO_NAT_ADDRESS, false)
            .cie(Nhrp.CIE_SUCCESS, 32, 0, 0, 0, ip("198.51.100.7"), ip("10.0.0.7"))
            .closeExtension()
            .endExtensions()
            .finish();
        final byte[] ours = new byte[size];
        buffer.getBytes(0, ours);
        assertEquals(independent, HexFormat.of().formatHex(ours));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyTypeRoundTripsWithoutExtensions(final int type)
    {
        final byte[] bytes = TestFrames.nhrp(type, false);
        packet.wrap(TestFrames.placed(bytes, 13), 13, bytes.length);
        assertEquals(DecodeStatus.OK, packet.validate());
        assertTrue(packet.verifyChecksum());
        assertEquals(type, packet.type());
        assertEquals(0, packet.extensionOffset());
        assertEquals(-1, packet.extensionsOffset());
        assertEquals(0, packet.extensionCount());
        assertCommonFields(type);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 8})
    void everyTypeRoundTripsWithExtensions(final int type)
    {
        final byte[] bytes = TestFrames.nhrp(type, true);
        packet.wrap(TestFrames.placed(bytes, 7), 7, bytes.length);
        assertEquals(DecodeStatus.OK, packet.validate());
        assertTrue(packet.verifyChecksum());
        assertEquals(type, packet.type());
        assertTrue(packet.extensionOffset() > 0);
        assertCommonFields(type);

        extension.wrap(packet.buffer(), packet.responderAddressExtension());
        assertTrue(extension.isCompulsory());
        assertEquals(Nhrp.EXTENSION_RESPONDER_ADDRESS, extension.type());
        extension.wrap(packet.buffer(), packet.natAddressExtension());
        assertFalse(extension.isCompulsory());
        cie.wrap(packet.buffer(), extension.valueOffset());
        assertEquals(SPOKE_NAT_NBMA, cie.clientNbma());
        assertEquals(SPOKE_TUNNEL, cie.clientProtocol());
        assertNotEquals(-1, packet.forwardTransitExtension());
        assertNotEquals(-1, packet.reverseTransitExtension());
        assertEquals(-1, packet.unrecognizedCompulsoryExtension());
        if (type != Nhrp.TYPE_REGISTRATION_REQUEST)
        {
            extension.wrap(packet.buffer(), packet.authenticationExtension());
            assertTrue(extension.authenticationMatches(PASSWORD));
            assertFalse(extension.authenticationMatches("cisco124".getBytes()));
            assertEquals(6, packet.extensionCount());
        }
        if (type == Nhrp.TYPE_RESOLUTION_REPLY)
        {
            extension.wrap(packet.buffer(), packet.responderAddressExtension());
            assertEquals(20, extension.length());
            cie.wrap(packet.buffer(), extension.valueOffset());
            assertEquals(HUB_NBMA, cie.clientNbma());
            assertEquals(HUB_TUNNEL, cie.clientProtocol());
        }
    }

    private void assertCommonFields(final int type)
    {
        assertEquals(Nhrp.AFN_IPV4, packet.afn());
        assertEquals(Nhrp.PROTOCOL_IPV4, packet.protocolType());
        assertEquals(0, packet.protocolSnap());
        assertEquals(255, packet.hopCount());
        assertEquals(1, packet.version());
        assertEquals(4, packet.sourceNbmaLength());
        switch (type)
        {
            case Nhrp.TYPE_ERROR_INDICATION ->
            {
                assertEquals(Nhrp.ERROR_AUTHENTICATION_FAILURE, packet.errorCode());
                assertEquals(52, packet.errorOffset());
                assertEquals(92, packet.bodyLength());
                assertEquals(HUB_NBMA, packet.sourceNbma());
                final NhrpPacket inError = new NhrpPacket().wrap(packet.buffer(), packet.bodyOffset(), packet.bodyLength());
                assertEquals(DecodeStatus.OK, inError.validate());
                assertEquals(Nhrp.TYPE_REGISTRATION_REQUEST, inError.type());
            }
            case Nhrp.TYPE_TRAFFIC_INDICATION ->
            {
                assertEquals(Nhrp.TRAFFIC_CODE_REDIRECT, packet.trafficCode());
                assertEquals(HUB_TUNNEL, packet.sourceProtocol());
                assertEquals(SPOKE_HOST, packet.destinationProtocol());
                assertEquals(60, packet.bodyLength());
                assertEquals(OTHER_SPOKE_HOST, packet.buffer().getInt(packet.bodyOffset() + 16, java.nio.ByteOrder.BIG_ENDIAN));
            }
            default ->
            {
                assertEquals(REQUEST_ID, packet.requestId());
                assertEquals(1, packet.cieCount());
                cie.wrap(packet.buffer(), packet.bodyOffset());
                assertEquals(Nhrp.CIE_SUCCESS, cie.code());
                switch (type)
                {
                    case Nhrp.TYPE_RESOLUTION_REPLY ->
                    {
                        assertEquals(24, cie.prefixLength());
                        assertEquals(MTU, cie.mtu());
                        assertEquals(7200, cie.holdingTimeS());
                        assertEquals(OTHER_SPOKE_NBMA, cie.clientNbma());
                        assertEquals(OTHER_SPOKE_TUNNEL, cie.clientProtocol());
                        assertEquals(20, cie.length());
                    }
                    case Nhrp.TYPE_REGISTRATION_REQUEST, Nhrp.TYPE_REGISTRATION_REPLY, Nhrp.TYPE_RESOLUTION_REQUEST ->
                    {
                        assertEquals(32, cie.prefixLength());
                        assertEquals(0, cie.clientNbmaLength());
                        assertEquals(0, cie.clientNbma());
                        assertEquals(12, cie.length());
                        assertEquals(SPOKE_NBMA, packet.sourceNbma());
                        assertEquals(SPOKE_TUNNEL, packet.sourceProtocol());
                    }
                    default ->
                    {
                        assertEquals(OTHER_SPOKE_TUNNEL, cie.clientProtocol());
                        assertEquals(HUB_NBMA, packet.sourceNbma());
                        assertEquals(SPOKE_TUNNEL, packet.destinationProtocol());
                    }
                }
            }
        }
    }

    @Test
    void hopCountEditThenChecksumUpdateVerifies()
    {
        final byte[] bytes = TestFrames.nhrp(Nhrp.TYPE_RESOLUTION_REQUEST, true);
        packet.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
        assertEquals(DecodeStatus.OK, packet.validate());
        packet.hopCount(packet.hopCount() - 1);
        assertFalse(packet.verifyChecksum());
        packet.updateChecksum();
        assertTrue(packet.verifyChecksum());
        assertEquals(254, packet.hopCount());
    }

    @Test
    void unknownCompulsoryExtensionIsReportedAndUnknownOptionalIsNot()
    {
        for (final boolean compulsory : new boolean[]{true, false})
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
            final int size = new NhrpPacketWriter().wrap(buffer, 0, 128)
                .header(Nhrp.TYPE_RESOLUTION_REQUEST, 255)
                .mandatory(0, 1, SPOKE_NBMA, SPOKE_TUNNEL, OTHER_SPOKE_HOST)
                .emptyExtension(42, compulsory)
                .endExtensions()
                .finish();
            packet.wrap(buffer, 0, size);
            assertEquals(DecodeStatus.OK, packet.validate());
            // Fixed header 20 + mandatory part 20 (no CIE): the extension starts at offset 40.
            assertEquals(compulsory ? 40 : -1, packet.unrecognizedCompulsoryExtension());
        }
    }

    @Test
    void validationFailureReportsTheOffsetAnErrorIndicationNeeds()
    {
        final byte[] bytes = TestFrames.nhrp(Nhrp.TYPE_REGISTRATION_REQUEST, false);
        bytes[NhrpPacket.VERSION_OFFSET] = 2;
        packet.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
        assertEquals(DecodeStatus.NHRP_BAD_VERSION, packet.validate());
        assertEquals(NhrpPacket.VERSION_OFFSET, packet.failureOffset());
    }

    private static int ip(final String text)
    {
        return Ipv4Address.parse(text);
    }
}
