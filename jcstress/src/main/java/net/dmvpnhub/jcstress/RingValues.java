package net.dmvpnhub.jcstress;

import net.dmvpnhub.dataplane.ring.MpmcIntPool;

/**
 * Values the ring and pool tests pass, and how their outcomes spell them. A ring value is
 * {@code k * 0x1_0000_0001} for a small k, so both halves of the long carry k: a torn read
 * (halves of two writes), a slot never written (0) or a value nobody sent decodes to 9, never
 * to a k. Sequences of values are written as the digits of their k in order (1, 2, 3 taken
 * reads 123; none reads 0).
 */
final class RingValues
{
    /** Left in the ring's slots before a test starts (it must never be read again). */
    static final int STALE = 7;
    /** Anything that is not a value some producer wrote. */
    static final int GARBAGE = 9;

    private static final long PATTERN = 0x1_0000_0001L;

    private RingValues()
    {
    }

    static long value(final int k)
    {
        return k * PATTERN;
    }

    static int decode(final long value)
    {
        final long k = value / PATTERN;
        return value % PATTERN == 0 && k >= 1 && k <= STALE ? (int)k : GARBAGE;
    }

    /**
     * @return the digits of {@code values[0..count)} appended to {@code digits}.
     */
    static int append(final int digits, final long[] values, final int count)
    {
        int result = digits;
        for (int i = 0; i < count; i++)
        {
            result = result * 10 + decode(values[i]);
        }
        return result;
    }

    /**
     * @return {@code k} appended to {@code digits} as one more digit (9 for anything not 1 to 8).
     */
    static int appendInt(final int digits, final int k)
    {
        return digits * 10 + (k >= 1 && k <= 8 ? k : GARBAGE);
    }

    /**
     * @return the value as one digit, 0 for empty (-1), 9 for anything not 1 to 8.
     */
    static int taken(final int value)
    {
        return value == -1 ? 0 : appendInt(0, value);
    }

    /**
     * @return the values left in the pool as digits in the order they come out (at most 8).
     */
    static int drain(final MpmcIntPool pool)
    {
        int left = 0;
        for (int value = pool.poll(), n = 0; value != -1 && n < 8; value = pool.poll(), n++)
        {
            left = appendInt(left, value);
        }
        return left;
    }
}
