package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;

/**
 * The NHRP packets a spoke (NHC) writes, as an IOS spoke lays them out (RFC 2332 section 5.2).
 * Requests carry one CIE for the sender's own binding and the extensions an NHS fills in on the
 * way: Responder Address, Forward and Reverse Transit NHS Record (section 5.3), then the network's
 * Authentication extension when it has a key, then End. Replies keep the request's extensions in
 * order, with the Responder Address naming the responder.
 * <p>
 * Public so that benchmarks can pre-build a storm's requests with the spokes' own bytes.
 */
public final class NhcMessages
{
    /**
     * Q (the requester is a router) and S (its own binding is stable, it is registered), plus
     * Cisco's NAT-capable flag: what an IOS spoke puts in a Resolution Request (section 5.2.1).
     */
    static final int RESOLUTION_REQUEST_FLAGS = Nhrp.FLAG_RESOLUTION_Q | Nhrp.FLAG_RESOLUTION_S | Nhrp.FLAG_CISCO_NAT;

    private final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
    private final byte[] authentication;
    private final int mtu;

    public NhcMessages(final byte[] authentication, final int mtu)
    {
        this.authentication = authentication;
        this.mtu = mtu;
    }

    /**
     * Registration Request (section 5.2.3): source = the spoke, destination = the NHS, one CIE
     * with code 0, prefix 32 and the holding time asked for, no client addresses (they are the
     * source's); U unless the spoke is in no-unique mode.
     *
     * @return the packet's length ({@link NhrpPacketWriter#finish}).
     */
    public int registrationRequest(
        final NhrpPacketWriter writer, final boolean unique, final int requestId, final int nbma, final int tunnel, final int nhsTunnel,
        final int holdingTimeS)
    {
        writer.header(Nhrp.TYPE_REGISTRATION_REQUEST, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory((unique ? Nhrp.FLAG_REGISTRATION_U : 0) | Nhrp.FLAG_CISCO_NAT, requestId, nbma, tunnel, nhsTunnel)
            .cie(Nhrp.CIE_SUCCESS, 32, mtu, holdingTimeS, 0);
        return requestExtensions(writer);
    }

    /**
     * Resolution Request (section 5.2.1) for {@code target}, sent to the NHS; the CIE offers the
     * requester's own binding for the holding time, which the responder may cache. A spoke the hub
     * found behind a NAT ({@code postNatNbma} not 0) adds a Cisco NAT Address extension with its
     * post-NAT address, the one the responder must answer and build its tunnel to.
     */
    int resolutionRequest(
        final NhrpPacketWriter writer, final int requestId, final int nbma, final int tunnel, final int target, final int holdingTimeS,
        final int postNatNbma)
    {
        writer.header(Nhrp.TYPE_RESOLUTION_REQUEST, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(RESOLUTION_REQUEST_FLAGS, requestId, nbma, tunnel, target)
            .cie(Nhrp.CIE_SUCCESS, 32, mtu, holdingTimeS, 0);
        return requestExtensions(writer, postNatNbma, tunnel, holdingTimeS);
    }

    private int requestExtensions(final NhrpPacketWriter writer)
    {
        return requestExtensions(writer, 0, 0, 0);
    }

    private int requestExtensions(final NhrpPacketWriter writer, final int postNatNbma, final int tunnel, final int holdingTimeS)
    {
        writer.emptyExtension(Nhrp.EXTENSION_RESPONDER_ADDRESS, false)
            .emptyExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, false)
            .emptyExtension(Nhrp.EXTENSION_REVERSE_TRANSIT_NHS_RECORD, false);
        natExtension(writer, postNatNbma, tunnel, holdingTimeS);
        if (authentication != null)
        {
            writer.authenticationExtension(authentication, true);
        }
        return writer.endExtensions().finish();
    }

    /**
     * Resolution Reply (section 5.2.2) from the station that owns the target, sent straight to the
     * requester: the request's mandatory part with A (authoritative: the owner answers), one CIE
     * with the prefix that covers the target (a whole LAN), this spoke's NBMA and tunnel address,
     * and the holding time; the request's extensions with the Responder Address filled in, and in
     * place of the requester's Cisco NAT Address extension this spoke's own when it is behind a NAT
     * ({@code postNatNbma} not 0).
     */
    int resolutionReply(
        final NhrpPacketWriter writer, final NhrpPacket request, final int prefixLength, final int holdingTimeS, final int nbma,
        final int tunnel, final int postNatNbma)
    {
        writer.header(Nhrp.TYPE_RESOLUTION_REPLY, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(request.flags() | Nhrp.FLAG_RESOLUTION_A, request.requestId(), request.sourceNbma(), request.sourceProtocol(),
                request.destinationProtocol())
            .cie(Nhrp.CIE_SUCCESS, prefixLength, mtu, holdingTimeS, 0, nbma, tunnel);
        return replyExtensions(writer, request, nbma, tunnel, holdingTimeS, postNatNbma);
    }

    /** A Cisco NAT Address extension: one CIE binding {@code tunnel} to its post-NAT address; nothing when there is none. */
    private void natExtension(final NhrpPacketWriter writer, final int postNatNbma, final int tunnel, final int holdingTimeS)
    {
        if (postNatNbma != 0)
        {
            writer.openExtension(Nhrp.EXTENSION_CISCO_NAT_ADDRESS, false)
                .cie(Nhrp.CIE_SUCCESS, 32, mtu, holdingTimeS, 0, postNatNbma, tunnel)
                .closeExtension();
        }
    }

    /**
     * Purge Request (section 5.2.5) naming a binding (the CIE's client addresses and prefix);
     * with N the receiver does not answer.
     */
    int purgeRequest(
        final NhrpPacketWriter writer, final boolean noReply, final int requestId, final int nbma, final int tunnel,
        final int destination, final int prefixLength, final int clientNbma, final int clientTunnel)
    {
        writer.header(Nhrp.TYPE_PURGE_REQUEST, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(noReply ? Nhrp.FLAG_PURGE_N : 0, requestId, nbma, tunnel, destination)
            .cie(Nhrp.CIE_SUCCESS, prefixLength, mtu, 0, 0, clientNbma, clientTunnel);
        if (authentication != null)
        {
            writer.authenticationExtension(authentication, true);
        }
        return writer.endExtensions().finish();
    }

    /**
     * Purge Reply (section 5.2.6): the request's mandatory part and CIEs sent back.
     */
    int purgeReply(final NhrpPacketWriter writer, final NhrpPacket request)
    {
        writer.header(Nhrp.TYPE_PURGE_REPLY, Nhrp.DEFAULT_HOP_COUNT)
            .mandatory(request.flags(), request.requestId(), request.sourceNbma(), request.sourceProtocol(),
                request.destinationProtocol());
        if (request.bodyLength() > 0)
        {
            writer.contents(request.buffer(), request.bodyOffset(), request.bodyLength());
        }
        if (authentication != null)
        {
            writer.authenticationExtension(authentication, true);
        }
        return writer.endExtensions().finish();
    }

    private int replyExtensions(
        final NhrpPacketWriter writer, final NhrpPacket request, final int nbma, final int tunnel, final int holdingTimeS,
        final int postNatNbma)
    {
        if (request.extensionsOffset() >= 0)
        {
            for (int i = 0, offset = request.extensionsOffset(); i < request.extensionCount(); i++)
            {
                extension.wrap(request.buffer(), offset);
                final int type = extension.type();
                final int next = extension.nextOffset();
                if (type == Nhrp.EXTENSION_RESPONDER_ADDRESS)
                {
                    writer.openExtension(type, extension.isCompulsory())
                        .cie(Nhrp.CIE_SUCCESS, 32, mtu, holdingTimeS, 0, nbma, tunnel)
                        .closeExtension();
                }
                else if (type == Nhrp.EXTENSION_AUTHENTICATION)
                {
                    if (authentication != null)
                    {
                        writer.authenticationExtension(authentication, extension.isCompulsory());
                    }
                }
                else if (type != Nhrp.EXTENSION_END && type != Nhrp.EXTENSION_CISCO_NAT_ADDRESS)
                {
                    writer.copyExtension(request.buffer(), offset, next - offset);
                }
                offset = next;
            }
        }
        natExtension(writer, postNatNbma, tunnel, holdingTimeS);
        return writer.endExtensions().finish();
    }
}
