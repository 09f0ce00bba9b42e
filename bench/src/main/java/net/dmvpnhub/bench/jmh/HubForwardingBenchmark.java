package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.crypto.EspProcessor;
import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.crypto.SecurityAssociation;
import net.dmvpnhub.crypto.Transform;
import net.dmvpnhub.dataplane.HubConfig;
import net.dmvpnhub.dataplane.HubTables;
import net.dmvpnhub.dataplane.HubWorker;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Flyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The hub's forwarding path per packet, one worker on one thread, for a 10,000-spoke DMVPN:
 * spoke-to-spoke (hairpin) frames as spokes send them (inner IPv4/UDP, GRE key 999, ESP
 * AES-GCM-128 with the sender's SA through the {@code provider} parameter's engines, outer IPv4), each copied into a slab slot as a NIC would
 * deliver it, then decrypt, decap, TTL, LPM, peer lookup, redirect signal (rate-limited), encap,
 * encrypt with the destination's SA, outer header and transmit ring; the transmitted slots are
 * freed.
 * <p>
 * {@code cryptoFloor} measures, in the same run on the same frames, only what the hub cannot
 * avoid, done as well as the hub can: a vector of frames copied in, the SA state of the vector
 * touched ahead as the hub's stages do ({@code touchKeyState}), then for each frame the ESP
 * decrypt with the sender's SA and the ESP encrypt with the destination's SA. The ratio floor /
 * hub says how much of the hub's time is crypto.
 * <p>
 * Frames are pre-encrypted in a ring of {@value #FRAMES}; decryption advances each SA's anti-replay
 * window, so when the ring wraps the windows of its senders are reset (once per
 * {@value #FRAMES} frames, measured as part of the cost). Sizes are inner packet lengths; IMIX is
 * 64/576/1500 bytes 7:4:1.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class HubForwardingBenchmark
{
    public static final int SPOKES = 10_000;
    static final int FRAMES = 4096;
    public static final int BATCH = HubWorker.BATCH;
    private static final int HUB_NBMA = 0xC612_0001;
    private static final long KEY = 999;
    private static final Transform TRANSFORM = Transform.AES_GCM_128;

    @Param({"64", "576", "1400", "IMIX"})
    public String size;

    /**
     * Spokes, each with its SAs, peer entry and routes; frames go between spokes picked at random.
     * 10,000 is the hub's everyday case, where almost every frame meets another SA; 100 keeps every
     * table and key in the nearest caches, the best case.
     */
    @Param({"10000"})
    public int spokes = SPOKES;

    /** The crypto provider of every SA: ipsec-mb (the default where it loads), openssl, jdk or bc. */
    @Param({"ipsec-mb", "openssl"})
    public String provider = CryptoProvider.preferred().shortName();

    /** Whether the hub's decrypt and encrypt stages first touch the vector's key state ({@link HubWorker#touchKeyState(boolean)}). */
    @Param({"true"})
    public boolean touchKeyState = true;

    private FrameSlab slab;
    private HubTables tables;
    private HubWorker worker;
    private SpscLongRing rx;
    private SpscLongRing tx;
    private SpscLongRing[] controlRings;
    private SecurityAssociation[] hubInbound;
    private SecurityAssociation[] hubOutbound;
    private UnsafeBuffer frames;
    private int[] frameOffset;
    private int[] frameLength;
    private int[] frameSender;
    private int[] frameReceiver;
    private int cursor;
    private long nowNs;
    private final long[] drained = new long[256];
    private final EspProcessor esp = new EspProcessor();
    private final EspProcessor floorEsp = new EspProcessor();
    private final int[] floorSlots = new int[BATCH];
    private final int[] floorLengths = new int[BATCH];
    private final SecurityAssociation[] floorInbound = new SecurityAssociation[BATCH];
    private final SecurityAssociation[] floorOutbound = new SecurityAssociation[BATCH];
    private long floorTouched;

    @Setup
    public void setUp()
    {
        slab = new FrameSlab(4096, FrameSlabDescriptor.DEFAULT_SLOT_SIZE);
        tables = new HubTables(spokes, 2);
        rx = new SpscLongRing(1024);
        tx = new SpscLongRing(1024);
        controlRings = new SpscLongRing[]{new SpscLongRing(1024), new SpscLongRing(1024), new SpscLongRing(1024),
            new SpscLongRing(1024), new SpscLongRing(1024)};
        final HubConfig config = HubConfig.builder(HUB_NBMA).tunnelKey(KEY).redirect(true).resolutionIntervalNs(1_000_000_000L)
            .backPressure(false).build();
        worker = new HubWorker(slab, tables, config, rx, tx, controlRings[0], controlRings[1], controlRings[2], controlRings[3],
            controlRings[4]);
        worker.touchKeyState(touchKeyState);

        final SplittableRandom random = new SplittableRandom(2026);
        hubInbound = new SecurityAssociation[spokes + 1];
        hubOutbound = new SecurityAssociation[spokes + 1];
        final SecurityAssociation[] spokeToHub = HairpinTraffic.provision(tables, spokes, random, hubInbound, hubOutbound,
            CryptoProvider.fromName(provider));

        // Pre-encrypt the frames the spokes send, one after another in one direct buffer.
        final int[] imix = {64, 64, 64, 576, 64, 64, 576, 64, 64, 576, 1500, 576};
        frames = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FRAMES * 2048, 64));
        frameOffset = new int[FRAMES];
        frameLength = new int[FRAMES];
        frameSender = new int[FRAMES];
        frameReceiver = new int[FRAMES];
        final EspProcessor builder = new EspProcessor();
        for (int f = 0; f < FRAMES; f++)
        {
            final int sender = 1 + random.nextInt(spokes);
            int receiver = 1 + random.nextInt(spokes - 1);
            if (receiver >= sender)
            {
                receiver++;
            }
            final int innerLength = "IMIX".equals(size) ? imix[f % imix.length] : Integer.parseInt(size);
            final int base = f * 2048;
            final int inner = base + 64;
            new Ipv4Flyweight().wrap(frames, inner, innerLength).writeHeader(0, innerLength, f, 0, 64, Ipv4Flyweight.PROTOCOL_UDP,
                HairpinTraffic.lan(sender) | 10, HairpinTraffic.lan(receiver) | 20);
            frames.putShort(inner + 24, (short)(innerLength - 20), ByteOrder.BIG_ENDIAN);
            new GreFlyweight().wrap(frames, inner - 8, 8 + innerLength).writeHeader(false, GreFlyweight.PROTOCOL_IPV4, KEY, -1);
            if (builder.encrypt(spokeToHub[sender], frames, inner - 8, 8 + innerLength, base + 2048) != EspStatus.OK)
            {
                throw new IllegalStateException("cannot build frame " + f);
            }
            final int outer = builder.espOffset() - 20;
            new Ipv4Flyweight().wrap(frames, outer, 20 + builder.espLength())
                .writeHeader(0, 20 + builder.espLength(), f, 0, 255, Ipv4Flyweight.PROTOCOL_ESP, HairpinTraffic.nbma(sender), HUB_NBMA);
            frameOffset[f] = outer;
            frameLength[f] = 20 + builder.espLength();
            frameSender[f] = sender;
            frameReceiver[f] = receiver;
        }
        for (int spoke = 1; spoke <= spokes; spoke++)
        {
            spokeToHub[spoke].close();
        }
    }

    /** Next frame into a new slot, as a NIC delivers it; resets the senders' windows on wrap. */
    private int receive()
    {
        if (cursor == FRAMES)
        {
            cursor = 0;
            for (int f = 0; f < FRAMES; f++)
            {
                hubInbound[frameSender[f]].replayWindow().reset(0);
            }
        }
        final int f = cursor++;
        return slab.receive(frames, frameOffset[f], frameLength[f], nowNs);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int hub()
    {
        nowNs += 1000;
        for (int i = 0; i < BATCH; i++)
        {
            rx.offer(receive());
        }
        final int processed = worker.doWork(nowNs);
        final int sent = tx.pollBatch(drained, drained.length);
        for (int i = 0; i < sent; i++)
        {
            slab.release((int)drained[i]);
        }
        drainControl();
        return processed;
    }

    private void drainControl()
    {
        // Redirect signals (one per pair per second) and nothing else arrive here; discard them.
        for (final SpscLongRing ring : controlRings)
        {
            ring.pollBatch(drained, drained.length);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int cryptoFloor()
    {
        final int[] slots = floorSlots;
        final SecurityAssociation[] inbound = floorInbound;
        final SecurityAssociation[] outbound = floorOutbound;
        final int[] lengths = floorLengths;
        for (int i = 0; i < BATCH; i++)
        {
            final int f = cursor == FRAMES ? 0 : cursor;
            slots[i] = receive();
            inbound[i] = hubInbound[frameSender[f]];
            outbound[i] = hubOutbound[frameReceiver[f]];
            lengths[i] = frameLength[f];
        }
        if (touchKeyState)
        {
            // As the hub's stages do: the SA state of the whole vector first, so its misses overlap.
            long touched = 0;
            for (int i = 0; i < BATCH; i++)
            {
                touched += inbound[i].touch(lengths[i]) + outbound[i].touch(lengths[i]);
            }
            floorTouched += touched;
        }
        final UnsafeBuffer buffer = slab.buffer();
        int done = 0;
        for (int i = 0; i < BATCH; i++)
        {
            final int slot = slots[i];
            final int start = slab.offset(slot);
            // The outer addresses as the hub reads them, so that the floor checks the SA's selectors as the hub does.
            if (floorEsp.decrypt(inbound[i], buffer, start + 20, slab.length(slot) - 20,
                buffer.getInt(start + Ipv4Flyweight.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN),
                buffer.getInt(start + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN)) == EspStatus.OK &&
                esp.encrypt(outbound[i], buffer, floorEsp.innerOffset(), floorEsp.innerLength(), slab.limit(slot)) == EspStatus.OK)
            {
                done++;
            }
            slab.release(slot);
        }
        return done;
    }

    @TearDown
    public void tearDown()
    {
        if (!worker.counters().conserved() || worker.counters().dropped() != 0)
        {
            throw new IllegalStateException("hub dropped frames or lost count: received " + worker.counters().received() +
                ", transmitted " + worker.counters().transmitted() + ", dropped " + worker.counters().dropped());
        }
        if (slab.freeSlots() != slab.slots())
        {
            throw new IllegalStateException("slot leak: " + (slab.slots() - slab.freeSlots()) + " slots not returned");
        }
    }
}
