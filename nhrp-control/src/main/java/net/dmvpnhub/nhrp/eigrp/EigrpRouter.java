package net.dmvpnhub.nhrp.eigrp;

import net.dmvpnhub.nhrp.RoutingProcess;
import net.dmvpnhub.nhrp.eigrp.EigrpConfig.Prefix;
import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.Ipv4Flyweight;
import net.dmvpnhub.wire.eigrp.Eigrp;
import net.dmvpnhub.wire.eigrp.EigrpPacket;
import net.dmvpnhub.wire.eigrp.EigrpPacketWriter;
import net.dmvpnhub.wire.eigrp.EigrpTlvFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * EIGRP (RFC 7868) on one router's mGRE tunnel, the subset a DMVPN hub and its stub spokes use,
 * with real packets ({@link EigrpPacketWriter}, {@link EigrpPacket}) in IPv4 (protocol 88) handed
 * to an {@link Io}, and the routes it learns handed to a {@link Rib}:
 * <ul>
 *   <li>Hellos to 224.0.0.10 every {@link EigrpConfig#helloIntervalS()} (the first one at a
 *   per-router offset within the interval, so that thousands of spokes do not speak in step),
 *   carrying the K values, the hold time, the software version and, on a stub, the Peer Stub TLV.
 *   A neighbour is held for the hold time its hellos give and dropped when it passes ("holding
 *   time expired"), on a goodbye ("peer termination received") or on K values unlike ours.</li>
 *   <li>Neighbour startup: on a new neighbour's first hello, an Update with the INIT flag; the
 *   neighbour is up once its INIT came and ours was acknowledged, and then gets the whole table in
 *   Updates, the last with the EOT flag.</li>
 *   <li>Reliable transport: Updates, Queries and Replies carry sequence numbers and are sent to each
 *   neighbour one at a time (a window of one, as EIGRP's), each acknowledged by a Hello with its
 *   number and no TLV, sent again every {@link #RETRANSMIT_NS} until it is, and the neighbour reset
 *   after {@link #RETRY_LIMIT} tries ("retry limit exceeded"). A duplicate is acknowledged again and
 *   otherwise ignored. Updates go to each neighbour by unicast (IOS multicasts a change with
 *   conditional receive; the copies on the wire are the same, one per neighbour).</li>
 *   <li>Routes: internal routes with classic metrics (scaled bandwidth and delay, K1 = K3 = 1). The
 *   connected prefixes the {@code network} statements cover are advertised; a stub advertises only
 *   those (with {@code connected}) and its summaries (with {@code summary}), never what it learned.
 *   A summary ({@code ip summary-address eigrp}) is advertised while a route it covers exists, with
 *   the best metric among them, the routes it covers are not, and the router installs the summary's
 *   discard route. Learned routes go to the {@link Rib} (the best per prefix, as {@code D} routes),
 *   and on to the other neighbours unless split horizon holds them back (all neighbours are on the
 *   one tunnel); with next-hop-self off they keep the neighbour that advertised them as next hop.</li>
 *   <li>Lost routes: a neighbour that goes down takes its routes with it, and each other neighbour
 *   that had them is sent them as unreachable. A Query is answered with this router's own route
 *   (not through the querier) or unreachable. This router sends no Query: with stub neighbours only,
 *   as a DMVPN hub has, there is no one to ask (RFC 7868's stub routing), so DUAL's diffusing
 *   computations, SIA and feasible successors beyond the best route are not implemented.</li>
 * </ul>
 * Single-threaded: {@link #receive} and {@link #doWork} on one thread (the control plane's).
 */
public final class EigrpRouter implements RoutingProcess
{
    /** How long a reliable packet waits for its acknowledgement before it is sent again (IOS's smallest RTO). */
    public static final long RETRANSMIT_NS = 200_000_000L;
    /** Tries of one reliable packet before the neighbour is reset. */
    public static final int RETRY_LIMIT = 16;
    /** How often the neighbours' hold timers and retransmissions are looked at. */
    public static final long SCAN_NS = 50_000_000L;
    /** The software version this router reports: release 12.4, TLV version 1.2 (classic metrics). */
    static final int RELEASE_MAJOR = 12;
    static final int RELEASE_MINOR = 4;
    static final int TLV_MAJOR = 1;
    static final int TLV_MINOR = 2;

    /** Where this router's packets go. */
    @FunctionalInterface
    public interface Io
    {
        /**
         * Sends an IPv4 packet this router built: to {@link Eigrp#ALL_ROUTERS}, every neighbour on
         * the tunnel (the hub's multicast list; a spoke's hub); otherwise that neighbour.
         *
         * @return false when it could not go (no room): a hello is lost, a reliable packet goes again.
         */
        boolean send(int destination, DirectBuffer packet, int offset, int length);
    }

    /** Where this router's routes go: its routing table. */
    public interface Rib
    {
        Rib NONE = new Rib()
        {
            @Override
            public void route(final Prefix prefix, final int nextHop, final long metric)
            {
            }

            @Override
            public void noRoute(final Prefix prefix)
            {
            }

            @Override
            public void summary(final Prefix prefix, final long metric)
            {
            }

            @Override
            public void noSummary(final Prefix prefix)
            {
            }
        };

        /** The best EIGRP route to {@code prefix} is now via {@code nextHop} (added or replacing the one before). */
        void route(Prefix prefix, int nextHop, long metric);

        /** No EIGRP route to {@code prefix} is left. */
        void noRoute(Prefix prefix);

        /** A summary of this router's is advertised: its discard route (Null0, distance 5) is due. */
        void summary(Prefix prefix, long metric);

        /** A summary of this router's has nothing left under it. */
        void noSummary(Prefix prefix);
    }

    /** One neighbour as {@code show ip eigrp neighbors} gives it. */
    public record NeighborView(int address, int holdRemainingS, long upForNs, long srttMs, long rtoMs, int queued, long sequence,
        int stubFlags, boolean up)
    {
    }

    /** A route to one prefix as one neighbour advertised it, its metrics as seen from here (this router's tunnel added). */
    private record Via(int neighbor, int advertisedNextHop, long delay, long bandwidth, int mtu, int hops, long reportedDistance)
    {
        long metric()
        {
            return Eigrp.compositeMetric(bandwidth, delay);
        }
    }

    private static final class Topology
    {
        final Prefix prefix;
        final Map<Integer, Via> via = new HashMap<>();
        Via best;
        boolean connected;

        Topology(final Prefix prefix)
        {
            this.prefix = prefix;
        }
    }

    private static final class Reliable
    {
        final long sequence;
        final UnsafeBuffer packet;
        final boolean init;

        Reliable(final long sequence, final byte[] packet, final boolean init)
        {
            this.sequence = sequence;
            this.packet = new UnsafeBuffer(packet);
            this.init = init;
        }
    }

    private static final class Neighbor
    {
        final int address;
        final long discoveredNs;
        int holdS;
        long holdExpiresNs;
        int stubFlags;
        boolean initAcked;
        boolean peerInitReceived;
        boolean up;
        long upSinceNs;
        long lastSequenceReceived;
        /** The sequence number of the INIT this neighbour's present incarnation sent (0: none yet). */
        long peerInitSequence;
        final ArrayDeque<Reliable> queue = new ArrayDeque<>();
        long sentAtNs;
        long retransmitAtNs;
        int retries;
        long srttMs;
        final Set<Prefix> learned = new HashSet<>();

        Neighbor(final int address, final long nowNs)
        {
            this.address = address;
            this.discoveredNs = nowNs;
        }
    }

    private final EigrpConfig config;
    private final Io io;
    private final Rib rib;
    private final long scaledBandwidth;
    private final long scaledDelay;
    private final Int2ObjectHashMap<Neighbor> neighbors = new Int2ObjectHashMap<>();
    private final Map<Prefix, Topology> topology = new HashMap<>();
    private final Map<Prefix, Long> summaryMetric = new HashMap<>();
    /** Per summary, the prefixes under it by metric ({@link #componentChanged}); and each such prefix's metric there. */
    private final Map<Prefix, TreeMap<Long, Set<Prefix>>> components = new HashMap<>();
    private final Map<Prefix, Long> componentMetric = new HashMap<>();
    /** Prefixes with a learned route installed. */
    private int componentMetricLearned;
    private final EigrpCounters counters = new EigrpCounters();
    private final UnsafeBuffer out;
    private final EigrpPacketWriter writer = new EigrpPacketWriter();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final EigrpPacket packet = new EigrpPacket();
    private final EigrpTlvFlyweight tlv = new EigrpTlvFlyweight();
    private long sequence;
    private long nextHelloNs;
    private long nextScanNs;
    private boolean started;

    public EigrpRouter(final EigrpConfig config, final Io io, final Rib rib)
    {
        this.config = config;
        this.io = io;
        this.rib = rib;
        this.scaledBandwidth = Eigrp.scaledBandwidth(config.bandwidthKbps());
        this.scaledDelay = Eigrp.scaledDelay(config.delayMicros());
        this.out = new UnsafeBuffer(new byte[Math.min(config.mtu(), 1500)]);
        for (final Prefix connected : config.connected())
        {
            topology(connected).connected = true;
            componentChanged(connected, Eigrp.compositeMetric(scaledBandwidth, scaledDelay));
        }
    }

    public EigrpConfig config()
    {
        return config;
    }

    @Override
    public int ipProtocol()
    {
        return Eigrp.IP_PROTOCOL;
    }

    @Override
    public boolean timerDue(final long nowNs)
    {
        return !started || nowNs - nextHelloNs >= 0 || nowNs - nextScanNs >= 0;
    }

    /** @return when the next timer is due (meaningful once {@link #doWork} has run). */
    public long nextTimerNs()
    {
        return nextHelloNs - nextScanNs < 0 ? nextHelloNs : nextScanNs;
    }

    public EigrpCounters counters()
    {
        return counters;
    }

    private Topology topology(final Prefix prefix)
    {
        return topology.computeIfAbsent(prefix, Topology::new);
    }

    /**
     * Timers: the hello when due, and every {@link #SCAN_NS} the neighbours' hold times and
     * retransmissions. The first call starts the router (its summaries, its first hello's offset).
     *
     * @return work done (packets sent, neighbours dropped).
     */
    @Override
    public int doWork(final long nowNs)
    {
        int work = 0;
        if (!started)
        {
            started = true;
            // Spread the routers' first hellos over the interval: a storm of spokes would otherwise hello in step.
            final long interval = config.helloIntervalS() * 1_000_000_000L;
            nextHelloNs = nowNs + Math.floorMod((long)(config.routerAddress() * 0x9E3779B9), interval);
            nextScanNs = nowNs;
            for (final Prefix summary : config.summaries())
            {
                updateSummary(summary);
            }
        }
        if (nowNs - nextHelloNs >= 0)
        {
            sendHello();
            nextHelloNs = nowNs + config.helloIntervalS() * 1_000_000_000L;
            work++;
        }
        if (nowNs - nextScanNs >= 0)
        {
            nextScanNs = nowNs + SCAN_NS;
            work += scan(nowNs);
        }
        return work;
    }

    private int scan(final long nowNs)
    {
        int work = 0;
        List<Neighbor> dead = null;
        for (final Neighbor n : neighbors.values())
        {
            if (nowNs - n.holdExpiresNs >= 0)
            {
                dead = dead == null ? new ArrayList<>() : dead;
                dead.add(n);
                continue;
            }
            if (!n.queue.isEmpty() && nowNs - n.retransmitAtNs >= 0)
            {
                if (n.retries + 1 >= RETRY_LIMIT)
                {
                    counters.retryLimitResets++;
                    dead = dead == null ? new ArrayList<>() : dead;
                    dead.add(n);
                    continue;
                }
                n.retries++;
                counters.retransmissions++;
                transmitHead(n, nowNs);
                work++;
            }
        }
        if (dead != null)
        {
            for (final Neighbor n : dead)
            {
                if (nowNs - n.holdExpiresNs >= 0)
                {
                    counters.holdTimeExpiries++;
                }
                drop(n, nowNs);
                work++;
            }
        }
        return work;
    }

    private void sendHello()
    {
        writer.wrap(out, Ipv4Flyweight.MIN_HEADER_LENGTH, out.capacity() - Ipv4Flyweight.MIN_HEADER_LENGTH)
            .header(Eigrp.OPCODE_HELLO, 0, 0, 0, config.autonomousSystem())
            .parameter(Eigrp.DEFAULT_K1, 0, Eigrp.DEFAULT_K3, 0, 0, 0, config.holdTimeS())
            .softwareVersion(RELEASE_MAJOR, RELEASE_MINOR, TLV_MAJOR, TLV_MINOR);
        if (config.isStub())
        {
            writer.stub(config.stubFlags());
        }
        if (send(Eigrp.ALL_ROUTERS, writer.finish()))
        {
            counters.hellosSent++;
        }
        else
        {
            counters.sendsRefused++;
        }
    }

    /**
     * TTL 1 to 224.0.0.10 (the Local Network Control Block, never forwarded: RFC 5771), and 2 to a
     * neighbour's address, as IOS sends EIGRP's unicast: a neighbour is one hop away either way.
     */
    private static int ttl(final int destination)
    {
        return destination == Eigrp.ALL_ROUTERS ? 1 : 2;
    }

    /** Sends the EIGRP packet just written after the IPv4 header's room in {@link #out}. */
    private boolean send(final int destination, final int eigrpLength)
    {
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + eigrpLength;
        ip.wrap(out, 0, length).writeHeader(Eigrp.TOS, length, 0, 0, ttl(destination), Eigrp.IP_PROTOCOL, config.routerAddress(), destination);
        return io.send(destination, out, 0, length);
    }

    private void ack(final Neighbor n, final long sequenceNumber)
    {
        writer.wrap(out, Ipv4Flyweight.MIN_HEADER_LENGTH, out.capacity() - Ipv4Flyweight.MIN_HEADER_LENGTH)
            .header(Eigrp.OPCODE_HELLO, 0, 0, sequenceNumber, config.autonomousSystem());
        if (send(n.address, writer.finish()))
        {
            counters.acksSent++;
        }
        else
        {
            counters.sendsRefused++;
        }
    }

    /** Queues a reliable packet for {@code n}, the EIGRP part already written in {@link #writer} with sequence {@code seq}. */
    private void queueReliable(final Neighbor n, final long seq, final boolean init, final long nowNs)
    {
        final int eigrpLength = writer.finish();
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + eigrpLength;
        ip.wrap(out, 0, length).writeHeader(Eigrp.TOS, length, 0, 0, ttl(n.address), Eigrp.IP_PROTOCOL, config.routerAddress(), n.address);
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        n.queue.add(new Reliable(seq, bytes, init));
        if (n.queue.size() == 1)
        {
            n.retries = 0;
            transmitHead(n, nowNs);
        }
    }

    private void transmitHead(final Neighbor n, final long nowNs)
    {
        final Reliable head = n.queue.peek();
        if (!io.send(n.address, head.packet, 0, head.packet.capacity()))
        {
            // Sent again at the next retransmission, as a lost one would be.
            counters.sendsRefused++;
        }
        n.sentAtNs = nowNs;
        n.retransmitAtNs = nowNs + RETRANSMIT_NS;
    }

    private long nextSequence()
    {
        sequence = sequence == 0xFFFF_FFFFL ? 1 : sequence + 1;
        return sequence;
    }

    /**
     * A packet for this router, from the tunnel: an IPv4 packet of protocol 88 to its address or
     * to 224.0.0.10. A packet that fails a check is counted by its {@link DecodeStatus} and
     * otherwise ignored; one of another autonomous system is counted and ignored. A neighbour is
     * found by its hello, or by its INIT when that comes first; any other packet from an address
     * that is not a neighbour is ignored.
     */
    @Override
    public void receive(final MutableDirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        ip.wrap(buffer, offset, length);
        DecodeStatus status = ip.validate();
        if (status == DecodeStatus.OK && ip.protocol() != Eigrp.IP_PROTOCOL)
        {
            status = DecodeStatus.IPV4_UNEXPECTED_PROTOCOL;
        }
        if (status == DecodeStatus.OK)
        {
            status = packet.wrap(buffer, ip.payloadOffset(), ip.payloadLength()).validate();
        }
        if (status != DecodeStatus.OK)
        {
            counters.rejected.merge(status, 1L, Long::sum);
            return;
        }
        if (packet.autonomousSystem() != config.autonomousSystem())
        {
            counters.otherAs++;
            return;
        }
        final int source = ip.source();
        Neighbor n = neighbors.get(source);
        if (packet.opcode() == Eigrp.OPCODE_HELLO && !packet.isAck())
        {
            n = hello(n, source, nowNs);
            if (n == null)
            {
                return;
            }
        }
        else if (n == null)
        {
            if (packet.opcode() != Eigrp.OPCODE_UPDATE || (packet.flags() & Eigrp.FLAG_INIT) == 0)
            {
                counters.fromNonNeighbor++;
                return;
            }
            // Its INIT came before its first hello reached us (hellos of two routers are not in step): a neighbour found all the same.
            n = discover(source, Eigrp.DEFAULT_HOLD_S, nowNs);
        }
        n.holdExpiresNs = nowNs + n.holdS * 1_000_000_000L;
        if (packet.ack() != 0)
        {
            acknowledged(n, packet.ack(), nowNs);
        }
        if (packet.opcode() == Eigrp.OPCODE_HELLO)
        {
            return;
        }
        final long seq = packet.sequence();
        if (packet.opcode() == Eigrp.OPCODE_UPDATE && (packet.flags() & Eigrp.FLAG_INIT) != 0)
        {
            // An INIT first: the same one again, nothing after it received (our acknowledgement was lost), is acknowledged
            // again; any other from a neighbour that sent one is a restart (a restarted peer's numbers begin again, so the
            // sequence number alone cannot tell).
            ack(n, seq);
            if (n.peerInitReceived && seq == n.peerInitSequence && n.lastSequenceReceived == seq)
            {
                counters.duplicates++;
                return;
            }
            n.lastSequenceReceived = seq;
            init(n, seq, nowNs);
            return;
        }
        if (seq != 0)
        {
            if (!n.up)
            {
                // Not acknowledged before the startup is complete here: the neighbour sends it again once it is.
                counters.updatesBeforeUp++;
                return;
            }
            ack(n, seq);
            if (seq == n.lastSequenceReceived)
            {
                counters.duplicates++;
                return;
            }
            n.lastSequenceReceived = seq;
        }
        switch (packet.opcode())
        {
            case Eigrp.OPCODE_UPDATE -> update(n, nowNs);
            case Eigrp.OPCODE_QUERY -> query(n, nowNs);
            case Eigrp.OPCODE_REPLY -> counters.repliesReceived++;
            default -> counters.otherOpcodes++;
        }
    }

    /** A hello (not an acknowledgement): the neighbour found, kept, or dropped on a goodbye or K values unlike ours. */
    private Neighbor hello(final Neighbor known, final int source, final long nowNs)
    {
        counters.hellosReceived++;
        int holdS = Eigrp.DEFAULT_HOLD_S;
        int stubFlags = 0;
        boolean kMatch = false;
        boolean goodbye = false;
        for (int at = packet.firstTlvOffset(); at < packet.endOffset(); at = tlv.nextOffset())
        {
            tlv.wrap(packet.buffer(), at);
            if (tlv.type() == Eigrp.TLV_PARAMETER)
            {
                goodbye = tlv.isGoodbye();
                kMatch = tlv.k(1) == Eigrp.DEFAULT_K1 && tlv.k(2) == 0 && tlv.k(3) == Eigrp.DEFAULT_K3 && tlv.k(4) == 0 && tlv.k(5) == 0;
                holdS = tlv.holdTimeS();
            }
            else if (tlv.type() == Eigrp.TLV_STUB)
            {
                stubFlags = tlv.stubFlags();
            }
        }
        if (goodbye)
        {
            if (known != null)
            {
                counters.goodbyesReceived++;
                drop(known, nowNs);
            }
            return null;
        }
        if (!kMatch)
        {
            counters.kMismatches++;
            if (known != null)
            {
                drop(known, nowNs);
            }
            return null;
        }
        final Neighbor n = known == null ? discover(source, holdS, nowNs) : known;
        n.holdS = holdS;
        n.stubFlags = stubFlags;
        return n;
    }

    /** A new neighbour: held for {@code holdS} for now, and sent this router's INIT. */
    private Neighbor discover(final int source, final int holdS, final long nowNs)
    {
        final Neighbor n = new Neighbor(source, nowNs);
        n.holdS = holdS;
        neighbors.put(source, n);
        counters.neighborsDiscovered++;
        writer.wrap(out, Ipv4Flyweight.MIN_HEADER_LENGTH, out.capacity() - Ipv4Flyweight.MIN_HEADER_LENGTH);
        final long seq = nextSequence();
        writer.header(Eigrp.OPCODE_UPDATE, Eigrp.FLAG_INIT, seq, 0, config.autonomousSystem());
        queueReliable(n, seq, true, nowNs);
        return n;
    }

    private void acknowledged(final Neighbor n, final long ack, final long nowNs)
    {
        final Reliable head = n.queue.peek();
        if (head == null || head.sequence != ack)
        {
            return;
        }
        counters.acksReceived++;
        if (n.retries == 0)
        {
            final long rttMs = (nowNs - n.sentAtNs) / 1_000_000L;
            n.srttMs = n.srttMs == 0 ? Math.max(1, rttMs) : (n.srttMs * 7 + rttMs) / 8;
        }
        n.queue.poll();
        n.retries = 0;
        if (!n.queue.isEmpty())
        {
            transmitHead(n, nowNs);
        }
        if (head.init)
        {
            // After the next packet went: what becoming up queues goes out by itself when the queue was empty.
            n.initAcked = true;
            becomeUpIfReady(n, nowNs);
        }
    }

    private void becomeUpIfReady(final Neighbor n, final long nowNs)
    {
        if (n.up || !n.initAcked || !n.peerInitReceived)
        {
            return;
        }
        n.up = true;
        n.upSinceNs = nowNs;
        counters.neighborsUp++;
        final List<Advert> table = new ArrayList<>();
        // What can be advertised: this router's connected prefixes and summaries, and what it learned only where it passes
        // learned routes on (not a stub, no split horizon): a Phase 3 hub's new neighbour costs no walk of every spoke's LAN.
        final List<Prefix> prefixes = new ArrayList<>(config.connected());
        prefixes.addAll(config.summaries());
        if (!config.isStub() && !config.splitHorizon())
        {
            for (final Topology t : topology.values())
            {
                if (!t.connected)
                {
                    prefixes.add(t.prefix);
                }
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.prefix()).thenComparingInt(Prefix::length));
        for (final Prefix prefix : prefixes)
        {
            final Advert advert = advert(prefix, n);
            if (advert != null && !advert.unreachable())
            {
                table.add(advert);
            }
        }
        sendUpdates(n, table, true, nowNs);
    }

    /** What this router tells a neighbour of one prefix. */
    private record Advert(Prefix prefix, int nextHop, long delay, long bandwidth, int mtu, int hops)
    {
        boolean unreachable()
        {
            return delay == Eigrp.DELAY_UNREACHABLE;
        }
    }

    /**
     * What to advertise of {@code prefix} to {@code to} now: the route, unreachable (it is not
     * advertised to that neighbour, or no longer exists), per the class description's rules.
     */
    private Advert advert(final Prefix prefix, final Neighbor to)
    {
        final Advert none = new Advert(prefix, 0, Eigrp.DELAY_UNREACHABLE, scaledBandwidth, config.mtu(), 0);
        if (config.summaries().contains(prefix))
        {
            final Long metric = summaryMetric.get(prefix);
            if (metric == null || config.isStub() && (config.stubFlags() & Eigrp.STUB_SUMMARY) == 0)
            {
                return none;
            }
            final Topology best = bestUnder(prefix);
            return best == null ? none : advertOf(prefix, best, to, true);
        }
        for (final Prefix summary : config.summaries())
        {
            if (summary.covers(prefix))
            {
                return none;
            }
        }
        final Topology t = topology.get(prefix);
        if (t == null)
        {
            return none;
        }
        if (t.connected)
        {
            return config.isStub() && (config.stubFlags() & Eigrp.STUB_CONNECTED) == 0 ? none :
                new Advert(prefix, 0, scaledDelay, scaledBandwidth, config.mtu(), 0);
        }
        if (t.best == null || config.isStub() || config.splitHorizon() || t.best.neighbor() == to.address)
        {
            return none;
        }
        return advertOf(prefix, t, to, false);
    }

    private Advert advertOf(final Prefix prefix, final Topology t, final Neighbor to, final boolean summary)
    {
        if (t.connected)
        {
            return new Advert(prefix, 0, scaledDelay, scaledBandwidth, config.mtu(), 0);
        }
        final Via via = t.best;
        final int nextHop = summary || config.nextHopSelf() ? 0 : via.advertisedNextHop() != 0 ? via.advertisedNextHop() : via.neighbor();
        return new Advert(prefix, nextHop == to.address ? 0 : nextHop, via.delay(), via.bandwidth(), via.mtu(), via.hops());
    }

    /** The component under {@code summary} with the best metric, or null: the first of its components by metric. */
    private Topology bestUnder(final Prefix summary)
    {
        final TreeMap<Long, Set<Prefix>> byMetric = components.get(summary);
        if (byMetric == null || byMetric.isEmpty())
        {
            return null;
        }
        return topology.get(byMetric.firstEntry().getValue().iterator().next());
    }

    /**
     * Keeps each summary's components sorted by metric as routes come, change and go, so a
     * summary's best component is found without a walk of the topology (a hub's summary covers
     * every spoke's LAN).
     *
     * @param metric the prefix's metric now, or -1 when it has no route.
     */
    private void componentChanged(final Prefix prefix, final long metric)
    {
        final Long before = componentMetric.get(prefix);
        if (before != null && before == metric)
        {
            return;
        }
        for (final Prefix summary : config.summaries())
        {
            if (!summary.covers(prefix) || summary.equals(prefix))
            {
                continue;
            }
            final TreeMap<Long, Set<Prefix>> byMetric = components.computeIfAbsent(summary, k -> new TreeMap<>());
            if (before != null)
            {
                final Set<Prefix> at = byMetric.get(before);
                at.remove(prefix);
                if (at.isEmpty())
                {
                    byMetric.remove(before);
                }
            }
            if (metric >= 0)
            {
                byMetric.computeIfAbsent(metric, k -> new java.util.LinkedHashSet<>()).add(prefix);
            }
        }
        if (metric >= 0)
        {
            componentMetric.put(prefix, metric);
        }
        else
        {
            componentMetric.remove(prefix);
        }
    }

    /** Sends {@code adverts} to {@code n} in as few Updates as fit the MTU; with {@code endOfTable} the last carries EOT. */
    private void sendUpdates(final Neighbor n, final List<Advert> adverts, final boolean endOfTable, final long nowNs)
    {
        sendRoutes(n, Eigrp.OPCODE_UPDATE, adverts, endOfTable, nowNs);
    }

    /** Sends {@code adverts} to {@code n} in as few packets of {@code opcode} as fit the MTU. */
    private void sendRoutes(final Neighbor n, final int opcode, final List<Advert> adverts, final boolean endOfTable, final long nowNs)
    {
        int i = 0;
        do
        {
            final long seq = nextSequence();
            writer.wrap(out, Ipv4Flyweight.MIN_HEADER_LENGTH, out.capacity() - Ipv4Flyweight.MIN_HEADER_LENGTH);
            // The flags are written once the packet's last route is known: header first, EOT patched below.
            writer.header(opcode, 0, seq, 0, config.autonomousSystem());
            while (i < adverts.size() && writer.roomForInternalRoute(adverts.get(i).prefix().length()))
            {
                final Advert a = adverts.get(i++);
                writer.internalRoute(a.nextHop(), a.delay(), a.bandwidth(), a.mtu(), a.hops(), 255, 1, 0, 0, a.prefix().length(),
                    a.prefix().prefix());
            }
            if (endOfTable && i == adverts.size())
            {
                out.putInt(Ipv4Flyweight.MIN_HEADER_LENGTH + EigrpPacket.FLAGS_OFFSET, Eigrp.FLAG_EOT, java.nio.ByteOrder.BIG_ENDIAN);
            }
            if (opcode == Eigrp.OPCODE_UPDATE)
            {
                counters.updatesSent++;
            }
            else
            {
                counters.repliesSent++;
            }
            queueReliable(n, seq, false, nowNs);
        }
        while (i < adverts.size());
    }

    /** The neighbour's INIT (already acknowledged): its startup, or, from a neighbour that had sent one, its restart. */
    private void init(final Neighbor n, final long seq, final long nowNs)
    {
        counters.updatesReceived++;
        if (n.peerInitReceived)
        {
            // The neighbour restarted: what it told before is void, and it needs our INIT and the whole table again.
            counters.peerRestarts++;
            forget(n, nowNs);
            if (n.up)
            {
                counters.neighborsUp--;
            }
            n.up = false;
            n.initAcked = false;
            n.queue.clear();
            writer.wrap(out, Ipv4Flyweight.MIN_HEADER_LENGTH, out.capacity() - Ipv4Flyweight.MIN_HEADER_LENGTH);
            final long ours = nextSequence();
            writer.header(Eigrp.OPCODE_UPDATE, Eigrp.FLAG_INIT, ours, 0, config.autonomousSystem());
            queueReliable(n, ours, true, nowNs);
        }
        n.peerInitReceived = true;
        n.peerInitSequence = seq;
        becomeUpIfReady(n, nowNs);
    }

    private void update(final Neighbor n, final long nowNs)
    {
        counters.updatesReceived++;
        final List<Prefix> changed = new ArrayList<>();
        for (int at = packet.firstTlvOffset(); at < packet.endOffset(); at = tlv.nextOffset())
        {
            tlv.wrap(packet.buffer(), at);
            if (tlv.type() != Eigrp.TLV_IPV4_INTERNAL)
            {
                if (tlv.isRoute())
                {
                    // An external route: read by the codec, not taken by this router.
                    counters.routesIgnored++;
                }
                continue;
            }
            final Prefix prefix = new Prefix(tlv.destination(), tlv.prefixLength());
            final Topology existing = topology.get(prefix);
            if (existing != null && existing.connected)
            {
                // What a neighbour says of a prefix connected here changes nothing (it is not kept: every spoke advertises the
                // tunnel's subnet, and a hub that kept each would walk them all on each update).
                continue;
            }
            final Topology t = existing != null ? existing : topology(prefix);
            if (tlv.isUnreachable())
            {
                t.via.remove(n.address);
                n.learned.remove(prefix);
            }
            else
            {
                final long delay = Math.min(Eigrp.DELAY_UNREACHABLE - 1, tlv.scaledDelay() + scaledDelay);
                final long bandwidth = Math.max(tlv.scaledBandwidth(), scaledBandwidth);
                t.via.put(n.address, new Via(n.address, tlv.nextHop(), delay, bandwidth, Math.min(tlv.mtu(), config.mtu()),
                    Math.min(255, tlv.hopCount() + 1), Eigrp.compositeMetric(tlv.scaledBandwidth(), tlv.scaledDelay())));
                n.learned.add(prefix);
            }
            changed.add(prefix);
        }
        for (final Prefix prefix : changed)
        {
            recompute(prefix, nowNs);
        }
    }

    /** Answers a Query: for each route asked, this router's own (not through the querier) or unreachable. */
    private void query(final Neighbor n, final long nowNs)
    {
        counters.queriesReceived++;
        final List<Advert> answers = new ArrayList<>();
        for (int at = packet.firstTlvOffset(); at < packet.endOffset(); at = tlv.nextOffset())
        {
            tlv.wrap(packet.buffer(), at);
            if (tlv.type() == Eigrp.TLV_IPV4_INTERNAL)
            {
                final Prefix prefix = new Prefix(tlv.destination(), tlv.prefixLength());
                final Advert own = advert(prefix, n);
                answers.add(own);
            }
        }
        // Every route asked is answered, in as many Replies as the MTU needs: a route left out would leave the querier waiting.
        sendRoutes(n, Eigrp.OPCODE_REPLY, answers, false, nowNs);
    }

    /** The best route to {@code prefix} again after a change: the routing table told, the summaries over it and the neighbours updated. */
    private void recompute(final Prefix prefix, final long nowNs)
    {
        final Topology t = topology.get(prefix);
        if (t == null || t.connected)
        {
            return;
        }
        final Via before = t.best;
        Via best = null;
        for (final Via via : t.via.values())
        {
            if (best == null || via.metric() < best.metric() || via.metric() == best.metric() && Integer.compareUnsigned(via.neighbor(),
                best.neighbor()) < 0)
            {
                best = via;
            }
        }
        t.best = best;
        if (best == null && t.via.isEmpty())
        {
            topology.remove(prefix);
        }
        if (java.util.Objects.equals(before, best))
        {
            return;
        }
        if (best == null)
        {
            rib.noRoute(prefix);
            componentMetricLearned--;
        }
        else
        {
            rib.route(prefix, best.advertisedNextHop() != 0 ? best.advertisedNextHop() : best.neighbor(), best.metric());
            if (before == null)
            {
                componentMetricLearned++;
            }
        }
        componentChanged(prefix, best == null ? -1 : best.metric());
        boolean summarised = false;
        for (final Prefix summary : config.summaries())
        {
            if (summary.covers(prefix) && !summary.equals(prefix))
            {
                summarised = true;
                if (updateSummary(summary))
                {
                    propagate(summary, null, null, nowNs);
                }
            }
        }
        if (!summarised)
        {
            propagate(prefix, before, best, nowNs);
        }
    }

    /** @return true when the summary's existence or metric changed (the routing table told). */
    private boolean updateSummary(final Prefix summary)
    {
        final Topology best = bestUnder(summary);
        final Long before = summaryMetric.get(summary);
        final Long after = best == null ? null : best.connected ? Eigrp.compositeMetric(scaledBandwidth, scaledDelay) : best.best.metric();
        if (java.util.Objects.equals(before, after))
        {
            return false;
        }
        if (after == null)
        {
            summaryMetric.remove(summary);
            rib.noSummary(summary);
        }
        else
        {
            summaryMetric.put(summary, after);
            rib.summary(summary, after);
        }
        return true;
    }

    /**
     * Tells every up neighbour what it now gets of {@code prefix}: the route, or unreachable where
     * it may have had it before; not the neighbours it was learned from, before or now.
     */
    private void propagate(final Prefix prefix, final Via before, final Via now, final long nowNs)
    {
        if (!couldAdvertise(prefix))
        {
            // A learned prefix a stub, or split horizon, never passes on: nothing to tell, nothing to take back.
            return;
        }
        for (final Neighbor n : neighbors.values())
        {
            // Not the neighbour the route is through now (split horizon's poison would tell it nothing it does not know);
            // the one it was through before hears the new route.
            if (!n.up || now != null && now.neighbor() == n.address)
            {
                continue;
            }
            final Advert advert = advert(prefix, n);
            if (advert.unreachable() && !couldHaveHad(prefix, n))
            {
                continue;
            }
            sendUpdates(n, List.of(advert), false, nowNs);
        }
    }

    /** Whether a neighbour may have been told of {@code prefix} before: never by a stub or through split horizon, unless it is ours. */
    private boolean couldHaveHad(final Prefix prefix, final Neighbor n)
    {
        return couldAdvertise(prefix);
    }

    /** Whether this router ever advertises {@code prefix}: its own (connected, a summary), or any when it passes learned routes on. */
    private boolean couldAdvertise(final Prefix prefix)
    {
        final Topology t = topology.get(prefix);
        final boolean own = config.summaries().contains(prefix) || t != null && t.connected;
        return own || !config.isStub() && !config.splitHorizon();
    }

    /** Drops a neighbour: its routes withdrawn here and from the other neighbours. */
    private void drop(final Neighbor n, final long nowNs)
    {
        neighbors.remove(n.address);
        counters.neighborsDropped++;
        if (n.up)
        {
            counters.neighborsUp--;
        }
        forget(n, nowNs);
    }

    /** Removes what {@code n} advertised, and what depended on it. */
    private void forget(final Neighbor n, final long nowNs)
    {
        final List<Prefix> learned = new ArrayList<>(n.learned);
        n.learned.clear();
        for (final Prefix prefix : learned)
        {
            final Topology t = topology.get(prefix);
            if (t != null)
            {
                t.via.remove(n.address);
                recompute(prefix, nowNs);
            }
        }
    }

    /** Sends a goodbye (every K value 255): the neighbours drop this router at once instead of after the hold time. */
    public void goodbye()
    {
        writer.wrap(out, Ipv4Flyweight.MIN_HEADER_LENGTH, out.capacity() - Ipv4Flyweight.MIN_HEADER_LENGTH)
            .header(Eigrp.OPCODE_HELLO, 0, 0, 0, config.autonomousSystem())
            .goodbye(config.holdTimeS());
        if (!send(Eigrp.ALL_ROUTERS, writer.finish()))
        {
            counters.sendsRefused++;
        }
    }

    /** @return the neighbours, as {@code show ip eigrp neighbors} lists them (oldest first). */
    public List<NeighborView> neighbors(final long nowNs)
    {
        final List<NeighborView> views = new ArrayList<>();
        final List<Neighbor> sorted = new ArrayList<>(neighbors.values());
        sorted.sort(Comparator.comparingLong((Neighbor n) -> n.discoveredNs).thenComparingInt(n -> n.address));
        for (final Neighbor n : sorted)
        {
            views.add(new NeighborView(n.address, (int)Math.max(0, (n.holdExpiresNs - nowNs) / 1_000_000_000L),
                n.up ? nowNs - n.upSinceNs : 0, n.srttMs, Math.max(RETRANSMIT_NS / 1_000_000L, 6 * n.srttMs), n.queue.size(),
                n.lastSequenceReceived, n.stubFlags, n.up));
        }
        return views;
    }

    /** @return prefixes this router has a learned route to (not its connected ones, not its summaries). */
    public int routesLearned()
    {
        return componentMetricLearned;
    }

    /** @return neighbours whose startup is complete. */
    public int neighborsUp()
    {
        return (int)counters.neighborsUp;
    }

    /**
     * One prefix of the topology table as {@code show ip eigrp topology} summarises it: its feasible
     * distance, and for a learned route the neighbour it is via, the next hop that neighbour gave
     * (0: the neighbour itself) and the distance the neighbour reported.
     */
    public record TopologyView(Prefix prefix, long feasibleDistance, int successors, boolean connected, boolean summary, int viaNeighbor,
        int viaNextHop, long reportedDistance)
    {
    }

    /**
     * @return the topology table, by prefix: connected prefixes, learned routes (their best, one
     * successor each) and this router's summaries.
     */
    public List<TopologyView> topology()
    {
        final List<TopologyView> views = new ArrayList<>();
        for (final Topology t : topology.values())
        {
            final long fd = t.connected ? Eigrp.compositeMetric(scaledBandwidth, scaledDelay) : t.best == null ? -1 : t.best.metric();
            if (!t.connected && t.best == null)
            {
                continue;
            }
            views.add(new TopologyView(t.prefix, fd, 1, t.connected, false, t.connected || t.best == null ? 0 : t.best.neighbor(),
                t.connected || t.best == null ? 0 : t.best.advertisedNextHop(), t.connected || t.best == null ? 0 : t.best.reportedDistance()));
        }
        summaryMetric.forEach((prefix, metric) -> views.add(new TopologyView(prefix, metric, 1, false, true, 0, 0, 0)));
        views.sort(Comparator.comparingLong((TopologyView v) -> v.prefix().prefix() & 0xFFFF_FFFFL).thenComparingInt(v -> v.prefix().length()));
        return views;
    }
}
