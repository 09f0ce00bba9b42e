package net.dmvpnhub.dataplane;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PairRateLimiterTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void oneEventPerKeyPerInterval()
    {
        final PairRateLimiter limiter = new PairRateLimiter(16, SECOND);
        final long start = -5 * SECOND;
        assertTrue(limiter.tryAcquire(42, start));
        assertFalse(limiter.tryAcquire(42, start + 1));
        assertFalse(limiter.tryAcquire(42, start + SECOND - 2));
        assertTrue(limiter.tryAcquire(7, start + 10), "another key is not held back by the first");
        assertTrue(limiter.tryAcquire(42, start + SECOND + 1), "the interval has passed");
        assertFalse(limiter.tryAcquire(42, start + SECOND + 2));
        assertEquals(0, limiter.overflows());
    }

    @Test
    void keyZeroAndTimeZeroAreOrdinary()
    {
        final PairRateLimiter limiter = new PairRateLimiter(4, SECOND);
        assertTrue(limiter.tryAcquire(0, 0));
        assertFalse(limiter.tryAcquire(0, 0));
        assertFalse(limiter.tryAcquire(0, SECOND - 2));
        assertTrue(limiter.tryAcquire(0, SECOND));
    }

    @Test
    void zeroIntervalLetsEveryEventThrough()
    {
        final PairRateLimiter limiter = new PairRateLimiter(8, 0);
        for (int i = 0; i < 10; i++)
        {
            assertTrue(limiter.tryAcquire(3, 100));
        }
    }

    /** The fault of the direct-mapped table this replaced: keys sharing a place evicted each other on every packet. */
    @Test
    void keysSharingASetDoNotEvictEachOther()
    {
        final PairRateLimiter limiter = new PairRateLimiter(64, SECOND);
        final long[] keys = keysInOneSet(limiter, PairRateLimiter.WAYS);
        long now = 1;
        for (int pass = 0; pass < 100; pass++)
        {
            for (final long key : keys)
            {
                assertEquals(pass == 0, limiter.tryAcquire(key, now++), "pass " + pass + " key " + key);
            }
        }
        assertEquals(0, limiter.overflows());
    }

    @Test
    void aFullSetLetsTheNewKeyThroughAndKeepsItsKeys()
    {
        final PairRateLimiter limiter = new PairRateLimiter(64, SECOND);
        final long[] keys = keysInOneSet(limiter, PairRateLimiter.WAYS + 1);
        long now = 1;
        for (int way = 0; way < PairRateLimiter.WAYS; way++)
        {
            assertTrue(limiter.tryAcquire(keys[way], now++));
        }
        final long extra = keys[PairRateLimiter.WAYS];
        for (int pass = 0; pass < 5; pass++)
        {
            assertTrue(limiter.tryAcquire(extra, now++), "a key with no room is never held back");
            for (int way = 0; way < PairRateLimiter.WAYS; way++)
            {
                assertFalse(limiter.tryAcquire(keys[way], now++), "the set's keys stay suppressed");
            }
        }
        assertEquals(5, limiter.overflows());
        // Once the residents' interval is over, the newcomer takes an expired way and is held back in turn.
        now = SECOND + 10;
        assertTrue(limiter.tryAcquire(extra, now++));
        assertFalse(limiter.tryAcquire(extra, now++));
        assertEquals(5, limiter.overflows());
    }

    /**
     * The forwarding benchmarks' traffic: 4,096 random spoke pairs cycled ten times within one
     * interval. A pair that found room is let through once; the few that found their set full
     * (a fifth key) are let through every time, unrecorded, and counted.
     */
    @Test
    void manyPairsWithinOneIntervalRaiseAboutOneEventEach()
    {
        final PairRateLimiter limiter = new PairRateLimiter(1 << 14, SECOND);
        final SplittableRandom random = new SplittableRandom(2026);
        final int pairs = 4096;
        final int passes = 10;
        final long[] keys = new long[pairs];
        for (int i = 0; i < pairs; i++)
        {
            keys[i] = (0xC612_0000L | 1 + random.nextInt(10_000)) << 32 | 0x0A00_0000L | 1 + random.nextInt(10_000);
        }
        final Map<Long, Integer> allowed = new HashMap<>();
        long now = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            for (final long key : keys)
            {
                now += SECOND / (passes * pairs + 1);
                if (limiter.tryAcquire(key, now))
                {
                    allowed.merge(key, 1, Integer::sum);
                }
            }
        }
        assertTrue(now < SECOND);
        assertEquals(Arrays.stream(keys).distinct().count(), allowed.size(), "every pair is let through at least once");
        final long unrecorded = allowed.values().stream().filter(times -> times != 1).count();
        for (final int times : allowed.values())
        {
            assertTrue(times == 1 || times == passes, "a pair let through " + times + " times");
        }
        assertEquals(unrecorded * passes, limiter.overflows());
        assertTrue(unrecorded < pairs / 100, unrecorded + " of " + pairs + " pairs found no room");
    }

    @Test
    void badSizesAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new PairRateLimiter(2, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new PairRateLimiter(24, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new PairRateLimiter(16, -1));
        assertEquals(16, new PairRateLimiter(16, SECOND).slots());
    }

    private static long[] keysInOneSet(final PairRateLimiter limiter, final int count)
    {
        final int target = limiter.setOf(1);
        final List<Long> found = new ArrayList<>();
        for (long key = 1; found.size() < count; key++)
        {
            if (limiter.setOf(key) == target)
            {
                found.add(key);
            }
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }
}
