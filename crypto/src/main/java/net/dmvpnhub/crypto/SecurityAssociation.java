package net.dmvpnhub.crypto;

import java.util.Arrays;

/**
 * One IPsec ESP security association: identity, transform, keys (inside its {@link EspEngine}),
 * sequence state, lifetimes and counters.
 * <p>
 * Single writer: the dataplane thread that owns the SA processes its packets and updates its
 * sequence number, window and counters with plain writes. Other threads (show commands, the
 * control plane deciding to rekey) read the counters and the expiry flags, which may lag by a
 * few packets; the flags are volatile so a rekey decision is seen promptly.
 */
public final class SecurityAssociation implements AutoCloseable
{
    /** Which way packets cross the SA. */
    public enum Direction
    {
        INBOUND, OUTBOUND
    }

    /** Transport mode carries GRE (next header 47), tunnel mode carries IPv4 (next header 4). */
    public enum Mode
    {
        TRANSPORT(47), TUNNEL(4);

        private final int nextHeader;

        Mode(final int nextHeader)
        {
            this.nextHeader = nextHeader;
        }

        public int nextHeader()
        {
            return nextHeader;
        }
    }

    /**
     * Packet and byte lifetimes; 0 means no limit. Reaching a soft limit asks for a rekey,
     * reaching a hard limit ends the SA.
     */
    public record Lifetime(long softPackets, long hardPackets, long softBytes, long hardBytes)
    {
        public static final Lifetime UNLIMITED = new Lifetime(0, 0, 0, 0);

        public Lifetime
        {
            if (softPackets < 0 || hardPackets < 0 || softBytes < 0 || hardBytes < 0)
            {
                throw new IllegalArgumentException("SA lifetimes cannot be negative: " + softPackets + ", " + hardPackets + ", " +
                    softBytes + ", " + hardBytes);
            }
        }
    }

    private final int spi;
    private final Direction direction;
    private final Mode mode;
    private final boolean extendedSequenceNumbers;
    private final Lifetime lifetime;
    private final EspEngine engine;
    private final ReplayWindow replayWindow;
    private final int peerAddress;
    private final int localAddress;

    long nextSequence = 1;
    long packets;
    long bytes;
    final long[] drops = new long[EspStatus.values().length];
    private volatile boolean softExpired;
    private volatile boolean hardExpired;

    /**
     * An SA bound to no addresses: {@link EspProcessor} checks no address selector for it. For
     * tests and tools that process ESP packets without their outer header.
     *
     * @param replayWindowSize anti-replay window of an inbound SA (a power of two, 64 to 4096).
     */
    public SecurityAssociation(
        final int spi,
        final Direction direction,
        final Mode mode,
        final boolean extendedSequenceNumbers,
        final int replayWindowSize,
        final Lifetime lifetime,
        final EspEngine engine)
    {
        this(spi, direction, mode, extendedSequenceNumbers, replayWindowSize, lifetime, engine, 0, 0);
    }

    /**
     * @param replayWindowSize anti-replay window of an inbound SA (a power of two, 64 to 4096).
     * @param peerAddress the other end's (NBMA) address, as the key exchange saw it: an inbound
     * packet must come from it, an outbound one goes to it; 0 for any.
     * @param localAddress this end's address: an inbound packet must be sent to it; 0 for any.
     */
    public SecurityAssociation(
        final int spi,
        final Direction direction,
        final Mode mode,
        final boolean extendedSequenceNumbers,
        final int replayWindowSize,
        final Lifetime lifetime,
        final EspEngine engine,
        final int peerAddress,
        final int localAddress)
    {
        this.peerAddress = peerAddress;
        this.localAddress = localAddress;
        this.spi = spi;
        this.direction = direction;
        this.mode = mode;
        this.extendedSequenceNumbers = extendedSequenceNumbers;
        this.lifetime = lifetime;
        this.engine = engine;
        this.replayWindow = direction == Direction.INBOUND ? new ReplayWindow(replayWindowSize, extendedSequenceNumbers) : null;
    }

    /**
     * An SA with a new engine from {@code provider}, window 64, no lifetime limits, bound to no
     * addresses (see the constructor).
     */
    public static SecurityAssociation create(
        final CryptoProvider provider,
        final Transform transform,
        final byte[] keyMaterial,
        final int spi,
        final Direction direction,
        final boolean extendedSequenceNumbers)
    {
        return create(provider, transform, keyMaterial, spi, direction, extendedSequenceNumbers, 0, 0);
    }

