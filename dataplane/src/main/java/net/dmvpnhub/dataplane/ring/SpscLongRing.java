package net.dmvpnhub.dataplane.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Single-producer single-consumer bounded ring of longs: frame slot indices between stages,
 * and small control signals (resolution triggers, redirect signals) from the dataplane to the
 * control plane. Lamport's ring with cached indices: the producer reads the consumer's position
 * only when its cached copy says the ring looks full, and the other way round, so in steady
 * state neither touches the other's cache line. Positions are published once per batch.
 * Nothing is allocated.
 *
 * <p>The producer's private fields ({@code producerTail}, {@code cachedHead}) and the consumer's
 * ({@code consumerHead}, {@code cachedTail}) live in padded superclasses (the JVM lays out a
 * superclass's fields first), so they sit on different cache lines: were they to share one, every
 * single offer and poll would invalidate the other core's line.
 */
public final class SpscLongRing extends SpscLongRingConsumerFieldsPad
{
    private static final VarHandle POSITION;
    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            POSITION = MethodHandles.lookup().findVarHandle(Position.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A position on a cache line of its own, so producer and consumer do not share one. */
    static final class Position
    {
        long p01, p02, p03, p04, p05, p06, p07;
        volatile long value;
        long p11, p12, p13, p14, p15, p16, p17;
    }

    private final long[] elements;
    private final int mask;
    private final Position head = new Position();
    private final Position tail = new Position();

    /**
     * @param capacity a power of two.
     */
    public SpscLongRing(final int capacity)
    {
        if (capacity < 2 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring capacity must be a power of two of at least 2, not " + capacity);
        }
        elements = new long[capacity];
        mask = capacity - 1;
    }

    public int capacity()
    {
        return mask + 1;
    }

    /**
     * Producer: adds one value, visible to the consumer at once.
     *
     * @return false when the ring is full.
     */
    public boolean offer(final long value)
    {
        if (!claim(1))
        {
            return false;
        }
        ELEMENTS.set(elements, (int)producerTail & mask, value);
        producerTail++;
        POSITION.setRelease(tail, producerTail);
        return true;
    }

    /**
     * Producer: adds two values that the consumer will take together ({@link #pollPair}).
     *
     * @return false, adding nothing, when fewer than two places are free.
     */
    public boolean offerPair(final long first, final long second)
    {
        if (!claim(2))
        {
            return false;
        }
        ELEMENTS.set(elements, (int)producerTail & mask, first);
        ELEMENTS.set(elements, (int)(producerTail + 1) & mask, second);
        producerTail += 2;
        POSITION.setRelease(tail, producerTail);
        return true;
    }

    /**
     * Producer: adds up to {@code count} values, publishing once.
     *
     * @return how many were added (fewer when the ring filled up).
     */
    public int offerBatch(final long[] values, final int offset, final int count)
    {
        long free = mask + 1 - (producerTail - cachedHead);
        if (free < count)
        {
            cachedHead = (long)POSITION.getAcquire(head);
            free = mask + 1 - (producerTail - cachedHead);
        }
        final int n = (int)Math.min(free, count);
        for (int i = 0; i < n; i++)
        {
            ELEMENTS.set(elements, (int)(producerTail + i) & mask, values[offset + i]);
        }
        if (n > 0)
        {
            producerTail += n;
            POSITION.setRelease(tail, producerTail);
        }
        return n;
    }

    /**
     * Producer: true when at least {@code count} values would fit now (back-pressure checks
     * this before taking work whose results go into the ring).
     */
    public boolean hasRoomFor(final int count)
    {
        return claim(count);
    }

    private boolean claim(final int count)
    {
        if (producerTail - cachedHead > mask + 1 - count)
        {
            cachedHead = (long)POSITION.getAcquire(head);
            return producerTail - cachedHead <= mask + 1 - count;
        }
        return true;
    }

    /**
     * Consumer: takes up to {@code max} values into {@code into}, publishing its position once.
     *
     * @return how many were taken.
     */
    public int pollBatch(final long[] into, final int max)
    {
        long available = cachedTail - consumerHead;
        if (available < max)
        {
            cachedTail = (long)POSITION.getAcquire(tail);
            available = cachedTail - consumerHead;
        }
        final int n = (int)Math.min(available, max);
        for (int i = 0; i < n; i++)
        {
            into[i] = (long)ELEMENTS.get(elements, (int)(consumerHead + i) & mask);
        }
        if (n > 0)
        {
            consumerHead += n;
            POSITION.setRelease(head, consumerHead);
        }
        return n;
    }

    /**
     * Consumer: takes a pair written by {@link #offerPair} into {@code into[0]} and {@code into[1]}.
     *
     * @return false when no pair is waiting.
     */
    public boolean pollPair(final long[] into)
    {
        if (cachedTail - consumerHead < 2)
        {
            cachedTail = (long)POSITION.getAcquire(tail);
            if (cachedTail - consumerHead < 2)
            {
                return false;
            }
        }
        into[0] = (long)ELEMENTS.get(elements, (int)consumerHead & mask);
        into[1] = (long)ELEMENTS.get(elements, (int)(consumerHead + 1) & mask);
        consumerHead += 2;
        POSITION.setRelease(head, consumerHead);
        return true;
    }

    /**
     * @return values waiting, as seen from any thread (an estimate while both sides run).
     */
    public int size()
    {
        return (int)((long)POSITION.getAcquire(tail) - (long)POSITION.getAcquire(head));
    }
}

abstract class SpscLongRingLeadingPad
{
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** Written by the producer only. */
abstract class SpscLongRingProducerFields extends SpscLongRingLeadingPad
{
    long producerTail;
    long cachedHead;
}

abstract class SpscLongRingProducerFieldsPad extends SpscLongRingProducerFields
{
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** Written by the consumer only. */
abstract class SpscLongRingConsumerFields extends SpscLongRingProducerFieldsPad
{
    long consumerHead;
    long cachedTail;
}

abstract class SpscLongRingConsumerFieldsPad extends SpscLongRingConsumerFields
{
    long p20, p21, p22, p23, p24, p25, p26, p27;
}
