package net.dmvpnhub.bench;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.trafficgen.spoke.NhcMessages;
import net.dmvpnhub.trafficgen.spoke.TunnelEncapsulator;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The spokes of a registration storm and the first frame each sends after IKE: a Registration
 * Request written by the spokes' own code ({@link NhcMessages}: U and the Cisco NAT flag, one CIE
 * asking for 7200 s, Responder Address, Forward and Reverse Transit NHS Record, End), in GRE with
 * the tunnel key, in ESP (AES-GCM-128, sequence number 1) with the SA the spoke derives from the
 * simulated IKE exchange, in IPv4 from the spoke's NBMA address to the hub's. Real bytes, as a
 * spoke sends them; the hub decrypts and parses them as any other.
 * <p>
 * Addresses stay apart from {@link HairpinTraffic}'s forwarding spokes: tunnel addresses from
 * 100.96.0.1 in the hub's 100.64.0.0/10 tunnel subnet (the forwarding spokes sit at 100.64.0.x,
 * the hub at 100.127.255.254), NBMA addresses from 172.16.0.1 (the forwarding spokes' are in
 * 198.19.0.0/16), LANs from 10.128.0.0 inside 10.128.0.0/9 (/24s up to 32,768 spokes, longer
 * beyond: {@link AddressPlan#forSpokes}).
 * <p>
 * The ESP key of a spoke's frame depends on the SPI the hub picks in IKE, so the frames are built
 * for one storm at a time ({@link #build}), from the SPI the hub will hand out first
 * ({@code NhrpServer.nextInboundSpi()}); the storm checks every IKE answer against it.
 */
public final class StormSpokes
{
    public static final int HUB_TUNNEL = Ipv4Address.parse("100.127.255.254");
    public static final int TUNNEL_PREFIX_LENGTH = 10;
    public static final int FIRST_TUNNEL = Ipv4Address.parse("100.96.0.1");
    public static final int FIRST_NBMA = Ipv4Address.parse("172.16.0.1");
    /** The SPI each spoke offers in IKE (it receives on it). */
    public static final int FIRST_SPOKE_SPI = 0x3000_0000;
    public static final int HOLDING_TIME_S = Nhrp.DEFAULT_HOLDING_TIME_S;
    public static final int MTU = 1400;
    /** Store bytes per frame: a Registration Request frame is well under 256 bytes. */
    private static final int STRIDE = 256;

    private final int count;
    private final AddressPlan plan;
    private final SimulatedIke ike;
    private final UnsafeBuffer store;
    private final int[] frameOffset;
    private final int[] frameLength;
    private final FrameSlab scratch = new FrameSlab(2, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
    private final NhcMessages messages = new NhcMessages(null, MTU);
    private final NhrpPacketWriter writer = new NhrpPacketWriter();
    private final TunnelEncapsulator encapsulator = new TunnelEncapsulator(HairpinTraffic.KEY);
    private int firstHubSpi = -1;

    /**
     * @param count spokes in the storm (1 to 1,000,000).
     * @param ike the network's simulated IKE: the same pre-shared key as the hub's.
     */
    public StormSpokes(final int count, final SimulatedIke ike)
    {
        if (count < 1 || count > 1_000_000)
        {
            throw new IllegalArgumentException("storm spokes must be 1 to 1,000,000, not " + count);
        }
        this.count = count;
        this.ike = ike;
        final AddressPlan sized = AddressPlan.forSpokes(count);
        this.plan = new AddressPlan(FIRST_TUNNEL, FIRST_NBMA, sized.firstLan(), sized.lanPrefixLength());
        this.store = new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * STRIDE, 64));
        this.frameOffset = new int[count];
        this.frameLength = new int[count];
    }

    public int count()
    {
        return count;
    }

    /** Tunnel, NBMA and LAN addresses of spoke {@code i} (0-based). */
    public AddressPlan plan()
    {
        return plan;
    }

    /**
     * Builds every spoke's Registration Request frame for a storm whose IKE answers give spoke
     * {@code i} (in the order of {@link #ikeRequest}) the hub SPI {@code firstHubSpi + i}.
     */
    public void build(final int firstHubSpi)
    {
        final int slot = scratch.allocate();
        try
        {
            final int payload = TunnelEncapsulator.payloadOffset(scratch, slot);
            for (int i = 0; i < count; i++)
            {
                final int nbma = plan.nbma(i);
                writer.wrap(scratch.buffer(), payload, TunnelEncapsulator.payloadCapacity(scratch, slot));
                final int length = messages.registrationRequest(writer, true, i + 1, nbma, plan.tunnel(i), HUB_TUNNEL, HOLDING_TIME_S);
                try (SecurityAssociation sa = ike.sa(SecurityAssociation.Direction.OUTBOUND, nbma, HairpinTraffic.HUB_NBMA, firstHubSpi + i))
                {
                    final EspStatus status = encapsulator.encapsulate(scratch, slot, length, GreFlyweight.PROTOCOL_NHRP, sa, nbma,
                        HairpinTraffic.HUB_NBMA);
                    if (status != EspStatus.OK)
                    {
                        throw new IllegalStateException("cannot build storm frame " + i + ": " + status);
                    }
                }
                if (scratch.length(slot) > STRIDE)
                {
                    throw new IllegalStateException("storm frame of " + scratch.length(slot) + " bytes exceeds " + STRIDE);
                }
                frameOffset[i] = i * STRIDE;
                frameLength[i] = scratch.length(slot);
                store.putBytes(frameOffset[i], scratch.buffer(), scratch.offset(slot), frameLength[i]);
            }
        }
        finally
        {
            scratch.release(slot);
        }
        this.firstHubSpi = firstHubSpi;
    }

    /** The hub SPI the frames were built for, for spoke 0; -1 before {@link #build}. */
    public int firstHubSpi()
    {
        return firstHubSpi;
    }

    /** Spoke {@code i}'s IKE request as the hub's IKE ring takes it: NBMA address and the spoke's SPI. */
    public long ikeRequest(final int i)
    {
        return (long)plan.nbma(i) << 32 | (FIRST_SPOKE_SPI + i) & 0xFFFF_FFFFL;
    }

    /** @return the spoke with this NBMA address, or -1. */
    public int index(final int nbma)
    {
        final long i = (nbma & 0xFFFF_FFFFL) - (FIRST_NBMA & 0xFFFF_FFFFL);
        return i >= 0 && i < count ? (int)i : -1;
    }

    public UnsafeBuffer store()
    {
        return store;
    }

    public int offset(final int i)
    {
        return frameOffset[i];
    }

    public int length(final int i)
    {
        return frameLength[i];
    }
}
