package net.dmvpnhub.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Quiescent-state tracking for memory the single writer retires while readers may still hold it
 * (the FIB's tbl8 groups, a table's old arrays): the idea of DPDK's rte_rcu_qsbr, in Java.
 * <p>
 * Each dataplane reader owns a slot and, once per duty cycle between batches (when it holds no
 * reference into a table), calls {@link #quiescent(int)}, which records the writer epoch it has
 * seen. The writer calls {@link #retire()} when it unlinks something and may reuse it once
 * {@link #isSafe(long)} says every reader passed a quiescent point since. Readers that are idle
 * can {@link #offline(int)} so they never hold the writer back. Slots are padded apart so
 * readers do not share cache lines.
 */
public final class ReaderEpochs
{
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PAD = 16;
    /** A reader that is offline holds nothing and never blocks reclamation. */
    public static final long OFFLINE = Long.MAX_VALUE;

    private final long[] slots;
    private final int capacity;
    private volatile long epoch = 1;
    private int registered;

    /**
     * @param maxReaders the most reader threads that will register.
     */
    public ReaderEpochs(final int maxReaders)
    {
        this.capacity = maxReaders;
        this.slots = new long[(maxReaders + 2) * PAD];
        Arrays.fill(slots, OFFLINE);
    }

    /**
     * Registers a reader (writer thread, at start-up).
     *
     * @return its slot, to pass to {@link #quiescent} and {@link #offline}.
     */
    public synchronized int register()
    {
        if (registered == capacity)
        {
            throw new IllegalStateException("more than " + capacity + " readers registered");
        }
        final int slot = registered++;
        SLOTS.setVolatile(slots, index(slot), epoch);
        return slot;
    }

    private static int index(final int slot)
    {
        return (slot + 1) * PAD;
    }

    /**
     * The reader holds no reference into any table: it has seen the current epoch.
     */
    public void quiescent(final int slot)
    {
        SLOTS.setRelease(slots, index(slot), epoch);
    }

    /**
     * The reader goes idle and holds nothing until its next {@link #quiescent}.
     */
    public void offline(final int slot)
    {
        SLOTS.setRelease(slots, index(slot), OFFLINE);
    }

    /**
     * Writer: something was just unlinked; it may be reused when {@link #isSafe} of the
     * returned ticket is true.
     */
    public long retire()
    {
        final long ticket = epoch;
        epoch = ticket + 1;
        return ticket + 1;
    }

    /**
     * @return true once every registered reader has been quiescent at or after {@code ticket}.
     */
    public boolean isSafe(final long ticket)
    {
        for (int slot = 0; slot < registered; slot++)
        {
            if ((long)SLOTS.getAcquire(slots, index(slot)) < ticket)
            {
                return false;
            }
        }
        return true;
    }
}
