package net.dmvpnhub.trafficgen;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.trafficgen.spoke.DataPath;
import net.dmvpnhub.trafficgen.spoke.SpokeState;
import net.dmvpnhub.trafficgen.spoke.Spokes;
import net.dmvpnhub.wire.Ipv4Address;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Seeded traffic from the simulated spokes' LANs, on the spokes' own thread: one Agrona agent
 * that runs the spokes' duty cycle (NHRP, IKE, frames from the hub and between spokes) and then
 * sends a burst of data packets. Each packet goes from a random host behind a random registered
 * spoke either to the LAN of one of that spoke's peers (with probability {@code spokeToSpoke};
 * each spoke talks to {@code peers} other spokes, drawn once by popularity, uniform or Zipf, as a
 * branch talks to a few others and the popular ones are popular with everyone) or to the
 * hub-side LAN; its size comes from the packet mix. The
 * spoke's own routing table decides whether it crosses the hub or goes straight to the other
 * spoke over a shortcut, so Phase 3 offload shows in the hub's load.
 * <p>
 * Rate: as fast as the hub takes them (a packet is offered only when the receive ring it goes to
 * has room, so the generator never drops for want of space: it waits), or paced to a fixed
 * number per second. The first 8 payload bytes carry the send time; a spoke that receives a packet
 * through the hub records its one-way latency.
 */
public final class TrafficGenerator implements Agent
{
    /** The hub-side LAN behind the hub itself (a data centre), delivered locally: where spoke-to-hub flows go. */
    public static final String HUB_LAN = "172.16.0.0";
    public static final int HUB_LAN_LENGTH = 16;
    private static final int HUB_LAN_MASK = -1 << 32 - HUB_LAN_LENGTH;

    /** Packets sent per duty cycle at most, between two runs of the spokes' own work. */
    static final int BURST = 32;
    private static final long HELD_PARK_NS = 1_000_000;
    private static final int UDP_IP_HEADERS = 28;
    private static final int TIMESTAMP_OFFSET = UDP_IP_HEADERS;

    private final Spokes spokes;
    private final Dataplane dataplane;
    private final NanoClock clock;
    private final RunOptions options;
    private final RunTimeline timeline;
    private final SplittableRandom random;
    /** Spoke s talks to peerTable[s * peers .. s * peers + peers - 1]. */
    private final int[] peerTable;
    private final int peers;
    /** Host numbers drawn inside a LAN: 1 .. hosts. */
    private final int hosts;
    private final int hubLan;
    private final int[] upSpokes;
    private int upCount;
    private volatile boolean sending;
    /** Set by {@link #hold}: the spokes' thread does nothing until {@link #resume}. */
    private volatile boolean hold;
    /** Set by the spokes' thread once it has seen {@link #hold} and stopped touching the spokes and the hub's rings. */
    private volatile boolean held;
    private long startedNs;
    private long sentPackets;
    private long sentBytes;
    private long waitedForRoom;
    private long notSent;
    private final long[] byPath = new long[DataPath.values().length];
    /** Packets to another spoke's LAN, by the path the sending spoke's routing gave them. */
    private final long[] spokeToSpokeByPath = new long[DataPath.values().length];

    public TrafficGenerator(
        final Spokes spokes, final Dataplane dataplane, final NanoClock clock, final RunOptions options, final RunTimeline timeline)
    {
        this.spokes = spokes;
        this.dataplane = dataplane;
        this.clock = clock;
        this.options = options;
        this.timeline = timeline;
        this.random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        this.peers = options.peers();
        this.hosts = (int)Math.min(200, (1L << (32 - spokes.plan().lanPrefixLength())) - 2);
        this.peerTable = new int[spokes.count() * peers];
        final ZipfSampler popularity = new ZipfSampler(Math.max(1, spokes.count()), options.zipf());
        // Ranks map to spokes through a seeded permutation, so the popular spokes are spread out.
        final int[] spokeOfRank = new int[spokes.count()];
        for (int i = 0; i < spokeOfRank.length; i++)
        {
            final int j = random.nextInt(i + 1);
            spokeOfRank[i] = spokeOfRank[j];
            spokeOfRank[j] = i;
        }
        for (int s = 0; s < spokes.count(); s++)
        {
            for (int k = 0; k < peers; k++)
            {
                int d = spokeOfRank[popularity.next(random)];
                if (d == s)
                {
                    d = (d + 1) % spokes.count();
                }
                peerTable[s * peers + k] = d;
            }
        }
        this.hubLan = Ipv4Address.parse(HUB_LAN);
        this.upSpokes = new int[spokes.count()];
        spokes.dataReceiver(this::onData);
    }

