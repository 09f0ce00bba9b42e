package net.dmvpnhub.dataplane.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded multi-producer multi-consumer queue of ints (Dmitry Vyukov's array queue with a
 * sequence number per cell): the free-slot pool of the frame slab, which the frame source, every
 * worker and the control plane take from and give back to. No allocation.
 *
 * <p>Full and empty are reported only when they are true: a cell claimed by another thread but not
 * yet released (or published) makes the caller spin until it is, as JCTools' MpmcArrayQueue does,
 * because a spurious "full" would lose a slot on release and a spurious "empty" would drop a frame
 * for want of a slot. That wait is the price of exactness: the pool is not lock-free in the strict
 * sense while a claiming thread is descheduled between its two steps.
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
                // The cell still holds the value from one lap ago. Full only if no consumer has
                // claimed it yet; a consumer that has claimed it is about to release the cell, so
                // wait for that rather than report a full pool that is not full.
                if (position - (mask + 1) >= (long)COUNTER.getVolatile(dequeue))
                {
                    return false;
                }
                Thread.onSpinWait();
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
                // Not yet filled for this lap. Empty only if no producer has claimed the cell; a
                // producer that has claimed it is about to publish, so wait for that.
                if (position >= (long)COUNTER.getVolatile(enqueue))
                {
                    return -1;
                }
                Thread.onSpinWait();
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
