package net.dmvpnhub.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A diagnostic for {@link RingBenchmark}, not a dataplane class: the algorithm of
 * {@link net.dmvpnhub.dataplane.ring.SpscLongRing} (offer, offerBatch, pollBatch) line for line,
 * with one change: the producer's own fields ({@code producerTail}, {@code cachedHead}) and the
 * consumer's own fields ({@code consumerHead}, {@code cachedTail}) each sit on a cache line of
 * their own. In {@code SpscLongRing} these four longs are plain fields of one object, so they
 * share a cache line that the producer writes on every offer and the consumer on every poll.
 * Fields of a superclass are laid out before a subclass's, so the padding classes keep them apart.
 */
final class PaddedSpscLongRing extends PaddedRingConsumerFieldsPad
{
    /** A position on a cache line of its own, as in {@code SpscLongRing}. */
    static final class Position
    {
        long p01, p02, p03, p04, p05, p06, p07;
        volatile long value;
        long p11, p12, p13, p14, p15, p16, p17;
    }

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

    private final long[] elements;
    private final int mask;
    private final Position head = new Position();
    private final Position tail = new Position();

    PaddedSpscLongRing(final int capacity)
    {
        if (capacity < 2 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring capacity must be a power of two of at least 2, not " + capacity);
        }
        elements = new long[capacity];
        mask = capacity - 1;
    }

    boolean offer(final long value)
    {
        if (producerTail - cachedHead > mask)
        {
            cachedHead = (long)POSITION.getAcquire(head);
            if (producerTail - cachedHead > mask)
            {
                return false;
            }
        }
        ELEMENTS.set(elements, (int)producerTail & mask, value);
        producerTail++;
        POSITION.setRelease(tail, producerTail);
        return true;
    }

    int offerBatch(final long[] values, final int offset, final int count)
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

    int pollBatch(final long[] into, final int max)
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
}

abstract class PaddedRingLeadingPad
{
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class PaddedRingProducerFields extends PaddedRingLeadingPad
{
    long producerTail;
    long cachedHead;
}

abstract class PaddedRingProducerFieldsPad extends PaddedRingProducerFields
{
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class PaddedRingConsumerFields extends PaddedRingProducerFieldsPad
{
    long consumerHead;
    long cachedTail;
}

abstract class PaddedRingConsumerFieldsPad extends PaddedRingConsumerFields
{
    long p20, p21, p22, p23, p24, p25, p26, p27;
}
