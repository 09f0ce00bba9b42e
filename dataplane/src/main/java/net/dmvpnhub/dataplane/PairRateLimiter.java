package net.dmvpnhub.dataplane;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * At most one event per key per interval, so that a flood of hairpinned packets between two spokes
 * raises one redirect signal per interval and costs one probe of one cache line per packet.
 * <p>
 * A 4-way set-associative table, off-heap, one 64-byte cache line per set (four keys, then their
 * four times). A key is looked for in its set only. A new key takes a free or expired way; when
 * all four ways of its set hold keys still inside their interval, the new key's event goes
 * through and is not recorded ({@link #overflows()} counts these), so the keys already there stay
 * suppressed and none is ever suppressed forever. A direct-mapped table, the first version of this
 * class, let two keys that shared a slot evict each other on every packet: with 4,096 active pairs
 * in 4,096 slots, 63% of hairpinned packets raised a signal instead of one per pair per interval.
 * <p>
 * Owned by one thread.
 */
public final class PairRateLimiter
{
    /** Keys (and times) in one set: one 64-byte cache line of eight longs. */
    public static final int WAYS = 4;
    private static final int SET_BYTES = 2 * WAYS * Long.BYTES;
    private static final long EMPTY = 0;

    private final UnsafeBuffer table;
    private final int setMask;
    private final long intervalNs;
    private long overflows;

    /**
     * @param slots entries in all, a power of two of at least {@link #WAYS}: sized for the keys
     * active within one interval (with a quarter of the slots' number of keys active, about one set
     * in 270 has a fifth).
     */
    public PairRateLimiter(final int slots, final long intervalNs)
    {
        if (Integer.bitCount(slots) != 1 || slots < WAYS)
        {
            throw new IllegalArgumentException("slots must be a power of two of at least " + WAYS + ", not " + slots);
        }
        if (intervalNs < 0)
        {
            throw new IllegalArgumentException("intervalNs must not be negative, not " + intervalNs);
        }
        final int sets = slots / WAYS;
        table = new UnsafeBuffer(BufferUtil.allocateDirectAligned(sets * SET_BYTES, SET_BYTES));
        setMask = sets - 1;
        this.intervalNs = intervalNs;
    }

    /**
     * @return true when the event for {@code key} may go now (and records it unless its set is full
     * of keys still inside their interval).
     */
    public boolean tryAcquire(final long key, final long nowNs)
    {
        final int base = setOf(key) * SET_BYTES;
        // A stored time is never 0 (the low bit is set), so 0 marks a free way.
        final long stamp = nowNs | 1;
        int free = -1;
        for (int way = 0; way < WAYS; way++)
        {
            final long at = table.getLong(base + (WAYS + way) * Long.BYTES);
            if (at == EMPTY)
            {
                if (free < 0)
                {
                    free = way;
                }
                continue;
            }
            final boolean live = stamp - at < intervalNs;
            if (table.getLong(base + way * Long.BYTES) == key)
            {
                if (live)
                {
                    return false;
                }
                table.putLong(base + (WAYS + way) * Long.BYTES, stamp);
                return true;
            }
            if (!live && free < 0)
            {
                free = way;
            }
        }
        if (free < 0)
        {
            overflows++;
            return true;
        }
        table.putLong(base + free * Long.BYTES, key);
        table.putLong(base + (WAYS + free) * Long.BYTES, stamp);
        return true;
    }

    /** The set that holds {@code key}. */
    int setOf(final long key)
    {
        final long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int)(h >>> 32 ^ h) & setMask;
    }

    /** Events let through unrecorded because their set was full of live keys. */
    public long overflows()
    {
        return overflows;
    }

    /** Entries in all. */
    public int slots()
    {
        return (setMask + 1) * WAYS;
    }
}
