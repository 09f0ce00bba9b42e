package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.fib.Adjacency;
import net.dmvpnhub.dataplane.fib.Dir24Fib;
import net.dmvpnhub.dataplane.fib.RoutingTable;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.dataplane.table.PeerTable;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Icmp4Flyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.TunnelFrameDecoder;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;


/**
 * The hub's forwarding path, run to completion over a batch of frames, one stage at a time over
 * the whole batch ({@link #receiveBatch}): esp4-decrypt, gre4-decap
 * (NHRP punted to the control plane), ip4-forward (TTL, LPM), nhrp-resolve (the peer table; a
 * miss asks the control plane to resolve), hairpin detection (Phase 3: a rate-limited redirect
 * signal, the frame still forwarded), gre4-encap, esp4-encrypt with the peer's outbound SA, and
 * the outer IPv4 header from the hub's NBMA address to the peer's, then the transmit ring.
 * <p>
 * Every frame ends in exactly one place: transmitted, punted, or dropped with a named reason
 * ({@link DropReasons}), counted in {@link WorkerCounters}. NHRP packets the control plane builds
 * come in through an injection ring and leave by the same encapsulation path, on this thread. The worker is single-threaded: it owns
 * its flyweights, the SAs it processes and its counters, allocates nothing, and reports a
 * quiescent point to the tables after every batch.
 * <p>
 * Multicast ({@code ip nhrp map multicast}): a packet the control plane hands over for the tunnel's
 * multicast peers ({@link Dataplane#injectMulticast}) becomes one copy per peer whose outbound SA
 * this worker owns, each in a slot of its own and then encapsulated and encrypted as any frame,
 * in bounded steps of {@link HubConfig#replicationWeight()} copies per duty cycle while frames to
 * forward wait, so a replication to 10,000 spokes spreads over many cycles instead of holding
 * unicast back. A received packet to a link-local group (224.0.0.0/24, where routing protocols
 * speak, with TTL 1) or to the limited broadcast is for the hub itself and punted as it came (its
 * TTL not decremented, as for any packet to the hub's own addresses); the hub routes no other
 * multicast ({@code multicast-not-forwarded}) and nothing to 240.0.0.0/4 ({@code reserved-destination}).
 * <p>
 * ICMP (RFC 792, RFC 1812 section 4.3): when a forwarded packet's TTL expires the frame is counted
 * as the drop {@code ttl-expired}, and, when the hub has a tunnel address
 * ({@link HubConfig#hubTunnel()}) and the token bucket ({@link IcmpRateLimiter}) allows, the same
 * slot becomes a Time Exceeded from that address to the packet's source: the header and 8 bytes
 * the error quotes are already in place, so only 28 bytes are written in front of them. A packet
 * for the hub itself (a {@link Adjacency.Kind#LOCAL} route) that is an ICMP Echo Request is
 * answered in its slot with an Echo Reply; any other is punted to the control plane as before.
 * Counting: the frame that caused the message ends where it always did (dropped
 * {@code ttl-expired}; punted, delivered to the hub itself), and the message the hub generates is
 * a new frame entering, counted as injected (as a control-plane packet is, so received + injected
 * = transmitted + punted + dropped still holds) and also by kind ({@link WorkerCounters#timeExceededSent()},
 * {@link WorkerCounters#echoRepliesSent()}); it is routed by the FIB and the peer table and leaves
 * by the normal encapsulation and encryption path.
 */
public final class HubWorker
{
    /** Frames taken from the receive ring per duty cycle. */
    public static final int BATCH = 64;
    /** 224.0.0.0: from here up (multicast, class E, the limited broadcast) no address is one host's. */
    private static final int MULTICAST_FIRST = 0xE000_0000;
    /** 240.0.0.0: class E, reserved (RFC 1112). */
    private static final int RESERVED_FIRST = 0xF000_0000;

    private final FrameSlab slab;
    /** Where this worker gives back the slots of frames it drops (its own, so the shared pool is not touched per frame). */
    private final FrameSlab.SlotCache slotCache;
    private final UnsafeBuffer buffer;
    private final HubTables tables;
    private final RoutingTable routes;
    private final PeerTable peers;
    private final HubConfig config;
    private final int index;
    private final SendPlacement placement;
    private final SpscLongRing rx;
    private final SpscLongRing[] sendInputs;
    private final SpscLongRing[] handoffs;
    private final SpscLongRing tx;
    private final SpscLongRing nhrpPunt;
    private final SpscLongRing localPunt;
    private final SpscLongRing resolutions;
    private final SpscLongRing redirects;
    /** Multicast packets to replicate, each with this worker's part of the multicast list; null: none come here. */
    private final OneToOneConcurrentArrayQueue<MulticastPacket> multicast;
    private final int readerSlot;

