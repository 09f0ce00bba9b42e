package net.dmvpnhub.bench;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Route;
import net.dmvpnhub.dataplane.fib.RouteSource;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A hub with {@code spokes} spokes (routes, TEIB bindings, one inbound and one outbound ESP SA
 * each, AES-GCM-128 through the default crypto provider, {@link CryptoProvider#preferred()}, as
 * {@link HubForwardingBenchmark}) and a ring of pre-encrypted spoke-to-spoke (hairpin) frames as the spokes send them: inner IPv4/UDP, GRE key
 * 999, ESP with the sender's SA, outer IPv4 from the sender's NBMA address to the hub's.
 * <p>
 * Each sender's frames carry increasing ESP sequence numbers in ring order, so one pass through
 * the ring is accepted by anti-replay; a second pass needs the sender's inbound window reset
 * ({@link TrafficPort} does that once none of the sender's frames is in flight). To make such a
 * wait unlikely, the first and the last {@link #boundary()} frames of the ring come from disjoint
 * senders (odd spokes first, even spokes last): when the ring wraps, the frames still in flight are
 * the last ones sent, and none of their senders starts the next pass.
 * <p>
 * Sizes are inner packet lengths; IMIX is 64/576/1500 bytes 7:4:1, as in {@link HubForwardingBenchmark}.
 */
public final class HairpinTraffic implements AutoCloseable
{
    /** Hub NBMA address (RFC 2544 benchmark range, as every address here). */
    public static final int HUB_NBMA = 0xC612_0001;
    public static final long KEY = 999;
    public static final Transform TRANSFORM = Transform.AES_GCM_128;
    private static final int[] IMIX = {64, 64, 64, 576, 64, 64, 576, 64, 64, 576, 1500, 576};
    /** Bytes before an inner packet in the frame store: room for GRE, ESP header and IV, outer IPv4. */
    private static final int LEAD = 64;

    private final int spokes;
    private final int frames;
    private final int boundary;
    private final HubTables tables;
    private final SecurityAssociation[] hubInbound;
    private final SecurityAssociation[] hubOutbound;
    private final UnsafeBuffer store;
    private final int[] frameOffset;
    private final int[] frameLength;
    private final int[] frameSender;
    private final long frameBytes;

    /**
     * @param spokes spokes 1..spokes, at least 4.
     * @param frames frames in the ring, a multiple of 4.
     * @param size inner packet length in bytes (20 to 1500), or "IMIX".
     * @param maxWorkers workers that will read the tables.
     * @param seed for senders, receivers and keys.
     */
    public HairpinTraffic(final int spokes, final int frames, final String size, final int maxWorkers, final long seed)
    {
        this(spokes, frames, size, maxWorkers, seed, spokes);
    }

    /**
     * @param tablePeers peers the hub's tables are sized for (at least {@code spokes}): more when a
     * control plane will add peers of its own, as the registration storm's spokes.
     */
    public HairpinTraffic(final int spokes, final int frames, final String size, final int maxWorkers, final long seed, final int tablePeers)
    {
        if (spokes < 4 || frames < 4 || frames % 4 != 0)
        {
            throw new IllegalArgumentException("need at least 4 spokes and a multiple of 4 frames, not " + spokes + " and " + frames);
        }
        this.spokes = spokes;
        this.frames = frames;
        this.boundary = Math.min(8192, frames / 4);
        this.tables = new HubTables(Math.max(spokes, tablePeers), maxWorkers);

        final SplittableRandom random = new SplittableRandom(seed);
        hubInbound = new SecurityAssociation[spokes + 1];
        hubOutbound = new SecurityAssociation[spokes + 1];
        final SecurityAssociation[] spokeToHub = provision(tables, spokes, random, hubInbound, hubOutbound, CryptoProvider.preferred());

        frameOffset = new int[frames];
        frameLength = new int[frames];
        frameSender = new int[frames];
        final int[] inner = new int[frames];
        long storeBytes = 0;
        for (int f = 0; f < frames; f++)
        {
            inner[f] = "IMIX".equals(size) ? IMIX[f % IMIX.length] : parseSize(size);
            storeBytes += stride(inner[f]);
        }
        if (storeBytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(frames + " frames of " + size + " bytes do not fit one buffer");
        }
        store = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int)storeBytes, 64));
        final EspProcessor builder = new EspProcessor();
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        final GreFlyweight gre = new GreFlyweight();
        int base = 0;
        long bytes = 0;
        for (int f = 0; f < frames; f++)
        {
            final int sender = sender(f, random);
            int receiver = 1 + random.nextInt(spokes - 1);
            if (receiver >= sender)
            {
                receiver++;
            }
            final int innerLength = inner[f];
            final int innerOffset = base + LEAD;
            ip.wrap(store, innerOffset, innerLength).writeHeader(0, innerLength, f & 0xFFFF, 0, 64, Ipv4Flyweight.PROTOCOL_UDP,
                lan(sender) | 10, lan(receiver) | 20);
            store.putShort(innerOffset + 24, (short)(innerLength - 20), ByteOrder.BIG_ENDIAN);
            gre.wrap(store, innerOffset - 8, 8 + innerLength).writeHeader(false, GreFlyweight.PROTOCOL_IPV4, KEY, -1);
            if (builder.encrypt(spokeToHub[sender], store, innerOffset - 8, 8 + innerLength, base + stride(innerLength)) != EspStatus.OK)
            {
                throw new IllegalStateException("cannot build frame " + f);
            }
            final int outer = builder.espOffset() - Ipv4Flyweight.MIN_HEADER_LENGTH;
            final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + builder.espLength();
            ip.wrap(store, outer, length).writeHeader(0, length, f & 0xFFFF, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, nbma(sender), HUB_NBMA);
            frameOffset[f] = outer;
            frameLength[f] = length;
            frameSender[f] = sender;
            bytes += length;
            base += stride(innerLength);
        }
        frameBytes = bytes;
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            spokeToHub[spoke].close();
        }
    }

    private int sender(final int f, final SplittableRandom random)
    {
        if (f < boundary)
        {
            return 1 + 2 * random.nextInt(spokes / 2);
        }
        if (f >= frames - boundary)
        {
            return 2 + 2 * random.nextInt(spokes / 2);
        }
        return 1 + random.nextInt(spokes);
    }

    private static int parseSize(final String size)
    {
        final int bytes = Integer.parseInt(size);
        if (bytes < 28 || bytes > 1500)
        {
            throw new IllegalArgumentException("inner packet size must be 28 to 1500 bytes or IMIX, not " + size);
        }
        return bytes;
    }

    /** Store bytes for one frame: lead, inner packet, ESP trailer and ICV, rounded to a cache line. */
    private static int stride(final int innerLength)
    {
        return (LEAD + innerLength + 64 + 63) & ~63;
    }

    /**
     * The hub of 10k-spoke benchmarks: for spokes 1..{@code spokes}, random keys (drawn from
     * {@code random}, up then down per spoke), the hub's inbound and outbound SAs (into the arrays,
     * indexed by spoke) and the spoke's SA towards the hub (returned), the spoke's LAN route via its
     * tunnel address, its binding; plus a discard route over all LANs.
     */
    static SecurityAssociation[] provision(
        final HubTables tables, final int spokes, final SplittableRandom random, final SecurityAssociation[] hubInbound,
        final SecurityAssociation[] hubOutbound, final CryptoProvider provider)
    {
        final SecurityAssociation[] spokeToHub = new SecurityAssociation[spokes + 1];
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            final byte[] up = new byte[TRANSFORM.keyMaterialLength()];
            final byte[] down = new byte[TRANSFORM.keyMaterialLength()];
            random.nextBytes(up);
            random.nextBytes(down);
            hubInbound[spoke] = SecurityAssociation.create(provider, TRANSFORM, up, 0x1000_0000 + spoke, SecurityAssociation.Direction.INBOUND,
                false);
            spokeToHub[spoke] = SecurityAssociation.create(provider, TRANSFORM, up, 0x1000_0000 + spoke,
                SecurityAssociation.Direction.OUTBOUND, false);
            hubOutbound[spoke] = SecurityAssociation.create(provider, TRANSFORM, down, 0x2000_0000 + spoke,
                SecurityAssociation.Direction.OUTBOUND, false);
            tables.peerSas(spoke, new PeerSas(hubOutbound[spoke], hubInbound[spoke]));
            tables.routes().add(new Route(lan(spoke), 24, RouteSource.EIGRP, 90, Adjacency.tunnel(tunnel(spoke))));
            tables.peers().put(tunnel(spoke), nbma(spoke), spoke, PeerTable.Type.DYNAMIC, Long.MAX_VALUE);
        }
        tables.routes().add(new Route(0x0A00_0000, 8, RouteSource.STATIC, 1, Adjacency.DISCARD));
        return spokeToHub;
    }

    static int lan(final int spoke)
    {
        return 0x0A00_0000 | spoke << 8;
    }

    static int tunnel(final int spoke)
    {
        return 0x6440_0000 | spoke;
    }

    /** NBMA address of a spoke. */
    public static int nbma(final int spoke)
    {
        return 0xC613_0000 | spoke;
    }

    /**
     * The hub's tunnel as the threaded runs configure it: redirect on with a one-second interval
     * per pair (as {@link HubForwardingBenchmark}), and back-pressure on, so a frame the source
     * handed to the hub is never lost inside it (the source's own receive ring is where overload
     * shows, as on a NIC).
     */
    public static HubConfig config()
    {
        return new HubConfig(HUB_NBMA, KEY, true, true, 1_000_000_000L, 1_000_000_000L, true);
    }

    public HubTables tables()
    {
        return tables;
    }

    public int spokes()
    {
        return spokes;
    }

    public int frames()
    {
        return frames;
    }

    /** Frames at each end of the ring whose senders are disjoint. */
    public int boundary()
    {
        return boundary;
    }

    /** The frame store; frame {@code f} lies at {@link #offset(int)}. */
    public UnsafeBuffer store()
    {
        return store;
    }

    public int offset(final int frame)
    {
        return frameOffset[frame];
    }

    public int length(final int frame)
    {
        return frameLength[frame];
    }

    /** The spoke that sent frame {@code frame}. */
    public int sender(final int frame)
    {
        return frameSender[frame];
    }

    /** Mean length of a frame on the wire to the hub, outer IPv4 included. */
    public double meanFrameBytes()
    {
        return (double)frameBytes / frames;
    }

    /** The hub's inbound SA from {@code spoke}, whose anti-replay window a new pass resets. */
    public SecurityAssociation hubInbound(final int spoke)
    {
        return hubInbound[spoke];
    }

    @Override
    public void close()
    {
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            hubInbound[spoke].close();
            hubOutbound[spoke].close();
        }
    }
}
