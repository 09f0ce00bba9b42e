package net.dmvpnhub.dataplane.frame;

import net.dmvpnhub.dataplane.ring.MpmcIntPool;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One pre-allocated off-heap slab of fixed-size frame slots, and the pool of free slots. Rings
 * carry slot indices, never frame bytes; every stage edits the slot in place.
 * <p>
 * A slot has one owner at a time: whoever took it from the pool, then whoever received its index
 * through a ring (the ring's release/acquire publication makes the owner's writes visible to the
 * next). The per-slot metadata (data offset and length, receive time, ingress peer) is plain
 * arrays read and written only by the owner.
 */
public final class FrameSlab
{
    private final ByteBuffer memory;
    private final UnsafeBuffer buffer;
    private final int slotSize;
    private final int slots;
    private final int[] offsets;
    private final int[] lengths;
    private final long[] receivedNs;
    private final int[] ingress;
    private final MpmcIntPool free;

    /**
     * @param slots a power of two.
     * @param slotSize a multiple of {@link FrameSlabDescriptor#SLOT_ALIGNMENT}, more than the headroom.
     */
    public FrameSlab(final int slots, final int slotSize)
    {
        if (slotSize % FrameSlabDescriptor.SLOT_ALIGNMENT != 0 || slotSize <= FrameSlabDescriptor.HEADROOM + 64)
        {
            throw new IllegalArgumentException("slot size " + slotSize + " must be a multiple of 64 and more than " +
                (FrameSlabDescriptor.HEADROOM + 64));
        }
        if ((long)slots * slotSize > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(slots + " slots of " + slotSize + " bytes exceed 2 GiB");
        }
        this.slots = slots;
        this.slotSize = slotSize;
        this.memory = BufferUtil.allocateDirectAligned(slots * slotSize, FrameSlabDescriptor.SLOT_ALIGNMENT);
        this.buffer = new UnsafeBuffer(memory);
        this.offsets = new int[slots];
        this.lengths = new int[slots];
        this.receivedNs = new long[slots];
        this.ingress = new int[slots];
        this.free = new MpmcIntPool(slots);
        for (int slot = 0; slot < slots; slot++)
        {
            free.offer(slot);
        }
    }

    /**
     * @return the whole slab; slot data lies at {@link #offset(int)}.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public int slotSize()
    {
        return slotSize;
    }

    public int slots()
    {
        return slots;
    }

    /**
     * Takes a free slot, its data empty at the headroom.
     *
     * @return the slot, or -1 when every slot is in use.
     */
    public int allocate()
    {
        final int slot = free.poll();
        if (slot >= 0)
        {
            offsets[slot] = slot * slotSize + FrameSlabDescriptor.HEADROOM;
            lengths[slot] = 0;
            receivedNs[slot] = 0;
        }
        return slot;
    }

    /**
     * Gives a slot back. The caller must own it and not touch it afterwards.
     */
    public void release(final int slot)
    {
        if (!free.offer(slot))
        {
            throw new IllegalStateException("slot " + slot + " released twice: the pool is already full");
        }
    }

    /**
     * @return slots in the free pool.
     */
    public int freeSlots()
    {
        return free.size();
    }

    /**
     * @return absolute offset in {@link #buffer()} of the slot's data.
     */
    public int offset(final int slot)
    {
        return offsets[slot];
    }

    public int length(final int slot)
    {
        return lengths[slot];
    }

    /**
     * Sets where the slot's data lies (after pushing or popping headers).
     */
    public void data(final int slot, final int offset, final int length)
    {
        offsets[slot] = offset;
        lengths[slot] = length;
    }

    /**
     * @return absolute offset of the slot's first byte.
     */
    public int base(final int slot)
    {
        return slot * slotSize;
    }

    /**
     * @return absolute offset just past the slot's last byte.
     */
    public int limit(final int slot)
    {
        return (slot + 1) * slotSize;
    }

    public long receivedNs(final int slot)
    {
        return receivedNs[slot];
    }

    public void receivedNs(final int slot, final long timeNs)
    {
        receivedNs[slot] = timeNs;
    }

    /**
     * @return the NBMA address the frame came from (for hairpin detection and redirects).
     */
    public int ingress(final int slot)
    {
        return ingress[slot];
    }

    public void ingress(final int slot, final int nbma)
    {
        ingress[slot] = nbma;
    }

    /**
     * Copies a received packet into a new slot at the headroom.
     *
     * @return the slot, or -1 when no slot is free or the packet does not fit.
     */
    public int receive(final org.agrona.DirectBuffer source, final int sourceOffset, final int length, final long nowNs)
    {
        if (length > slotSize - FrameSlabDescriptor.HEADROOM)
        {
            return -1;
        }
        final int slot = allocate();
        if (slot >= 0)
        {
            buffer.putBytes(offsets[slot], source, sourceOffset, length);
            lengths[slot] = length;
            receivedNs[slot] = nowNs;
        }
        return slot;
    }
}