    private final TunnelFrameDecoder decoder = new TunnelFrameDecoder();
    private final EspProcessor esp = new EspProcessor();
    private final Ipv4Flyweight outer = new Ipv4Flyweight();
    private final GreFlyweight gre = new GreFlyweight();
    private final Icmp4Flyweight icmp = new Icmp4Flyweight();
    private final Ipv4Flyweight generated = new Ipv4Flyweight();
    /** A packet for the hub itself, read again in ip4-lookup (the decoder has moved on by then). */
    private final Ipv4Flyweight local = new Ipv4Flyweight();
    /** A packet ip4-lookup forwards, whose TTL it decrements there. */
    private final Ipv4Flyweight forwarded = new Ipv4Flyweight();
    private final IcmpRateLimiter icmpErrors;
    private final PeerTable.View peer = new PeerTable.View();
    private final PairRateLimiter redirectLimiter;
    private final PairRateLimiter resolutionLimiter;
    private final long[] batch = new long[BATCH];
    private final FrameVector frames = new FrameVector(BATCH);
    private final long[] injected = new long[2];
    /** The multicast packet being replicated (-1: none), the peers it goes to and the next of them. */
    private int replicaSlot = -1;
    private long[] replicaPeers;
    private int replicaNext;
    private final WorkerCounters counters = new WorkerCounters();
    private int identification;
    private boolean touchKeyState = true;
    /** What the key-state touches read, kept so that the reads are not optimised away. */
    private long touched;
    private LatencyRecorder latency;
    private long cycleStartNs;
    private boolean lastCycleBusy;

    /**
     * Told, for each frame transmitted whose sender stamped its arrival with {@code System.nanoTime()}
     * ({@link FrameSlab#receivedNs(int, long)}), how long it spent in the hub: from the receive ring to the
     * transmit ring, queueing included. Called on the worker's thread; must not allocate or block.
     */
    @FunctionalInterface
    public interface LatencyRecorder
    {
        void record(long nanoseconds);
    }

    /**
     * Before the worker runs: where to report each stamped frame's time in the hub (null: none,
     * and no clock is read per frame).
     */
    public void latencyRecorder(final LatencyRecorder recorder)
    {
        this.latency = recorder;
    }

    /**
     * Which worker encapsulates and encrypts a frame for a peer: the one that owns the peer's
     * outbound SA, so every SA has exactly one writer.
     */
    @FunctionalInterface
    public interface SendPlacement
    {
        int workerFor(int saId);
    }

    /**
     * A worker that receives and sends (one worker alone, or run-to-completion).
     */
    public HubWorker(
        final FrameSlab slab,
        final HubTables tables,
        final HubConfig config,
        final SpscLongRing rx,
        final SpscLongRing tx,
        final SpscLongRing nhrpPunt,
        final SpscLongRing localPunt,
        final SpscLongRing resolutions,
        final SpscLongRing redirects,
        final SpscLongRing inject)
    {
        this(0, saId -> 0, slab, tables, config, rx, new SpscLongRing[]{inject}, new SpscLongRing[1], tx, nhrpPunt, localPunt,
            resolutions, redirects, null);
    }

    /**
     * @param index this worker's index among the workers.
     * @param placement which worker sends for an SA id.
     * @param rx frames to receive (decrypt to resolve), or null for a send-only pipeline stage.
     * @param sendInputs rings of frames to encapsulate and send here: from the control plane
     * (injected NHRP packets) and from other workers (handoffs); pairs as {@link #inject} writes.
     * @param handoffs by worker index, the ring to hand a frame to that worker (null for this one).
     * @param multicast multicast packets to replicate ({@link Dataplane#injectMulticast}), or null
     * when none come to this worker.
     */
    public HubWorker(
        final int index,
        final SendPlacement placement,
        final FrameSlab slab,
        final HubTables tables,
        final HubConfig config,
        final SpscLongRing rx,
        final SpscLongRing[] sendInputs,
        final SpscLongRing[] handoffs,
        final SpscLongRing tx,
        final SpscLongRing nhrpPunt,
        final SpscLongRing localPunt,
        final SpscLongRing resolutions,
        final SpscLongRing redirects,
        final OneToOneConcurrentArrayQueue<MulticastPacket> multicast)
    {
        this.index = index;
        this.multicast = multicast;
        this.placement = placement;
        this.sendInputs = sendInputs;
        this.handoffs = handoffs;
        this.slab = slab;
        this.slotCache = slab.newCache();
        this.buffer = slab.buffer();
        this.tables = tables;
        this.routes = tables.routes();
        this.peers = tables.peers();
        this.config = config;
        this.rx = rx;
        this.tx = tx;
        this.nhrpPunt = nhrpPunt;
        this.localPunt = localPunt;
        this.resolutions = resolutions;
        this.redirects = redirects;
        this.readerSlot = tables.readers().register();
        // By default 16,384 pairs (256 KiB off-heap): 4,096 hairpinning pairs per interval fill about one set in 270.
        this.redirectLimiter = new PairRateLimiter(config.redirectPairs(), config.redirectIntervalNs());
        this.resolutionLimiter = new PairRateLimiter(4096, config.resolutionIntervalNs());
        this.icmpErrors = new IcmpRateLimiter(config.icmpErrorBurst(), config.icmpErrorIntervalNs());
    }