    /**
     * An SA with a new engine from {@code provider}, window 64, no lifetime limits, between
     * {@code localAddress} and {@code peerAddress} (transport mode: its selectors are the two
     * addresses and protocol GRE).
     */
    public static SecurityAssociation create(
        final CryptoProvider provider,
        final Transform transform,
        final byte[] keyMaterial,
        final int spi,
        final Direction direction,
        final boolean extendedSequenceNumbers,
        final int peerAddress,
        final int localAddress)
    {
        return new SecurityAssociation(spi, direction, Mode.TRANSPORT, extendedSequenceNumbers, ReplayWindow.DEFAULT_SIZE,
            Lifetime.UNLIMITED, provider.newEngine(transform, keyMaterial, extendedSequenceNumbers, direction == Direction.OUTBOUND),
            peerAddress, localAddress);
    }

    public int spi()
    {
        return spi;
    }

    public Direction direction()
    {
        return direction;
    }

    public Mode mode()
    {
        return mode;
    }

    public Transform transform()
    {
        return engine.transform();
    }

    public boolean extendedSequenceNumbers()
    {
        return extendedSequenceNumbers;
    }

    public Lifetime lifetime()
    {
        return lifetime;
    }

    /**
     * @return the other end's address (0: not bound).
     */
    public int peerAddress()
    {
        return peerAddress;
    }

    /**
     * @return this end's address (0: not bound).
     */
    public int localAddress()
    {
        return localAddress;
    }

    /**
     * RFC 4301 section 5.2, step 4 for a transport-mode SA: whether a packet that came in on it
     * came from the SA's peer to its local address (an address the SA is not bound to matches any).
     */
    public boolean selectorsMatch(final int source, final int destination)
    {
        return (peerAddress == 0 || source == peerAddress) && (localAddress == 0 || destination == localAddress);
    }

    public EspEngine engine()
    {
        return engine;
    }

    /**
     * @return the inbound anti-replay window, or null for an outbound SA.
     */
    public ReplayWindow replayWindow()
    {
        return replayWindow;
    }

    /**
     * Reads what processing a packet on this SA will read: its own fields, the anti-replay
     * window of an inbound SA and the engine's key state ({@link EspEngine#touchKeyState(int)}).
     * A stage calls it for a whole vector of frames before the first cipher call, so that with
     * thousands of SAs their cache misses overlap instead of stalling one packet after another.
     *
     * @param bytes about how many bytes the packet will have encrypted or decrypted.
     * @return a value derived from what was read, for the caller to keep so the reads stay.
     */
    public long touch(final int bytes)
    {
        final long window = direction == Direction.INBOUND ? replayWindow.touch() : 0;
        return nextSequence + window + engine.touchKeyState(bytes);
    }

    /**
     * @return the sequence number the next outbound packet gets.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Starts the outbound sequence elsewhere than 1 (tests of exhaustion and ESN rollover).
     */
    public void nextSequence(final long sequence)
    {
        nextSequence = sequence;
    }

    /**
     * @return packets processed successfully.
     */
    public long packets()
    {
        return packets;
    }

    /**
     * @return payload bytes (inner packets) processed successfully.
     */
    public long bytes()
    {
        return bytes;
    }

    /**
     * @return packets dropped for {@code reason}.
     */
    public long drops(final EspStatus reason)
    {
        return drops[reason.ordinal()];
    }

    /**
     * @return all drops, whatever the reason.
     */
    public long totalDrops()
    {
        return Arrays.stream(drops).sum();
    }

    /**
     * @return true once a soft lifetime was reached: the control plane should rekey.
     */
    public boolean isSoftExpired()
    {
        return softExpired;
    }

    /**
     * @return true once a hard lifetime or the sequence space was used up: packets are dropped.
     */
    public boolean isHardExpired()
    {
        return hardExpired;
    }

    /**
     * Ends the SA (a hard expiry, or the end of a rekey overlap).
     */
    public void expire()
    {
        hardExpired = true;
    }

    void account(final int payloadBytes)
    {
        final long packets = ++this.packets;
        final long bytes = this.bytes += payloadBytes;
        final Lifetime lifetime = this.lifetime;
        if (lifetime != Lifetime.UNLIMITED)
        {
            checkLifetime(packets, bytes, lifetime);
        }
    }

    private void checkLifetime(final long packets, final long bytes, final Lifetime lifetime)
    {
        if (!softExpired && (reached(packets, lifetime.softPackets()) || reached(bytes, lifetime.softBytes())))
        {
            softExpired = true;
        }
        if (reached(packets, lifetime.hardPackets()) || reached(bytes, lifetime.hardBytes()))
        {
            hardExpired = true;
        }
    }

    private static boolean reached(final long value, final long limit)
    {
        return limit != 0 && value >= limit;
    }

    EspStatus drop(final EspStatus reason)
    {
        drops[reason.ordinal()]++;
        return reason;
    }

    @Override
    public void close()
    {
        engine.close();
    }

    @Override
    public String toString()
    {
        return "SA spi=0x" + Integer.toHexString(spi) + " " + direction + " " + transform() + (extendedSequenceNumbers ? " esn" : "") +
            " via " + engine.provider();
    }
}
