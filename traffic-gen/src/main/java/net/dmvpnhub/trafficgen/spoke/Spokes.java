package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.CoalescingTimerWheel;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.trafficgen.spoke.SpokeCounters.Counter;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Icmp4Flyweight;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpCieFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated spokes of a DMVPN network (NHRP clients, RFC 2332): thousands in one Agrona
 * {@link Agent}, state in parallel arrays indexed by spoke, driven by one timer wheel (Agrona's
 * {@code DeadlineTimerWheel}, coalesced by tick: {@link CoalescingTimerWheel}) on an injected
 * clock, so two hours of holding time pass in milliseconds and a run with the same seed and
 * inputs replays event for event.
 * <p>
 * Memory, measured: about 400 bytes of tables per spoke (arrays, counters, maps, timers, NHRP
 * cache; {@link #memoryBytes()}), plus its SA pair with the hub, about 1 KB of heap and 7 KB of
 * native OpenSSL context, and one more pair per spoke it talks to directly.
 * <p>
 * Each spoke has a tunnel address, an NBMA address (which may change), a LAN, its IPsec SAs
 * with the hub and with the spokes it talks to directly, an NHRP client state machine
 * ({@link SpokeState}) and a routing table: its connected LAN, the tunnel subnet, the route the
 * hub gives (a summary or default, Phase 3), each other spoke's LAN with the next hop kept
 * (Phase 2, as a routing protocol would teach it), and NHRP cache entries and shortcut (H) routes
 * with holding times. The spoke:
 * <ul>
 *   <li>runs a (simulated) IKE exchange with the hub, then registers (section 5.2.3), with
 *   seeded start-up jitter; refreshes at a third of the holding time; retries with exponential,
 *   jittered back-off when unanswered, refused with NAK 5 (the hub is overloaded), 14 (unique
 *   address registered from elsewhere) or 4, or answered with an Error Indication;</li>
 *   <li>reacts to a Traffic Indication (Phase 3) by resolving the target through the hub; when
 *   the hub forwards it a Resolution Request for its own LAN it answers the requester directly
 *   with its LAN prefix (section 5.2.2), caching the requester's binding; the requester installs
 *   an H route and a binding, and later packets go spoke to spoke;</li>
 *   <li>in Phase 2 resolves the next hop of a route when a packet needs it, sending the packet via
 *   the hub meanwhile, and installs the hub's authoritative answer;</li>
 *   <li>marks an entry used when a data packet takes it, renews used entries before they expire
 *   and lets idle ones expire;</li>
 *   <li>honours Purge Requests (section 5.2.5), answering unless N is set; on an NBMA address
 *   change purges the shortcuts others hold to it, does IKE from the new address and
 *   re-registers;</li>
 *   <li>counts Error Indications by code and never answers one;</li>
 *   <li>answers ICMP as a router does: an Echo Request to one of its addresses (tunnel, LAN
 *   interface) or to a host on its LAN with an Echo Reply, a UDP probe to a traceroute port
 *   (33434 and up, what IOS and Unix traceroute send) with Port Unreachable, and a packet for its
 *   LAN whose TTL runs out on arrival with Time Exceeded from its tunnel address; ICMP answers to
 *   its own probes ({@link #sendPacket}) go to an {@link IcmpReceiver}.</li>
 * </ul>
 * Every message is a real frame: NHRP in GRE (tunnel key) in ESP in IPv4. Frames to the hub go in
 * a slot of the hub's slab onto its receive ring for the sender's NBMA address; frames from the
 * hub come off its transmit rings; frames between spokes cross an in-process underlay (a slab and
 * a queue of its own), never the hub. Every received frame ends counted: delivered data, an NHRP
 * message by type, or a {@link SpokeDrop} reason ({@link #conserved()}).
 * <p>
 * Threads: everything runs on the thread that calls {@link #doWork()} and the public methods; it is
 * the single producer of the hub's receive rings and IKE requests and the single consumer of the
 * hub's transmit rings and IKE replies. Control-plane code: it allocates when tables grow and when
 * IKE makes SAs, not per frame.
 */
public final class Spokes implements Agent, AutoCloseable
{
    /** Frames taken from each hub transmit ring, and from the underlay, per duty cycle. */
    public static final int RECEIVE_BATCH = 256;
    /** IKE answers taken per duty cycle. */
    public static final int IKE_BATCH = 1024;
    /** Timer resolution: 2^24 ns, about 16.8 ms; back-offs and jitter are tens of milliseconds or more. */
    static final long TICK_NS = 1L << 24;
    /** 8192 ticks: one turn of the wheel is about 141 s. */
    static final int TICKS_PER_WHEEL = 8192;
    private static final long SECOND_NS = 1_000_000_000L;
    private static final int NONE = -1;
    private static final int FIRST_HUB_SPI = 0x2000_0000;
    /** The TTL the spokes' hosts send data with. */
    public static final int DATA_TTL = 64;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final int MAX_ATTEMPTS = 30;
    /** UDP destination ports of traceroute probes (IOS and Unix start at 33434, one more per probe). */
    public static final int TRACEROUTE_FIRST_PORT = 33434;
    private static final int TRACEROUTE_PORTS = 1024;
    private static final int ICMP_TTL = 255;

    private static final int T_START = 1;
    private static final int T_IKE_TIMEOUT = 2;
    private static final int T_REGISTRATION_TIMEOUT = 3;
    private static final int T_REGISTRATION_RETRY = 4;
    private static final int T_REFRESH = 5;
    private static final int T_ENTRY_RENEW = 6;
    private static final int T_ENTRY_EXPIRE = 7;
    private static final int T_PENDING_TIMEOUT = 8;
    /** The SAs with the hub reach their soft lifetime (or a rekey's answer is late): rekey. */
    private static final int T_REKEY = 9;
    /** A rekey's overlap ends: the previous inbound SA goes. */
    private static final int T_OVERLAP_END = 10;

    private static final SpokeState[] STATES = SpokeState.values();

    private final SpokeConfig config;
    private final AddressPlan plan;
    private final NanoClock clock;
    private final SimulatedIke ike;
    private final Dataplane dataplane;
    private final FrameSlab hubSlab;
    private final SpscLongRing ikeRequests;
    private final SpscLongRing ikeReplies;
    private final FrameSlab underlaySlab;
    private final IntArrayQueue underlay;
    private final SplittableRandom random;
    private final CoalescingTimerWheel timers;
    private final CoalescingTimerWheel.Handler onTimer = this::onTimer;
    private final Int2IntHashMap spokeByNbma = new Int2IntHashMap(NONE);
    private final Int2IntHashMap spokeByLan = new Int2IntHashMap(NONE);
    private final Long2LongHashMap requests = new Long2LongHashMap(NONE);
    private final SpokeCache cache;
    private final DirectTunnels direct;
    private final SpokeCounters counters;
    private SpokeEventListener listener = SpokeEventListener.NONE;
    private DataReceiver receiver = DataReceiver.NONE;
    private IcmpReceiver icmpReceiver = IcmpReceiver.NONE;
    /** The spokes' routing protocol, or null: none (their routes come from the configuration). */
    private SpokeRouting routing;
    private FrameTap tap;

    /**
     * Sees every frame the spokes send to the hub, and every frame they receive from it, as it
     * crosses the wire (encrypted), on the spokes' thread; the bytes are valid only during the call.
     * For pcap exports.
     */
    @FunctionalInterface
    public interface FrameTap
    {
        void frame(boolean toHub, DirectBuffer buffer, int offset, int length);
    }

    /** Before the spokes run: where to show frames to and from the hub (null: nowhere). */
    public void tap(final FrameTap tap)
    {
        this.tap = tap;
    }

    private final TunnelFrameDecoder decoder;
    private final EspProcessor esp = new EspProcessor();
    private final TunnelEncapsulator encapsulator;
    private final NhcMessages messages;
    private final NhrpPacketWriter writer = new NhrpPacketWriter();
    private final NhrpCieFlyweight cie = new NhrpCieFlyweight();
    private final NhrpCieFlyweight natCie = new NhrpCieFlyweight();
    private final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Icmp4Flyweight icmp = new Icmp4Flyweight();
    /** ICMP answers are built here, then copied into a slot once their route is known. */
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[FrameSlabDescriptor.DEFAULT_SLOT_SIZE]);
    private PeerSas routedSas;
    private int routedNbma;
    private final long[] batch = new long[Math.max(RECEIVE_BATCH, IKE_BATCH)];

    private final int lanLength;
    private final int lanMask;
    private final int tunnelMask;
    private final int tunnelSubnet;
    private final int summaryMask;
    private final int summaryPrefix;

    private int count;
    private int[] tunnel;
    /** Per spoke, whether its routing protocol has installed the summary route; null: the summary is configured, always there. */
    private boolean[] summaryLearned;
    /** Per spoke, the summary's metric as its routing protocol installed it (with {@link #summaryLearned}). */
    private long[] summaryMetric;
    private int[] nbma;
    private int[] lan;
    private int[] lanAddress;
    private int[] hubInboundSpi;
    private int[] nextRequestId;
    private int[] registrationId;
    private byte[] state;
    private byte[] attempts;
    private byte[] lastNak;
    private int[] spokeTimer;
    /** The timer of the SAs with the hub: the next rekey, or the end of the last one's overlap. */
    private int[] saTimer;
    /** The new inbound SPI of a rekey waiting for the hub's answer, or 0. */
    private int[] rekeySpi;
    private long[] registeredUntilNs;
    /** When the spoke last sent the hub a data packet (not NHRP), or {@link Long#MIN_VALUE}. */
    private long[] dataToHubNs;
    private PeerSas[] hubSas;
    /**
     * The address a one-to-one NAT in front of the spoke gives its packets (they leave with it as
     * their source, and what arrives for it is translated back to {@link #nbma}), or 0: no NAT.
     */
    private int[] natNbma;
    /** The spoke's post-NAT address as the hub's Cisco NAT Address extension told it, or 0. */
    private int[] learnedNat;
    private int nextHubSpi = FIRST_HUB_SPI;
    private int identification;
    private long nowNs;

    /**
     * @param capacity spokes to size the tables for (more may be added; the tables grow).
     * @param ikeRequests where IKE starts (the hub's IKE requests); this is its one producer.
     * @param ikeReplies the NHS's IKE answers; this is its one consumer.
     * @param seed drives start-up jitter and back-off: the same seed and inputs replay the same run.
     * @param underlaySlots frames in flight between spokes at most.
     */
    public Spokes(
        final SpokeConfig config,
        final AddressPlan plan,
        final int capacity,
        final Dataplane dataplane,
        final SpscLongRing ikeRequests,
        final SpscLongRing ikeReplies,
        final SimulatedIke ike,
        final NanoClock clock,
        final long seed,
        final int underlaySlots)
    {
        this.config = config;
        this.plan = plan;
        this.clock = clock;
        this.ike = ike;
        this.dataplane = dataplane;
        this.hubSlab = dataplane.slab();
        this.ikeRequests = ikeRequests;
        this.ikeReplies = ikeReplies;
        this.underlaySlab = new FrameSlab(Math.max(16, Integer.highestOneBit(underlaySlots - 1) << 1), FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        this.underlay = new IntArrayQueue(256, NONE);
        this.random = new SplittableRandom(seed);
        this.nowNs = clock.nanoTime();
        final int initial = Math.max(16, capacity);
        this.timers = new CoalescingTimerWheel(nowNs, TICK_NS, TICKS_PER_WHEEL, initial * 2);
        this.cache = new SpokeCache(initial, initial * 2);
        this.direct = new DirectTunnels(ike, new DirectTunnels.Addresses()
        {
            @Override
            public int ownOf(final int wire)
            {
                final int s = spokeByNbma.get(wire);
                return s == NONE ? wire : nbma[s];
            }

            @Override
            public int wireOf(final int own)
            {
                final int s = spokeByNbma.get(own);
                return s == NONE ? own : wireNbma(s);
            }
        });
        this.counters = new SpokeCounters(initial);
        this.decoder = new TunnelFrameDecoder(ike.transform().ivLength(), ike.transform().icvLength());
        this.encapsulator = new TunnelEncapsulator(config.tunnelKey());
        this.messages = new NhcMessages(config.authentication(), config.mtu());
        this.lanLength = plan.lanPrefixLength();
        this.lanMask = Dir24Fib.mask(lanLength);
        this.tunnelMask = Dir24Fib.mask(config.tunnelPrefixLength());
        this.tunnelSubnet = config.hubTunnel() & tunnelMask;
        this.summaryMask = Dir24Fib.mask(config.summaryLength());
        this.summaryPrefix = config.summaryPrefix() & summaryMask;
        allocate(initial);
    }

    /**
     * Spokes attached to a hub as real spokes are: frames on its dataplane's rings, and its IKE
     * requests and replies; with an underlay of 4096 frames.
     */
    public static Spokes attach(
        final SpokeConfig config, final AddressPlan plan, final int capacity, final Dataplane dataplane, final SpscLongRing ikeRequests,
        final SpscLongRing ikeReplies, final SimulatedIke ike, final NanoClock clock, final long seed)
    {
        return new Spokes(config, plan, capacity, dataplane, ikeRequests, ikeReplies, ike, clock, seed, 4096);
    }

    private void allocate(final int capacity)
    {
        final int old = tunnel == null ? 0 : tunnel.length;
        tunnel = tunnel == null ? new int[capacity] : Arrays.copyOf(tunnel, capacity);
        summaryLearned = summaryLearned == null ? null : Arrays.copyOf(summaryLearned, capacity);
        summaryMetric = summaryMetric == null ? null : Arrays.copyOf(summaryMetric, capacity);
        nbma = nbma == null ? new int[capacity] : Arrays.copyOf(nbma, capacity);
        lan = lan == null ? new int[capacity] : Arrays.copyOf(lan, capacity);
        lanAddress = lanAddress == null ? new int[capacity] : Arrays.copyOf(lanAddress, capacity);
        hubInboundSpi = hubInboundSpi == null ? new int[capacity] : Arrays.copyOf(hubInboundSpi, capacity);
        nextRequestId = nextRequestId == null ? new int[capacity] : Arrays.copyOf(nextRequestId, capacity);
        registrationId = registrationId == null ? new int[capacity] : Arrays.copyOf(registrationId, capacity);
        state = state == null ? new byte[capacity] : Arrays.copyOf(state, capacity);
        attempts = attempts == null ? new byte[capacity] : Arrays.copyOf(attempts, capacity);
        lastNak = lastNak == null ? new byte[capacity] : Arrays.copyOf(lastNak, capacity);
        spokeTimer = spokeTimer == null ? new int[capacity] : Arrays.copyOf(spokeTimer, capacity);
        saTimer = saTimer == null ? new int[capacity] : Arrays.copyOf(saTimer, capacity);
        rekeySpi = rekeySpi == null ? new int[capacity] : Arrays.copyOf(rekeySpi, capacity);
        registeredUntilNs = registeredUntilNs == null ? new long[capacity] : Arrays.copyOf(registeredUntilNs, capacity);
        dataToHubNs = dataToHubNs == null ? new long[capacity] : Arrays.copyOf(dataToHubNs, capacity);
        Arrays.fill(dataToHubNs, old, capacity, Long.MIN_VALUE);
        hubSas = hubSas == null ? new PeerSas[capacity] : Arrays.copyOf(hubSas, capacity);
        natNbma = natNbma == null ? new int[capacity] : Arrays.copyOf(natNbma, capacity);
        learnedNat = learnedNat == null ? new int[capacity] : Arrays.copyOf(learnedNat, capacity);
        Arrays.fill(spokeTimer, old, capacity, NONE);
        Arrays.fill(saTimer, old, capacity, NONE);
        if (old > 0)
        {
            cache.growSpokes(capacity);
            counters.grow(capacity);
        }
    }

    @Override
    public String roleName()
    {
        return "spokes";
    }

    // ---------------------------------------------------------------------------------------
    // Population and commands (the spokes' thread)

    /**
     * Adds a spoke, down until {@link #start}.
     *
     * @param lanPrefix its LAN, of the plan's prefix length.
     * @return its index.
     */
    public int addSpoke(final int tunnelAddress, final int nbmaAddress, final int lanPrefix)
    {
        return addSpoke(tunnelAddress, nbmaAddress, lanPrefix, 0);
    }

    /**
     * Adds a spoke whose own interface on its LAN has {@code lanAddress} (IOS: the address of a
     * loopback or LAN interface), which it answers pings and traceroutes to as to its tunnel address.
     *
     * @param lanAddress 0 for none.
     * @return its index.
     */
    public int addSpoke(final int tunnelAddress, final int nbmaAddress, final int lanPrefix, final int lanAddress)
    {
        if (spokeByNbma.containsKey(nbmaAddress) || nbmaAddress == config.hubNbma())
        {
            throw new IllegalArgumentException("NBMA address already in use: " + Ipv4Address.toString(nbmaAddress));
        }
        if (count == tunnel.length)
        {
            allocate(tunnel.length * 2);
        }
        final int s = count++;
        tunnel[s] = tunnelAddress;
        nbma[s] = nbmaAddress;
        lan[s] = lanPrefix & lanMask;
        this.lanAddress[s] = lanAddress;
        nextRequestId[s] = 1;
        state[s] = (byte)SpokeState.DOWN.ordinal();
        spokeByNbma.put(nbmaAddress, s);
        if (!spokeByLan.containsKey(lan[s]))
        {
            spokeByLan.put(lan[s], s);
        }
        return s;
    }

    /**
     * Adds {@code n} spokes numbered by the address plan from the current count on.
     */
    public void addPlanned(final int n)
    {
        for (int i = 0; i < n; i++)
        {
            final int index = count;
            addSpoke(plan.tunnel(index), plan.nbma(index), plan.lan(index));
        }
    }

    /**
     * Starts a spoke within the configured jitter: IKE with the hub, then registration.
     */
    public void start(final int s)
    {
        nowNs = clock.nanoTime();
        if (state[s] != SpokeState.DOWN.ordinal() || spokeTimer[s] != NONE)
        {
            return;
        }
        final long jitter = config.startJitterNs() == 0 ? 0 : random.nextLong(config.startJitterNs() + 1);
        spokeTimer(s, T_START, nowNs + jitter);
        event(s, SpokeEvent.STARTED, 0);
    }

    public void startAll()
    {
        for (int s = 0; s < count; s++)
        {
            start(s);
        }
    }

    /**
     * Powers a spoke off: no more registrations, its cache and SAs gone; the hub finds out only
     * when its holding time runs out.
     */
    public void stop(final int s)
    {
        nowNs = clock.nanoTime();
        cancelSpokeTimer(s);
        removeAllEntries(s);
        closeHubSas(s);
        registrationId[s] = 0;
        state[s] = (byte)SpokeState.DOWN.ordinal();
        event(s, SpokeEvent.STOPPED, 0);
    }

    /**
     * A dynamic address change: tells the spokes holding shortcuts to this one (those whose
     * resolutions it answered) with a Purge Request (N set: the old address cannot hear a reply),
     * drops its cache and SAs, then does IKE from the new address and registers again. With
     * unique registrations the hub refuses the new address (NAK 14) until the old binding expires;
     * in no-unique mode it moves the binding and purges those it told of the old one.
     */
    public void changeNbma(final int s, final int newNbma)
    {
        nowNs = clock.nanoTime();
        if (spokeByNbma.containsKey(newNbma) || newNbma == config.hubNbma())
        {
            throw new IllegalArgumentException("NBMA address already in use: " + Ipv4Address.toString(newNbma));
        }
        readdress(s, newNbma, natNbma[s]);
        counters.add(s, Counter.NBMA_CHANGES);
        event(s, SpokeEvent.NBMA_CHANGED, newNbma);
        restart(s);
    }

    /**
     * Puts spoke {@code s} behind a one-to-one (static) NAT that gives its packets the source
     * {@code publicNbma}, or takes it out from behind one ({@code publicNbma} 0). The spoke keeps
     * its own address and claims it in NHRP; the hub sees the post-NAT one, marks the binding NAT
     * (IOS's {@code show dmvpn} attribute N) and returns it in a Cisco NAT Address extension, which
     * the spoke then puts in its resolution requests and replies so that other spokes build their
     * shortcuts to the address that reaches it. Its peers see a new address: like
     * {@link #changeNbma}, the spoke tells those holding its binding, drops its cache and SAs, and
     * keys and registers again. ESP goes through the NAT as it is (no UDP encapsulation, RFC
     * 3948): a one-to-one NAT rewrites only the addresses.
     */
    public void natAddress(final int s, final int publicNbma)
    {
        nowNs = clock.nanoTime();
        if (publicNbma == natNbma[s])
        {
            return;
        }
        if (publicNbma != 0 && (spokeByNbma.containsKey(publicNbma) || publicNbma == config.hubNbma()))
        {
            throw new IllegalArgumentException("NBMA address already in use: " + Ipv4Address.toString(publicNbma));
        }
        readdress(s, nbma[s], publicNbma);
        event(s, SpokeEvent.NAT_CHANGED, publicNbma);
        restart(s);
    }

    /** @return the address spoke {@code s}'s packets carry as their source once past its NAT (its own without one). */
    public int wireNbma(final int s)
    {
        return natNbma[s] != 0 ? natNbma[s] : nbma[s];
    }

    /** @return the post-NAT address the hub reported to spoke {@code s}, or 0 when it reported none. */
    public int learnedNatNbma(final int s)
    {
        return learnedNat[s];
    }

    private void readdress(final int s, final int newNbma, final int newNat)
    {
        for (int e = cache.first(s); e != NONE; e = cache.next(e))
        {
            if (cache.kind(e) == SpokeCache.BINDING && cache.has(e, SpokeCache.FLAG_HOLDS_OUR_MAPPING))
            {
                sendPurge(s, cache.prefix(e), cache.nbma(e));
            }
        }
        removeAllEntries(s);
        closeHubSas(s);
        registrationId[s] = 0;
        spokeByNbma.remove(nbma[s]);
        if (natNbma[s] != 0)
        {
            spokeByNbma.remove(natNbma[s]);
        }
        nbma[s] = newNbma;
        natNbma[s] = newNat;
        learnedNat[s] = 0;
        spokeByNbma.put(newNbma, s);
        if (newNat != 0)
        {
            spokeByNbma.put(newNat, s);
        }
        hubInboundSpi[s] = 0;
    }

    private void restart(final int s)
    {
        if (state[s] != SpokeState.DOWN.ordinal())
        {
            attempts[s] = 0;
            beginIke(s);
        }
    }

    /**
     * Sends a UDP packet from a host behind spoke {@code s}: the spoke's routing table decides,
     * the frame is built and sent. The first 8 payload bytes carry the send time (ns), for latency.
     *
     * @param payloadLength UDP payload bytes, at least 0.
     */
    public DataPath sendData(final int s, final int source, final int destination, final int payloadLength)
    {
        nowNs = clock.nanoTime();
        if (state[s] == SpokeState.DOWN.ordinal())
        {
            counters.drop(s, SpokeDrop.SPOKE_NOT_UP);
            return DataPath.DROPPED;
        }
        if ((destination & lanMask) == lan[s])
        {
            counters.add(s, Counter.DATA_LOCAL);
            return DataPath.LOCAL;
        }
        final DataPath path = route(s, destination);
        if (path == DataPath.DROPPED)
        {
            return path;
        }
        if (path == DataPath.DIRECT)
        {
            final int slot = underlaySlot(s);
            if (slot < 0)
            {
                return DataPath.DROPPED;
            }
            final int length = writeData(underlaySlab, slot, source, destination, payloadLength);
            if (!sendDirect(s, slot, length, GreFlyweight.PROTOCOL_IPV4, routedSas, routedNbma))
            {
                return DataPath.DROPPED;
            }
            counters.add(s, Counter.DATA_SENT_DIRECT);
            return DataPath.DIRECT;
        }
        final int slot = hubSlot(s);
        if (slot < 0)
        {
            return DataPath.DROPPED;
        }
        final int length = writeData(hubSlab, slot, source, destination, payloadLength);
        if (!sendToHub(s, slot, length, GreFlyweight.PROTOCOL_IPV4))
        {
            return DataPath.DROPPED;
        }
        counters.add(s, Counter.DATA_SENT_HUB);
        return DataPath.HUB;
    }

    /**
     * The spoke's routing decision for a packet to {@code destination}: by the hub, or spoke to
     * spoke ({@link #routedSas} and {@link #routedNbma} set), marking the entries it takes used and,
     * in Phase 2, resolving the next hop while the packet goes by the hub.
     */
    private DataPath route(final int s, final int destination)
    {
        int nextHop = config.hubTunnel();
        int routeEntry = NONE;
        if (config.phase() != SpokeConfig.Phase.PHASE_1)
        {
            int bestLength = -1;
            if ((destination & summaryMask) == summaryPrefix && (summaryLearned == null || summaryLearned[s]))
            {
                bestLength = config.summaryLength();
            }
            if ((destination & tunnelMask) == tunnelSubnet && config.tunnelPrefixLength() > bestLength)
            {
                bestLength = config.tunnelPrefixLength();
                nextHop = destination;
            }
            if (config.phase() == SpokeConfig.Phase.PHASE_2 && lanLength > bestLength)
            {
                final int owner = spokeByLan.get(destination & lanMask);
                if (owner != NONE && owner != s)
                {
                    bestLength = lanLength;
                    nextHop = tunnel[owner];
                }
            }
            routeEntry = cache.lookup(s, destination, bestLength);
            if (routeEntry != NONE)
            {
                nextHop = cache.kind(routeEntry) == SpokeCache.ROUTE ? cache.nextHop(routeEntry) : cache.prefix(routeEntry);
            }
            else if (bestLength < 0)
            {
                counters.drop(s, SpokeDrop.NO_ROUTE);
                return DataPath.DROPPED;
            }
        }
        if (nextHop != config.hubTunnel())
        {
            final int binding = cache.binding(s, nextHop);
            final PeerSas sas = binding == NONE ? null : direct.get(nbma[s], cache.nbma(binding));
            if (sas != null)
            {
                cache.set(binding, SpokeCache.FLAG_USED);
                if (routeEntry != NONE)
                {
                    cache.set(routeEntry, SpokeCache.FLAG_USED);
                }
                routedSas = sas;
                routedNbma = cache.nbma(binding);
                return DataPath.DIRECT;
            }
            if (config.phase() == SpokeConfig.Phase.PHASE_2 && binding == NONE)
            {
                // The packet goes by the hub while the next hop is resolved (IOS Phase 2).
                resolve(s, nextHop);
            }
        }
        return DataPath.HUB;
    }

    /**
     * Sends an IPv4 packet the spoke itself originates (a ping or traceroute probe, an ICMP
     * answer), routed as data is: by the hub or spoke to spoke. Cold path: the packet is copied.
     *
     * @return how it left, or {@link DataPath#DROPPED} (counted).
     */
    public DataPath sendPacket(final int s, final DirectBuffer packet, final int offset, final int length)
    {
        nowNs = clock.nanoTime();
        if (state[s] == SpokeState.DOWN.ordinal())
        {
            counters.drop(s, SpokeDrop.SPOKE_NOT_UP);
            return DataPath.DROPPED;
        }
        final int destination = packet.getInt(offset + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        final DataPath path = route(s, destination);
        if (path == DataPath.HUB)
        {
            return sendToHub(s, packet, offset, length) ? DataPath.HUB : DataPath.DROPPED;
        }
        if (path == DataPath.DROPPED)
        {
            return path;
        }
        final int slot = underlaySlot(s);
        if (slot < 0)
        {
            return DataPath.DROPPED;
        }
        copyIn(underlaySlab, slot, packet, offset, length);
        if (!sendDirect(s, slot, length, GreFlyweight.PROTOCOL_IPV4, routedSas, routedNbma))
        {
            return DataPath.DROPPED;
        }
        counters.add(s, Counter.PACKETS_ORIGINATED);
        return path;
    }

    /**
     * Copies an IPv4 packet a spoke originates into {@code slot}'s payload room.
     *
     * @throws IllegalArgumentException when it does not fit a frame (the slot released first).
     */
    private static void copyIn(final FrameSlab slab, final int slot, final DirectBuffer packet, final int offset, final int length)
    {
        if (length > TunnelEncapsulator.payloadCapacity(slab, slot))
        {
            slab.release(slot);
            throw new IllegalArgumentException("a packet of " + length + " bytes does not fit a frame");
        }
        slab.buffer().putBytes(TunnelEncapsulator.payloadOffset(slab, slot), packet, offset, length);
    }

    private int writeData(final FrameSlab slab, final int slot, final int source, final int destination, final int payloadLength)
    {
        final int total = Ipv4Flyweight.MIN_HEADER_LENGTH + UDP_HEADER_LENGTH + payloadLength;
        if (payloadLength < 0 || total > TunnelEncapsulator.payloadCapacity(slab, slot))
        {
            slab.release(slot);
            throw new IllegalArgumentException("UDP payload of " + payloadLength + " bytes does not fit a frame");
        }
        writeDataPacket(ip, slab.buffer(), TunnelEncapsulator.payloadOffset(slab, slot), identification++, source, destination,
            payloadLength, nowNs);
        return total;
    }

    /**
     * Writes a data packet as the spokes' hosts send them at {@code at}: IPv4 (TTL {@value #DATA_TTL})
     * and UDP from port 4000 to 5000 without a checksum, the payload zeros but for its first 8
     * bytes, {@code stamp} (when the payload has room for it).
     *
     * @return the packet's length.
     */
    public static int writeDataPacket(
        final Ipv4Flyweight ip, final UnsafeBuffer buffer, final int at, final int identification, final int source, final int destination,
        final int payloadLength, final long stamp)
    {
        final int total = Ipv4Flyweight.MIN_HEADER_LENGTH + UDP_HEADER_LENGTH + payloadLength;
        ip.wrap(buffer, at, total).writeHeader(0, total, identification & 0xFFFF, 0, DATA_TTL, Ipv4Flyweight.PROTOCOL_UDP,
            source, destination);
        final int udp = at + Ipv4Flyweight.MIN_HEADER_LENGTH;
        buffer.putShort(udp, (short)4000, ByteOrder.BIG_ENDIAN);
        buffer.putShort(udp + 2, (short)5000, ByteOrder.BIG_ENDIAN);
        buffer.putShort(udp + 4, (short)(UDP_HEADER_LENGTH + payloadLength), ByteOrder.BIG_ENDIAN);
        buffer.putShort(udp + 6, (short)0);
        final int payload = udp + UDP_HEADER_LENGTH;
        if (payloadLength >= Long.BYTES)
        {
            buffer.putLong(payload, stamp, ByteOrder.BIG_ENDIAN);
            buffer.setMemory(payload + Long.BYTES, payloadLength - Long.BYTES, (byte)0);
        }
        else
        {
            buffer.setMemory(payload, payloadLength, (byte)0);
        }
        return total;
    }

    // ---------------------------------------------------------------------------------------
    // Duty cycle

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        // Shortcut SAs first: frames sealed under the SAs a rekey replaces may still be in the underlay, as on a real path.
        int work = direct.maintain(nowNs);
        work += ikeAnswers();
        work += receiveFromHub();
        work += deliverUnderlay();
        work += expireTimers();
        if (routing != null)
        {
            work += routing.doWork(nowNs);
        }
        return work;
    }

    /**
     * Before the spokes run: the summary route ({@link SpokeConfig#summaryPrefix()}) comes from
     * their routing protocol, so a spoke routes by it only while {@link #summaryLearned} says its
     * protocol installed it (until then a packet it covers has no route).
     */
    public void summaryByRouting()
    {
        summaryLearned = new boolean[tunnel.length];
        summaryMetric = new long[tunnel.length];
    }

    /** Spoke {@code s}'s routing protocol installed (true, with its {@code metric}) or withdrew (false) the summary route. */
    public void summaryLearned(final int s, final boolean learned, final long metric)
    {
        summaryLearned[s] = learned;
        summaryMetric[s] = metric;
    }

    /** @return whether the summary route comes from the spokes' routing protocol ({@link #summaryByRouting}). */
    public boolean summaryByRoutingProtocol()
    {
        return summaryLearned != null;
    }

    /** @return whether spoke {@code s} has the summary route now (always, when it is configured). */
    public boolean hasSummary(final int s)
    {
        return summaryLearned == null || summaryLearned[s];
    }

    /** @return the summary's metric at spoke {@code s} as its routing protocol gave it (0 when configured). */
    public long summaryMetric(final int s)
    {
        return summaryMetric == null ? 0 : summaryMetric[s];
    }

    /** Before the spokes run: their routing protocol (its packets go to it, and its timers run each duty cycle). */
    public void routing(final SpokeRouting process)
    {
        this.routing = process;
    }

    /**
     * Sends an IPv4 packet spoke {@code s} originates to the hub over its tunnel, whatever its
     * destination: a routing protocol's multicast (the spoke's {@code ip nhrp map multicast} is its
     * hub) or its unicast to the hub. Cold path: the packet is copied.
     *
     * @return false when it could not go (the spoke down or without SAs with the hub, no slot, a full ring: counted).
     */
    public boolean sendToHub(final int s, final DirectBuffer packet, final int offset, final int length)
    {
        nowNs = clock.nanoTime();
        if (state[s] == SpokeState.DOWN.ordinal())
        {
            counters.drop(s, SpokeDrop.SPOKE_NOT_UP);
            return false;
        }
        final int slot = hubSlot(s);
        if (slot < 0)
        {
            return false;
        }
        copyIn(hubSlab, slot, packet, offset, length);
        if (!sendToHub(s, slot, length, GreFlyweight.PROTOCOL_IPV4))
        {
            return false;
        }
        counters.add(s, Counter.PACKETS_ORIGINATED);
        return true;
    }

    private int ikeAnswers()
    {
        final int n = ikeReplies.pollBatch(batch, IKE_BATCH);
        for (int i = 0; i < n; i++)
        {
            final int address = (int)(batch[i] >>> 32);
            final int hubSpi = (int)batch[i];
            final int s = spokeByNbma.get(address);
            // An answer to a request sent from another address than the spoke's present one (before it went behind a NAT) is stale.
            if (s == NONE || address != wireNbma(s) || state[s] == SpokeState.DOWN.ordinal() || hubInboundSpi[s] == 0)
            {
                counters.drop(NONE, SpokeDrop.STALE_IKE_REPLY);
                continue;
            }
            if (hubSpi == 0)
            {
                event(s, SpokeEvent.IKE_REFUSED, 0);
                if (state[s] == SpokeState.IKE.ordinal())
                {
                    spokeTimer(s, T_START, nowNs + backoffNs(s));
                }
                continue;
            }
            if (rekeySpi[s] != 0 && hubSas[s] != null)
            {
                rekeyed(s, hubSpi);
                continue;
            }
            // Every answer is adopted in order: the hub replaced its SAs for each exchange too.
            closeHubSas(s);
            hubSas[s] = ike.pair(nbma[s], wireNbma(s), hubInboundSpi[s], config.hubNbma(), hubSpi);
            counters.add(s, Counter.IKE_EXCHANGES);
            event(s, SpokeEvent.IKE_DONE, hubSpi);
            saTimer(s, T_REKEY, nowNs + ike.lifetime().softNs());
            if (state[s] == SpokeState.IKE.ordinal())
            {
                attempts[s] = 0;
                if (config.register())
                {
                    sendRegistration(s);
                }
                else
                {
                    cancelSpokeTimer(s);
                    state[s] = (byte)SpokeState.STATIC.ordinal();
                }
            }
        }
        return n;
    }

    private int receiveFromHub()
    {
        int work = 0;
        for (final SpscLongRing ring : dataplane.txRings())
        {
            final int n = ring.pollBatch(batch, RECEIVE_BATCH);
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)batch[i];
                try
                {
                    receive(hubSlab, slot, true);
                }
                finally
                {
                    hubSlab.release(slot);
                }
            }
            work += n;
        }
        return work;
    }

    private int deliverUnderlay()
    {
        int work = 0;
        for (int slot; work < RECEIVE_BATCH && (slot = underlay.pollInt()) != NONE; work++)
        {
            try
            {
                receive(underlaySlab, slot, false);
            }
            finally
            {
                underlaySlab.release(slot);
            }
        }
        return work;
    }

    private int expireTimers()
    {
        return timers.poll(nowNs, onTimer, config.timerExpiryLimit());
    }

    private void onTimer(final long owner)
    {
        final int kind = (int)(owner >>> 32);
        final int index = (int)owner;
        if (kind <= T_REFRESH)
        {
            spokeTimer[index] = NONE;
            onSpokeTimer(index, kind);
        }
        else if (kind >= T_REKEY)
        {
            saTimer[index] = NONE;
            onSaTimer(index, kind);
        }
        else
        {
            cache.timerId(index, NONE);
            onEntryTimer(index, kind);
        }
    }

    private void onSpokeTimer(final int s, final int kind)
    {
        switch (kind)
        {
            case T_START -> beginIke(s);
            case T_IKE_TIMEOUT ->
            {
                counters.add(s, Counter.IKE_TIMEOUTS);
                spokeTimer(s, T_START, nowNs + backoffNs(s));
            }
            case T_REGISTRATION_TIMEOUT ->
            {
                registrationId[s] = 0;
                counters.add(s, Counter.REGISTRATION_TIMEOUTS);
                event(s, SpokeEvent.REGISTRATION_TIMEOUT, 0);
                if (state[s] == SpokeState.REGISTERING.ordinal())
                {
                    state[s] = (byte)SpokeState.BACKOFF.ordinal();
                }
                scheduleRegistrationRetry(s);
            }
            case T_REGISTRATION_RETRY ->
            {
                counters.add(s, Counter.REGISTRATION_RETRIES);
                sendRegistration(s);
            }
            case T_REFRESH -> sendRegistration(s);
            default -> throw new IllegalStateException("spoke timer kind " + kind);
        }
    }

    private void onEntryTimer(final int e, final int kind)
    {
        final int s = cache.owner(e);
        switch (kind)
        {
            case T_ENTRY_RENEW ->
            {
                if (cache.has(e, SpokeCache.FLAG_USED) && cache.requestId(e) == 0)
                {
                    cache.clear(e, SpokeCache.FLAG_USED);
                    final int id = nextRequestId(s);
                    cache.requestId(e, id);
                    requests.put(requestKey(s, id), e);
                    counters.add(s, Counter.SHORTCUT_RENEWALS_SENT);
                    sendResolutionRequest(s, id, cache.target(e));
                }
                entryTimer(e, T_ENTRY_EXPIRE, cache.expiresNs(e));
            }
            case T_ENTRY_EXPIRE ->
            {
                counters.add(s, Counter.ENTRIES_EXPIRED);
                if (isShortcut(e))
                {
                    counters.add(s, Counter.SHORTCUTS_EXPIRED);
                }
                event(s, SpokeEvent.ENTRY_EXPIRED, cache.prefix(e));
                removeEntry(e);
            }
            case T_PENDING_TIMEOUT ->
            {
                counters.add(s, Counter.RESOLUTION_TIMEOUTS);
                removeEntry(e);
            }
            default -> throw new IllegalStateException("entry timer kind " + kind);
        }
    }

    // ---------------------------------------------------------------------------------------
    // IKE and registration (RFC 2332 section 5.2.3)

    private void beginIke(final int s)
    {
        if (hubInboundSpi[s] == 0)
        {
            // One inbound SPI per NBMA address: a retried exchange keys the same, whichever answer arrives.
            hubInboundSpi[s] = nextHubSpi++;
        }
        state[s] = (byte)SpokeState.IKE.ordinal();
        if (ikeRequests.offer((long)wireNbma(s) << 32 | hubInboundSpi[s] & 0xFFFF_FFFFL))
        {
            event(s, SpokeEvent.IKE_REQUESTED, hubInboundSpi[s]);
        }
        else
        {
            counters.drop(s, SpokeDrop.IKE_RING_FULL);
        }
        spokeTimer(s, T_IKE_TIMEOUT, nowNs + config.ikeTimeoutNs());
    }

    private void onSaTimer(final int s, final int kind)
    {
        if (hubSas[s] == null)
        {
            return;
        }
        if (kind == T_OVERLAP_END)
        {
            final SecurityAssociation previous = hubSas[s].expireOverlap(nowNs);
            if (previous != null)
            {
                previous.close();
            }
            saTimer(s, T_REKEY, nowNs - SaLifetime.OVERLAP_NS + ike.lifetime().softNs());
        }
        else
        {
            beginRekey(s);
        }
    }

    /**
     * The SAs with the hub reached their soft lifetime (time, or bytes either way): a new inbound
     * SA is accepted at once, beside the old one, before the hub is asked, since the hub sends
     * under it as soon as it answers; outbound packets switch when the answer comes
     * ({@link #rekeyed}). A rekey already asked for is asked again (its answer is late).
     */
    private void beginRekey(final int s)
    {
        final PeerSas sas = hubSas[s];
        if (sas == null || state[s] == SpokeState.DOWN.ordinal() || state[s] == SpokeState.IKE.ordinal())
        {
            return;
        }
        if (rekeySpi[s] == 0)
        {
            final int spi = nextHubSpi++;
            final SecurityAssociation previous = sas.acceptInbound(
                ike.sa(SecurityAssociation.Direction.INBOUND, config.hubNbma(), wireNbma(s), spi, config.hubNbma(), nbma[s]),
                nowNs + SaLifetime.OVERLAP_NS);
            if (previous != null)
            {
                previous.close();
            }
            rekeySpi[s] = spi;
            hubInboundSpi[s] = spi;
            event(s, SpokeEvent.REKEY_REQUESTED, spi);
        }
        if (!ikeRequests.offer((long)wireNbma(s) << 32 | rekeySpi[s] & 0xFFFF_FFFFL))
        {
            counters.drop(s, SpokeDrop.IKE_RING_FULL);
        }
        saTimer(s, T_REKEY, nowNs + config.ikeTimeoutNs());
    }

    /** The hub answered a rekey: outbound packets use the new SA; the old inbound one stays for the overlap. */
    private void rekeyed(final int s, final int hubSpi)
    {
        rekeySpi[s] = 0;
        hubSas[s].switchOutbound(ike.sa(SecurityAssociation.Direction.OUTBOUND, wireNbma(s), config.hubNbma(), hubSpi, nbma[s],
            config.hubNbma())).close();
        counters.add(s, Counter.REKEYS);
        event(s, SpokeEvent.REKEYED, hubSpi);
        saTimer(s, T_OVERLAP_END, nowNs + SaLifetime.OVERLAP_NS);
    }

    private void saTimer(final int s, final int kind, final long deadlineNs)
    {
        timers.cancel(saTimer[s]);
        saTimer[s] = schedule(kind, s, deadlineNs);
    }

    private void sendRegistration(final int s)
    {
        if (state[s] == SpokeState.REGISTERED.ordinal() && nowNs - registeredUntilNs[s] >= 0)
        {
            state[s] = (byte)SpokeState.REGISTERING.ordinal();
            counters.add(s, Counter.REGISTRATIONS_LOST);
            event(s, SpokeEvent.REGISTRATION_LOST, 0);
        }
        else if (state[s] != SpokeState.REGISTERED.ordinal())
        {
            state[s] = (byte)SpokeState.REGISTERING.ordinal();
        }
        final int id = nextRequestId(s);
        registrationId[s] = id;
        counters.add(s, Counter.REGISTRATIONS_SENT);
        event(s, SpokeEvent.REGISTRATION_SENT, id);
        spokeTimer(s, T_REGISTRATION_TIMEOUT, nowNs + config.registrationTimeoutNs());
        final int slot = hubSlot(s);
        if (slot >= 0)
        {
            nhrpToHub(s, slot, messages.registrationRequest(nhrpWriter(hubSlab, slot), config.unique(), id, nbma[s], tunnel[s],
                config.hubTunnel(), config.holdingTimeS()), Nhrp.TYPE_REGISTRATION_REQUEST);
        }
    }

    private void onRegistrationReply(final int s, final NhrpPacket reply)
    {
        if (registrationId[s] == 0 || (int)reply.requestId() != registrationId[s])
        {
            counters.drop(s, SpokeDrop.STALE_REPLY);
            return;
        }
        if (reply.cieCount() == 0)
        {
            counters.drop(s, SpokeDrop.MALFORMED_REPLY);
            return;
        }
        registrationId[s] = 0;
        cie.wrap(reply.buffer(), reply.bodyOffset());
        final int code = cie.code();
        if (code == Nhrp.CIE_SUCCESS)
        {
            // The hub saw another source than the address claimed: this spoke is behind a NAT, and learns its post-NAT address.
            learnedNat[s] = postNatOr(reply, tunnel[s], 0);
            final int holdingTimeS = cie.holdingTimeS() > 0 ? cie.holdingTimeS() : config.holdingTimeS();
            registeredUntilNs[s] = nowNs + holdingTimeS * SECOND_NS;
            state[s] = (byte)SpokeState.REGISTERED.ordinal();
            attempts[s] = 0;
            lastNak[s] = 0;
            counters.add(s, Counter.REGISTRATIONS_OK);
            event(s, SpokeEvent.REGISTERED, holdingTimeS);
            spokeTimer(s, T_REFRESH, nowNs + holdingTimeS * SECOND_NS / 3);
            return;
        }
        counters.add(s, Counter.REGISTRATION_NAKS);
        counters.registrationNak(code);
        lastNak[s] = (byte)code;
        event(s, SpokeEvent.REGISTRATION_NAK, code);
        if (state[s] != SpokeState.REGISTERED.ordinal())
        {
            state[s] = (byte)SpokeState.BACKOFF.ordinal();
        }
        scheduleRegistrationRetry(s);
    }

    /**
     * @return the NBMA address of the Cisco NAT Address extension's CIE for {@code protocol} in
     * {@code packet}, or {@code otherwise} when it has none.
     */
    private int postNatOr(final NhrpPacket packet, final int protocol, final int otherwise)
    {
        final int at = packet.natAddressExtension();
        if (at < 0)
        {
            return otherwise;
        }
        extension.wrap(packet.buffer(), at);
        for (int offset = extension.valueOffset(), end = offset + extension.length(); offset < end; offset += natCie.length())
        {
            natCie.wrap(packet.buffer(), offset);
            if (natCie.length() <= 0 || offset + natCie.length() > end)
            {
                break;
            }
            if (natCie.clientNbmaLength() == Nhrp.IPV4_ADDRESS_LENGTH && natCie.clientProtocolLength() == Nhrp.IPV4_ADDRESS_LENGTH &&
                natCie.clientProtocol() == protocol)
            {
                return natCie.clientNbma();
            }
        }
        return otherwise;
    }

    private void scheduleRegistrationRetry(final int s)
    {
        spokeTimer(s, T_REGISTRATION_RETRY, nowNs + backoffNs(s));
    }

    /**
     * @return the next retry delay: the base doubled per consecutive failure up to the cap, then
     * drawn uniformly from its upper half, so a storm's retries spread out.
     */
    private long backoffNs(final int s)
    {
        final int failures = Math.min(attempts[s] + 1, MAX_ATTEMPTS);
        attempts[s] = (byte)failures;
        final long delay = Math.min(config.retryBaseNs() << Math.min(failures - 1, 20), config.retryMaxNs());
        return delay - delay / 2 + random.nextLong(delay / 2 + 1);
    }

    // ---------------------------------------------------------------------------------------
    // Receiving

    private void receive(final FrameSlab slab, final int slot, final boolean fromHub)
    {
        counters.add(NONE, fromHub ? Counter.FRAMES_RECEIVED_HUB : Counter.FRAMES_RECEIVED_DIRECT);
        final UnsafeBuffer buffer = slab.buffer();
        if (tap != null && fromHub)
        {
            tap.frame(false, buffer, slab.offset(slot), slab.length(slot));
        }
        DecodeStatus status = decoder.decode(buffer, slab.offset(slot), slab.length(slot));
        if (status != DecodeStatus.OK)
        {
            counters.decodeFailure(status);
            counters.drop(NONE, SpokeDrop.DECODE_FAILED);
            return;
        }
        final int s = spokeByNbma.get(decoder.outer().destination());
        if (s == NONE || natNbma[s] != 0 && decoder.outer().destination() == nbma[s])
        {
            // Nothing outside reaches a spoke behind a NAT at its own address.
            counters.drop(NONE, SpokeDrop.NO_SPOKE_AT_NBMA);
            return;
        }
        counters.add(s, Counter.FRAMES_RECEIVED);
        if (decoder.kind() != TunnelFrameDecoder.KIND_ESP)
        {
            counters.drop(s, SpokeDrop.PLAINTEXT);
            return;
        }
        if (state[s] == SpokeState.DOWN.ordinal())
        {
            counters.drop(s, SpokeDrop.SPOKE_DOWN);
            return;
        }
        final int sender = decoder.outer().source();
        final PeerSas sas = fromHub ? (sender == config.hubNbma() ? hubSas[s] : null) : direct.get(nbma[s], sender);
        if (sas == null)
        {
            counters.drop(s, SpokeDrop.NO_SA_FOR_SENDER);
            return;
        }
        final SecurityAssociation sa = sas.inbound(decoder.esp().spi());
        if (sa == null)
        {
            counters.drop(s, SpokeDrop.UNKNOWN_SPI);
            return;
        }
        // Past the NAT, the packet is addressed to the spoke's own address, which its SAs are bound to.
        final EspStatus decrypted = esp.decrypt(sa, buffer, decoder.esp().offset(), decoder.esp().capacity(), sender, nbma[s]);
        if (decrypted != EspStatus.OK)
        {
            counters.espFailure(decrypted);
            counters.drop(s, SpokeDrop.ESP_REJECTED);
            return;
        }
        if (fromHub && rekeySpi[s] == 0 && sa.isSoftExpired() && sa == sas.currentInbound())
        {
            // The soft byte lifetime, the other way.
            beginRekey(s);
        }
        status = decoder.decodeGre(buffer, esp.innerOffset(), esp.innerLength());
        if (status != DecodeStatus.OK)
        {
            counters.decodeFailure(status);
            counters.drop(s, SpokeDrop.DECODE_FAILED);
            return;
        }
        if (decoder.gre().key() != config.tunnelKey())
        {
            counters.drop(s, SpokeDrop.GRE_KEY_MISMATCH);
            return;
        }
        if (decoder.kind() == TunnelFrameDecoder.KIND_GRE_NHRP)
        {
            onNhrp(s, decoder.nhrp(), fromHub, sender);
            return;
        }
        final Ipv4Flyweight inner = decoder.inner();
        final int destination = inner.destination();
        if (routing != null && inner.protocol() == routing.ipProtocol() &&
            ((destination & 0xFFFF_FF00) == 0xE000_0000 || destination == tunnel[s]))
        {
            counters.add(s, Counter.ROUTING_RECEIVED);
            routing.receive(s, buffer, inner.offset(), inner.totalLength(), nowNs);
            return;
        }
        if ((destination & 0xFFFF_FF00) == 0xE000_0000 || destination == -1)
        {
            // A link-local group or the limited broadcast: for the spoke itself, never its LAN.
            counters.add(s, Counter.MULTICAST_RECEIVED);
            return;
        }
        if ((destination & lanMask) != lan[s] && destination != tunnel[s])
        {
            counters.drop(s, SpokeDrop.DATA_NOT_FOR_SPOKE);
            return;
        }
        final boolean own = destination == tunnel[s] || destination == lanAddress[s] && destination != 0;
        if (!own && inner.ttl() <= 1)
        {
            // Forwarding it to a host on the LAN would take the TTL to 0 (RFC 1812 section 5.3.1).
            counters.drop(s, SpokeDrop.TTL_EXPIRED);
            if (errorAllowedAbout(inner))
            {
                icmpError(s, inner, Icmp4Flyweight.TYPE_TIME_EXCEEDED, Icmp4Flyweight.CODE_TTL_EXCEEDED_IN_TRANSIT, tunnel[s]);
                counters.add(s, Counter.TIME_EXCEEDED_SENT);
            }
            return;
        }
        if (inner.protocol() == Ipv4Flyweight.PROTOCOL_ICMP && inner.headerLength() == Ipv4Flyweight.MIN_HEADER_LENGTH)
        {
            final DecodeStatus icmpStatus = icmp.wrap(buffer, inner.payloadOffset(), inner.payloadLength()).validate();
            if (icmpStatus != DecodeStatus.OK)
            {
                counters.decodeFailure(icmpStatus);
                counters.drop(s, SpokeDrop.DECODE_FAILED);
                return;
            }
            if (icmp.type() == Icmp4Flyweight.TYPE_ECHO_REQUEST)
            {
                // The spoke, or the host on its LAN it stands for, answers.
                counters.add(s, fromHub ? Counter.DATA_RECEIVED_HUB : Counter.DATA_RECEIVED_DIRECT);
                echoReply(s, inner);
                return;
            }
            if (own)
            {
                counters.add(s, fromHub ? Counter.DATA_RECEIVED_HUB : Counter.DATA_RECEIVED_DIRECT);
                counters.add(s, Counter.ICMP_RECEIVED);
                icmpReceiver.onIcmp(s, buffer, inner.offset(), inner.totalLength());
                return;
            }
        }
        else if (inner.protocol() == Ipv4Flyweight.PROTOCOL_UDP && inner.payloadLength() >= UDP_HEADER_LENGTH)
        {
            final int port = buffer.getShort(inner.payloadOffset() + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (port - TRACEROUTE_FIRST_PORT >= 0 && port - TRACEROUTE_FIRST_PORT < TRACEROUTE_PORTS)
            {
                // Nothing listens on a traceroute port: the destination says so, from the address probed.
                counters.add(s, fromHub ? Counter.DATA_RECEIVED_HUB : Counter.DATA_RECEIVED_DIRECT);
                icmpError(s, inner, Icmp4Flyweight.TYPE_DESTINATION_UNREACHABLE, Icmp4Flyweight.CODE_PORT_UNREACHABLE, destination);
                counters.add(s, Counter.PORT_UNREACHABLES_SENT);
                return;
            }
        }
        counters.add(s, fromHub ? Counter.DATA_RECEIVED_HUB : Counter.DATA_RECEIVED_DIRECT);
        receiver.onData(s, !fromHub, buffer, inner.offset(), inner.totalLength());
    }

    /** RFC 1812 section 4.3.2.7: no error about an ICMP error, a non-initial fragment, or a source that is not one host. */
    private static boolean errorAllowedAbout(final Ipv4Flyweight packet)
    {
        final int source = packet.source();
        if (source == 0 || Integer.compareUnsigned(source, 0xE000_0000) >= 0 ||
            (packet.flagsAndFragmentOffset() & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) != 0)
        {
            return false;
        }
        if (packet.protocol() != Ipv4Flyweight.PROTOCOL_ICMP)
        {
            return true;
        }
        if (packet.payloadLength() < 1)
        {
            return false;
        }
        final int type = packet.buffer().getByte(packet.payloadOffset()) & 0xFF;
        return type == Icmp4Flyweight.TYPE_ECHO_REQUEST || type == Icmp4Flyweight.TYPE_ECHO_REPLY;
    }

    /** An ICMP error about {@code packet} from {@code from}, quoting its header and 8 bytes (RFC 792), back to its source. */
    private void icmpError(final int s, final Ipv4Flyweight packet, final int type, final int code, final int from)
    {
        final int quote = Icmp4Flyweight.quoteLength(packet.headerLength(), packet.totalLength());
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + Icmp4Flyweight.HEADER_LENGTH + quote;
        scratch.putBytes(Ipv4Flyweight.MIN_HEADER_LENGTH + Icmp4Flyweight.HEADER_LENGTH, packet.buffer(), packet.offset(), quote);
        icmp.wrap(scratch, Ipv4Flyweight.MIN_HEADER_LENGTH, Icmp4Flyweight.HEADER_LENGTH + quote).writeError(type, code).updateChecksum();
        ip.wrap(scratch, 0, length).writeHeader(0, length, identification++ & 0xFFFF, 0, ICMP_TTL, Ipv4Flyweight.PROTOCOL_ICMP, from,
            packet.source());
        sendPacket(s, scratch, 0, length);
    }

    /** The Echo Reply to {@code request}: its data back to its source, from the address it asked. */
    private void echoReply(final int s, final Ipv4Flyweight request)
    {
        final int length = request.totalLength();
        scratch.putBytes(0, request.buffer(), request.offset(), length);
        icmp.wrap(scratch, Ipv4Flyweight.MIN_HEADER_LENGTH, length - Ipv4Flyweight.MIN_HEADER_LENGTH);
        scratch.putByte(Ipv4Flyweight.MIN_HEADER_LENGTH + Icmp4Flyweight.TYPE_OFFSET, (byte)Icmp4Flyweight.TYPE_ECHO_REPLY);
        icmp.updateChecksum();
        ip.wrap(scratch, 0, length).writeHeader(0, length, identification++ & 0xFFFF, 0, ICMP_TTL, Ipv4Flyweight.PROTOCOL_ICMP,
            request.destination(), request.source());
        counters.add(s, Counter.ECHO_REPLIES_SENT);
        sendPacket(s, scratch, 0, length);
    }

    private void onNhrp(final int s, final NhrpPacket packet, final boolean fromHub, final int sender)
    {
        final int type = packet.type();
        // Error Indications carry no extensions (the hub's have none), so no authentication either.
        if (config.authentication() != null && type != Nhrp.TYPE_ERROR_INDICATION && !authenticated(packet))
        {
            counters.drop(s, SpokeDrop.AUTHENTICATION_MISMATCH);
            return;
        }
        counters.add(s, Counter.NHRP_RECEIVED);
        counters.countNhrpReceived(s, type);
        switch (type)
        {
            case Nhrp.TYPE_REGISTRATION_REPLY ->
            {
                if (fromHub)
                {
                    onRegistrationReply(s, packet);
                }
                else
                {
                    counters.drop(s, SpokeDrop.UNEXPECTED_MESSAGE);
                }
            }
            case Nhrp.TYPE_RESOLUTION_REQUEST -> onResolutionRequest(s, packet, fromHub);
            case Nhrp.TYPE_RESOLUTION_REPLY -> onResolutionReply(s, packet, fromHub, sender);
            case Nhrp.TYPE_PURGE_REQUEST -> onPurgeRequest(s, packet, fromHub, sender);
            case Nhrp.TYPE_ERROR_INDICATION -> onErrorIndication(s, packet, fromHub);
            case Nhrp.TYPE_TRAFFIC_INDICATION -> onTrafficIndication(s, packet, fromHub);
            // Spokes send purges with N only: a Purge Reply, like a request sent to a spoke, is unexpected.
            default -> counters.drop(s, SpokeDrop.UNEXPECTED_MESSAGE);
        }
    }

    private boolean authenticated(final NhrpPacket packet)
    {
        final int at = packet.authenticationExtension();
        return at >= 0 && extension.wrap(packet.buffer(), at).authenticationMatches(config.authentication());
    }

    /**
     * Counted by code, never answered (RFC 2332 section 5.2.7). When the packet in error is this
     * spoke's outstanding Registration Request, that registration failed: back off now.
     */
    private void onErrorIndication(final int s, final NhrpPacket packet, final boolean fromHub)
    {
        final int code = packet.errorCode();
        counters.add(s, Counter.ERROR_INDICATIONS);
        counters.errorIndication(code);
        event(s, SpokeEvent.ERROR_INDICATION, code);
        final int inError = packet.bodyOffset();
        if (fromHub && registrationId[s] != 0 && packet.bodyLength() >= NhrpPacket.FIXED_HEADER_LENGTH + NhrpPacket.MANDATORY_FIXED_LENGTH)
        {
            final int type = packet.buffer().getByte(inError + NhrpPacket.TYPE_OFFSET) & 0xFF;
            final int id = packet.buffer().getInt(inError + NhrpPacket.FIXED_HEADER_LENGTH + NhrpPacket.REQUEST_ID_OFFSET,
                ByteOrder.BIG_ENDIAN);
            if (type == Nhrp.TYPE_REGISTRATION_REQUEST && id == registrationId[s])
            {
                registrationId[s] = 0;
                if (state[s] != SpokeState.REGISTERED.ordinal())
                {
                    state[s] = (byte)SpokeState.BACKOFF.ordinal();
                }
                scheduleRegistrationRetry(s);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Resolution (RFC 2332 sections 5.2.1 and 5.2.2; Traffic Indication per draft-detienne-dmvpn-01)

    /**
     * Phase 3: the hub saw a packet from this spoke's LAN hairpin to another spoke; resolve the
     * packet's destination so later ones go direct.
     */
    private void onTrafficIndication(final int s, final NhrpPacket packet, final boolean fromHub)
    {
        counters.add(s, Counter.TRAFFIC_INDICATIONS);
        final int target = packet.buffer().getInt(packet.bodyOffset() + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        event(s, SpokeEvent.TRAFFIC_INDICATION, target);
        if (!fromHub || config.phase() != SpokeConfig.Phase.PHASE_3)
        {
            counters.drop(s, SpokeDrop.INDICATION_IGNORED);
            return;
        }
        final int entry = cache.lookup(s, target, -1);
        final int nextHop = entry == NONE ? NONE : cache.kind(entry) == SpokeCache.ROUTE ? cache.nextHop(entry) : cache.prefix(entry);
        if (entry != NONE && cache.binding(s, nextHop) != NONE || !resolve(s, target))
        {
            counters.drop(s, SpokeDrop.INDICATION_REDUNDANT);
        }
    }

    /**
     * Sends a Resolution Request for {@code target} to the NHS unless one is outstanding or the
     * address is bound already.
     *
     * @return true when a request was sent.
     */
    private boolean resolve(final int s, final int target)
    {
        if (cache.find(s, target, 32) != NONE)
        {
            return false;
        }
        final int e = cache.add(s, target, 32, SpokeCache.PENDING);
        final int id = nextRequestId(s);
        cache.requestId(e, id);
        cache.target(e, target);
        requests.put(requestKey(s, id), e);
        entryTimer(e, T_PENDING_TIMEOUT, nowNs + config.resolutionTimeoutNs());
        sendResolutionRequest(s, id, target);
        return true;
    }

    private void sendResolutionRequest(final int s, final int id, final int target)
    {
        counters.add(s, Counter.RESOLUTIONS_SENT);
        event(s, SpokeEvent.RESOLUTION_SENT, target);
        final int slot = hubSlot(s);
        if (slot >= 0)
        {
            nhrpToHub(s, slot, messages.resolutionRequest(nhrpWriter(hubSlab, slot), id, nbma[s], tunnel[s], target,
                config.holdingTimeS(), learnedNat[s]), Nhrp.TYPE_RESOLUTION_REQUEST);
        }
    }

    /**
     * Phase 3: the hub forwarded a request for an address behind this spoke. Answer the requester
     * directly (simulated IKE with it first), with the whole LAN as the prefix, and cache the
     * requester's binding from the request (section 5.2.1 lets a responder do so).
     */
    private void onResolutionRequest(final int s, final NhrpPacket request, final boolean fromHub)
    {
        final int target = request.destinationProtocol();
        final int prefixLength;
        if ((target & lanMask) == lan[s])
        {
            prefixLength = lanLength;
        }
        else if (target == tunnel[s])
        {
            prefixLength = 32;
        }
        else
        {
            counters.drop(s, SpokeDrop.RESOLUTION_NOT_OURS);
            return;
        }
        // A requester behind a NAT is reached at the post-NAT address its NAT Address extension gives.
        final int requesterNbma = postNatOr(request, request.sourceProtocol(), request.sourceNbma());
        if (!fromHub || config.phase() == SpokeConfig.Phase.PHASE_1 || requesterNbma == nbma[s] || requesterNbma == wireNbma(s))
        {
            counters.drop(s, SpokeDrop.UNEXPECTED_MESSAGE);
            return;
        }
        direct.establish(nbma[s], requesterNbma, nowNs);
        int holdingTimeS = config.holdingTimeS();
        if (request.cieCount() > 0 && cie.wrap(request.buffer(), request.bodyOffset()).holdingTimeS() > 0)
        {
            holdingTimeS = cie.holdingTimeS();
        }
        rememberRequester(s, request.sourceProtocol(), requesterNbma, holdingTimeS);
        counters.add(s, Counter.RESOLUTIONS_ANSWERED);
        event(s, SpokeEvent.RESOLUTION_ANSWERED, request.sourceProtocol());
        final int slot = underlaySlot(s);
        if (slot >= 0)
        {
            final int length = messages.resolutionReply(nhrpWriter(underlaySlab, slot), request, prefixLength, config.holdingTimeS(),
                nbma[s], tunnel[s], learnedNat[s]);
            if (sendDirect(s, slot, length, GreFlyweight.PROTOCOL_NHRP, direct.get(nbma[s], requesterNbma), requesterNbma))
            {
                counters.countNhrpSent(s, Nhrp.TYPE_RESOLUTION_REPLY);
            }
        }
    }

    private void rememberRequester(final int s, final int requesterTunnel, final int requesterNbma, final int holdingTimeS)
    {
        int e = cache.find(s, requesterTunnel, 32);
        final long expiresNs = nowNs + holdingTimeS * SECOND_NS;
        if (e == NONE)
        {
            e = cache.add(s, requesterTunnel, 32, SpokeCache.BINDING);
            cache.set(e, SpokeCache.FLAG_REQUESTER | SpokeCache.FLAG_HOLDS_OUR_MAPPING);
            cache.nextHop(e, requesterTunnel);
            cache.target(e, requesterTunnel);
            cache.nbma(e, requesterNbma);
            direct.retain(nbma[s], requesterNbma);
        }
        else if (cache.kind(e) == SpokeCache.BINDING)
        {
            cache.set(e, SpokeCache.FLAG_HOLDS_OUR_MAPPING);
            moveBinding(s, e, requesterNbma);
            if (cache.expiresNs(e) - expiresNs >= 0)
            {
                return;
            }
        }
        else
        {
            // Resolving the requester ourselves: its answer installs the binding (the flag stays).
            cache.set(e, SpokeCache.FLAG_HOLDS_OUR_MAPPING);
            return;
        }
        cache.expiresNs(e, expiresNs);
        scheduleEntry(e);
    }

    private void onResolutionReply(final int s, final NhrpPacket reply, final boolean fromHub, final int sender)
    {
        final long key = requestKey(s, (int)reply.requestId());
        final int e = (int)requests.get(key);
        if (e == NONE)
        {
            counters.drop(s, SpokeDrop.STALE_REPLY);
            return;
        }
        requests.remove(key);
        cache.requestId(e, 0);
        counters.add(s, Counter.RESOLUTION_REPLIES);
        final boolean pending = cache.kind(e) == SpokeCache.PENDING;
        if (reply.cieCount() == 0)
        {
            counters.drop(s, SpokeDrop.MALFORMED_REPLY);
            abandon(e, pending);
            return;
        }
        cie.wrap(reply.buffer(), reply.bodyOffset());
        final int code = cie.code();
        if (code != Nhrp.CIE_SUCCESS)
        {
            counters.add(s, Counter.RESOLUTION_NAKS);
            counters.resolutionNak(code);
            event(s, SpokeEvent.RESOLUTION_NAK, code);
            abandon(e, pending);
            return;
        }
        if (cie.clientNbmaLength() != Nhrp.IPV4_ADDRESS_LENGTH || cie.clientProtocolLength() != Nhrp.IPV4_ADDRESS_LENGTH ||
            cie.clientNbma() == nbma[s])
        {
            counters.drop(s, SpokeDrop.MALFORMED_REPLY);
            abandon(e, pending);
            return;
        }
        // A responder behind a NAT is reached at the post-NAT address its NAT Address extension gives.
        final int clientNbma = postNatOr(reply, cie.clientProtocol(), cie.clientNbma());
        if (!fromHub && sender != clientNbma)
        {
            counters.drop(s, SpokeDrop.REPLY_NOT_FROM_CLIENT);
            abandon(e, pending);
            return;
        }
        final int prefixLength = Math.min(cie.prefixLength(), 32);
        final int holdingTimeS = cie.holdingTimeS() > 0 ? cie.holdingTimeS() : config.holdingTimeS();
        install(s, cache.target(e), prefixLength, cie.clientProtocol(), clientNbma, holdingTimeS, pending ? e : NONE);
    }

    /** A resolution got no usable answer: a pending one is forgotten, a renewal lets its entry run out. */
    private void abandon(final int e, final boolean pending)
    {
        if (pending)
        {
            removeEntry(e);
        }
    }

    /**
     * Installs what a Resolution Reply says: the next hop's binding (its tunnel address to its NBMA
     * address, with the spoke-to-spoke SAs) and, when the answer covers more than the next hop
     * itself, the shortcut route for the prefix (Phase 3's H route for a LAN).
     */
    private void install(
        final int s, final int target, final int prefixLength, final int nextHop, final int nextHopNbma, final int holdingTimeS,
        final int pendingEntry)
    {
        final long expiresNs = nowNs + holdingTimeS * SECOND_NS;
        final boolean withRoute = prefixLength != 32 || target != nextHop;
        boolean installed = false;
        direct.establish(nbma[s], nextHopNbma, nowNs);
        int b = cache.find(s, nextHop, 32);
        if (b != NONE && cache.kind(b) == SpokeCache.PENDING)
        {
            // Resolving the next hop itself (Phase 2): the pending entry becomes the binding.
            cancelEntryTimer(b);
            if (cache.requestId(b) != 0)
            {
                requests.remove(requestKey(s, cache.requestId(b)));
                cache.requestId(b, 0);
            }
            cache.becomeBinding(b);
            cache.nbma(b, nextHopNbma);
            direct.retain(nbma[s], nextHopNbma);
            installed = !withRoute;
        }
        else if (b != NONE)
        {
            moveBinding(s, b, nextHopNbma);
        }
        else
        {
            b = cache.add(s, nextHop, 32, SpokeCache.BINDING);
            cache.nbma(b, nextHopNbma);
            direct.retain(nbma[s], nextHopNbma);
            installed = !withRoute;
        }
        cache.nextHop(b, nextHop);
        cache.clear(b, SpokeCache.FLAG_REQUESTER);
        if (withRoute)
        {
            cache.set(b, SpokeCache.FLAG_DEPENDENT);
        }
        else
        {
            cache.clear(b, SpokeCache.FLAG_DEPENDENT);
            cache.target(b, target);
        }
        cache.expiresNs(b, expiresNs);
        scheduleEntry(b);
        if (withRoute)
        {
            int r = cache.find(s, target, prefixLength);
            if (r != NONE && cache.kind(r) != SpokeCache.ROUTE)
            {
                // The prefix is a host route where a resolution was pending (or a stale binding): replace it.
                removeEntry(r);
                r = NONE;
            }
            if (r == NONE)
            {
                r = cache.add(s, target, prefixLength, SpokeCache.ROUTE);
                installed = true;
            }
            cache.nextHop(r, nextHop);
            cache.target(r, target);
            cache.expiresNs(r, expiresNs);
            scheduleEntry(r);
        }
        if (pendingEntry != NONE && cache.kind(pendingEntry) == SpokeCache.PENDING && cache.owner(pendingEntry) == s &&
            cache.target(pendingEntry) == target)
        {
            removeEntry(pendingEntry);
        }
        if (installed)
        {
            counters.add(s, Counter.SHORTCUTS_INSTALLED);
            event(s, SpokeEvent.SHORTCUT_INSTALLED, target & Dir24Fib.mask(prefixLength));
        }
        else
        {
            counters.add(s, Counter.SHORTCUTS_REFRESHED);
            event(s, SpokeEvent.SHORTCUT_REFRESHED, target & Dir24Fib.mask(prefixLength));
        }
    }

    /** Points a binding at a (possibly new) NBMA address, moving its hold on the SAs. */
    private void moveBinding(final int s, final int b, final int newNbma)
    {
        final int old = cache.nbma(b);
        if (old != newNbma)
        {
            direct.retain(nbma[s], newNbma);
            direct.release(nbma[s], old);
            cache.nbma(b, newNbma);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Purge (RFC 2332 sections 5.2.5 and 5.2.6)

    private void onPurgeRequest(final int s, final NhrpPacket request, final boolean fromHub, final int sender)
    {
        int removed = 0;
        for (int i = 0, offset = request.bodyOffset(); i < request.cieCount(); i++)
        {
            cie.wrap(request.buffer(), offset);
            final int address = cie.clientProtocolLength() == Nhrp.IPV4_ADDRESS_LENGTH ? cie.clientProtocol() : request.sourceProtocol();
            removed += purgeVia(s, address);
            offset += cie.length();
        }
        if (removed == 0)
        {
            counters.drop(s, SpokeDrop.PURGE_NOTHING);
        }
        if ((request.flags() & Nhrp.FLAG_PURGE_N) != 0)
        {
            return;
        }
        if (fromHub)
        {
            final int slot = hubSlot(s);
            if (slot >= 0)
            {
                nhrpToHub(s, slot, messages.purgeReply(nhrpWriter(hubSlab, slot), request), Nhrp.TYPE_PURGE_REPLY);
                counters.add(s, Counter.PURGE_REPLIES_SENT);
            }
            return;
        }
        final PeerSas sas = direct.get(nbma[s], sender);
        final int slot = sas == null ? NONE : underlaySlot(s);
        if (slot >= 0 && sendDirect(s, slot, messages.purgeReply(nhrpWriter(underlaySlab, slot), request), GreFlyweight.PROTOCOL_NHRP,
            sas, sender))
        {
            counters.countNhrpSent(s, Nhrp.TYPE_PURGE_REPLY);
            counters.add(s, Counter.PURGE_REPLIES_SENT);
        }
    }

    /** Removes the binding of {@code address} and every route through it. @return entries removed. */
    private int purgeVia(final int s, final int address)
    {
        int removed = 0;
        for (int e = cache.first(s), next; e != NONE; e = next)
        {
            next = cache.next(e);
            final byte kind = cache.kind(e);
            if (kind == SpokeCache.ROUTE && cache.nextHop(e) == address || kind == SpokeCache.BINDING && cache.prefix(e) == address)
            {
                counters.add(s, Counter.ENTRIES_PURGED);
                if (isShortcut(e))
                {
                    counters.add(s, Counter.SHORTCUTS_PURGED);
                }
                event(s, SpokeEvent.ENTRY_PURGED, cache.prefix(e));
                removeEntry(e);
                removed++;
            }
        }
        return removed;
    }

    /** Tells {@code peerTunnel} at {@code peerNbma}, directly, to forget this spoke's binding (N set). */
    private void sendPurge(final int s, final int peerTunnel, final int peerNbma)
    {
        final PeerSas sas = direct.get(nbma[s], peerNbma);
        final int slot = sas == null ? NONE : underlaySlot(s);
        if (slot < 0)
        {
            return;
        }
        final int length = messages.purgeRequest(nhrpWriter(underlaySlab, slot), true, nextRequestId(s), nbma[s], tunnel[s], peerTunnel,
            32, nbma[s], tunnel[s]);
        if (sendDirect(s, slot, length, GreFlyweight.PROTOCOL_NHRP, sas, peerNbma))
        {
            counters.countNhrpSent(s, Nhrp.TYPE_PURGE_REQUEST);
            counters.add(s, Counter.PURGES_SENT);
            event(s, SpokeEvent.PURGE_SENT, peerTunnel);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Cache entries and timers

    /** A route, or a binding that stands alone (not a route's next hop, not learned from a request). */
    private boolean isShortcut(final int e)
    {
        return cache.kind(e) == SpokeCache.ROUTE || cache.kind(e) == SpokeCache.BINDING &&
            !cache.has(e, SpokeCache.FLAG_DEPENDENT) && !cache.has(e, SpokeCache.FLAG_REQUESTER);
    }

    /**
     * An entry that renews itself gets a renewal check before it expires (a used one sends a
     * Resolution Request, an idle one is left to expire); the others only expire.
     */
    private void scheduleEntry(final int e)
    {
        final long expiresNs = cache.expiresNs(e);
        final boolean renews = cache.kind(e) == SpokeCache.ROUTE || cache.kind(e) == SpokeCache.BINDING &&
            !cache.has(e, SpokeCache.FLAG_DEPENDENT) && !cache.has(e, SpokeCache.FLAG_REQUESTER);
        if (renews)
        {
            final long lead = Math.min(config.shortcutRefreshLeadNs(), (expiresNs - nowNs) / 2);
            entryTimer(e, T_ENTRY_RENEW, expiresNs - lead);
        }
        else
        {
            entryTimer(e, T_ENTRY_EXPIRE, expiresNs);
        }
    }

    private void removeEntry(final int e)
    {
        final int s = cache.owner(e);
        cancelEntryTimer(e);
        if (cache.requestId(e) != 0)
        {
            requests.remove(requestKey(s, cache.requestId(e)));
        }
        if (cache.kind(e) == SpokeCache.BINDING)
        {
            direct.release(nbma[s], cache.nbma(e));
        }
        cache.remove(e);
    }

    private void removeAllEntries(final int s)
    {
        for (int e = cache.first(s), next; e != NONE; e = next)
        {
            next = cache.next(e);
            removeEntry(e);
        }
    }

    private void spokeTimer(final int s, final int kind, final long deadlineNs)
    {
        cancelSpokeTimer(s);
        spokeTimer[s] = schedule(kind, s, deadlineNs);
    }

    private void cancelSpokeTimer(final int s)
    {
        timers.cancel(spokeTimer[s]);
        spokeTimer[s] = NONE;
    }

    private void entryTimer(final int e, final int kind, final long deadlineNs)
    {
        cancelEntryTimer(e);
        cache.timerId(e, schedule(kind, e, deadlineNs));
    }

    private void cancelEntryTimer(final int e)
    {
        timers.cancel(cache.timerId(e));
        cache.timerId(e, NONE);
    }

    private int schedule(final int kind, final int index, final long deadlineNs)
    {
        return timers.schedule(deadlineNs, (long)kind << 32 | index);
    }

    // ---------------------------------------------------------------------------------------
    // Sending

    private int nextRequestId(final int s)
    {
        int id = nextRequestId[s]++;
        if (id == 0)
        {
            id = nextRequestId[s]++;
        }
        return id;
    }

    private static long requestKey(final int s, final int requestId)
    {
        return (long)s << 32 | requestId & 0xFFFF_FFFFL;
    }

    private NhrpPacketWriter nhrpWriter(final FrameSlab slab, final int slot)
    {
        return writer.wrap(slab.buffer(), TunnelEncapsulator.payloadOffset(slab, slot), TunnelEncapsulator.payloadCapacity(slab, slot));
    }

    /** @return a slot of the hub's slab to build a frame to the hub in, or -1 (counted). */
    private int hubSlot(final int s)
    {
        if (hubSas[s] == null)
        {
            counters.drop(s, SpokeDrop.NO_HUB_SA);
            return NONE;
        }
        final int slot = hubSlab.allocate();
        if (slot < 0)
        {
            counters.drop(s, SpokeDrop.HUB_SLAB_EXHAUSTED);
        }
        return slot;
    }

    private int underlaySlot(final int s)
    {
        final int slot = underlaySlab.allocate();
        if (slot < 0)
        {
            counters.drop(s, SpokeDrop.UNDERLAY_SLAB_EXHAUSTED);
        }
        return slot;
    }

    private void nhrpToHub(final int s, final int slot, final int length, final int type)
    {
        if (sendToHub(s, slot, length, GreFlyweight.PROTOCOL_NHRP))
        {
            counters.countNhrpSent(s, type);
        }
    }

    /** Encapsulates the payload in the slot for the hub and offers it to the hub's receive ring. */
    private boolean sendToHub(final int s, final int slot, final int payloadLength, final int greProtocol)
    {
        final EspStatus status = encapsulator.encapsulate(hubSlab, slot, payloadLength, greProtocol, hubSas[s].outbound(), wireNbma(s),
            config.hubNbma());
        if (status != EspStatus.OK)
        {
            hubSlab.release(slot);
            counters.drop(s, SpokeDrop.ENCRYPT_FAILED);
            return false;
        }
        if (tap != null)
        {
            tap.frame(true, hubSlab.buffer(), hubSlab.offset(slot), hubSlab.length(slot));
        }
        // The arrival stamp the hub's time-in-hub latency is measured from (HubWorker.LatencyRecorder).
        hubSlab.receivedNs(slot, System.nanoTime());
        if (!dataplane.rxFor(wireNbma(s)).offer(slot))
        {
            hubSlab.release(slot);
            counters.drop(s, SpokeDrop.HUB_RING_FULL);
            return false;
        }
        counters.add(s, Counter.FRAMES_TO_HUB);
        if (greProtocol == GreFlyweight.PROTOCOL_IPV4)
        {
            dataToHubNs[s] = nowNs;
        }
        if (rekeySpi[s] == 0 && hubSas[s].outbound().isSoftExpired())
        {
            // The soft byte lifetime, this way.
            beginRekey(s);
        }
        return true;
    }

    /** Encapsulates the payload in the underlay slot for a peer spoke and puts it on the underlay. */
    private boolean sendDirect(final int s, final int slot, final int payloadLength, final int greProtocol, final PeerSas sas,
        final int peerNbma)
    {
        direct.rekeyIfSoftExpired(nbma[s], peerNbma, sas, nowNs);
        final EspStatus status = encapsulator.encapsulate(underlaySlab, slot, payloadLength, greProtocol, sas.outbound(), wireNbma(s),
            peerNbma);
        if (status != EspStatus.OK)
        {
            underlaySlab.release(slot);
            counters.drop(s, SpokeDrop.ENCRYPT_FAILED);
            return false;
        }
        underlay.offerInt(slot);
        counters.add(s, Counter.FRAMES_DIRECT);
        return true;
    }

    private void closeHubSas(final int s)
    {
        final PeerSas sas = hubSas[s];
        if (sas != null)
        {
            sas.outbound().close();
            sas.currentInbound().close();
            if (sas.previousInbound() != null)
            {
                sas.previousInbound().close();
            }
            hubSas[s] = null;
        }
        timers.cancel(saTimer[s]);
        saTimer[s] = NONE;
        rekeySpi[s] = 0;
    }

    private void event(final int s, final SpokeEvent event, final int detail)
    {
        listener.onEvent(nowNs, s, event, detail);
    }

    // ---------------------------------------------------------------------------------------
    // Queries (the spokes' thread, or any thread while it is idle)

    public SpokeConfig config()
    {
        return config;
    }

    public AddressPlan plan()
    {
        return plan;
    }

    public SpokeCounters counters()
    {
        return counters;
    }

    public void listener(final SpokeEventListener listener)
    {
        this.listener = listener == null ? SpokeEventListener.NONE : listener;
    }

    public void dataReceiver(final DataReceiver receiver)
    {
        this.receiver = receiver == null ? DataReceiver.NONE : receiver;
    }

    /** Where ICMP answers to the spokes' own probes go (null: nowhere). */
    public void icmpReceiver(final IcmpReceiver receiver)
    {
        this.icmpReceiver = receiver == null ? IcmpReceiver.NONE : receiver;
    }

    /** @return the spoke's own address on its LAN (a loopback's), or 0. */
    public int lanAddress(final int s)
    {
        return lanAddress[s];
    }

    public int count()
    {
        return count;
    }

    public SpokeState state(final int s)
    {
        return STATES[state[s]];
    }

    public int tunnel(final int s)
    {
        return tunnel[s];
    }

    public int nbma(final int s)
    {
        return nbma[s];
    }

    public int lan(final int s)
    {
        return lan[s];
    }

    /** @return a host address on spoke {@code s}'s LAN ({@code host} from 1). */
    public int host(final int s, final int host)
    {
        return lan[s] + host;
    }

    /** @return the spoke whose LAN holds {@code address}, or -1 when none does. */
    public int spokeOfLan(final int address)
    {
        return spokeByLan.get(address & lanMask);
    }

    /** @return the spoke holding this NBMA address, or -1. */
    public int indexOfNbma(final int address)
    {
        return spokeByNbma.get(address);
    }

    /** @return the code of the last NAK this spoke's registration got (0 after a success). */
    public int lastNak(final int s)
    {
        return lastNak[s] & 0xFF;
    }

    /** Spoke {@code s}'s SA pair with the hub (null before its first IKE exchange); on the spokes' thread, or while it is held. */
    public PeerSas hubSas(final int s)
    {
        return hubSas[s];
    }

    /**
     * @return when spoke {@code s} last sent the hub a data packet (NHRP packets do not count, as
     * IOS's "used" flag counts only data forwarded through an entry), or {@link Long#MIN_VALUE}.
     */
    public long dataToHubNs(final int s)
    {
        return dataToHubNs[s];
    }

    /**
     * @return spoke {@code s}'s peers with IPsec SAs, by NBMA address in address order: the hub,
     * and the spokes it has direct tunnels with. For show commands, on the spokes' thread.
     */
    public java.util.SortedMap<Integer, PeerSas> ipsecPeers(final int s)
    {
        final java.util.SortedMap<Integer, PeerSas> peers = new java.util.TreeMap<>(Integer::compareUnsigned);
        if (hubSas[s] != null)
        {
            peers.put(config.hubNbma(), hubSas[s]);
        }
        direct.forEachPeer(nbma[s], peers::put);
        return peers;
    }

    public long registeredUntilNs(final int s)
    {
        return registeredUntilNs[s];
    }

    /** @return spokes in {@link SpokeState#REGISTERED}. */
    public int registeredCount()
    {
        int n = 0;
        for (int s = 0; s < count; s++)
        {
            n += state[s] == SpokeState.REGISTERED.ordinal() ? 1 : 0;
        }
        return n;
    }

    /** @return the spoke's NHRP cache entries, shortcut routes and pending resolutions (cold path). */
    public List<SpokeCacheEntry> cache(final int s)
    {
        final List<SpokeCacheEntry> entries = new ArrayList<>();
        for (int e = cache.first(s); e != NONE; e = cache.next(e))
        {
            final SpokeCacheEntry.Kind kind = switch (cache.kind(e))
            {
                case SpokeCache.BINDING -> SpokeCacheEntry.Kind.BINDING;
                case SpokeCache.ROUTE -> SpokeCacheEntry.Kind.ROUTE;
                default -> SpokeCacheEntry.Kind.PENDING;
            };
            entries.add(new SpokeCacheEntry(kind, cache.prefix(e), cache.length(e), cache.nextHop(e), cache.nbma(e),
                cache.expiresNs(e), cache.has(e, SpokeCache.FLAG_USED), cache.has(e, SpokeCache.FLAG_REQUESTER)));
        }
        entries.sort((a, b) -> a.length() != b.length() ? b.length() - a.length() : Integer.compareUnsigned(a.prefix(), b.prefix()));
        return entries;
    }

    /**
     * @return the next hop's NBMA address if a packet from spoke {@code s} to {@code destination}
     * would go spoke to spoke now, else 0 (the hub, or no route).
     */
    public int directNbma(final int s, final int destination)
    {
        final int entry = cache.lookup(s, destination, -1);
        if (entry == NONE)
        {
            return 0;
        }
        final int binding = cache.binding(s, cache.kind(entry) == SpokeCache.ROUTE ? cache.nextHop(entry) : cache.prefix(entry));
        return binding == NONE ? 0 : cache.nbma(binding);
    }

    /** @return NHRP cache entries over every spoke. */
    public int cacheSize()
    {
        return cache.size();
    }

    /** @return SA pairs held between spokes, counting each end. */
    public int directSaEnds()
    {
        return direct.ends();
    }

    /** @return rekeys of SA pairs between spokes (both ends at once, one count). */
    public long directRekeys()
    {
        return direct.rekeys();
    }

    /** @return frames between spokes not yet delivered. */
    public int underlayInFlight()
    {
        return underlay.size();
    }

    public FrameSlab underlaySlab()
    {
        return underlaySlab;
    }

    /**
     * Every frame accounted for: frames received = data delivered + multicast taken + routing
     * protocol packets taken + NHRP messages handled + receive drops, and frames sent spoke to spoke = frames received from the underlay + those
     * still on it. Exact when the spokes are idle.
     */
    public boolean conserved()
    {
        final long received = counters.get(Counter.FRAMES_RECEIVED_HUB) + counters.get(Counter.FRAMES_RECEIVED_DIRECT);
        long nhrp = 0;
        for (int type = Nhrp.TYPE_RESOLUTION_REQUEST; type <= Nhrp.TYPE_TRAFFIC_INDICATION; type++)
        {
            nhrp += counters.nhrpReceived(type);
        }
        final long delivered = counters.get(Counter.DATA_RECEIVED_HUB) + counters.get(Counter.DATA_RECEIVED_DIRECT) +
            counters.get(Counter.MULTICAST_RECEIVED) + counters.get(Counter.ROUTING_RECEIVED);
        return received == delivered + nhrp + counters.drops(SpokeDrop.Stage.RECEIVE) &&
            counters.get(Counter.FRAMES_DIRECT) == counters.get(Counter.FRAMES_RECEIVED_DIRECT) + underlay.size();
    }

    /**
     * @return bytes of the spokes' own tables as allocated now (per-spoke arrays, counters, NHRP
     * caches, maps, timers), without the SA objects, which {@link SimulatedIke} makes per peer.
     */
    public long memoryBytes()
    {
        final long perSpoke = 7L * Integer.BYTES + 3 + Long.BYTES + 8;
        return tunnel.length * perSpoke + counters.perSpokeBytes() + cache.memoryBytes() +
            (long)(spokeByNbma.capacity() + spokeByLan.capacity()) * 8 + (long)requests.capacity() * 16 + timers.memoryBytes();
    }

    /** Closes every SA (their native contexts). The spokes must not run afterwards. */
    @Override
    public void close()
    {
        for (int s = 0; s < count; s++)
        {
            closeHubSas(s);
        }
        direct.close();
    }
}