    /**
     * Before the worker runs: whether the decrypt and encrypt stages first read the key state of
     * every frame's SA in the vector (on by default; off to measure what it saves).
     */
    public void touchKeyState(final boolean touch)
    {
        this.touchKeyState = touch;
    }

    public WorkerCounters counters()
    {
        return counters;
    }

    public HubConfig config()
    {
        return config;
    }

    /**
     * One duty cycle: the NHRP packets the control plane asked to send, then up to
     * {@link #BATCH} frames from the receive ring, each to its end (stage by stage).
     *
     * @param nowNs the time, read once by the caller for the whole cycle.
     * @return frames processed (0 lets an idle strategy back off).
     */
    public int doWork(final long nowNs)
    {
        if (lastCycleBusy)
        {
            counters.busyNs += nowNs - cycleStartNs;
        }
        cycleStartNs = nowNs;
        int work = 0;
        final boolean admit = !config.backPressure() || tx.hasRoomFor(BATCH * (sendInputs.length + 1));
        final boolean forwardingWaits = forwardingWaits();
        // Weighted round robin: while forwarded frames wait, the control plane's ring (input 0) gets its weight, not a batch.
        final int controlLimit = forwardingWaits ? config.injectWeight() : BATCH;
        for (int input = 0; admit && input < sendInputs.length; input++)
        {
            final SpscLongRing ring = sendInputs[input];
            final int limit = input == 0 ? controlLimit : BATCH;
            for (int n = 0; n < limit && ring.pollPair(injected); n++)
            {
                final long first = injected[0];
                sendQueued((int)first, (int)(first >>> 32), (int)(injected[1] >>> 32), (int)injected[1], input == 0);
                work++;
            }
        }
        if (replicaSlot >= 0 || multicast != null && !multicast.isEmpty())
        {
            work += replicate(forwardingWaits ? config.replicationWeight() : BATCH);
        }
        if (rx != null && (!config.backPressure() || outputsHaveRoom()))
        {
            final int count = rx.pollBatch(batch, BATCH);
            if (count > 0)
            {
                receiveBatch(count, nowNs);
            }
            work += count;
        }
        tables.readers().quiescent(readerSlot);
        lastCycleBusy = work > 0;
        return work;
    }

    public int index()
    {
        return index;
    }

