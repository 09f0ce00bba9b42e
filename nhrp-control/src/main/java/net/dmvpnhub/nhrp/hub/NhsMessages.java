package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Every NHRP packet the NHS sends, built in a frame slot and handed to the dataplane: one place
 * that writes the fixed header and, for an answer or a forwarded request, the request's mandatory
 * part ({@link #openAnswer}), and one that carries the request's extensions over
 * ({@link #copyExtensions}). Between {@link #open} (or {@link #openAnswer}) and {@link #send} the
 * caller writes what is its own (CIEs, contents) through {@link #writer()}. Owned by the NHS
 * thread; allocates nothing.
 */
final class NhsMessages
{
    private final NhsConfig config;
    private final FrameSlab slab;
    private final UnsafeBuffer buffer;
    private final Dataplane dataplane;
    private final NhrpTraffic traffic;
    private final NhrpPacketWriter writer = new NhrpPacketWriter();
    private final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
    private int slot = -1;

    NhsMessages(final NhsConfig config, final FrameSlab slab, final Dataplane dataplane, final NhrpTraffic traffic)
    {
        this.config = config;
        this.slab = slab;
        this.buffer = slab.buffer();
        this.dataplane = dataplane;
        this.traffic = traffic;
    }

    /**
     * Starts a packet of {@code type} in a new slot, its fixed header written.
     *
     * @return false (counted) when the slab has no free slot; nothing is to be written then.
     */
    boolean open(final int type, final int hopCount)
    {
        slot = slab.allocate();
        if (slot < 0)
        {
            traffic.ignored[NhrpTraffic.Ignored.SLAB_EXHAUSTED.ordinal()]++;
            return false;
        }
        final int offset = payloadOffset(slot);
        // Leave the tail for ESP's padding, trailer and ICV.
        writer.wrap(buffer, offset, slab.limit(slot) - offset - 64).header(type, hopCount);
        return true;
    }

    /**
     * Starts an answer to {@code request} (or the request itself, forwarded): the fixed header and
     * the request's mandatory part, its flags with {@code extraFlags} added.
     *
     * @return false (counted) when the slab has no free slot.
     */
    boolean openAnswer(final NhrpPacket request, final int type, final int hopCount, final int extraFlags)
    {
        if (!open(type, hopCount))
        {
            return false;
        }
        writer.mandatory(request.flags() | extraFlags, request.requestId(), request.sourceNbma(), request.sourceProtocol(),
            request.destinationProtocol());
        return true;
    }

    /** Where the packet being built is written. */
    NhrpPacketWriter writer()
    {
        return writer;
    }

    /**
     * The request's extensions, in order, then the End extension. In a reply ({@code forwarding}
     * false): the Responder Address filled in with this hub, and a Cisco NAT Address when the
     * request's NBMA source differs from the address it came from ({@code ingressNbma}). In a
     * forwarded request: this hub added to the Forward Transit NHS Record (RFC 2332 section 5.3.4).
     * Either way the authentication is this hub's.
     */
    void copyExtensions(final NhrpPacket request, final int ingressNbma, final boolean forwarding)
    {
        final boolean natted = !forwarding && ingressNbma != request.sourceNbma();
        boolean recorded = false;
        if (request.extensionsOffset() >= 0)
        {
            for (int i = 0, offset = request.extensionsOffset(); i < request.extensionCount(); i++)
            {
                extension.wrap(buffer, offset);
                final int type = extension.type();
                final int next = extension.nextOffset();
                if (!forwarding && type == Nhrp.EXTENSION_RESPONDER_ADDRESS)
                {
                    writer.openExtension(type, extension.isCompulsory());
                    hubCie().closeExtension();
                }
                else if (forwarding && type == Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD && !recorded)
                {
                    writer.openExtension(type, extension.isCompulsory());
                    if (extension.length() > 0)
                    {
                        writer.contents(buffer, extension.valueOffset(), extension.length());
                    }
                    hubCie().closeExtension();
                    recorded = true;
                }
                else if (type == Nhrp.EXTENSION_AUTHENTICATION && config.authentication() != null)
                {
                    writer.authenticationExtension(config.authentication(), extension.isCompulsory());
                }
                else if (type != Nhrp.EXTENSION_END && !(type == Nhrp.EXTENSION_CISCO_NAT_ADDRESS && natted))
                {
                    writer.copyExtension(buffer, offset, next - offset);
                }
                offset = next;
            }
        }
        if (natted)
        {
            writer.openExtension(Nhrp.EXTENSION_CISCO_NAT_ADDRESS, false)
                .cie(Nhrp.CIE_SUCCESS, 32, config.mtu(), config.holdingTimeS(), 0, ingressNbma, request.sourceProtocol())
                .closeExtension();
        }
        if (forwarding && !recorded)
        {
            writer.openExtension(Nhrp.EXTENSION_FORWARD_TRANSIT_NHS_RECORD, false);
            hubCie().closeExtension();
        }
        writer.endExtensions();
    }

    /** A CIE naming this hub (Responder Address, Forward Transit NHS Record). */
    private NhrpPacketWriter hubCie()
    {
        return writer.cie(Nhrp.CIE_SUCCESS, 32, config.mtu(), config.holdingTimeS(), 0, config.hubNbma(), config.hubTunnel());
    }

    /**
     * Finishes the packet and queues it for the worker that sends for {@code saId}; a full
     * injection ring frees the slot and is counted.
     */
    void send(final int type, final int saId, final int nbma)
    {
        final int length = writer.finish();
        slab.data(slot, payloadOffset(slot), length);
        if (dataplane.inject(slot, saId, nbma))
        {
            traffic.sent[type]++;
        }
        else
        {
            slab.release(slot);
            traffic.ignored[NhrpTraffic.Ignored.INJECT_RING_FULL.ordinal()]++;
        }
        slot = -1;
    }

    /** Where an NHRP packet starts in a slot: after the headroom and the room for the tunnel's headers. */
    private int payloadOffset(final int slot)
    {
        return slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
    }
}
