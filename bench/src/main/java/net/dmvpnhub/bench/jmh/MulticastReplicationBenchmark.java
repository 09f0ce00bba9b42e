package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;
import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.WorkerCounters;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.wire.Ipv4Flyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One multicast packet (a routing protocol's hello: {@code payload} bytes after the IPv4 header,
 * to 224.0.0.10) replicated by one hub worker to every spoke of the multicast list
 * ({@code ip nhrp map multicast dynamic}): per copy a slot, a copy of the packet, GRE, ESP under
 * that spoke's own SA and the outer header, then the transmit ring, whose frames are freed as a
 * NIC would send them. One operation is the whole replication, so the score is the time to
 * replicate one hello to every spoke, and {@code spokes} over it the copies per second on one
 * core. The worker runs as it does with nothing to forward waiting: a batch of copies per duty
 * cycle ({@link HubConfig#replicationWeight()} bounds it only while unicast waits).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MulticastReplicationBenchmark
{
    private static final int GROUP = 0xE000_000A;

    /** Spokes in the multicast list, each with its own outbound SA. */
    @Param({"10000"})
    public int spokes = HubForwardingBenchmark.SPOKES;

    /** Bytes after the IPv4 header: 40 is an EIGRP hello with its parameters and software version TLVs. */
    @Param({"40"})
    public int payload = 40;

    /** The crypto provider of every SA: ipsec-mb (the default where it loads), openssl, jdk or bc. */
    @Param({"ipsec-mb"})
    public String provider = CryptoProvider.preferred().shortName();

    /** Whether the worker touches the key state of a step's SAs before its first cipher call ({@code HubWorker.touchKeyState}). */
    @Param({"true"})
    public boolean touchKeyState = true;

    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private FrameSlab slab;
    private HubTables tables;
    private Dataplane dataplane;
    private SpscLongRing tx;
    private final long[] drained = new long[1024];
    private long nowNs;

    @Setup
    public void setUp()
    {
        slab = new FrameSlab(8192, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        tables = new HubTables(spokes, 1);
        final SecurityAssociation[] inbound = new SecurityAssociation[spokes + 1];
        final SecurityAssociation[] outbound = new SecurityAssociation[spokes + 1];
        final SecurityAssociation[] spokeToHub = HairpinTraffic.provision(tables, spokes, new SplittableRandom(2026), inbound, outbound,
            CryptoProvider.fromName(provider));
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            spokeToHub[spoke].close();
        }
        // The hub lists its spokes by tunnel address and made their SAs in the order they registered (a storm's arrival
        // order), so the list visits the SAs in no order memory follows: here a seeded shuffle of them.
        final long[] list = new long[spokes];
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            list[spoke - 1] = HubTables.multicastPeer(spoke, HairpinTraffic.nbma(spoke));
        }
        final SplittableRandom order = new SplittableRandom(7);
        for (int i = list.length - 1; i > 0; i--)
        {
            final int j = order.nextInt(i + 1);
            final long swap = list[i];
            list[i] = list[j];
            list[j] = swap;
        }
        tables.multicastPeers(list);
        final HubConfig config = HubConfig.builder(HairpinTraffic.HUB_NBMA).tunnelKey(HairpinTraffic.KEY).backPressure(false).build();
        dataplane = new Dataplane(slab, tables, config, Dataplane.ThreadingMode.RUN_TO_COMPLETION, 1, 1024);
        dataplane.workers()[0].touchKeyState(touchKeyState);
        tx = dataplane.txRings()[0];
    }

    /** The hello as the control plane builds it, in a slot of its own. */
    private int hello()
    {
        final int slot = slab.allocate();
        final UnsafeBuffer buffer = slab.buffer();
        final int at = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        final int length = Ipv4Flyweight.MIN_HEADER_LENGTH + payload;
        buffer.setMemory(at + Ipv4Flyweight.MIN_HEADER_LENGTH, payload, (byte)0x11);
        ip.wrap(buffer, at, length).writeHeader(0xC0, length, 0, 0, 1, 88, HairpinTraffic.HUB_TUNNEL, GROUP);
        slab.data(slot, at, length);
        return slot;
    }

    @Benchmark
    public long replicateToEverySpoke()
    {
        final WorkerCounters counters = dataplane.workers()[0].counters();
        final long before = counters.copies();
        if (!dataplane.injectMulticast(hello()))
        {
            throw new IllegalStateException("the multicast ring refused a packet while idle");
        }
        int work;
        do
        {
            nowNs += 1000;
            work = dataplane.doWork(nowNs);
            final int sent = tx.pollBatch(drained, drained.length);
            for (int i = 0; i < sent; i++)
            {
                slab.release((int)drained[i]);
            }
        }
        while (work > 0);
        return counters.copies() - before;
    }

    @TearDown
    public void tearDown()
    {
        final WorkerCounters totals = dataplane.totals();
        if (!dataplane.conserved() || totals.dropped() != 0 || totals.copies() != totals.multicastPackets() * spokes)
        {
            throw new IllegalStateException("replication lost count or frames: " + totals.multicastPackets() + " packets, " +
                totals.copies() + " copies, " + totals.transmitted() + " transmitted, " + totals.dropped() + " dropped");
        }
        if (slab.freeSlots() != slab.slots())
        {
            throw new IllegalStateException("slot leak: " + (slab.slots() - slab.freeSlots()) + " slots not returned");
        }
    }
}
