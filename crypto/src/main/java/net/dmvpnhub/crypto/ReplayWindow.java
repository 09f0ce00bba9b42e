package net.dmvpnhub.crypto;

/**
 * The anti-replay window of an inbound SA (RFC 4303 section 3.4.3), with extended sequence
 * numbers (Appendix A2) and the block-ring bitmap of RFC 6479, so advancing the window clears
 * whole 64-bit words instead of shifting the bitmap.
 * <p>
 * Use it in two steps, as RFC 4303 requires: {@link #check(long)} before the ICV is verified
 * (cheap rejection of replays, and inference of the high sequence bits the ICV needs), then
 * {@link #update(long)} only after the ICV verified, so a forged packet cannot move the window.
 * Single-threaded: one window belongs to the one thread that owns its SA.
 */
public final class ReplayWindow
{
    /** Returned by {@link #check} for a sequence number left of the window. */
    public static final long TOO_OLD = -1;
    /** Returned by {@link #check} for a sequence number already received. */
    public static final long DUPLICATE = -2;
    /** Returned by {@link #check} for sequence number 0 (without ESN it is never sent). */
    public static final long ZERO = -3;

    public static final int DEFAULT_SIZE = 64;
    public static final int MAX_SIZE = 4096;

    private final int size;
    private final boolean extended;
    private final long[] blocks;
    private final int blockMask;
    private long top;

    /**
     * @param size window size in packets: a power of two from 64 to 4096.
     * @param extendedSequenceNumbers true when the SA uses 64-bit ESN.
     */
    public ReplayWindow(final int size, final boolean extendedSequenceNumbers)
    {
        if (size < DEFAULT_SIZE || size > MAX_SIZE || Integer.bitCount(size) != 1)
        {
            throw new IllegalArgumentException("anti-replay window size must be a power of two from 64 to 4096, not " + size);
        }
        this.size = size;
        this.extended = extendedSequenceNumbers;
        // One spare block beyond the window, so the block being filled never holds live bits.
        final int blockCount = Integer.highestOneBit(size / 64) * 2;
        this.blocks = new long[blockCount];
        this.blockMask = blockCount - 1;
    }

    /**
     * Reads the window's top and the block its next packet most likely falls in (see
     * {@link SecurityAssociation#touch(int)}).
     */
    long touch()
    {
        return top + blocks[(int)((top + 1) >>> 6) & blockMask];
    }

    public int size()
    {
        return size;
    }

    /**
     * @return the highest sequence number accepted so far (0 before the first).
     */
    public long top()
    {
        return top;
    }

    /**
     * Starts the window afresh with {@code sequence} as the highest number received and nothing
     * else seen: for an SA whose peer does not start at 1 (an SA carried over from elsewhere, or
     * a test of ESN rollover).
     */
    public void reset(final long sequence)
    {
        java.util.Arrays.fill(blocks, 0);
        top = sequence;
    }

    /**
     * Pre-check of a received packet.
     *
     * @param sequenceLow the 32-bit sequence number field of the packet, unsigned.
     * @return the full (64-bit with ESN) sequence number to authenticate and then pass to
     * {@link #update}, or {@link #TOO_OLD}, {@link #DUPLICATE} or {@link #ZERO}.
     */
    public long check(final long sequenceLow)
    {
        final long sequence = extended ? inferFullSequence(sequenceLow) : sequenceLow;
        if (sequence == TOO_OLD)
        {
            return TOO_OLD;
        }
        if (sequence == 0)
        {
            return ZERO;
        }
        if (Long.compareUnsigned(sequence, top) > 0)
        {
            return sequence;
        }
        if (top - sequence >= size)
        {
            return TOO_OLD;
        }
        return (blocks[(int)(sequence >>> 6) & blockMask] & 1L << sequence) != 0 ? DUPLICATE : sequence;
    }

    /**
     * RFC 4303 Appendix A2.2: guess the high 32 bits from where the low bits fall relative to
     * the window's bottom.
     *
     * @return the full sequence number, or {@link #TOO_OLD} for one from before the first subspace.
     */
    private long inferFullSequence(final long sequenceLow)
    {
        final long topLow = top & 0xFFFF_FFFFL;
        final long topHigh = top >>> 32;
        final long bottomLow = topLow - size + 1 & 0xFFFF_FFFFL;
        final long high;
        if (topLow >= size - 1)
        {
            // Case A: the window lies within one 2^32 subspace.
            high = sequenceLow >= bottomLow ? topHigh : topHigh + 1;
        }
        else
        {
            // Case B: the window spans two subspaces.
            high = sequenceLow >= bottomLow ? topHigh - 1 : topHigh;
        }
        return high < 0 ? TOO_OLD : high << 32 | sequenceLow;
    }

    /**
     * Records a sequence number whose ICV verified, advancing the window when it is new.
     *
     * @param sequence a value {@link #check} returned, not an error code.
     */
    public void update(final long sequence)
    {
        if (Long.compareUnsigned(sequence, top) > 0)
        {
            final long topBlock = top >>> 6;
            final long newBlock = sequence >>> 6;
            final long toClear = Math.min(newBlock - topBlock, blocks.length);
            for (long i = 1; i <= toClear; i++)
            {
                blocks[(int)(topBlock + i) & blockMask] = 0;
            }
            top = sequence;
        }
        blocks[(int)(sequence >>> 6) & blockMask] |= 1L << sequence;
    }
}
