package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.bench.fixtures.HairpinTraffic;

import net.dmvpnhub.crypto.CryptoProvider;
import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.frame.FrameSlabDescriptor;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import net.dmvpnhub.nhrp.SimulatedIke;
import net.dmvpnhub.nhrp.hub.NhrpBinding;
import net.dmvpnhub.nhrp.hub.NhrpServer;
import net.dmvpnhub.nhrp.hub.NhrpTraffic;
import net.dmvpnhub.nhrp.hub.NhsConfig;
import net.dmvpnhub.nhrp.hub.RegistrationListener;
import net.dmvpnhub.trafficgen.spoke.AddressPlan;
import net.dmvpnhub.nhrp.hub.Hub;
import net.dmvpnhub.nhrp.hub.HubSpec;
import net.dmvpnhub.trafficgen.spoke.NhcMessages;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.nhrp.Nhrp;
import net.dmvpnhub.wire.nhrp.NhrpPacketWriter;
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

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Steady churn: Registration Requests per second the NHS sustains with {@code spokes} spokes
 * registered. One op is one request handled end to end by the NHS: taken off the punt ring,
 * validated and parsed, the cache updated, the binding published to the peer table (and, for a
 * new binding, the spoke's LAN route to the FIB, through the tables' one writer), the Registration
 * Reply built in a slab slot and queued on the injection ring. What the dataplane does around it
 * (ESP decrypt of the request, encrypt of the reply) is not in the op: it is the dataplane's, and
 * {@link net.dmvpnhub.bench.runners.StormRun} measures the two together.
 * <p>
 * The requests are the spokes' own bytes ({@link NhcMessages}), put on the punt ring as the worker
 * leaves them after decryption and decapsulation (slot data = the NHRP packet, ingress = the
 * sender's NBMA address). The mix, drawn once from a seed:
 * <ul>
 *   <li>{@value #REFRESH_PERCENT}%: refreshes, the registered spokes in turn (each re-registers at a
 *   third of its holding time in a real network);</li>
 *   <li>{@value #MOVE_PERCENT}%: a registered spoke changes its NBMA address (dynamic address,
 *   no-unique mode): simulated IKE from the new address (the NHS derives keys and builds an SA
 *   pair), then a registration from it; the NHS moves the binding and withdraws the old
 *   address's SAs;</li>
 *   <li>{@value #NEW_PERCENT}%: a new registration from one of {@code transients} short-lived spokes,
 *   asking for a 1 s holding time; the NHS's timer wheel expires it (entry, binding and LAN route
 *   removed) long before that spoke registers again.</li>
 * </ul>
 * With {@code mix = refresh}, every request is a refresh.
 * <p>
 * The NHS's clock is simulated: {@code stepNs} per request (10 us: as if it served 100,000 per
 * second), so expiry and the once-a-second harvest of the dataplane's used marks run at the rate
 * they would at that load. {@value #OPS} requests per invocation and per NHS duty cycle, as a
 * loaded NHS takes them from its ring. The trial ends by checking that every request was
 * answered, none refused or ignored, and every spoke is bound to its current address; it prints
 * the mix the NHS counted.
 * <p>
 * Allocation ({@code -prof gc}): the NHS is control-plane code and allocates on cache changes and
 * in simulated IKE; a refresh should allocate little.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class NhsChurnBenchmark
{
    static final int OPS = 64;
    static final int REFRESH_PERCENT = 94;
    static final int MOVE_PERCENT = 5;
    static final int NEW_PERCENT = 1;
    static final int HUB_TUNNEL = Ipv4Address.parse("10.0.0.1");
    static final int TUNNEL_PREFIX_LENGTH = 16;
    /** NBMA addresses: registered spokes' first (A) and second (B), transients'. */
    static final int FIRST_NBMA_A = Ipv4Address.parse("198.18.1.0");
    static final int FIRST_NBMA_B = Ipv4Address.parse("198.19.0.0");
    static final int FIRST_NBMA_TRANSIENT = Ipv4Address.parse("198.19.192.0");
    static final int TRANSIENT_HOLDING_TIME_S = 1;
    /** The NHS's timer wheel tick: an expiry comes up to about two ticks late. */
    private static final long NHS_TICK_NS = 1L << 30;
    private static final int EVENTS = 1 << 16;
    private static final byte REFRESH = 0;
    private static final byte MOVE = 1;
    private static final byte NEW = 2;
    private static final int PACKET_STRIDE = 128;

    /** Registered spokes. */
    @Param("10000")
    public int spokes;
    /** Short-lived spokes that register anew and expire. */
    @Param("8192")
    public int transients;
    /**
     * {@code churn}: the mix above; {@code refresh}: refreshes only, to tell what a refresh alone
     * costs and allocates.
     */
    @Param({"churn", "refresh"})
    public String mix;
    /** The NHS's simulated time per request. */
    @Param("10000")
    public long stepNs;

    private FrameSlab slab;
    private Dataplane dataplane;
    private NhrpServer nhs;
    private SpscLongRing punt;
    private SpscLongRing inject;
    private SpscLongRing ikeRequests;
    private SpscLongRing ikeReplies;
    private UnsafeBuffer packets;
    private int[] packetLength;
    private byte[] kinds;
    private int[] side;
    private AddressPlan plan;
    private long nowNs = 1_000_000_000L;
    private int eventCursor;
    private int refreshCursor;
    private int moveCursor;
    private int moveStride;
    private int transientCursor;
    private int nextSpokeSpi = 0x4000_0000;
    private long requests;
    private long replies;
    private final long[] drained = new long[1024];
    private final long[] pair = new long[2];

    @Setup
    public void setUp()
    {
        if (!"churn".equals(mix) && !"refresh".equals(mix))
        {
            throw new IllegalArgumentException("mix must be churn or refresh, not " + mix);
        }
        if (transients * 100L / NEW_PERCENT * stepNs < 3L * NHS_TICK_NS + TRANSIENT_HOLDING_TIME_S * 1_000_000_000L)
        {
            throw new IllegalArgumentException("transients re-register before they expire: more transients or a longer step");
        }
        plan = AddressPlan.forSpokes(spokes + transients);
        final SimulatedIke ike = new SimulatedIke(CryptoProvider.OPENSSL, HairpinTraffic.TRANSFORM,
            "churn benchmark".getBytes(StandardCharsets.US_ASCII), false);
        final NhsConfig config = NhsConfig.phase3(HairpinTraffic.HUB_NBMA, HUB_TUNNEL, TUNNEL_PREFIX_LENGTH);
        final Hub hub = new Hub(HubSpec.of(HairpinTraffic.config(), config)
            .withSizing(HubSpec.Sizing.SMALL.withPeers(2 * spokes + transients).withFrames(2048, 4096).withLanPrefixLength(plan.lanPrefixLength())),
            ike, () -> nowNs, RegistrationListener.NONE);
        slab = hub.slab();
        dataplane = hub.dataplane();
        plan.lans(hub.routing(), spokes + transients);
        nhs = hub.server();
        punt = dataplane.nhrpPuntRings()[0];
        inject = dataplane.injectFor(0);
        ikeRequests = nhs.ikeRequests();
        ikeReplies = nhs.ikeReplies();

        // Requests: each registered spoke from A and from B (no-unique: its address is dynamic), each transient once.
        final NhcMessages messages = new NhcMessages(null, config.mtu());
        final NhrpPacketWriter writer = new NhrpPacketWriter();
        packets = new UnsafeBuffer(BufferUtil.allocateDirectAligned((2 * spokes + transients) * PACKET_STRIDE, 64));
        packetLength = new int[2 * spokes + transients];
        for (int p = 0; p < packetLength.length; p++)
        {
            writer.wrap(packets, p * PACKET_STRIDE, PACKET_STRIDE);
            final boolean transientSpoke = p >= 2 * spokes;
            final int index = transientSpoke ? p - spokes : p >> 1;
            packetLength[p] = messages.registrationRequest(writer, false, p + 1, packetNbma(p), plan.tunnel(index), HUB_TUNNEL,
                transientSpoke ? TRANSIENT_HOLDING_TIME_S : config.holdingTimeS());
        }
        final SplittableRandom random = new SplittableRandom(2026);
        kinds = new byte[EVENTS];
        for (int e = 0; e < EVENTS; e++)
        {
            final int draw = "refresh".equals(mix) ? 0 : random.nextInt(100);
            kinds[e] = draw < REFRESH_PERCENT ? REFRESH : draw < REFRESH_PERCENT + MOVE_PERCENT ? MOVE : NEW;
        }
        side = new int[spokes];
        moveStride = coprimeStride(spokes);

        // Every spoke does IKE from its first address, every transient from its own; the registered spokes register.
        for (int i = 0; i < spokes + transients; i++)
        {
            while (!ikeRequests.offer((long)(i < spokes ? packetNbma(2 * i) : packetNbma(spokes + i)) << 32 | nextSpokeSpi++ & 0xFFFF_FFFFL))
            {
                cycle();
            }
        }
        for (int i = 0; i < spokes; i++)
        {
            if (punt.size() >= OPS)
            {
                cycle();
            }
            punt(2 * i);
        }
        while (ikeRequests.size() > 0 || punt.size() > 0)
        {
            cycle();
        }
        cycle();
        if (nhs.cacheSize() != spokes || replies != requests)
        {
            throw new IllegalStateException("set-up: " + nhs.cacheSize() + " of " + spokes + " spokes registered, " + replies + " replies to " +
                requests + " requests");
        }
    }

    /** The NBMA address packet {@code p} comes from. */
    private int packetNbma(final int p)
    {
        return p >= 2 * spokes ? FIRST_NBMA_TRANSIENT + p - 2 * spokes : ((p & 1) == 0 ? FIRST_NBMA_A : FIRST_NBMA_B) + (p >> 1);
    }

    /** A stride through the spokes that visits each once per lap and never the same twice in a row. */
    private static int coprimeStride(final int n)
    {
        int stride = Math.max(1, (int)(n * 0.618));
        while (gcd(stride, n) != 1)
        {
            stride++;
        }
        return stride;
    }

    private static int gcd(final int a, final int b)
    {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int registrations()
    {
        for (int k = 0; k < OPS; k++)
        {
            nowNs += stepNs;
            final byte kind = kinds[eventCursor++ & EVENTS - 1];
            if (kind == REFRESH)
            {
                final int s = refreshCursor;
                refreshCursor = s + 1 == spokes ? 0 : s + 1;
                punt(2 * s + side[s]);
            }
            else if (kind == MOVE)
            {
                final int s = moveCursor;
                moveCursor = (int)((moveCursor + (long)moveStride) % spokes);
                side[s] ^= 1;
                final int packet = 2 * s + side[s];
                if (!ikeRequests.offer((long)packetNbma(packet) << 32 | nextSpokeSpi++ & 0xFFFF_FFFFL))
                {
                    throw new IllegalStateException("IKE ring full");
                }
                punt(packet);
            }
            else
            {
                final int t = transientCursor;
                transientCursor = t + 1 == transients ? 0 : t + 1;
                punt(2 * spokes + t);
            }
        }
        return cycle();
    }

    /** A request onto the punt ring, as the worker leaves it after decryption and decapsulation. */
    private void punt(final int packet)
    {
        final int slot = slab.allocate();
        if (slot < 0)
        {
            throw new IllegalStateException("slab exhausted");
        }
        final int offset = slab.base(slot) + FrameSlabDescriptor.HEADROOM + FrameSlabDescriptor.TUNNEL_HEADERS;
        slab.buffer().putBytes(offset, packets, packet * PACKET_STRIDE, packetLength[packet]);
        slab.data(slot, offset, packetLength[packet]);
        slab.ingress(slot, packetNbma(packet));
        if (!punt.offer(slot))
        {
            throw new IllegalStateException("punt ring full");
        }
        requests++;
    }

    /**
     * One NHS duty cycle, then what the spoke side and the worker would take: IKE answers, the
     * injected replies (their slots freed, not encrypted), and the worker's quiescent point, after
     * which the NHS may close the SAs it withdrew.
     */
    private int cycle()
    {
        final int work = nhs.doWork();
        final int answered = ikeReplies.pollBatch(drained, drained.length);
        for (int i = 0; i < answered; i++)
        {
            if ((int)drained[i] == 0)
            {
                throw new IllegalStateException("the NHS refused IKE: no SA id left");
            }
        }
        while (inject.pollPair(pair))
        {
            slab.release((int)pair[0]);
            replies++;
        }
        dataplane.doWork(nowNs);
        return work;
    }

    /** The NHS's counters (tests). */
    NhrpTraffic traffic()
    {
        return nhs.traffic();
    }

    @TearDown
    public void tearDown()
    {
        cycle();
        final NhrpTraffic t = nhs.traffic();
        String problem = null;
        if (replies != requests)
        {
            problem = replies + " replies to " + requests + " requests";
        }
        long ignored = 0;
        for (final NhrpTraffic.Ignored reason : NhrpTraffic.Ignored.values())
        {
            ignored += t.ignored(reason);
        }
        final long naks = t.admissionNaks() + t.naksSent(Nhrp.CIE_ALREADY_REGISTERED) + t.naksSent(Nhrp.CIE_ADMINISTRATIVELY_PROHIBITED);
        if (ignored != 0 || naks != 0)
        {
            problem = ignored + " packets ignored, " + naks + " NAKs";
        }
        for (int s = 0; s < spokes && problem == null; s++)
        {
            final NhrpBinding binding = nhs.binding(plan.tunnel(s));
            if (binding == null || binding.nbma() != packetNbma(2 * s + side[s]))
            {
                problem = "spoke " + s + " is bound to " + (binding == null ? "nothing" : Ipv4Address.toString(binding.nbma())) + ", not " +
                    Ipv4Address.toString(packetNbma(2 * s + side[s]));
            }
        }
        System.out.printf("%n# NhsChurnBenchmark: %d requests in the trial, set-up included: %d refreshed, %d accepted (new or moved), " +
                "%d expired, %d IKE exchanges; %d cache entries at the end%n", requests, t.registrationsRefreshed(), t.registrationsAccepted(),
            t.registrationsExpired(), t.ikeExchanges(), nhs.cacheSize());
        dataplane.close();
        if (problem != null)
        {
            throw new IllegalStateException(problem);
        }
    }
}