    @Override
    public String roleName()
    {
        return "spokes-and-traffic";
    }

    /** Any thread: starts sending (after the registration storm). */
    public void startSending()
    {
        sending = true;
    }

    /** Any thread: stops sending; the spokes keep running until the run closes them. */
    public void stopSending()
    {
        sending = false;
    }

    /**
     * Any thread but the spokes': stops the spokes' thread between two duty cycles and waits until
     * it has. Until {@link #resume}, the caller may use the spokes and is the only producer of the
     * hub's receive rings and the only consumer of its transmit rings (the handshake's volatile
     * writes and reads order the two threads' work).
     *
     * @return false when the spokes' thread did not stop within {@code timeoutMs} (it is not running).
     */
    public boolean hold(final long timeoutMs) throws InterruptedException
    {
        held = false;
        hold = true;
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!held)
        {
            if (System.nanoTime() - deadline > 0)
            {
                hold = false;
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Lets the spokes' thread run again after {@link #hold}. */
    public void resume()
    {
        hold = false;
    }

    @Override
    public int doWork()
    {
        if (hold)
        {
            if (!held)
            {
                held = true;
            }
            // Held, this thread gives its processor to the phase that holds it (its runner would otherwise spin).
            LockSupport.parkNanos(HELD_PARK_NS);
            return 0;
        }
        int work = spokes.doWork();
        if (sending)
        {
            work += send();
        }
        return work;
    }

    private int send()
    {
        final long now = clock.nanoTime();
        if (startedNs == 0)
        {
            startedNs = now;
            refreshUpSpokes();
        }
        if (upCount == 0)
        {
            return 0;
        }
        int budget = BURST;
        if (options.rate() > 0)
        {
            final long due = (long)((now - startedNs) * (options.rate() / 1e9)) - sentPackets - notSent;
            budget = (int)Math.min(BURST, Math.max(0, due));
        }
        int sent = 0;
        for (int i = 0; i < budget; i++)
        {
            final int s = upSpokes[random.nextInt(upCount)];
            if (!dataplane.rxFor(spokes.nbma(s)).hasRoomFor(2))
            {
                waitedForRoom++;
                break;
            }
            final int destination = destination(s, random);
            final int size = options.mix().next(random);
            final DataPath path = spokes.sendData(s, source(s, random), destination, size - UDP_IP_HEADERS);
            byPath[path.ordinal()]++;
            if ((destination & HUB_LAN_MASK) != hubLan)
            {
                spokeToSpokeByPath[path.ordinal()]++;
            }
            if (path == DataPath.DROPPED)
            {
                notSent++;
                continue;
            }
            sentPackets++;
            sentBytes += size;
            sent++;
        }
        return sent;
    }

    /**
     * A destination for a packet from spoke {@code s}: with probability {@code spokeToSpoke} a host
     * on the LAN of one of its peers, else one on the hub-side LAN.
     */
    int destination(final int s, final SplittableRandom random)
    {
        if (random.nextDouble() < options.spokeToSpoke() && spokes.count() > 1)
        {
            return spokes.host(peerTable[s * peers + random.nextInt(peers)], 1 + random.nextInt(hosts));
        }
        return hubLan + 256 + random.nextInt(65_000);
    }

    /** A host on spoke {@code s}'s LAN to send from. */
    int source(final int s, final SplittableRandom random)
    {
        return spokes.host(s, 1 + random.nextInt(hosts));
    }

    private void refreshUpSpokes()
    {
        upCount = 0;
        for (int s = 0; s < spokes.count(); s++)
        {
            if (spokes.state(s) == SpokeState.REGISTERED)
            {
                upSpokes[upCount++] = s;
            }
        }
    }

    private void onData(final int spoke, final boolean direct, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!direct && length >= TIMESTAMP_OFFSET + 8)
        {
            timeline.recordLatency(clock.nanoTime() - buffer.getLong(offset + TIMESTAMP_OFFSET, ByteOrder.BIG_ENDIAN));
        }
    }

    public long sentPackets()
    {
        return sentPackets;
    }

    public long sentBytes()
    {
        return sentBytes;
    }

    public long waitedForRoom()
    {
        return waitedForRoom;
    }

    public long notSent()
    {
        return notSent;
    }

    public long sent(final DataPath path)
    {
        return byPath[path.ordinal()];
    }

    /** Packets sent to another spoke's LAN by {@code path} (read by the progress thread, as the other counters). */
    public long spokeToSpoke(final DataPath path)
    {
        return spokeToSpokeByPath[path.ordinal()];
    }
}
