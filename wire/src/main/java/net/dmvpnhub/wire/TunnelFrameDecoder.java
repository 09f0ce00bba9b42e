package net.dmvpnhub.wire;

import net.dmvpnhub.wire.nhrp.NhrpPacket;
import org.agrona.MutableDirectBuffer;

/**
 * Decodes one frame as the hub receives it from the underlay: an outer IPv4 packet carrying
 * either ESP (encrypted; only its header can be checked here) or GRE, which carries an inner
 * IPv4 packet or an NHRP packet. Every header is validated against the bytes present and every
 * checksum verified; the first problem found is the result. A frame is one exact IP packet:
 * its outer total length must equal the bytes given.
 * <p>
 * One instance per thread: it owns one flyweight per header and allocates nothing. After a
 * successful decode the flyweights stay wrapped on the frame for the caller to read or edit.
 */
public final class TunnelFrameDecoder
{
    /** The outer IPv4 packet carries ESP. */
    public static final int KIND_ESP = 1;
    /** GRE carrying an IPv4 packet. */
    public static final int KIND_GRE_IPV4 = 2;
    /** GRE carrying an NHRP packet. */
    public static final int KIND_GRE_NHRP = 3;

    private final Ipv4Flyweight outer = new Ipv4Flyweight();
    private final EspFlyweight esp = new EspFlyweight();
    private final GreFlyweight gre = new GreFlyweight();
    private final Ipv4Flyweight inner = new Ipv4Flyweight();
    private final NhrpPacket nhrp = new NhrpPacket();
    private final int espIvLength;
    private final int espIcvLength;
    private int kind;

    /**
     * A decoder that expects the ESP layout of AES-GCM (RFC 4106): 8-byte IV, 16-byte ICV.
     */
    public TunnelFrameDecoder()
    {
        this(8, 16);
    }

    public TunnelFrameDecoder(final int espIvLength, final int espIcvLength)
    {
        this.espIvLength = espIvLength;
        this.espIcvLength = espIcvLength;
    }

    /**
     * @param length bytes of the frame from {@code offset}, starting at the outer IPv4 header.
     */
    public DecodeStatus decode(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        kind = 0;
        outer.wrap(buffer, offset, length);
        DecodeStatus status = outer.validate();
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        if (outer.totalLength() != length)
        {
            // Frames arrive as exact IP packets (no link-layer padding): extra bytes mean damage.
            return DecodeStatus.IPV4_LENGTH_MISMATCH;
        }
        if (!outer.verifyChecksum())
        {
            return DecodeStatus.IPV4_BAD_CHECKSUM;
        }
        if (outer.isFragment())
        {
            return DecodeStatus.IPV4_FRAGMENT;
        }
        final int protocol = outer.protocol();
        if (protocol == Ipv4Flyweight.PROTOCOL_ESP)
        {
            status = esp.wrap(buffer, outer.payloadOffset(), outer.payloadLength()).validate(espIvLength, espIcvLength);
            if (status == DecodeStatus.OK)
            {
                kind = KIND_ESP;
            }
            return status;
        }
        if (protocol == Ipv4Flyweight.PROTOCOL_GRE)
        {
            return decodeGre(buffer, outer.payloadOffset(), outer.payloadLength());
        }
        return DecodeStatus.IPV4_UNEXPECTED_PROTOCOL;
    }

    /**
     * Decodes a GRE packet and what it carries, for example the plaintext of a decrypted ESP packet.
     *
     * @param length bytes of the GRE packet (header and payload) from {@code offset}.
     */
    public DecodeStatus decodeGre(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        kind = 0;
        gre.wrap(buffer, offset, length);
        final DecodeStatus status = gre.validate();
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        if (!gre.verifyChecksum())
        {
            return DecodeStatus.GRE_BAD_CHECKSUM;
        }
        final int protocolType = gre.protocolType();
        if (protocolType == GreFlyweight.PROTOCOL_IPV4)
        {
            return decodeInnerIpv4(buffer);
        }
        if (protocolType == GreFlyweight.PROTOCOL_NHRP)
        {
            return decodeNhrp(buffer);
        }
        return DecodeStatus.GRE_UNKNOWN_PROTOCOL;
    }

    private DecodeStatus decodeInnerIpv4(final MutableDirectBuffer buffer)
    {
        final int payloadLength = gre.payloadLength();
        inner.wrap(buffer, gre.payloadOffset(), payloadLength);
        final DecodeStatus status = inner.validate();
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        if (inner.totalLength() != payloadLength)
        {
            return DecodeStatus.IPV4_LENGTH_MISMATCH;
        }
        if (!inner.verifyChecksum())
        {
            return DecodeStatus.IPV4_BAD_CHECKSUM;
        }
        kind = KIND_GRE_IPV4;
        return DecodeStatus.OK;
    }

    private DecodeStatus decodeNhrp(final MutableDirectBuffer buffer)
    {
        nhrp.wrap(buffer, gre.payloadOffset(), gre.payloadLength());
        final DecodeStatus status = nhrp.validate();
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        if (!nhrp.verifyChecksum())
        {
            return DecodeStatus.NHRP_BAD_CHECKSUM;
        }
        kind = KIND_GRE_NHRP;
        return DecodeStatus.OK;
    }

    /**
     * @return {@link #KIND_ESP}, {@link #KIND_GRE_IPV4} or {@link #KIND_GRE_NHRP} after a
     * successful decode, else 0.
     */
    public int kind()
    {
        return kind;
    }

    public Ipv4Flyweight outer()
    {
        return outer;
    }

    public EspFlyweight esp()
    {
        return esp;
    }

    public GreFlyweight gre()
    {
        return gre;
    }

    public Ipv4Flyweight inner()
    {
        return inner;
    }

    public NhrpPacket nhrp()
    {
        return nhrp;
    }
}
