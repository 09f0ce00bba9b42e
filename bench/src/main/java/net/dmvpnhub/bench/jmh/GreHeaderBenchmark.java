package net.dmvpnhub.bench.jmh;

import net.dmvpnhub.wire.DecodeStatus;
import net.dmvpnhub.wire.GreFlyweight;
import net.dmvpnhub.wire.Ipv4Address;
import net.dmvpnhub.wire.Ipv4Flyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Cost of the hub's per-frame GRE header work on the CPU: parsing the outer IPv4 and GRE headers
 * of a frame received from a spoke, and writing the headers of the frame the hub sends on to
 * another spoke.
 * <p>
 * <b>The frame.</b> One pre-allocated buffer per trial holds one frame as the hub receives it from
 * the underlay: a 20-byte outer IPv4 header (spoke A's NBMA address to the hub's, protocol 47, DF),
 * a GRE header with a key (RFC 2890) and, when {@link #greChecksum} is set, a checksum (RFC 2784),
 * then the inner IPv4 packet of {@link #innerPacketLength} bytes (a valid header and a patterned
 * payload). Every address is from 198.18.0.0/15, the range RFC 2544 sets aside for benchmarks.
 * The buffer is an {@link UnsafeBuffer} over a {@code byte[]} or over 64-byte aligned direct memory,
 * per {@link #memory}, as a receive ring could be either.
 * <p>
 * <b>What is measured.</b>
 * <ul>
 *     <li>{@link #parseOuterIpv4AndGre}: outer IPv4 structural validation, header checksum
 *     verification, fragment and protocol checks, GRE validation, GRE checksum verification when the
 *     C bit is set, then the key and protocol type, which go to the {@link Blackhole}. This is the
 *     outer half of {@code TunnelFrameDecoder.decode}, written out here so that the inner packet,
 *     which the hub forwards without looking into, is not part of the figure.</li>
 *     <li>{@link #rewriteGreAndOuterIpv4}: re-encapsulation in place. A new GRE header with the
 *     outgoing tunnel's key (and its checksum over header and payload when C is set), then a new
 *     outer IPv4 header from the hub's NBMA address to the next spoke's, with a fresh
 *     identification, and its header checksum.</li>
 *     <li>{@link #parseAndRewrite}: both, as the hub's forwarding path runs them: the rewrite only
 *     when the parse succeeded and uses the GRE position and length the parse found.</li>
 * </ul>
 * The route and NHRP look-ups that choose the next spoke are not part of it: their result (the
 * peer's NBMA address and the outgoing key) is read from fields of this state, not from constants,
 * so that the JIT cannot fold them into the stores.
 * <p>
 * <b>Why the frame is not restored between invocations.</b> An in-place transform must not measure
 * itself working on its own output. The rewrite is built so that this does not matter: it reads
 * nothing from the header bytes it overwrites. Every field it writes comes from this state (the
 * identification from a counter here, as a sender's would), and the only frame bytes it reads are
 * the inner packet's, for the GRE checksum, which it never changes. So invocation n + 1 does
 * exactly the work of invocation n on the same bytes, and the frame stays valid.
 * {@link #parseAndRewrite} does parse the previous invocation's output from its second invocation
 * on: a frame of the same shape (same header lengths, flags and total length, valid checksums), so
 * the parse takes the same branches over the same bytes; only addresses, key, identification and
 * checksum values differ, and the parse does not branch on those. {@link #setUp()} checks that a
 * rewritten frame parses to what the rewrite wrote, and {@link #tearDown()} that the frame still
 * parses at the end of the trial. The alternatives were rejected: {@code @Setup(Level.Invocation)}
 * takes timestamps and synchronises around every call, which JMH warns swamps a call of a few
 * nanoseconds; restoring the frame inside the benchmark method adds a copy that the hub does not
 * make and that cannot be told apart from the figure.
 * <p>
 * <b>What this is not.</b> The same frame is touched on every call, so it is in L1 cache; a real
 * frame arrives by DMA and may first miss. These are CPU costs with a hot cache: the cost of the
 * code, not of the memory system. Agrona's bounds checks are on, as they are by default.
 * <p>
 * <b>Expected shape.</b> Without the GRE checksum no benchmark reads the payload, so
 * {@link #innerPacketLength} should not matter; with it, parse and rewrite each sum the whole GRE
 * packet once, and the 1400-byte frame shows that cost. Every benchmark should allocate nothing
 * ({@code -prof gc}: gc.alloc.rate.norm about 0 B/op).
 * <p>
 * The JVM flags are fixed here so the result JSON records them: the export Agrona's
 * {@link UnsafeBuffer} needs, permission for JMH's own use of {@code sun.misc.Unsafe} (JDK 24+
 * warns otherwise), a fixed heap, and G1 named so that JVM ergonomics cannot pick another
 * collector on a small machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class GreHeaderBenchmark
{
    /**
     * Where the frame's memory lives.
     */
    public enum Memory
    {
        /** An {@link UnsafeBuffer} over a {@code byte[]}. */
        HEAP,
        /** An {@link UnsafeBuffer} over a direct {@link java.nio.ByteBuffer} aligned to 64 bytes. */
        DIRECT
    }

    /** The hub's NBMA (underlay) address. */
    static final String HUB_NBMA = "198.18.0.1";
    /** Spoke A's NBMA address: the sender of the received frame. */
    static final String SPOKE_A_NBMA = "198.18.0.2";
    /** Spoke B's NBMA address: the peer the hub sends the frame on to. */
    static final String SPOKE_B_NBMA = "198.18.0.3";
    /** A host on the LAN behind spoke A. */
    static final String INNER_SOURCE = "198.19.1.10";
    /** A host on the LAN behind spoke B. */
    static final String INNER_DESTINATION = "198.19.2.10";
    static final long INGRESS_KEY = 1001;
    static final long EGRESS_KEY = 2002;
    static final int OUTER_TTL = 64;
    static final int NO_SEQUENCE = -1;
    static final int FRAME_OFFSET = 0;
    static final int CACHE_LINE = 64;

    @Param
    public Memory memory;

    /**
     * Bytes of the inner IPv4 packet (header and payload) that GRE carries.
     */
    @Param({ "64", "1400" })
    public int innerPacketLength;

    /**
     * Whether the GRE header carries a checksum (C bit) over the GRE header and payload, on the
     * received frame and on the rewritten one alike.
     */
    @Param({ "false", "true" })
    public boolean greChecksum;

    private final Ipv4Flyweight outer = new Ipv4Flyweight();
    private final GreFlyweight gre = new GreFlyweight();
    private final Ipv4Flyweight inner = new Ipv4Flyweight();

    private MutableDirectBuffer buffer;
    private int greHeaderLength;
    private int greOffset;
    private int greLength;
    private int frameLength;

    // What the route and NHRP look-ups would return: fields, not constants, so they are loaded.
    private int hubNbma;
    private int peerNbma;
    private long egressKey;
    private int egressTtl;
    private int identification;

    @Setup(Level.Trial)
    public void setUp()
    {
        greHeaderLength = GreFlyweight.BASE_HEADER_LENGTH + (greChecksum ? 4 : 0) + 4;
        greOffset = FRAME_OFFSET + Ipv4Flyweight.MIN_HEADER_LENGTH;
        greLength = greHeaderLength + innerPacketLength;
        frameLength = Ipv4Flyweight.MIN_HEADER_LENGTH + greLength;

        final int capacity = BitUtil.align(FRAME_OFFSET + frameLength, CACHE_LINE);
        buffer = memory == Memory.DIRECT ?
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, CACHE_LINE)) :
            new UnsafeBuffer(new byte[capacity]);

        hubNbma = Ipv4Address.parse(HUB_NBMA);
        peerNbma = Ipv4Address.parse(SPOKE_B_NBMA);
        egressKey = EGRESS_KEY;
        egressTtl = OUTER_TTL;
        identification = 0;

        // Check once that the frame parses, that a rewrite produces what it should and that the
        // result parses too; then start the trial from the received frame.
        writeReceivedFrame();
        final DecodeStatus received = parse();
        check(received == DecodeStatus.OK, "received frame does not parse: " + received);
        check(gre.key() == INGRESS_KEY, "received key " + gre.key());
        check(gre.protocolType() == GreFlyweight.PROTOCOL_IPV4, "received protocol " + gre.protocolType());
        check(gre.payloadLength() == innerPacketLength, "received GRE payload " + gre.payloadLength());

        check(writeEgressHeaders(greOffset, greLength) == FRAME_OFFSET, "rewritten frame moved");
        final DecodeStatus rewritten = parse();
        check(rewritten == DecodeStatus.OK, "rewritten frame does not parse: " + rewritten);
        check(gre.key() == EGRESS_KEY, "rewritten key " + gre.key());
        check(outer.source() == hubNbma && outer.destination() == peerNbma, "rewritten addresses");
        check(outer.totalLength() == frameLength, "rewritten total length " + outer.totalLength());

        writeReceivedFrame();
        identification = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        final DecodeStatus status = parse();
        check(status == DecodeStatus.OK, "frame no longer parses after the trial: " + status);
        check(gre.payloadLength() == innerPacketLength, "GRE payload after the trial " + gre.payloadLength());
        // The direct buffer is not freed: the aligned one is a slice, which the cleaner refuses,
        // and the fork ends after its one trial.
    }

    /**
     * Outer IPv4 and GRE of a received frame, validated and checksums verified; status, key and
     * protocol type go to the {@link Blackhole}.
     */
    @Benchmark
    public void parseOuterIpv4AndGre(final Blackhole bh)
    {
        final DecodeStatus status = parse();
        bh.consume(status);
        if (status == DecodeStatus.OK)
        {
            bh.consume(gre.key());
            bh.consume(gre.protocolType());
        }
    }

    /**
     * A new GRE header (outgoing key, checksum when C is set) and a new outer IPv4 header (hub to
     * spoke B, checksum included) written over the frame's. The stores go to the state's buffer,
     * which outlives the call, so they cannot be removed; nothing needs to be returned.
     */
    @Benchmark
    public void rewriteGreAndOuterIpv4()
    {
        writeEgressHeaders(greOffset, greLength);
    }

    /**
     * Parse, then rewrite where the parse found the GRE packet, as the forwarding path does.
     * The incoming key goes to the {@link Blackhole} (a route look-up would use it), and so does
     * the new frame's start, or the status of a frame that is not forwarded.
     */
    @Benchmark
    public void parseAndRewrite(final Blackhole bh)
    {
        final DecodeStatus status = parse();
        if (status == DecodeStatus.OK &&
            gre.protocolType() == GreFlyweight.PROTOCOL_IPV4 &&
            gre.headerLength() == greHeaderLength)
        {
            bh.consume(gre.key());
            bh.consume(writeEgressHeaders(gre.offset(), gre.capacity()));
        }
        else
        {
            bh.consume(status);
        }
    }

    /**
     * Leaves {@link #outer} and {@link #gre} wrapped on the frame.
     */
    private DecodeStatus parse()
    {
        final Ipv4Flyweight outer = this.outer.wrap(buffer, FRAME_OFFSET, frameLength);
        DecodeStatus status = outer.validate();
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        if (!outer.verifyChecksum())
        {
            return DecodeStatus.IPV4_BAD_CHECKSUM;
        }
        if (outer.isFragment())
        {
            return DecodeStatus.IPV4_FRAGMENT;
        }
        if (outer.protocol() != Ipv4Flyweight.PROTOCOL_GRE)
        {
            return DecodeStatus.IPV4_UNEXPECTED_PROTOCOL;
        }

        final GreFlyweight gre = this.gre.wrap(buffer, outer.payloadOffset(), outer.payloadLength());
        status = gre.validate();
        if (status != DecodeStatus.OK)
        {
            return status;
        }
        if (!gre.verifyChecksum())
        {
            return DecodeStatus.GRE_BAD_CHECKSUM;
        }
        return DecodeStatus.OK;
    }

    /**
     * Writes the GRE header of the outgoing tunnel at {@code greOffset}, keeping its length so the
     * payload stays where it is, then the outer IPv4 header right before it. Reads no header byte
     * that it overwrites.
     *
     * @param greOffset where the GRE header starts.
     * @param greLength bytes of the GRE header and payload.
     * @return where the outgoing frame starts.
     */
    private int writeEgressHeaders(final int greOffset, final int greLength)
    {
        final GreFlyweight gre = this.gre.wrap(buffer, greOffset, greLength);
        gre.writeHeader(greChecksum, GreFlyweight.PROTOCOL_IPV4, egressKey, NO_SEQUENCE);
        gre.updateChecksum();

        final int outerOffset = greOffset - Ipv4Flyweight.MIN_HEADER_LENGTH;
        final int totalLength = Ipv4Flyweight.MIN_HEADER_LENGTH + greLength;
        final int identification = (this.identification + 1) & 0xFFFF;
        this.identification = identification;
        outer.wrap(buffer, outerOffset, totalLength).writeHeader(
            0,
            totalLength,
            identification,
            Ipv4Flyweight.FLAG_DONT_FRAGMENT,
            egressTtl,
            Ipv4Flyweight.PROTOCOL_GRE,
            hubNbma,
            peerNbma);

        return outerOffset;
    }

    /**
     * The frame as spoke A sends it: outer IPv4 to the hub, GRE with the ingress key, and an inner
     * IPv4 packet from the LAN behind spoke A to the LAN behind spoke B.
     */
    private void writeReceivedFrame()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0);

        final int innerOffset = greOffset + greHeaderLength;
        for (int i = Ipv4Flyweight.MIN_HEADER_LENGTH; i < innerPacketLength; i++)
        {
            buffer.putByte(innerOffset + i, (byte)(i * 31 + 7));
        }
        inner.wrap(buffer, innerOffset, innerPacketLength).writeHeader(
            0,
            innerPacketLength,
            0x1234,
            Ipv4Flyweight.FLAG_DONT_FRAGMENT,
            63,
            Ipv4Flyweight.PROTOCOL_UDP,
            Ipv4Address.parse(INNER_SOURCE),
            Ipv4Address.parse(INNER_DESTINATION));

        gre.wrap(buffer, greOffset, greLength).writeHeader(greChecksum, GreFlyweight.PROTOCOL_IPV4, INGRESS_KEY, NO_SEQUENCE);
        gre.updateChecksum();

        outer.wrap(buffer, FRAME_OFFSET, frameLength).writeHeader(
            0,
            frameLength,
            0x4321,
            Ipv4Flyweight.FLAG_DONT_FRAGMENT,
            OUTER_TTL,
            Ipv4Flyweight.PROTOCOL_GRE,
            Ipv4Address.parse(SPOKE_A_NBMA),
            Ipv4Address.parse(HUB_NBMA));
    }

    private static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalStateException("GreHeaderBenchmark: " + message);
        }
    }
}
