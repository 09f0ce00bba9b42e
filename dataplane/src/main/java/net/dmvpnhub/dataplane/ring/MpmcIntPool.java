package net.dmvpnhub.dataplane.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded multi-producer multi-consumer queue of ints (Dmitry Vyukov's array queue with a
 * sequence number per cell): the free-slot pool of the frame slab, which the frame source, every
 * worker and the control plane take from and give back to. Lock-free, no allocation.
 */
public final class MpmcIntPool
{
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle COUNTER;

    static
    {
        try
        {
            COUNTER = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A counter alone on its cache line. */
    static final class Counter
    {
        long p01, p02, p03, p04, p05, p06, p07;
        volatile long value;
        long p11, p12, p13, p14, p15, p16, p17;
    }

    private final long[] sequences;
    private final int[] values;
    private final int mask;
    private final Counter enqueue = new Counter();
    private final Counter dequeue = new Counter();

    public MpmcIntPool(final int capacity)
    {
        if (capacity < 2 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("pool capacity must be a power of two of at least 2, not " + capacity);
        }
        sequences = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        for (int i = 0; i < capacity; i++)
        {
            sequences[i] = i;
        }
    }

    /**
     * @return false when full.
     */
    public boolean offer(final int value)
    {
        long position = (long)COUNTER.getOpaque(enqueue);
        while (true)
        {
            final int cell = (int)position & mask;
            final long sequence = (long)SEQUENCES.getAcquire(sequences, cell);
            final long difference = sequence - position;
            if (difference == 0)
            {
                if (COUNTER.weakCompareAndSet(enqueue, position, position + 1))
                {
                    values[cell] = value;
                    SEQUENCES.setRelease(sequences, cell, position + 1);
                    return true;
                }
            }
            else if (difference < 0)
            {
                return false;
            }
            position = (long)COUNTER.getOpaque(enqueue);
        }
    }

    /**
     * @return a value, or -1 when empty.
     */
    public int poll()
    {
        long position = (long)COUNTER.getOpaque(dequeue);
        while (true)
        {
            final int cell = (int)position & mask;
            final long sequence = (long)SEQUENCES.getAcquire(sequences, cell);
            final long difference = sequence - (position + 1);
            if (difference == 0)
            {
                if (COUNTER.weakCompareAndSet(dequeue, position, position + 1))
                {
                    final int value = values[cell];
                    SEQUENCES.setRelease(sequences, cell, position + mask + 1);
                    return value;
                }
            }
            else if (difference < 0)
            {
                return -1;
            }
            position = (long)COUNTER.getOpaque(dequeue);
        }
    }

    /**
     * @return values in the pool (exact when no thread is changing it).
     */
    public int size()
    {
        return (int)((long)COUNTER.getVolatile(enqueue) - (long)COUNTER.getVolatile(dequeue));
    }
}
