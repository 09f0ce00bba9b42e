package net.dmvpnhub.nhrp.hub;

import net.dmvpnhub.crypto.PeerSas;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.PairRateLimiter;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.fib.RoutingTable;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.nhrp.CoalescingTimerWheel;
import net.dmvpnhub.nhrp.RoutingProcess;
import net.dmvpnhub.nhrp.SaLifetime;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpCieFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpExtensionFlyweight;
import net.dmvpnhub.wire.nhrp.NhrpPacket;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hub's NHRP server (NHS): an Agrona {@link Agent} on a thread of its own, the one writer of
 * the dataplane's tables. Everything it hears and says is real NHRP in real GRE and ESP: requests
 * arrive through the dataplane's punt rings after decryption and decapsulation, and answers leave
 * through the injection rings, encapsulated and encrypted by the worker that owns the peer's SA.
 * <p>
 * What it does (RFC 2332, with Cisco's DMVPN behaviour where the RFC leaves room):
 * <ul>
 *   <li>Registration: binds a spoke's tunnel address to the NBMA address the packet came from,
 *   publishes the binding to the peer table, answers with the holding time. A unique
 *   registration (U flag) refuses another NBMA address for the same tunnel address with NAK code
 *   14 and keeps the binding; without U, the new address wins and those the hub told of the old
 *   binding get a Purge Request. Expiry by holding time on a timer wheel.</li>
 *   <li>Resolution: Phase 2 (no redirect), the hub answers from its cache, authoritatively. Phase
 *   3 (redirect), for an address behind a spoke the hub forwards the request to that spoke, which
 *   answers the requester directly; the hub adds itself to the Forward Transit NHS Record and
 *   detects loops by finding itself there.</li>
 *   <li>Traffic Indication: for each hairpin the dataplane signals, to the source spoke,
 *   rate-limited per (source spoke, destination).</li>
 *   <li>Purge: a spoke may purge what it registered; the hub answers unless N is set.</li>
 *   <li>Error Indication (never in answer to one): 1 unrecognised compulsory extension, 3 loop
 *   detected, 6 protocol address unreachable, 11 authentication failure, 15 hop count exceeded.
 *   A packet that fails the codec's checks (checksum, lengths) never reaches this class: the
 *   dataplane drops it with a named reason, because its addresses cannot be trusted.</li>
 *   <li>Admission control: when more requests wait in the punt rings than
 *   {@link NhsConfig#admissionBound()}, registrations and resolutions are answered NAK 5
 *   (insufficient resources) at once, and spokes retry later. Nothing is dropped silently.</li>
 *   <li>Simulated IKE ({@link SimulatedIke}): a spoke's first step, before any NHRP, gets its SA
 *   pair with the hub installed here, on the writer thread.</li>
 * </ul>
 * Each request is handled by the method for its type, given the request; every packet the server
 * sends is built by {@link NhsMessages} (one header writer, one extension copier), and which SA id
 * each peer has, with the retiring of replaced SAs, is {@link PeerSaRegistry}'s.
 * <p>
 * Control-plane code: it allocates on cache changes (entries, map growth) but not per packet
 * otherwise; its cost is measured by the registration-storm benchmark.
 */
public final class NhrpServer implements Agent
{
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** Pairs of (NBMA address, SPI) in an IKE request or reply: one long each. */
    public static final int IKE_RING_CAPACITY = 1 << 14;
    /** Packets taken from each punt ring per duty cycle. */
    static final int BATCH = 256;
    /** Injection room kept spare when the NHS paces itself by it (see nhrpPackets). */
    static final int INJECT_SPARE = 8;
    /**
     * Room for this many answers (or a quarter of a ring, if less) before the NHS takes punted
     * packets again, while the workers pace its answers: the NHS wakes once per chunk, and each
     * wake-up costs more than the answers it queues (tens of microseconds in this project's VM).
     * The ring still holds three quarters of its answers when the next chunk comes, so the worker
     * never waits for them.
     */
    static final int INJECT_CHUNK = 512;
    /** Room a slot keeps after a packet for ESP's padding, trailer and ICV (at most 15 + 2 + 32 bytes, rounded up). */
    static final int ESP_TRAILER_ROOM = 64;
    /** Bytes of a packet in error copied into an Error Indication. */
    static final int ERROR_CONTENTS_MAX = 512;
    /** Timer wheel tick: 2^30 ns, about 1.07 s; holding times are whole seconds. */
    static final long TICK_NS = 1L << 30;
    static final int TICKS_PER_WHEEL = 1024;
    /** How often the peer table's used marks are collected into the cache (show ip nhrp's "used"). */
    static final long USED_HARVEST_NS = 1_000_000_000L;
    /** Resolvers remembered per entry for purges; more are answered but not remembered. */
    static final int MAX_RESOLVERS_PER_ENTRY = 64;

    private final NhsConfig config;
    private final Dataplane dataplane;
    private final HubTables tables;
    private final RoutingTable routes;
    private final PeerTable peers;
    private final FrameSlab slab;
    private final UnsafeBuffer buffer;
    private LocalReceiver localReceiver = LocalReceiver.NONE;
    /** The routing protocol on the tunnel, run on this thread, or null (the hub learns spokes' LANs from their registrations). */
    private RoutingProcess routing;
    private final SimulatedIke ike;
    /** {@code tunnel protection}: without it, NHRP goes in plain GRE and peers need no SA. */
    private final boolean requireEsp;
    private final NanoClock clock;
    private final RegistrationListener listener;
    private final SpscLongRing ikeRequests = new SpscLongRing(IKE_RING_CAPACITY);
    private final SpscLongRing ikeReplies = new SpscLongRing(IKE_RING_CAPACITY);

    private final Int2ObjectHashMap<CacheEntry> cache = new Int2ObjectHashMap<>();
    private final PeerSaRegistry saRegistry;
    private final NhsMessages messages;
    /** Cache entries per NBMA address, so withdrawing an address's SAs needs no walk of the cache. */
    private final Int2IntHashMap entriesByNbma = new Int2IntHashMap(0);
    private long nextLifetimeCheckNs;
    private final List<CacheEntry> staticEntries = new ArrayList<>();
    private int nextSpi = 0x0001_0000;
    private long nextRequestId = 1;

    /** Holding times, coalesced by tick: a storm of registrations in one tick is one wheel timer. */
    private final CoalescingTimerWheel timers;
    private final CoalescingTimerWheel.Handler onExpiry = this::onTimerExpiry;
    private final PairRateLimiter indicationLimiter;

    private final NhrpTraffic traffic = new NhrpTraffic();
    private final NhrpPacket packet = new NhrpPacket();
    private final NhrpExtensionFlyweight extension = new NhrpExtensionFlyweight();
    private final NhrpCieFlyweight cie = new NhrpCieFlyweight();
    private final PeerTable.View peerView = new PeerTable.View();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Ipv4Flyweight.MIN_HEADER_LENGTH]);
    private final Ipv4Flyweight scratchIp = new Ipv4Flyweight();
    private final long[] batch = new long[BATCH];
    private final long[] pair = new long[2];
    private long nowNs;
    private long nextHarvestNs;
    /** A spoke registered, moved or left, or its SA id changed, since the multicast list was last published to the dataplane. */
    private boolean multicastListChanged = true;
    /** The SA registry's generation when the list was published: a static peer's SA id may have come or gone since. */
    private long multicastSaGeneration = -1;

    /** The NHS thread's shortest park, after a busy cycle. */
    static final long IDLE_MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);
    /** The NHS thread's longest park: a Traffic Indication or an answer waits at most about this long for a wake-up. */
    static final long IDLE_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Work in one duty cycle from which the NHS runs its next cycle at once (a backlog). */
    static final int IDLE_BUSY_WORK = 32;

    /**
     * The NHS thread's idle strategy ({@link NhsIdleStrategy}): no park while a cycle finds a
     * backlog ({@value #IDLE_BUSY_WORK} packets or more), otherwise parks twice as long each
     * cycle, from 50 us to 1 ms. A control plane needs no
     * microsecond wake-up, and each wake-up costs CPU that a dataplane may want: Agrona's
     * BackoffIdleStrategy (a spin, a yield, then parks from 20 us to 1 ms, reset by any work) woke
     * the NHS about 3,500 times a second for the hairpin traffic's 5,400 redirect signals a second
     * in {@code ./dmvpn storm}, and those wake-ups were most of its thread's CPU.
     */
    public static IdleStrategy newIdleStrategy()
    {
        return new NhsIdleStrategy(IDLE_MIN_PARK_NS, IDLE_MAX_PARK_NS, IDLE_BUSY_WORK);
    }

    public NhrpServer(
        final NhsConfig config,
        final Dataplane dataplane,
        final HubTables tables,
        final SimulatedIke ike,
        final NanoClock clock,
        final RegistrationListener listener)
    {
        this.config = config;
        this.dataplane = dataplane;
        this.tables = tables;
        this.saRegistry = new PeerSaRegistry(tables);
        this.messages = new NhsMessages(config, dataplane.slab(), dataplane, traffic);
        this.routes = tables.routes();
        this.peers = tables.peers();
        this.slab = dataplane.slab();
        this.buffer = slab.buffer();
        this.ike = ike;
        this.clock = clock;
        this.listener = listener;
        this.nowNs = clock.nanoTime();
        this.timers = new CoalescingTimerWheel(nowNs, TICK_NS, TICKS_PER_WHEEL, 1024);
        this.indicationLimiter = new PairRateLimiter(1 << 14, config.trafficIndicationIntervalNs());
        this.requireEsp = dataplane.workers()[0].config().requireEsp();
    }

    @Override
    public String roleName()
    {
        return "nhrp-server";
    }

    public NhsConfig config()
    {
        return config;
    }

    public NhrpTraffic traffic()
    {
        return traffic;
    }

    /**
     * Where a spoke's simulated IKE starts: one producer (the thread that runs the spokes) offers
     * {@code (long)spokeNbma << 32 | spokeInboundSpi}.
     */
    public SpscLongRing ikeRequests()
    {
        return ikeRequests;
    }

    /**
     * @return the inbound SPI the next simulated IKE exchange will choose: exchanges take SPIs in
     * the order they are served, one each. Lets a benchmark pre-build the ESP frames a storm's
     * spokes send after IKE (it checks every answer against its guess).
     */
    public int nextInboundSpi()
    {
        return nextSpi;
    }

    /**
     * IKE answers, one consumer (the thread that runs the spokes):
     * {@code (long)spokeNbma << 32 | hubInboundSpi}; an SPI of 0 means refused (no SA id left).
     */
    public SpscLongRing ikeReplies()
    {
        return ikeReplies;
    }

    /**
     * Configuration time, before the agent runs: SAs keyed by hand ({@code crypto map ...
     * ipsec-manual}) with the peer at {@code nbma}, in place of IKE.
     *
     * @return the SA id they were installed under.
     * @throws IllegalStateException when no SA id is left or the peer already has SAs.
     */
    public int addManualSas(final int nbma, final PeerSas sas)
    {
        if (saRegistry.saIdOf(nbma) != 0)
        {
            throw new IllegalStateException("the peer at " + Ipv4Address.toString(nbma) + " already has SAs");
        }
        final int saId = saRegistry.assign(nbma);
        if (saId == 0)
        {
            throw new IllegalStateException("no SA id left");
        }
        saRegistry.install(saId, sas);
        for (final CacheEntry entry : staticEntries)
        {
            if (entry.nbma == nbma)
            {
                entry.saId = saId;
                publish(entry);
            }
        }
        return saId;
    }

    /**
     * Configuration time, before the agent runs (or on its thread): a static mapping
     * ({@code ip nhrp map tunnel nbma}), which never expires and is never overwritten by a
     * registration. Its SA comes from IKE with that NBMA address, when it happens.
     */
    public void addStatic(final int tunnel, final int nbma)
    {
        final CacheEntry entry = new CacheEntry(tunnel, CacheEntry.Kind.STATIC);
        entry.prefixLength = 32;
        entry.nbma = nbma;
        countNbma(nbma, 1);
        staticEntries.add(entry);
        entry.claimedNbma = nbma;
        entry.saId = saRegistry.saIdOf(nbma);
        entry.createdNs = clock.nanoTime();
        entry.expiresNs = PeerTable.NEVER;
        entry.holdingTimeS = config.holdingTimeS();
        cache.put(tunnel, entry);
        peers.put(tunnel, nbma, entry.saId, PeerTable.Type.STATIC, PeerTable.NEVER);
        multicastListChanged = true;
    }

    /**
     * @return copies of the cache's entries, for show commands and tests (best called when the
     * agent is idle or on its thread).
     */
    public List<NhrpBinding> cache()
    {
        final List<NhrpBinding> entries = new ArrayList<>(cache.size());
        cache.values().forEach(entry -> entries.add(entry.snapshot()));
        entries.sort((a, b) -> Integer.compareUnsigned(a.tunnel(), b.tunnel()));
        return entries;
    }

    /**
     * One NBMA address of the tunnel's multicast list, how it got there, and the SA id its copies
     * are encrypted under (0: the address has no SAs with the hub).
     */
    public record MulticastPeer(int nbma, boolean dynamic, int saId)
    {
    }

    /**
     * @return the tunnel's multicast list, as {@code show ip nhrp multicast} gives it: the static
     * {@code ip nhrp map multicast} addresses in configuration order, then, with {@code ip nhrp map
     * multicast dynamic}, the NBMA address of every spoke registered in the cache, in tunnel-address
     * order; an address is listed once. For show commands and tests (best called when the agent is
     * idle or on its thread).
     */
    public List<MulticastPeer> multicastPeers()
    {
        final List<MulticastPeer> peers = new ArrayList<>();
        final java.util.Set<Integer> listed = new java.util.HashSet<>();
        for (final int nbma : config.multicastStatic())
        {
            if (listed.add(nbma))
            {
                peers.add(new MulticastPeer(nbma, false, saRegistry.saIdOf(nbma)));
            }
        }
        if (config.multicastDynamic())
        {
            for (final NhrpBinding entry : cache())
            {
                if (!entry.isStatic() && listed.add(entry.nbma()))
                {
                    peers.add(new MulticastPeer(entry.nbma(), true, entry.saId()));
                }
            }
        }
        return peers;
    }

    /**
     * Sends an IPv4 packet the hub originates to a multicast group or a broadcast address (a
     * routing protocol's hello or update) out of the tunnel: the dataplane replicates it to every
     * multicast peer ({@link #multicastPeers()}), one GRE + ESP copy each under that peer's SA
     * ({@link Dataplane#injectMulticast}). The list the dataplane replicates to is published again
     * first when a spoke registered, moved or left, or an address got or lost its SAs, since it last
     * was. On the server's thread only: the server is the one thread that hands the dataplane
     * multicast ({@link Dataplane#injectMulticast} has one producer).
     *
     * @return false, counted in {@link NhrpTraffic#multicastNotSent()}, when the list is empty, no
     * slot is free or a worker's multicast queue is full.
     * @throws IllegalArgumentException when the packet is not IPv4 to an address of 224.0.0.0 or
     * above, or is longer than the tunnel's MTU.
     */
    public boolean sendMulticast(final DirectBuffer packet, final int offset, final int length)
    {
        final int most = Math.min(config.mtu(), slab.slotSize() - FrameSlabDescriptor.HEADROOM - FrameSlabDescriptor.TUNNEL_HEADERS -
            ESP_TRAILER_ROOM);
        if (length < Ipv4Flyweight.MIN_HEADER_LENGTH || length > most)
        {
            throw new IllegalArgumentException("a multicast packet of " + length + " bytes: the tunnel carries " +
                Ipv4Flyweight.MIN_HEADER_LENGTH + " to " + most + " (its MTU, and room in a frame slot for ESP's trailer)");
        }
        final int destination = packet.getInt(offset + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        if ((packet.getByte(offset) & 0xF0) != 0x40 || Integer.compareUnsigned(destination, 0xE000_0000) < 0)
        {
            throw new IllegalArgumentException("not an IPv4 packet to a multicast group or broadcast address: " + Ipv4Address.toString(destination));
        }
        publishMulticastList();
        if (tables.multicastPeerCount() == 0)
        {
            traffic.multicastNotSent++;
            return false;
        }
        final int slot = slab.allocate();
        if (slot < 0)
        {
            traffic.multicastNotSent++;
            return false;
        }
        final int at = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        buffer.putBytes(at, packet, offset, length);
        slab.data(slot, at, length);
        if (!dataplane.injectMulticast(slot))
        {
            slab.release(slot);
            traffic.multicastNotSent++;
            return false;
        }
        traffic.multicastSent++;
        return true;
    }

    /** Publishes the multicast list to the dataplane if it changed since it last was. */
    private void publishMulticastList()
    {
        if (!multicastListChanged && multicastSaGeneration == saRegistry.generation())
        {
            return;
        }
        multicastSaGeneration = saRegistry.generation();
        final List<MulticastPeer> list = multicastPeers();
        final long[] packed = new long[list.size()];
        for (int i = 0; i < packed.length; i++)
        {
            packed[i] = HubTables.multicastPeer(list.get(i).saId(), list.get(i).nbma());
        }
        tables.multicastPeers(packed);
        multicastListChanged = false;
        traffic.multicastListsPublished++;
    }

    /**
     * @return the cache entry for {@code tunnel}, or null.
     */
    public NhrpBinding binding(final int tunnel)
    {
        final CacheEntry entry = cache.get(tunnel);
        return entry == null ? null : entry.snapshot();
    }

    public int cacheSize()
    {
        return cache.size();
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = 0;
        // CPU time (not wall time: this thread may be preempted) of the two parts a storm loads, and of the redirects that
        // hairpinned traffic asks for meanwhile.
        if (ikeRequests.size() > 0)
        {
            final long start = THREADS.getCurrentThreadCpuTime();
            work += ikeExchanges();
            traffic.ikeNs += THREADS.getCurrentThreadCpuTime() - start;
        }
        if (anyPunted())
        {
            final long start = THREADS.getCurrentThreadCpuTime();
            work += nhrpPackets();
            traffic.nhrpNs += THREADS.getCurrentThreadCpuTime() - start;
        }
        if (anySignalled(dataplane.redirectRings()))
        {
            final long start = THREADS.getCurrentThreadCpuTime();
            work += redirectSignals();
            traffic.addRedirectNs(THREADS.getCurrentThreadCpuTime() - start);
        }
        work += resolutionTriggers();
        work += localPackets();
        if (routing != null && routing.timerDue(nowNs))
        {
            // Its timers only when one is due: most cycles none is, and the CPU clock costs about what a packet does.
            final long start = THREADS.getCurrentThreadCpuTime();
            work += routing.doWork(nowNs);
            traffic.routingNs += THREADS.getCurrentThreadCpuTime() - start;
        }
        work += expireTimers();
        work += saRegistry.endOverlaps(nowNs);
        work += saRegistry.reclaim();
        work += harvestUsedMarks();
        work += endSaLifetimes();
        return work;
    }

    private void countNbma(final int nbma, final int delta)
    {
        entriesByNbma.merge(nbma, delta, Integer::sum);
    }

    private boolean anyPunted()
    {
        return anySignalled(dataplane.nhrpPuntRings());
    }

    private static boolean anySignalled(final SpscLongRing[] rings)
    {
        for (final SpscLongRing ring : rings)
        {
            if (ring.size() > 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Ends the SAs whose time lifetime passed without a rekey ({@link PeerSaRegistry#endLifetimes}), once a second. */
    private int endSaLifetimes()
    {
        if (nowNs - nextLifetimeCheckNs < 0)
        {
            return 0;
        }
        nextLifetimeCheckNs = nowNs + USED_HARVEST_NS;
        return saRegistry.endLifetimes(nowNs, ike.lifetime().hardNs(), nbma -> entriesByNbma.get(nbma) > 0);
    }

    /** Collects the used marks the dataplane set since the last harvest, once a second. */
    private int harvestUsedMarks()
    {
        if (nowNs - nextHarvestNs < 0)
        {
            return 0;
        }
        nextHarvestNs = nowNs + USED_HARVEST_NS;
        final long start = THREADS.getCurrentThreadCpuTime();
        int used = 0;
        for (final CacheEntry entry : cache.values())
        {
            if (peers.takeUsed(entry.tunnel))
            {
                entry.lastUsedNs = nowNs;
                used++;
            }
        }
        traffic.addHarvestNs(THREADS.getCurrentThreadCpuTime() - start);
        return used;
    }

    /**
     * @return the time of the server's clock (for show commands: ages and expiries).
     */
    public long nowNs()
    {
        return clock.nanoTime();
    }

    /**
     * @return SA pairs rekeyed in place (a peer that had SAs asked for new ones), each without a
     * lost packet: the old inbound SA accepted through the overlap.
     */
    public long saRekeys()
    {
        return saRegistry.rekeys();
    }

    /**
     * @return the SAs with a peer, for show commands (null when none).
     */
    public net.dmvpnhub.crypto.PeerSas peerSas(final int saId)
    {
        return tables.peerSas(saId);
    }

    // ---------------------------------------------------------------------------------------
    // Simulated IKE

    private int ikeExchanges()
    {
        final int n = ikeRequests.pollBatch(batch, BATCH);
        for (int i = 0; i < n; i++)
        {
            final int peerNbma = (int)(batch[i] >>> 32);
            final int peerSpi = (int)batch[i];
            final int hubSpi = ikeExchange(peerNbma, peerSpi);
            if (!ikeReplies.offer((long)peerNbma << 32 | hubSpi & 0xFFFF_FFFFL))
            {
                // The spoke side did not drain its answers: it retries IKE, as a real initiator
                // does after a lost response, and gets a fresh SA pair then.
                traffic.ignored[NhrpTraffic.Ignored.INJECT_RING_FULL.ordinal()]++;
            }
        }
        return n;
    }

    private int ikeExchange(final int peerNbma, final int peerSpi)
    {
        final int saId = saRegistry.assign(peerNbma);
        if (saId == 0)
        {
            return 0;
        }
        final int hubSpi = nextSpi++;
        // A peer that has SAs rekeys them (at their soft lifetime, or again after a lost answer): without a lost packet.
        saRegistry.rekey(saId, ike.pair(config.hubNbma(), hubSpi, peerNbma, peerSpi), nowNs, nowNs + SaLifetime.OVERLAP_NS);
        traffic.ikeExchanges++;
        // Static entries waiting for this peer's SA (dynamic ones are made after IKE, with its id).
        for (final CacheEntry entry : staticEntries)
        {
            if (entry.nbma == peerNbma && entry.saId != saId)
            {
                entry.saId = saId;
                publish(entry);
            }
        }
        return hubSpi;
    }

    /** Withdraws the SAs with {@code nbma} (an address a spoke moved away from) when no cache entry uses it. */
    private void releaseSaIfUnused(final int nbma)
    {
        if (entriesByNbma.get(nbma) <= 0)
        {
            saRegistry.release(nbma);
        }
    }

    // ---------------------------------------------------------------------------------------
    // NHRP packets from the dataplane

    /**
     * One duty cycle's NHRP: up to the admission bound of packets served in arrival order (at most
     * a batch per punt ring); then, if more than the bound still wait, the excess is taken off
     * the rings at once and each request in it answered NAK 5 (insufficient resources), so the
     * queue never holds more than the bound, every request gets an answer soon, and spokes back
     * off. Other packet types in the excess are handled as usual.
     */
    private int nhrpPackets()
    {
        int work = 0;
        final SpscLongRing[] punts = dataplane.nhrpPuntRings();
        final int bound = config.admissionBound();
        // Handle no more packets than their answers have room for in the injection rings, less a few spare (a packet may also
        // cause purges). The rest wait in the punt rings, whose overflow the dataplane counts (punt-ring-full), instead of
        // answers being lost to a full injection ring.
        int room = Math.max(0, dataplane.injectRoom() - INJECT_SPARE);
        // While the workers pace the answers, wait for room for a chunk of them rather than waking for every few: fewer,
        // larger cycles, and the idle strategy can back off in between.
        if (room < injectChunk())
        {
            room = 0;
        }
        for (final SpscLongRing ring : punts)
        {
            final int handled = drain(ring, Math.min(Math.min(BATCH, room), Math.max(0, bound - work)), false);
            work += handled;
            room -= handled;
        }
        int backlog = 0;
        for (final SpscLongRing ring : punts)
        {
            backlog += ring.size();
        }
        if (room == 0 && backlog > 0)
        {
            traffic.injectPacedCycles++;
        }
        for (int r = 0; backlog > bound && room > 0 && r < punts.length; r++)
        {
            final int excess = Math.min(backlog - bound, room);
            final int refused = drain(punts[r], excess, true);
            backlog -= refused;
            room -= refused;
            work += refused;
        }
        return work;
    }

    /** @return the room for answers the NHS waits for while the workers pace them ({@link #INJECT_CHUNK}). */
    int injectChunk()
    {
        return Math.min(INJECT_CHUNK, Math.max(1, dataplane.injectCapacity() / 4));
    }

    /** Handles up to {@code max} packets from {@code ring}; {@code overloaded}: refuse requests. */
    private int drain(final SpscLongRing ring, final int max, final boolean overloaded)
    {
        int done = 0;
        while (done < max)
        {
            final int n = ring.pollBatch(batch, Math.min(BATCH, max - done));
            if (n == 0)
            {
                break;
            }
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)batch[i];
                try
                {
                    handle(slot, overloaded);
                }
                finally
                {
                    slab.release(slot);
                }
            }
            done += n;
        }
        return done;
    }

    private void handle(final int slot, final boolean overloaded)
    {
        final int ingressNbma = slab.ingress(slot);
        final NhrpPacket packet = this.packet.wrap(buffer, slab.offset(slot), slab.length(slot));
        if (packet.validate() != DecodeStatus.OK)
        {
            // The dataplane validated it already; a packet that fails here was changed in memory.
            throw new IllegalStateException("punted NHRP packet fails validation: " + packet.validate());
        }
        final int type = packet.type();
        traffic.received[type]++;
        if (type == Nhrp.TYPE_ERROR_INDICATION)
        {
            traffic.ignored[NhrpTraffic.Ignored.ERROR_INDICATION_RECEIVED.ordinal()]++;
            return;
        }
        final int saId = saRegistry.saIdOf(ingressNbma);
        if (saId == 0 && requireEsp)
        {
            traffic.ignored[NhrpTraffic.Ignored.NO_SA_FOR_SENDER.ordinal()]++;
            return;
        }
        final int unknown = packet.unrecognizedCompulsoryExtension();
        if (unknown >= 0)
        {
            sendError(packet, Nhrp.ERROR_UNRECOGNIZED_EXTENSION, unknown - packet.offset(), saId, ingressNbma);
            return;
        }
        if (config.authentication() != null && !authenticated(packet))
        {
            final int at = packet.authenticationExtension();
            sendError(packet, Nhrp.ERROR_AUTHENTICATION_FAILURE, at < 0 ? NhrpPacket.EXTENSION_OFFSET_OFFSET : at - packet.offset(), saId,
                ingressNbma);
            return;
        }
        if (packet.hopCount() == 0)
        {
            sendError(packet, Nhrp.ERROR_HOP_COUNT_EXCEEDED, NhrpPacket.HOP_COUNT_OFFSET, saId, ingressNbma);
            return;
        }
        final int loop = loopOffset(packet);
        if (loop >= 0)
        {
            sendError(packet, Nhrp.ERROR_LOOP_DETECTED, loop - packet.offset(), saId, ingressNbma);
            return;
        }
        switch (type)
        {
            case Nhrp.TYPE_REGISTRATION_REQUEST ->
            {
                if (overloaded)
                {
                    refuseOverloaded(packet, Nhrp.TYPE_REGISTRATION_REPLY, saId, ingressNbma);
                }
                else
                {
                    register(packet, saId, ingressNbma);
                }
            }
            case Nhrp.TYPE_RESOLUTION_REQUEST ->
            {
                if (overloaded)
                {
                    refuseOverloaded(packet, Nhrp.TYPE_RESOLUTION_REPLY, saId, ingressNbma);
                }
                else
                {
                    resolve(packet, saId, ingressNbma);
                }
            }
            case Nhrp.TYPE_PURGE_REQUEST -> purge(packet, saId, ingressNbma);
            // The answer to a Purge Request this hub sent without N (purgeResolvers): expected, and
            // counted in received[] already; nothing else to do.
            case Nhrp.TYPE_PURGE_REPLY ->
            {
            }
            default -> traffic.ignored[NhrpTraffic.Ignored.UNEXPECTED_TYPE.ordinal()]++;
        }
    }

    private boolean authenticated(final NhrpPacket packet)
    {
        final int at = packet.authenticationExtension();
        return at >= 0 && extension.wrap(buffer, at).authenticationMatches(config.authentication());
    }

    /** @return absolute offset of a Forward Transit NHS Record CIE naming this hub, or -1. */
    private int loopOffset(final NhrpPacket packet)
    {
        final int at = packet.forwardTransitExtension();
        if (at < 0)
        {
            return -1;
        }
        extension.wrap(buffer, at);
        final int end = extension.valueOffset() + extension.length();
        for (int offset = extension.valueOffset(); offset + NhrpCieFlyweight.FIXED_LENGTH <= end; )
        {
            cie.wrap(buffer, offset);
            if (cie.clientProtocolLength() == Nhrp.IPV4_ADDRESS_LENGTH && cie.clientProtocol() == config.hubTunnel())
            {
                return offset;
            }
            offset += cie.length();
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------
    // Registration

    private void register(final NhrpPacket request, final int saId, final int ingressNbma)
    {
        final int tunnel = request.sourceProtocol();
        final boolean unique = (request.flags() & Nhrp.FLAG_REGISTRATION_U) != 0;
        int prefixLength = 32;
        int holdingTimeS = config.holdingTimeS();
        if (request.cieCount() > 0)
        {
            cie.wrap(buffer, request.bodyOffset());
            prefixLength = cie.prefixLength() == 0xFF ? 32 : Math.min(cie.prefixLength(), 32);
            if (cie.holdingTimeS() > 0)
            {
                holdingTimeS = Math.min(cie.holdingTimeS(), config.holdingTimeS());
            }
        }
        int code = Nhrp.CIE_SUCCESS;
        final CacheEntry existing = cache.get(tunnel);
        if (!inTunnelSubnet(tunnel) || tunnel == config.hubTunnel() || existing != null && existing.kind == CacheEntry.Kind.STATIC)
        {
            code = Nhrp.CIE_ADMINISTRATIVELY_PROHIBITED;
        }
        else if (existing != null && existing.nbma != ingressNbma && existing.unique)
        {
            code = Nhrp.CIE_ALREADY_REGISTERED;
        }
        if (code == Nhrp.CIE_SUCCESS)
        {
            bind(existing, tunnel, ingressNbma, request.sourceNbma(), saId, prefixLength, holdingTimeS, unique, request.requestId());
        }
        else
        {
            traffic.naksSent[code]++;
        }
        answerRegistration(request, code, prefixLength, holdingTimeS, saId, ingressNbma);
    }

    private boolean inTunnelSubnet(final int address)
    {
        final int mask = Dir24Fib.mask(config.tunnelPrefixLength());
        return (address & mask) == (config.hubTunnel() & mask) && address != (config.hubTunnel() & mask) && (address | mask) != -1;
    }

    private void bind(
        final CacheEntry existing, final int tunnel, final int nbma, final int claimedNbma, final int saId, final int prefixLength,
        final int holdingTimeS, final boolean unique, final long requestId)
    {
        final CacheEntry entry;
        final boolean moved = existing != null && existing.nbma != nbma;
        if (existing == null)
        {
            entry = new CacheEntry(tunnel, CacheEntry.Kind.DYNAMIC);
            entry.createdNs = nowNs;
            cache.put(tunnel, entry);
            traffic.registrationsAccepted++;
        }
        else
        {
            entry = existing;
            if (moved)
            {
                purgeResolvers(entry);
                traffic.registrationsAccepted++;
            }
            else
            {
                traffic.registrationsRefreshed++;
            }
        }
        final int oldNbma = entry.nbma;
        if (existing == null || moved || entry.saId != saId)
        {
            multicastListChanged = true;
        }
        if (existing == null || moved)
        {
            if (existing != null)
            {
                countNbma(oldNbma, -1);
            }
            countNbma(nbma, 1);
        }
        entry.nbma = nbma;
        entry.claimedNbma = claimedNbma;
        entry.saId = saId;
        entry.prefixLength = prefixLength;
        entry.holdingTimeS = holdingTimeS;
        entry.unique = unique;
        entry.requestId = requestId;
        entry.expiresNs = nowNs + holdingTimeS * 1_000_000_000L;
        if (entry.timerId >= 0)
        {
            timers.cancel((int)entry.timerId);
        }
        entry.timerId = timers.schedule(entry.expiresNs, tunnel);
        publish(entry);
        if (existing == null || moved)
        {
            listener.registered(tunnel, nbma);
        }
        if (moved)
        {
            releaseSaIfUnused(oldNbma);
        }
    }

    private void publish(final CacheEntry entry)
    {
        peers.put(entry.tunnel, entry.nbma, entry.saId,
            entry.kind == CacheEntry.Kind.STATIC ? PeerTable.Type.STATIC : PeerTable.Type.DYNAMIC, entry.expiresNs);
    }

    private void unbind(final CacheEntry entry)
    {
        cache.remove(entry.tunnel);
        multicastListChanged = true;
        countNbma(entry.nbma, -1);
        if (entry.timerId >= 0)
        {
            timers.cancel((int)entry.timerId);
            entry.timerId = -1;
        }
        peers.remove(entry.tunnel);
        listener.unregistered(entry.tunnel);
        // The IPsec SAs outlive the NHRP entry, as IKE SAs do (the purge reply still leaves by
        // them); they go when the peer's address moves or a new IKE exchange replaces them.
    }

    private void answerRegistration(
        final NhrpPacket request, final int code, final int prefixLength, final int holdingTimeS, final int saId, final int nbma)
    {
        if (messages.openAnswer(request, Nhrp.TYPE_REGISTRATION_REPLY, Nhrp.DEFAULT_HOP_COUNT, 0))
        {
            messages.writer().cie(code, prefixLength, config.mtu(), holdingTimeS, 0);
            messages.copyExtensions(request, nbma, false);
            messages.send(Nhrp.TYPE_REGISTRATION_REPLY, saId, nbma);
        }
    }

    private void refuseOverloaded(final NhrpPacket request, final int replyType, final int saId, final int nbma)
    {
        traffic.admissionNaks++;
        traffic.naksSent[Nhrp.CIE_INSUFFICIENT_RESOURCES]++;
        if (messages.openAnswer(request, replyType, Nhrp.DEFAULT_HOP_COUNT, 0))
        {
            messages.writer().cie(Nhrp.CIE_INSUFFICIENT_RESOURCES, 32, config.mtu(), 0, 0);
            messages.copyExtensions(request, nbma, false);
            messages.send(replyType, saId, nbma);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Resolution

    private void resolve(final NhrpPacket request, final int saId, final int ingressNbma)
    {
        final int target = request.destinationProtocol();
        final CacheEntry exact = cache.get(target);
        if (exact != null)
        {
            answerResolution(request, exact.nbma, exact.tunnel, exact.prefixLength, exact, saId, ingressNbma);
            return;
        }
        final int adjacency = routes.lookup(target);
        if (adjacency == Dir24Fib.MISS || routes.adjacencyKind(adjacency) == Adjacency.Kind.DISCARD.ordinal())
        {
            sendError(request, Nhrp.ERROR_PROTOCOL_ADDRESS_UNREACHABLE, NhrpPacket.FIXED_HEADER_LENGTH + NhrpPacket.MANDATORY_FIXED_LENGTH + 8,
                saId, ingressNbma);
            return;
        }
        final int kind = routes.adjacencyKind(adjacency);
        if (kind == Adjacency.Kind.LOCAL.ordinal())
        {
            // Behind the hub itself: the hub is the answer.
            answerResolution(request, config.hubNbma(), config.hubTunnel(), coveringLength(target), null, saId, ingressNbma);
            return;
        }
        final int nextHop = kind == Adjacency.Kind.TUNNEL.ordinal() ? routes.adjacencyNextHop(adjacency) : target;
        final CacheEntry owner = cache.get(nextHop);
        if (owner == null || owner.nbma == ingressNbma)
        {
            answerNak(request, Nhrp.CIE_NO_BINDING, saId, ingressNbma);
            return;
        }
        if (config.redirect() && (owner.saId != 0 || !requireEsp))
        {
            forwardResolution(request, owner, saId, ingressNbma);
        }
        else
        {
            answerResolution(request, owner.nbma, owner.tunnel, coveringLength(target), owner, saId, ingressNbma);
        }
    }

    /** The length of the best route covering {@code address}, as an answer's prefix. */
    private int coveringLength(final int address)
    {
        final int depth = routes.fib().matchedDepth(address);
        return depth < 0 ? 32 : depth;
    }

    private void answerResolution(
        final NhrpPacket request, final int clientNbma, final int clientTunnel, final int prefixLength, final CacheEntry entry,
        final int saId, final int nbma)
    {
        if (entry != null && entry.kind == CacheEntry.Kind.DYNAMIC)
        {
            if (entry.resolvers == null)
            {
                entry.resolvers = new IntHashSet(4);
            }
            if (entry.resolvers.size() < MAX_RESOLVERS_PER_ENTRY)
            {
                entry.resolvers.add(request.sourceProtocol());
            }
        }
        final int holdingTimeS = entry == null || entry.kind == CacheEntry.Kind.STATIC ? config.holdingTimeS() :
            (int)Math.max(1, (entry.expiresNs - nowNs) / 1_000_000_000L);
        if (!messages.openAnswer(request, Nhrp.TYPE_RESOLUTION_REPLY, Nhrp.DEFAULT_HOP_COUNT, Nhrp.FLAG_RESOLUTION_A))
        {
            return;
        }
        messages.writer().cie(Nhrp.CIE_SUCCESS, prefixLength, config.mtu(), holdingTimeS, 0, clientNbma, clientTunnel);
        messages.copyExtensions(request, nbma, false);
        messages.send(Nhrp.TYPE_RESOLUTION_REPLY, saId, nbma);
        traffic.resolutionsAnswered++;
    }

    private void answerNak(final NhrpPacket request, final int code, final int saId, final int nbma)
    {
        traffic.naksSent[code]++;
        if (messages.openAnswer(request, Nhrp.TYPE_RESOLUTION_REPLY, Nhrp.DEFAULT_HOP_COUNT, 0))
        {
            messages.writer().cie(code, 32, config.mtu(), 0, 0);
            messages.copyExtensions(request, nbma, false);
            messages.send(Nhrp.TYPE_RESOLUTION_REPLY, saId, nbma);
        }
    }

    /**
     * Phase 3: the request goes on to the spoke that owns the target, one hop fewer, with this hub
     * added to the Forward Transit NHS Record; the spoke answers the requester directly.
     */
    private void forwardResolution(final NhrpPacket request, final CacheEntry owner, final int saId, final int ingressNbma)
    {
        final int hops = request.hopCount() - 1;
        if (hops <= 0)
        {
            sendError(request, Nhrp.ERROR_HOP_COUNT_EXCEEDED, NhrpPacket.HOP_COUNT_OFFSET, saId, ingressNbma);
            return;
        }
        if (!messages.openAnswer(request, Nhrp.TYPE_RESOLUTION_REQUEST, hops, 0))
        {
            return;
        }
        if (request.bodyLength() > 0)
        {
            messages.writer().contents(buffer, request.bodyOffset(), request.bodyLength());
        }
        messages.copyExtensions(request, ingressNbma, true);
        messages.send(Nhrp.TYPE_RESOLUTION_REQUEST, owner.saId, owner.nbma);
        traffic.resolutionsForwarded++;
    }

    // ---------------------------------------------------------------------------------------
    // Purge

    private void purge(final NhrpPacket request, final int saId, final int ingressNbma)
    {
        for (int i = 0, offset = request.bodyOffset(); i < request.cieCount(); i++)
        {
            cie.wrap(buffer, offset);
            final int address = cie.clientProtocolLength() == Nhrp.IPV4_ADDRESS_LENGTH ? cie.clientProtocol() : request.sourceProtocol();
            final CacheEntry entry = cache.get(address);
            if (entry != null && entry.kind == CacheEntry.Kind.DYNAMIC && entry.nbma == ingressNbma)
            {
                purgeResolvers(entry);
                unbind(entry);
            }
            else
            {
                traffic.ignored[NhrpTraffic.Ignored.PURGE_NOT_OWNER.ordinal()]++;
            }
            offset += cie.length();
        }
        if ((request.flags() & Nhrp.FLAG_PURGE_N) != 0)
        {
            return;
        }
        if (!messages.openAnswer(request, Nhrp.TYPE_PURGE_REPLY, Nhrp.DEFAULT_HOP_COUNT, 0))
        {
            return;
        }
        if (request.bodyLength() > 0)
        {
            messages.writer().contents(buffer, request.bodyOffset(), request.bodyLength());
        }
        messages.copyExtensions(request, ingressNbma, false);
        messages.send(Nhrp.TYPE_PURGE_REPLY, saId, ingressNbma);
    }

    /** Tells everyone the hub gave this entry's binding to that it no longer holds. */
    private void purgeResolvers(final CacheEntry entry)
    {
        if (entry.resolvers == null || entry.resolvers.isEmpty())
        {
            return;
        }
        final IntHashSet.IntIterator it = entry.resolvers.iterator();
        while (it.hasNext())
        {
            final int resolver = it.nextValue();
            final CacheEntry to = cache.get(resolver);
            if (to == null || to.saId == 0 && requireEsp)
            {
                traffic.ignored[NhrpTraffic.Ignored.NO_BINDING_FOR_RECEIVER.ordinal()]++;
                continue;
            }
            if (!messages.open(Nhrp.TYPE_PURGE_REQUEST, Nhrp.DEFAULT_HOP_COUNT))
            {
                return;
            }
            final NhrpPacketWriter writer = messages.writer()
                .mandatory(0, nextRequestId++, config.hubNbma(), config.hubTunnel(), resolver)
                .cie(Nhrp.CIE_SUCCESS, entry.prefixLength, config.mtu(), 0, 0, entry.nbma, entry.tunnel);
            if (config.authentication() != null)
            {
                writer.authenticationExtension(config.authentication(), true);
            }
            writer.endExtensions();
            messages.send(Nhrp.TYPE_PURGE_REQUEST, to.saId, to.nbma);
            traffic.purgesSent++;
        }
        entry.resolvers.clear();
    }

    // ---------------------------------------------------------------------------------------
    // Error Indication

    /**
     * Sends an Error Indication about {@code bad} to where it came from.
     *
     * @param errorOffset where in the packet in error the problem is.
     */
    private void sendError(final NhrpPacket bad, final int code, final int errorOffset, final int saId, final int nbma)
    {
        traffic.errorsSent[code]++;
        if (!messages.open(Nhrp.TYPE_ERROR_INDICATION, Nhrp.DEFAULT_HOP_COUNT))
        {
            return;
        }
        final int contents = Math.min(bad.packetSize(), ERROR_CONTENTS_MAX);
        messages.writer()
            .errorIndication(code, Math.min(errorOffset, contents - 1), config.hubNbma(), config.hubTunnel(), bad.sourceProtocol())
            .contents(buffer, bad.offset(), contents);
        messages.send(Nhrp.TYPE_ERROR_INDICATION, saId, nbma);
    }

    // ---------------------------------------------------------------------------------------
    // Traffic Indication (Phase 3 redirect)

    private int redirectSignals()
    {
        int work = 0;
        for (final SpscLongRing ring : dataplane.redirectRings())
        {
            while (work < BATCH && ring.pollPair(pair))
            {
                final int ingressNbma = (int)(pair[0] >>> 32);
                final int source = (int)(pair[1] >>> 32);
                final int destination = (int)pair[1];
                work++;
                if (!config.redirect())
                {
                    continue;
                }
                if (!indicationLimiter.tryAcquire((long)ingressNbma << 32 | destination & 0xFFFF_FFFFL, nowNs))
                {
                    traffic.trafficIndicationsSuppressed++;
                    continue;
                }
                sendTrafficIndication(ingressNbma, source, destination);
            }
        }
        return work;
    }

    private void sendTrafficIndication(final int spokeNbma, final int source, final int destination)
    {
        final int saId = saRegistry.saIdOf(spokeNbma);
        if (saId == 0 && requireEsp)
        {
            traffic.ignored[NhrpTraffic.Ignored.NO_BINDING_FOR_RECEIVER.ordinal()]++;
            return;
        }
        if (!messages.open(Nhrp.TYPE_TRAFFIC_INDICATION, Nhrp.DEFAULT_HOP_COUNT))
        {
            return;
        }
        // The start of the packet that took the long way: its IPv4 header as the hub saw it.
        scratchIp.wrap(scratch, 0, Ipv4Flyweight.MIN_HEADER_LENGTH)
            .writeHeader(0, Ipv4Flyweight.MIN_HEADER_LENGTH, 0, 0, 254, Ipv4Flyweight.PROTOCOL_UDP, source, destination);
        final NhrpPacketWriter writer = messages.writer()
            .trafficIndication(Nhrp.TRAFFIC_CODE_REDIRECT, config.hubNbma(), config.hubTunnel(), source)
            .contents(scratch, 0, Ipv4Flyweight.MIN_HEADER_LENGTH);
        if (config.authentication() != null)
        {
            writer.authenticationExtension(config.authentication(), true).endExtensions();
        }
        messages.send(Nhrp.TYPE_TRAFFIC_INDICATION, saId, spokeNbma);
    }

    // ---------------------------------------------------------------------------------------
    // Dataplane signals without NHRP

    /**
     * The dataplane found no binding for a next hop. The hub is the NHS: nobody else can answer,
     * so the next hop is simply not registered (yet); the dataplane rate-limits these.
     */
    private int resolutionTriggers()
    {
        int work = 0;
        for (final SpscLongRing ring : dataplane.resolutionRings())
        {
            final int n = ring.pollBatch(batch, BATCH);
            for (int i = 0; i < n; i++)
            {
                if (!peers.lookup((int)batch[i], peerView))
                {
                    traffic.resolutionTriggersUnbound++;
                }
            }
            work += n;
        }
        return work;
    }

    /**
     * Told of each packet routed to the hub itself (other than the Echo Requests the dataplane
     * answers), on the NHS thread: the hub's host stack, such as a simulated network's ping and
     * traceroute. The bytes are valid only during the call.
     */
    @FunctionalInterface
    public interface LocalReceiver
    {
        LocalReceiver NONE = (buffer, offset, length) -> {};

        /** @param offset where the IPv4 packet starts. */
        void onPacket(DirectBuffer buffer, int offset, int length);
    }

    /** Before the server runs: who consumes packets for the hub itself (null: they are only counted). */
    public void localReceiver(final LocalReceiver receiver)
    {
        this.localReceiver = receiver == null ? LocalReceiver.NONE : receiver;
    }

    /**
     * Before the server runs: the routing protocol on the tunnel, run on this thread. Packets for
     * the hub of its protocol go to it; the others to the {@link #localReceiver}.
     */
    public void routingProcess(final RoutingProcess process)
    {
        this.routing = process;
    }

    /**
     * Sends an IPv4 packet the hub itself originates to one peer: routed by the FIB (a tunnel next
     * hop or an address on the tunnel's subnet) and the peer table, as the hub's process level
     * does, and injected for the dataplane to encapsulate and encrypt. On the server's thread.
     *
     * @return false when there is no route or binding, or no slot or ring room.
     */
    public boolean originate(final DirectBuffer bytes, final int offset, final int length)
    {
        final int destination = bytes.getInt(offset + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        final int adjacency = routes.lookup(destination);
        if (adjacency == Dir24Fib.MISS)
        {
            return false;
        }
        final int kind = routes.adjacencyKind(adjacency);
        final int nextHop;
        if (kind == Adjacency.Kind.TUNNEL.ordinal())
        {
            nextHop = routes.adjacencyNextHop(adjacency);
        }
        else if (kind == Adjacency.Kind.ATTACHED.ordinal())
        {
            nextHop = destination;
        }
        else
        {
            return false;
        }
        if (!peers.lookup(nextHop, peerView) || peerView.type == PeerTable.Type.INCOMPLETE || peerView.type == PeerTable.Type.NEGATIVE)
        {
            return false;
        }
        final int slot = slab.allocate();
        if (slot < 0)
        {
            return false;
        }
        final int at = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        buffer.putBytes(at, bytes, offset, length);
        slab.data(slot, at, length);
        if (!dataplane.injectIpv4(slot, peerView.saId, peerView.nbma))
        {
            slab.release(slot);
            return false;
        }
        return true;
    }

    /**
     * Packets routed to the hub itself: the routing process's to it, the others to its host stack.
     * The CPU of a batch that held any of the routing process's packets is counted as the routing
     * process's ({@link NhrpTraffic#routingNs()}): read per batch, as the clock costs about what a
     * packet does.
     */
    private int localPackets()
    {
        int work = 0;
        for (final SpscLongRing ring : dataplane.localPuntRings())
        {
            final int n = ring.pollBatch(batch, BATCH);
            if (n == 0)
            {
                continue;
            }
            final long start = routing == null ? 0 : THREADS.getCurrentThreadCpuTime();
            boolean routed = false;
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)batch[i];
                final int at = slab.offset(slot);
                if (routing != null && slab.length(slot) >= Ipv4Flyweight.MIN_HEADER_LENGTH &&
                    (buffer.getByte(at + Ipv4Flyweight.PROTOCOL_OFFSET) & 0xFF) == routing.ipProtocol())
                {
                    routing.receive(buffer, at, slab.length(slot), nowNs);
                    routed = true;
                }
                else
                {
                    localReceiver.onPacket(buffer, at, slab.length(slot));
                }
                slab.release(slot);
            }
            if (routed)
            {
                traffic.routingNs += THREADS.getCurrentThreadCpuTime() - start;
            }
            traffic.localPacketsDelivered += n;
            work += n;
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------
    // Holding times

    private int expireTimers()
    {
        return timers.poll(nowNs, onExpiry, Integer.MAX_VALUE);
    }

    /** A timer is cancelled whenever its entry is refreshed or unbound, so one that fires is its entry's. */
    private void onTimerExpiry(final long tunnel)
    {
        final CacheEntry entry = cache.get((int)tunnel);
        if (entry != null && entry.timerId >= 0)
        {
            entry.timerId = -1;
            traffic.registrationsExpired++;
            unbind(entry);
        }
    }
}