    /** Frames to forward are waiting: received, or handed over by another worker (a pipeline's send stage has only those). */
    private boolean forwardingWaits()
    {
        if (rx != null && rx.size() > 0)
        {
            return true;
        }
        for (int input = 1; input < sendInputs.length; input++)
        {
            if (sendInputs[input].size() > 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Room for a whole batch in every ring a received frame can go out by. */
    private boolean outputsHaveRoom()
    {
        if (!tx.hasRoomFor(BATCH))
        {
            return false;
        }
        for (final SpscLongRing handoff : handoffs)
        {
            if (handoff != null && !handoff.hasRoomFor(2 * BATCH))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Control plane, any thread ({@link Dataplane#inject}): queues an NHRP packet it built in {@code slot} (its data set to
     * the NHRP packet, with headroom for the tunnel headers) for this worker to encapsulate and
     * send to {@code peerNbma} under the peer's SAs {@code saId}.
     *
     * @return false when the injection ring is full; the slot is still the caller's.
     */
    static boolean inject(final SpscLongRing ring, final int slot, final int saId, final int peerNbma)
    {
        return queueForSend(ring, slot, GreFlyweight.PROTOCOL_NHRP, saId, peerNbma);
    }

    /**
     * Control plane, any thread: queues an IPv4 packet the hub itself originates (a ping or
     * traceroute probe from the hub, an ICMP message its host stack answers), built in {@code slot}
     * as {@link #inject} says, to send to the peer at {@code peerNbma} the control plane resolved.
     *
     * @return false when the injection ring is full; the slot is still the caller's.
     */
    static boolean injectIpv4(final SpscLongRing ring, final int slot, final int saId, final int peerNbma)
    {
        return queueForSend(ring, slot, GreFlyweight.PROTOCOL_IPV4, saId, peerNbma);
    }

    /**
     * Up to {@code limit} copies of the multicast packet being replicated (taking the next one
     * from the queue when none is), one per peer of this worker's part of the multicast list as it
     * was when the packet was handed over (the peers whose outbound SAs it owns). The step's SAs are looked up and
     * their key state touched first ({@link #touchKeyState(boolean)}), as the forwarding stages
     * do. Each copy is a new frame: a slot of its own ({@code multicast-no-slot} when none is
     * free), then GRE, ESP under the peer's SA, the outer header and the transmit ring, as any frame.
     *
     * @return copies made (each counted, transmitted or dropped).
     */
    private int replicate(final int limit)
    {
        if (replicaSlot < 0)
        {
            final MulticastPacket packet = multicast.poll();
            if (packet == null)
            {
                return 0;
            }
            replicaSlot = packet.slot();
            replicaPeers = packet.peers();
            replicaNext = 0;
            counters.injected++;
            counters.replicated++;
            if (packet.primary())
            {
                counters.multicastPackets++;
            }
        }
        if (config.backPressure() && !tx.hasRoomFor(limit))
        {
            return 0;
        }
        final long[] peers = replicaPeers;
        final int source = slab.offset(replicaSlot);
        final int length = slab.length(replicaSlot);
        // The step's peers and their outbound SAs first, their key state touched before the first cipher call (as the
        // forwarding stages do): 10,000 spokes' SAs are not in the nearest caches, and the misses of a step overlap.
        final FrameVector step = frames;
        int next = replicaNext;
        int made = 0;
        while (made < limit && next < peers.length)
        {
            final long peer = peers[next++];
            final int saId = (int)(peer >>> 32);
            step.peerSaId[made] = saId;
            step.peerNbma[made] = (int)peer;
            step.sa[made++] = tables.outboundSa(saId);
        }
        replicaNext = next;
        if (touchKeyState)
        {
            long sum = 0;
            for (int i = 0; i < made; i++)
            {
                final SecurityAssociation sa = step.sa[i];
                if (sa != null)
                {
                    sum += sa.touch(length);
                }
            }
            touched += sum;
        }
        for (int i = 0; i < made; i++)
        {
            counters.copies++;
            final int copy = slab.allocate(slotCache);
            if (copy < 0)
            {
                counters.drops[DropReasons.index(Drop.MULTICAST_NO_SLOT)]++;
                continue;
            }
            final int at = slab.base(copy) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
            buffer.putBytes(at, buffer, source, length);
            slab.data(copy, at, length);
            final SecurityAssociation sa = step.sa[i];
            if (sa == null && config.requireEsp())
            {
                drop(copy, DropReasons.index(Drop.NO_OUTBOUND_SA));
                continue;
            }
            if (sa != null && sa.peerAddress() != 0 && sa.peerAddress() != step.peerNbma[i])
            {
                // The peer left while the packet waited and its SA id went to another peer: not that peer's SA.
                drop(copy, DropReasons.index(Drop.MULTICAST_PEER_GONE));
                continue;
            }
            encapsulateAndSend(copy, at, length, GreFlyweight.PROTOCOL_IPV4, sa, step.peerNbma[i]);
        }
        step.clear(made);
        if (next == peers.length)
        {
            slab.release(slotCache, replicaSlot);
            replicaSlot = -1;
            replicaPeers = null;
        }
        return made;
    }

    /** A frame to encapsulate: slot and GRE protocol, then SA id and peer NBMA; payload = slot data. */
    private static boolean queueForSend(final SpscLongRing ring, final int slot, final int greProtocol, final int saId, final int peerNbma)
    {
        return ring.offerPair((long)greProtocol << 32 | slot, (long)saId << 32 | peerNbma & 0xFFFF_FFFFL);
    }

    private void sendQueued(final int slot, final int greProtocol, final int saId, final int peerNbma, final boolean fromControlPlane)
    {
        if (fromControlPlane)
        {
            counters.injected++;
        }
        else
        {
            counters.handedIn++;
        }
        final SecurityAssociation sa = tables.outboundSa(saId);
        if (sa == null && config.requireEsp())
        {
            drop(slot, DropReasons.index(Drop.NO_OUTBOUND_SA));
            return;
        }
        encapsulateAndSend(slot, slab.offset(slot), slab.length(slot), greProtocol, sa, peerNbma);
    }

    /**
     * The received frames of one duty cycle, stage by stage as VPP runs its graph nodes: each
     * stage takes the vector of frames still alive, decides each frame's end or keeps it for the
     * next stage (in order, compacted in place), and returns how many it kept. The table lookups
     * of one stage are independent from frame to frame, so their cache misses (10,000 spokes'
     * SPI, peer and SA entries do not stay in the nearest caches between two frames of the same
     * spoke) overlap instead of queueing behind each frame's crypto. Frames keep their order
     * through every stage, so each SA still sees its frames in arrival order.
     */
    private void receiveBatch(final int count, final long nowNs)
    {
        int alive = esp4Input(count);
        alive = inboundSas(alive);
        touchKeyState(alive, frames.espLength);
        alive = decryptAndDecap(alive, nowNs);
        alive = ip4Lookup(alive, nowNs);
        alive = nhrpResolve(alive, nowNs);
        alive = outboundSas(alive);
        touchKeyState(alive, frames.innerLength);
        for (int i = 0; i < alive; i++)
        {
            encapsulateAndSend(frames.slot[i], frames.innerOffset[i], frames.innerLength[i], GreFlyweight.PROTOCOL_IPV4,
                frames.sa[i], frames.peerNbma[i]);
        }
        frames.clear(count);
    }

    /** Outer IPv4 and ESP header checks (esp4-decrypt, first part). */
    private int esp4Input(final int count)
    {
        final UnsafeBuffer buffer = this.buffer;
        final FrameVector frames = this.frames;
        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            final int slot = (int)batch[i];
            counters.received++;
            final DecodeStatus status = decoder.decode(buffer, slab.offset(slot), slab.length(slot));
            if (status != DecodeStatus.OK)
            {
                drop(slot, DropReasons.index(status));
                continue;
            }
            final boolean encrypted = decoder.kind() == TunnelFrameDecoder.KIND_ESP;
            if (encrypted)
            {
                frames.spi[alive] = decoder.esp().spi();
                frames.espOffset[alive] = decoder.esp().offset();
                frames.espLength[alive] = decoder.esp().capacity();
            }
            else if (config.requireEsp())
            {
                drop(slot, DropReasons.index(Drop.PLAINTEXT_REFUSED));
                continue;
            }
            frames.slot[alive] = slot;
            frames.ingressNbma[alive] = decoder.outer().source();
            frames.outerDestination[alive] = decoder.outer().destination();
            frames.encrypted[alive++] = encrypted;
        }
        return alive;
    }

    /**
     * The inbound SA by SPI (esp4-decrypt, second part), in a loop of its own: short enough that
     * the processor has the lookups of several frames in flight at once.
     */
    private int inboundSas(final int count)
    {
        final FrameVector frames = this.frames;
        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            SecurityAssociation sa = null;
            if (frames.encrypted[i])
            {
                sa = tables.spis().find(frames.spi[i]);
                if (sa == null)
                {
                    drop(frames.slot[i], DropReasons.index(Drop.UNKNOWN_SPI));
                    continue;
                }
            }
            frames.keep(i, alive);
            frames.sa[alive++] = sa;
        }
        return alive;
    }

    /**
     * Reads the SA state of every frame of the vector (fields, anti-replay window, key state:
     * {@link SecurityAssociation#touch(int)}) before the first cipher call, as VPP prefetches its
     * SAs: with 10,000 spokes nearly every frame has another SA, whose key state (about a
     * kilobyte) is not in the nearest caches; read here, in a loop with nothing else in it, the
     * misses of the whole vector overlap instead of each stalling its own cipher call.
     */
    private void touchKeyState(final int count, final int[] lengths)
    {
        if (!touchKeyState)
        {
            return;
        }
        final SecurityAssociation[] sas = frames.sa;
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            final SecurityAssociation sa = sas[i];
            if (sa != null)
            {
                sum += sa.touch(lengths[i]);
            }
        }
        touched += sum;
    }

    /**
     * esp4-decrypt (the rest), gre4-decap (NHRP punted to the control plane) and the TTL of
     * ip4-forward, while the decoder still wraps the frame's inner packet.
     */
    private int decryptAndDecap(final int count, final long nowNs)
    {
        final UnsafeBuffer buffer = this.buffer;
        final FrameVector frames = this.frames;
        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            final int slot = frames.slot[i];
            final int ingressNbma = frames.ingressNbma[i];
            final SecurityAssociation sa = frames.sa[i];
            final DecodeStatus status;
            if (sa != null)
            {
                final EspStatus decrypted = esp.decrypt(sa, buffer, frames.espOffset[i], frames.espLength[i], ingressNbma,
                    frames.outerDestination[i]);
                if (decrypted != EspStatus.OK)
                {
                    drop(slot, DropReasons.index(decrypted));
                    continue;
                }
                status = decoder.decodeGre(buffer, esp.innerOffset(), esp.innerLength());
            }
            else
            {
                // Plain GRE (no tunnel protection): the frame decoded whole in esp4Input; again here.
                status = decoder.decode(buffer, slab.offset(slot), slab.length(slot));
            }
            if (status != DecodeStatus.OK)
            {
                drop(slot, DropReasons.index(status));
                continue;
            }

            // gre4-decap
            if (decoder.gre().key() != config.tunnelKey())
            {
                drop(slot, DropReasons.index(Drop.GRE_KEY_MISMATCH));
                continue;
            }
            if (decoder.kind() == TunnelFrameDecoder.KIND_GRE_NHRP)
            {
                slab.data(slot, decoder.nhrp().offset(), decoder.nhrp().packetSize());
                slab.ingress(slot, ingressNbma);
                if (nhrpPunt.offer(slot))
                {
                    counters.puntedNhrp++;
                }
                else
                {
                    drop(slot, DropReasons.index(Drop.PUNT_RING_FULL));
                }
                continue;
            }

            // ip4-forward: what no route decides, then the TTL (decremented in ip4Lookup, only for a packet it forwards).
            final Ipv4Flyweight inner = decoder.inner();
            final int destination = inner.destination();
            if (Integer.compareUnsigned(destination, MULTICAST_FIRST) >= 0)
            {
                notUnicast(slot, inner, ingressNbma);
                continue;
            }
            if (inner.ttl() <= 1 && !forHub(destination))
            {
                timeExceeded(slot, nowNs);
                continue;
            }
            frames.slot[alive] = slot;
            frames.ingressNbma[alive] = ingressNbma;
            frames.innerOffset[alive] = inner.offset();
            frames.innerLength[alive] = inner.totalLength();
            frames.source[alive] = inner.source();
            frames.destination[alive++] = destination;
        }
        return alive;
    }

    /** ip4-lookup: LPM, then the adjacency decides: a tunnel next hop, attached, local or discard. */
    private int ip4Lookup(final int count, final long nowNs)
    {
        final FrameVector frames = this.frames;
        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            final int slot = frames.slot[i];
            final int destination = frames.destination[i];
            final int adjacency = routes.lookup(destination);
            if (adjacency == Dir24Fib.MISS)
            {
                drop(slot, DropReasons.index(Drop.NO_ROUTE));
                continue;
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
            else if (kind == Adjacency.Kind.LOCAL.ordinal())
            {
                final Ipv4Flyweight local = this.local.wrap(buffer, frames.innerOffset[i], frames.innerLength[i]);
                if (local.protocol() == Ipv4Flyweight.PROTOCOL_ICMP && local.headerLength() == Ipv4Flyweight.MIN_HEADER_LENGTH)
                {
                    final DecodeStatus icmpStatus = icmp.wrap(buffer, local.payloadOffset(), local.payloadLength()).validate();
                    if (icmpStatus != DecodeStatus.OK)
                    {
                        drop(slot, DropReasons.index(icmpStatus));
                        continue;
                    }
                    if (icmp.type() == Icmp4Flyweight.TYPE_ECHO_REQUEST)
                    {
                        echoReply(slot, local, nowNs);
                        continue;
                    }
                }
                puntLocal(slot, frames.innerOffset[i], frames.innerLength[i], frames.ingressNbma[i]);
                continue;
            }
            else
            {
                drop(slot, DropReasons.index(Drop.DISCARD_ROUTE));
                continue;
            }
            forwarded.wrap(buffer, frames.innerOffset[i], frames.innerLength[i]).decrementTtl();
            frames.keep(i, alive);
            frames.nextHop[alive++] = nextHop;
        }
        return alive;
    }

    /**
     * A packet from the tunnel to 224.0.0.0 or above: a link-local group (224.0.0.0/24, where
     * routing protocols send hellos and updates, with TTL 1) or the limited broadcast is for the hub
     * itself, punted with its TTL as it came; the hub routes no other multicast, and no router
     * forwards to 240.0.0.0/4.
     */
    private void notUnicast(final int slot, final Ipv4Flyweight inner, final int ingressNbma)
    {
        final int destination = inner.destination();
        if ((destination & 0xFFFF_FF00) == MULTICAST_FIRST || destination == -1)
        {
            puntLocal(slot, inner.offset(), inner.totalLength(), ingressNbma);
        }
        else
        {
            drop(slot, DropReasons.index(Integer.compareUnsigned(destination, RESERVED_FIRST) >= 0 ?
                Drop.RESERVED_DESTINATION : Drop.MULTICAST_NOT_FORWARDED));
        }
    }

    /** Whether the FIB delivers {@code destination} to the hub itself (its own addresses: a packet there is not forwarded). */
    private boolean forHub(final int destination)
    {
        final int adjacency = routes.lookup(destination);
        return adjacency != Dir24Fib.MISS && routes.adjacencyKind(adjacency) == Adjacency.Kind.LOCAL.ordinal();
    }

    /** A packet for the hub itself: to the control plane's host stack, with the NBMA address it came from. */
    private void puntLocal(final int slot, final int offset, final int length, final int ingressNbma)
    {
        slab.data(slot, offset, length);
        slab.ingress(slot, ingressNbma);
        if (localPunt.offer(slot))
        {
            counters.puntedLocal++;
        }
        else
        {
            drop(slot, DropReasons.index(Drop.PUNT_RING_FULL));
        }
    }

    /** nhrp-resolve: the next hop's binding (TEIB), then hairpin detection. */
    private int nhrpResolve(final int count, final long nowNs)
    {
        final FrameVector frames = this.frames;
        final PeerTable.View peer = this.peer;
        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            final int slot = frames.slot[i];
            final int nextHop = frames.nextHop[i];
            if (!peers.lookup(nextHop, peer))
            {
                if (resolutionLimiter.tryAcquire(nextHop, nowNs))
                {
                    if (resolutions.offer(nextHop & 0xFFFF_FFFFL))
                    {
                        counters.resolutionsRequested++;
                    }
                    else
                    {
                        counters.resolutionSignalsLost++;
                    }
                }
                drop(slot, DropReasons.index(Drop.NO_NHRP_BINDING));
                continue;
            }
            if (peer.type == PeerTable.Type.INCOMPLETE)
            {
                drop(slot, DropReasons.index(Drop.NHRP_INCOMPLETE));
                continue;
            }
            if (peer.type == PeerTable.Type.NEGATIVE)
            {
                drop(slot, DropReasons.index(Drop.NHRP_NEGATIVE));
                continue;
            }
            peers.markUsed(peer);

            // Hairpin: in from a spoke over the tunnel and back out of it to another spoke.
            if (config.redirect() && frames.ingressNbma[i] != peer.nbma)
            {
                signalRedirect(frames.ingressNbma[i], nextHop, frames.source[i], frames.destination[i], nowNs);
            }
            frames.keep(i, alive);
            frames.peerSaId[alive] = peer.saId;
            frames.peerNbma[alive++] = peer.nbma;
        }
        return alive;
    }

    /**
     * The peer's outbound SA when this worker owns it; otherwise the frame is handed to the worker
     * that does, so every SA has exactly one writer.
     */
    private int outboundSas(final int count)
    {
        final FrameVector frames = this.frames;
        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            final int slot = frames.slot[i];
            final int saId = frames.peerSaId[i];
            final int owner = placement.workerFor(saId);
            if (owner != index)
            {
                handOff(slot, frames.innerOffset[i], frames.innerLength[i], owner, saId, frames.peerNbma[i]);
                continue;
            }
            final SecurityAssociation sa = tables.outboundSa(saId);
            if (sa == null && config.requireEsp())
            {
                drop(slot, DropReasons.index(Drop.NO_OUTBOUND_SA));
                continue;
            }
            frames.keep(i, alive);
            frames.sa[alive++] = sa;
        }
        return alive;
    }

