package net.dmvpnhub.dataplane.frame;

import net.dmvpnhub.dataplane.ring.MpmcIntPool;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One pre-allocated off-heap slab of fixed-size frame slots, and the pool of free slots. Rings
 * carry slot indices, never frame bytes; every stage edits the slot in place.
 * <p>
 * A slot has one owner at a time: whoever took it from the pool, then whoever received its index
 * through a ring (the ring's release/acquire publication makes the owner's writes visible to the
 * next). The per-slot metadata (data offset and length, receive time, ingress peer) is plain
 * memory read and written only by the owner, one cache line per slot: slots in use by different
 * threads never share a line (with four parallel arrays, neighbouring slots' fields did, and a
 * frame's owner wrote lines another core was writing).
 * <p>
 * Threads that take and give back slots all the time (a NIC's receive side, the workers, the
 * control plane) each use a {@link SlotCache} of their own, as VPP's per-thread buffer caches:
 * slots come from and go back to the thread's cache, which refills from and spills to the shared
 * pool half a cache at a time, so the pool's two contended counters move between cores once per
 * {@value #CACHE_BATCH} slots instead of once per frame, and a slot tends to stay with the thread
 * (and the core) that used it last. Slots in caches count as free ({@link #freeSlots()}).
 */
public final class FrameSlab
{
    /** Slots a cache holds at most. */
    public static final int CACHE_CAPACITY = 64;
    /** Slots a cache takes from or gives to the shared pool at once. */
    public static final int CACHE_BATCH = CACHE_CAPACITY / 2;
    /** Longs of metadata per slot: one 64-byte line (a long[]'s elements start 16 bytes into a line, and a slot's fields fit in 24). */
    private static final int META_SHIFT = 3;
    private static final int DATA = 0;
    private static final int RECEIVED_NS = 1;
    private static final int INGRESS = 2;

    private final ByteBuffer memory;
    private final UnsafeBuffer buffer;
    private final int slotSize;
    private final int slots;
    /** Per slot at {@code slot << META_SHIFT}: data offset (high 32 bits) and length (low), receive time, ingress NBMA. */
    private final long[] meta;
    private final MpmcIntPool free;
    private volatile SlotCache[] caches = new SlotCache[0];

    /**
     * A thread's cache of free slots: at most {@value #CACHE_CAPACITY}, refilled from and spilled
     * to the shared pool {@value #CACHE_BATCH} at a time. One thread uses a cache; others only read
     * how many slots it holds ({@link FrameSlab#freeSlots()}).
     */
    public static final class SlotCache
    {
        private static final VarHandle COUNT;

        static
        {
            try
            {
                COUNT = MethodHandles.lookup().findVarHandle(SlotCache.class, "count", int.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        private final int[] slots = new int[CACHE_CAPACITY];
        private int count;

        private SlotCache()
        {
        }

        /** @return slots held here, as another thread sees it (exact when the owner is idle). */
        public int size()
        {
            return (int)COUNT.getOpaque(this);
        }
    }

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
        this.meta = new long[slots << META_SHIFT];
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
     * Takes a free slot from the shared pool, its data empty at the headroom.
     *
     * @return the slot, or -1 when every slot is in use.
     */
    public int allocate()
    {
        return reset(free.poll());
    }

    /**
     * Takes a free slot from {@code cache} (refilled from the shared pool when empty), its data
     * empty at the headroom.
     *
     * @return the slot, or -1 when the cache is empty and so is the pool.
     */
    public int allocate(final SlotCache cache)
    {
        int count = cache.count;
        if (count == 0)
        {
            while (count < CACHE_BATCH)
            {
                final int slot = free.poll();
                if (slot < 0)
                {
                    break;
                }
                cache.slots[count++] = slot;
            }
            if (count == 0)
            {
                return -1;
            }
        }
        final int slot = cache.slots[--count];
        SlotCache.COUNT.setOpaque(cache, count);
        return reset(slot);
    }

    private int reset(final int slot)
    {
        if (slot >= 0)
        {
            final int m = slot << META_SHIFT;
            meta[m + DATA] = (long)(slot * slotSize + FrameSlabDescriptor.HEADROOM) << 32;
            meta[m + RECEIVED_NS] = 0;
        }
        return slot;
    }

    /**
     * Gives a slot back to the shared pool. The caller must own it and not touch it afterwards.
     */
    public void release(final int slot)
    {
        if (!free.offer(slot))
        {
            throw new IllegalStateException("slot " + slot + " released twice: the pool is already full");
        }
    }

    /**
     * Gives a slot back to {@code cache} (which spills half of itself to the shared pool when
     * full). The caller must own the slot and not touch it afterwards.
     */
    public void release(final SlotCache cache, final int slot)
    {
        int count = cache.count;
        if (count == CACHE_CAPACITY)
        {
            while (count > CACHE_CAPACITY - CACHE_BATCH)
            {
                release(cache.slots[--count]);
            }
        }
        cache.slots[count++] = slot;
        SlotCache.COUNT.setOpaque(cache, count);
    }

    /**
     * A new cache of free slots for one thread, empty; its slots count as free. Up to
     * {@value #CACHE_CAPACITY} free slots may wait in a cache where no other thread can take them
     * (until it spills), so a slab shared by N caching threads should have many times N x
     * {@value #CACHE_CAPACITY} slots (the benchmarks' have thousands); a thread that finds no
     * slot counts it as the slab being full.
     */
    public synchronized SlotCache newCache()
    {
        final SlotCache cache = new SlotCache();
        final SlotCache[] grown = Arrays.copyOf(caches, caches.length + 1);
        grown[caches.length] = cache;
        caches = grown;
        return cache;
    }

    /**
     * @return free slots: in the shared pool and in every cache (exact when their threads are idle).
     */
    public int freeSlots()
    {
        int n = free.size();
        for (final SlotCache cache : caches)
        {
            n += cache.size();
        }
        return n;
    }

    /**
     * @return absolute offset in {@link #buffer()} of the slot's data.
     */
    public int offset(final int slot)
    {
        return (int)(meta[(slot << META_SHIFT) + DATA] >> 32);
    }

    public int length(final int slot)
    {
        return (int)meta[(slot << META_SHIFT) + DATA];
    }

    /**
     * Sets where the slot's data lies (after pushing or popping headers).
     */
    public void data(final int slot, final int offset, final int length)
    {
        meta[(slot << META_SHIFT) + DATA] = (long)offset << 32 | length & 0xFFFF_FFFFL;
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
        return meta[(slot << META_SHIFT) + RECEIVED_NS];
    }

    public void receivedNs(final int slot, final long timeNs)
    {
        meta[(slot << META_SHIFT) + RECEIVED_NS] = timeNs;
    }

    /**
     * @return the NBMA address the frame came from (for hairpin detection and redirects).
     */
    public int ingress(final int slot)
    {
        return (int)meta[(slot << META_SHIFT) + INGRESS];
    }

    public void ingress(final int slot, final int nbma)
    {
        meta[(slot << META_SHIFT) + INGRESS] = nbma;
    }

    /**
     * Copies a received packet into a new slot from the shared pool at the headroom.
     *
     * @return the slot, or -1 when no slot is free or the packet does not fit.
     */
    public int receive(final org.agrona.DirectBuffer source, final int sourceOffset, final int length, final long nowNs)
    {
        return length > slotSize - FrameSlabDescriptor.HEADROOM ? -1 : fill(allocate(), source, sourceOffset, length, nowNs);
    }

    /**
     * Copies a received packet into a new slot from {@code cache} at the headroom.
     *
     * @return the slot, or -1 when no slot is free or the packet does not fit.
     */
    public int receive(final SlotCache cache, final org.agrona.DirectBuffer source, final int sourceOffset, final int length, final long nowNs)
    {
        return length > slotSize - FrameSlabDescriptor.HEADROOM ? -1 : fill(allocate(cache), source, sourceOffset, length, nowNs);
    }

    private int fill(final int slot, final org.agrona.DirectBuffer source, final int sourceOffset, final int length, final long nowNs)
    {
        if (slot >= 0)
        {
            final int m = slot << META_SHIFT;
            final int offset = slot * slotSize + FrameSlabDescriptor.HEADROOM;
            buffer.putBytes(offset, source, sourceOffset, length);
            meta[m + DATA] = (long)offset << 32 | length;
            meta[m + RECEIVED_NS] = nowNs;
        }
        return slot;
    }
}
