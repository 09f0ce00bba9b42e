package net.dmvpnhub.dataplane;

/**
 * At most one event per key per interval, in a direct-mapped table: a flood of hairpinned packets
 * between two spokes costs one array probe each and raises one redirect signal per interval. Two
 * keys that share a slot may each let an extra event through; none is ever suppressed forever.
 * Owned by one worker thread.
 */
public final class PairRateLimiter
{
    private final long[] keys;
    private final long[] lastNs;
    private final boolean[] used;
    private final int mask;
    private final long intervalNs;

    /**
     * @param slots a power of two: more slots, fewer collisions.
     */
    public PairRateLimiter(final int slots, final long intervalNs)
    {
        if (Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("slots must be a power of two, not " + slots);
        }
        keys = new long[slots];
        lastNs = new long[slots];
        used = new boolean[slots];
        mask = slots - 1;
        this.intervalNs = intervalNs;
    }

    /**
     * @return true when the event for {@code key} may go now (and records it).
     */
    public boolean tryAcquire(final long key, final long nowNs)
    {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        final int slot = (int)(h ^ h >>> 32) & mask;
        if (used[slot] && keys[slot] == key && nowNs - lastNs[slot] < intervalNs)
        {
            return false;
        }
        used[slot] = true;
        keys[slot] = key;
        lastNs[slot] = nowNs;
        return true;
    }
}