    /**
     * The packet's TTL ran out here: counted as dropped, and the slot reused for a Time Exceeded
     * to its source when RFC 1812 allows one and the rate limit has a token.
     */
    private void timeExceeded(final int slot, final long nowNs)
    {
        counters.drops[DropReasons.index(Drop.TTL_EXPIRED)]++;
        final Ipv4Flyweight inner = decoder.inner();
        if (config.hubTunnel() == 0 || !errorAllowedAbout(inner))
        {
            counters.icmpErrorsNotAllowed++;
            slab.release(slotCache, slot);
            return;
        }
        if (!icmpErrors.tryAcquire(nowNs))
        {
            counters.icmpErrorsSuppressed++;
            slab.release(slotCache, slot);
            return;
        }
        final int source = inner.source();
        final int quote = Icmp4Flyweight.quoteLength(inner.headerLength(), inner.totalLength());
        final int icmpLength = Icmp4Flyweight.HEADER_LENGTH + quote;
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength;
        // The quote is the start of the expired packet, where it lies: write the two headers in front.
        final int start = inner.offset() - Ipv4Flyweight.MIN_HEADER_LENGTH - Icmp4Flyweight.HEADER_LENGTH;
        icmp.wrap(buffer, start + Ipv4Flyweight.MIN_HEADER_LENGTH, icmpLength)
            .writeError(Icmp4Flyweight.TYPE_TIME_EXCEEDED, Icmp4Flyweight.CODE_TTL_EXCEEDED_IN_TRANSIT)
            .updateChecksum();
        generated.wrap(buffer, start, length).writeHeader(0, length, identification++ & 0xFFFF, 0, 255, Ipv4Flyweight.PROTOCOL_ICMP,
            config.hubTunnel(), source);
        counters.injected++;
        counters.timeExceededSent++;
        sendFromHub(slot, start, length);
    }

