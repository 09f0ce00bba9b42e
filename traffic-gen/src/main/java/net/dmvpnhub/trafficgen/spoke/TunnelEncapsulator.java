package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a spoke's tunnel interface does to a packet on the way out, in place in a frame slot:
 * the GRE header with the tunnel key (RFC 2784, RFC 2890) in front of the payload (an IPv4 or an
 * NHRP packet), ESP in transport mode around the GRE packet with the peer's outbound SA (RFC
 * 4303), and the outer IPv4 header from this spoke's NBMA address to the peer's.
 * <p>
 * The payload is written first at {@link #payloadOffset}, where the slot has room in front for
 * every header ({@link FrameSlabDescriptor#TUNNEL_HEADERS}) and behind for ESP's trailer. One
 * instance per thread; nothing is allocated per frame.
 */
public final class TunnelEncapsulator
{
    /** Bytes kept free after a payload for ESP's padding, trailer and ICV. */
    public static final int TRAILER_ROOM = 64;
    private static final int OUTER_TTL = 255;

    private final EspProcessor esp = new EspProcessor();
    private final GreFlyweight gre = new GreFlyweight();
    private final Ipv4Flyweight outer = new Ipv4Flyweight();
    private final long tunnelKey;
    private int identification;

    /**
     * @param tunnelKey the GRE key, or -1 for none.
     */
    public TunnelEncapsulator(final long tunnelKey)
    {
        this.tunnelKey = tunnelKey;
    }

    /** @return where the payload of a frame built in {@code slot} starts. */
    public static int payloadOffset(final FrameSlab slab, final int slot)
    {
        return slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
    }

    /** @return how many payload bytes a frame in {@code slot} can carry. */
    public static int payloadCapacity(final FrameSlab slab, final int slot)
    {
        return slab.limit(slot) - payloadOffset(slab, slot) - TRAILER_ROOM;
    }

    /**
     * Wraps the payload at {@link #payloadOffset} in GRE, ESP and outer IPv4, and sets the slot's
     * data to the whole frame.
     *
     * @return {@link EspStatus#OK}, or why ESP refused (the slot is untouched as far as the caller cares).
     */
    public EspStatus encapsulate(
        final FrameSlab slab, final int slot, final int payloadLength, final int greProtocol, final SecurityAssociation sa,
        final int sourceNbma, final int destinationNbma)
    {
        final UnsafeBuffer buffer = slab.buffer();
        final int greLength = GreFlyweight.headerLength(tunnelKey >= 0 ? GreFlyweight.FLAG_KEY : 0);
        final int greOffset = payloadOffset(slab, slot) - greLength;
        gre.wrap(buffer, greOffset, greLength + payloadLength).writeHeader(false, greProtocol, tunnelKey, -1);
        final EspStatus status = esp.encrypt(sa, buffer, greOffset, greLength + payloadLength, slab.limit(slot));
        if (status != EspStatus.OK)
        {
            return status;
        }
        final int outerOffset = esp.espOffset() - Ipv4Flyweight.MIN_HEADER_LENGTH;
        if (outerOffset < slab.base(slot))
        {
            return EspStatus.NO_ROOM;
        }
        final int total = Ipv4Flyweight.MIN_HEADER_LENGTH + esp.espLength();
        outer.wrap(buffer, outerOffset, total).writeHeader(0, total, identification++ & 0xFFFF, 0, OUTER_TTL,
            Ipv4Flyweight.PROTOCOL_ESP, sourceNbma, destinationNbma);
        slab.data(slot, outerOffset, total);
        return EspStatus.OK;
    }
}