    /**
     * RFC 1812 section 4.3.2.7: no error about an ICMP error, a non-initial fragment, a packet
     * whose source is not one host (zero, broadcast, multicast, class E) or a packet to a multicast
     * or broadcast address.
     */
    private boolean errorAllowedAbout(final Ipv4Flyweight packet)
    {
        final int source = packet.source();
        if (source == 0 || Integer.compareUnsigned(source, 0xE000_0000) >= 0 ||
            Integer.compareUnsigned(packet.destination(), MULTICAST_FIRST) >= 0 ||
            (packet.flagsAndFragmentOffset() & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) != 0)
        {
            return false;
        }
        if (packet.protocol() == Ipv4Flyweight.PROTOCOL_ICMP)
        {
            if (packet.payloadLength() < 1)
            {
                return false;
            }
            final int type = buffer.getByte(packet.payloadOffset()) & 0xFF;
            return type == Icmp4Flyweight.TYPE_ECHO_REQUEST || type == Icmp4Flyweight.TYPE_ECHO_REPLY;
        }
        return true;
    }

    /**
     * An Echo Request for the hub itself: answered in its slot (type 0, addresses swapped, TTL
     * 255), the data returned as it came.
     */
    private void echoReply(final int slot, final Ipv4Flyweight request, final long nowNs)
    {
        counters.puntedLocal++;
        final int offset = request.offset();
        final int length = request.totalLength();
        final int requester = request.source();
        final int self = request.destination();
        icmp.wrap(buffer, request.payloadOffset(), request.payloadLength());
        buffer.putByte(icmp.offset() + Icmp4Flyweight.TYPE_OFFSET, (byte)Icmp4Flyweight.TYPE_ECHO_REPLY);
        icmp.updateChecksum();
        generated.wrap(buffer, offset, length).writeHeader(0, length, identification++ & 0xFFFF, 0, 255, Ipv4Flyweight.PROTOCOL_ICMP,
            self, requester);
        counters.injected++;
        counters.echoRepliesSent++;
        sendFromHub(slot, offset, length);
    }

    /**
     * Routes a packet the hub itself wrote (an ICMP message) by the FIB and the peer table, then
     * hands it to the worker that owns the peer's SA or encapsulates it here. No redirect, and no
     * resolution is asked for: a message the hub generates never waits for NHRP.
     */
    private void sendFromHub(final int slot, final int offset, final int length)
    {
        final int destination = buffer.getInt(offset + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        final int adjacency = routes.lookup(destination);
        if (adjacency == Dir24Fib.MISS)
        {
            drop(slot, DropReasons.index(Drop.NO_ROUTE));
            return;
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
            drop(slot, DropReasons.index(kind == Adjacency.Kind.LOCAL.ordinal() ? Drop.ICMP_TO_SELF : Drop.DISCARD_ROUTE));
            return;
        }
        if (!peers.lookup(nextHop, peer) || peer.type == PeerTable.Type.INCOMPLETE || peer.type == PeerTable.Type.NEGATIVE)
        {
            drop(slot, DropReasons.index(Drop.NO_NHRP_BINDING));
            return;
        }
        final int owner = placement.workerFor(peer.saId);
        if (owner != index)
        {
            handOff(slot, offset, length, owner, peer.saId, peer.nbma);
            return;
        }
        final SecurityAssociation sa = tables.outboundSa(peer.saId);
        if (sa == null && config.requireEsp())
        {
            drop(slot, DropReasons.index(Drop.NO_OUTBOUND_SA));
            return;
        }
        encapsulateAndSend(slot, offset, length, GreFlyweight.PROTOCOL_IPV4, sa, peer.nbma);
    }

    /** The peer's outbound SA belongs to worker {@code owner}: the IPv4 packet goes to it, so every SA has one writer. */
    private void handOff(final int slot, final int offset, final int length, final int owner, final int saId, final int peerNbma)
    {
        slab.data(slot, offset, length);
        if (queueForSend(handoffs[owner], slot, GreFlyweight.PROTOCOL_IPV4, saId, peerNbma))
        {
            counters.handedOff++;
        }
        else
        {
            drop(slot, DropReasons.index(Drop.HANDOFF_RING_FULL));
        }
    }

    private void signalRedirect(final int ingressNbma, final int nextHop, final int source, final int destination, final long nowNs)
    {
        final long pair = (long)ingressNbma << 32 | nextHop & 0xFFFF_FFFFL;
        if (!redirectLimiter.tryAcquire(pair, nowNs))
        {
            counters.redirectsSuppressed++;
            return;
        }
        if (redirects.offerPair(pair, (long)source << 32 | destination & 0xFFFF_FFFFL))
        {
            counters.redirectsSignalled++;
        }
        else
        {
            counters.redirectSignalsLost++;
        }
    }

    /**
     * gre4-encap, esp4-encrypt (unless {@code sa} is null: a tunnel without {@code tunnel
     * protection}) and the outer IPv4 header, in place in front of the payload (an IPv4 packet,
     * or an NHRP packet the control plane built), then the transmit ring.
     */
    private void encapsulateAndSend(
        final int slot, final int payloadOffset, final int payloadLength, final int greProtocol, final SecurityAssociation sa, final int peerNbma)
    {
        final int greLength = GreFlyweight.headerLength(config.tunnelKey() >= 0 ? GreFlyweight.FLAG_KEY : 0);
        final int greOffset = payloadOffset - greLength;
        gre.wrap(buffer, greOffset, greLength + payloadLength).writeHeader(false, greProtocol, config.tunnelKey(), -1);
        final int packetOffset;
        final int packetLength;
        final int protocol;
        if (sa == null)
        {
            packetOffset = greOffset;
            packetLength = greLength + payloadLength;
            protocol = Ipv4Flyweight.PROTOCOL_GRE;
        }
        else
        {
            final EspStatus encrypted = esp.encrypt(sa, buffer, greOffset, greLength + payloadLength, slab.limit(slot));
            if (encrypted != EspStatus.OK)
            {
                drop(slot, DropReasons.index(encrypted));
                return;
            }
            packetOffset = esp.espOffset();
            packetLength = esp.espLength();
            protocol = Ipv4Flyweight.PROTOCOL_ESP;
        }
        final int outerOffset = packetOffset - Ipv4Flyweight.MIN_HEADER_LENGTH;
        if (outerOffset < slab.base(slot))
        {
            drop(slot, DropReasons.index(EspStatus.NO_ROOM));
            return;
        }
        final int total = Ipv4Flyweight.MIN_HEADER_LENGTH + packetLength;
        outer.wrap(buffer, outerOffset, total).writeHeader(0, total, identification++ & 0xFFFF, 0, 255,
            protocol, config.hubNbma(), peerNbma);
        slab.data(slot, outerOffset, total);
        final long stampedNs = slab.receivedNs(slot);
        if (tx.offer(slot))
        {
            counters.transmitted++;
            if (latency != null && stampedNs != 0)
            {
                latency.record(System.nanoTime() - stampedNs);
            }
        }
        else
        {
            drop(slot, DropReasons.index(Drop.TX_RING_FULL));
        }
    }

    private void drop(final int slot, final int reason)
    {
        counters.drops[reason]++;
        slab.release(slotCache, slot);
    }
}
