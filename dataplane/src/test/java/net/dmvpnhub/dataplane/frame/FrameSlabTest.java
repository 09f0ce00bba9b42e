package net.dmvpnhub.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The slab's slots, their metadata, the shared pool and the per-thread caches. */
class FrameSlabTest
{
    private static final int SLOT = FrameSlabDescriptor.DEFAULT_SLOT_SIZE;

    @Test
    void eachSlotKeepsItsOwnMetadata()
    {
        final FrameSlab slab = new FrameSlab(8, SLOT);
        final int a = slab.allocate();
        final int b = slab.allocate();
        assertEquals(a * SLOT + FrameSlabDescriptor.HEADROOM, slab.offset(a), "a new slot's data starts at the headroom");
        assertEquals(0, slab.length(a));
        slab.data(a, slab.base(a) + 40, 1400);
        slab.receivedNs(a, 123_456_789_012L);
        slab.ingress(a, 0xC613_0001);
        slab.data(b, slab.base(b) + 7, 0);
        slab.receivedNs(b, -1);
        slab.ingress(b, -2);
        assertEquals(slab.base(a) + 40, slab.offset(a));
        assertEquals(1400, slab.length(a));
        assertEquals(123_456_789_012L, slab.receivedNs(a));
        assertEquals(0xC613_0001, slab.ingress(a));
        assertEquals(slab.base(b) + 7, slab.offset(b));
        assertEquals(0, slab.length(b));
        assertEquals(-1, slab.receivedNs(b));
        assertEquals(-2, slab.ingress(b));
        assertEquals((a + 1) * SLOT, slab.limit(a));
    }

    @Test
    void receiveCopiesAtTheHeadroomAndRefusesWhatDoesNotFit()
    {
        final FrameSlab slab = new FrameSlab(4, SLOT);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[SLOT]);
        for (int i = 0; i < 100; i++)
        {
            packet.putByte(i, (byte)i);
        }
        final int slot = slab.receive(packet, 0, 100, 42);
        assertEquals(slab.base(slot) + FrameSlabDescriptor.HEADROOM, slab.offset(slot));
        assertEquals(100, slab.length(slot));
        assertEquals(42, slab.receivedNs(slot));
        assertEquals(99, slab.buffer().getByte(slab.offset(slot) + 99));
        assertEquals(-1, slab.receive(packet, 0, SLOT - FrameSlabDescriptor.HEADROOM + 1, 0), "too long for a slot");
        assertEquals(3, slab.freeSlots(), "a refused packet takes no slot");
    }

    @Test
    void aCacheRefillsAndSpillsInBatchesAndItsSlotsCountAsFree()
    {
        final FrameSlab slab = new FrameSlab(256, SLOT);
        final FrameSlab.SlotCache cache = slab.newCache();
        final int first = slab.allocate(cache);
        assertTrue(first >= 0);
        assertEquals(FrameSlab.CACHE_BATCH - 1, cache.size(), "an empty cache takes a batch from the pool");
        assertEquals(255, slab.freeSlots());
        slab.release(cache, first);
        assertEquals(256, slab.freeSlots());
        // Take every slot through the cache, then give them all back through it.
        final int[] held = new int[256];
        held[0] = slab.allocate(cache);
        for (int i = 1; i < 256; i++)
        {
            held[i] = slab.allocate(cache);
            assertTrue(held[i] >= 0, "slot " + i);
        }
        assertEquals(-1, slab.allocate(cache), "cache and pool both empty");
        assertEquals(0, slab.freeSlots());
        for (int i = 0; i < 256; i++)
        {
            slab.release(cache, held[i]);
            assertTrue(cache.size() <= FrameSlab.CACHE_CAPACITY);
        }
        assertEquals(256, slab.freeSlots());
        assertEquals(FrameSlab.CACHE_CAPACITY, cache.size());
        assertEquals(0, slab.newCache().size(), "a new cache is empty");
    }

    @Test
    void aSlotGivenBackToAFullPoolWasReleasedTwice()
    {
        final FrameSlab slab = new FrameSlab(4, SLOT);
        assertEquals("slot 0 released twice: the pool is already full",
            assertThrows(IllegalStateException.class, () -> slab.release(0)).getMessage());
    }

    @Test
    void aCacheSlotIsTheShapeOfAFreshSlot()
    {
        final FrameSlab slab = new FrameSlab(64, SLOT);
        final FrameSlab.SlotCache cache = slab.newCache();
        final int slot = slab.allocate(cache);
        slab.data(slot, slab.base(slot) + 5, 300);
        slab.receivedNs(slot, 99);
        slab.release(cache, slot);
        final int again = slab.allocate(cache);
        assertEquals(slot, again, "last in, first out: the slot comes back warm");
        assertEquals(slab.base(again) + FrameSlabDescriptor.HEADROOM, slab.offset(again));
        assertEquals(0, slab.length(again));
        assertEquals(0, slab.receivedNs(again));
    }

    /**
     * Threads with caches of their own take slots and pass them to each other, as a source and
     * two workers with handoff do: no slot is ever held twice and none is lost.
     */
    @Test
    void threadsWithCachesNeverShareASlotAndLoseNone() throws Exception
    {
        final FrameSlab slab = new FrameSlab(512, SLOT);
        final AtomicIntegerArray holder = new AtomicIntegerArray(512);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] threads = new Thread[3];
        for (int t = 0; t < threads.length; t++)
        {
            final int id = t + 1;
            threads[t] = new Thread(() ->
            {
                final FrameSlab.SlotCache cache = slab.newCache();
                final int[] held = new int[100];
                try
                {
                    for (int round = 0; round < 20_000; round++)
                    {
                        int n = 0;
                        while (n < held.length)
                        {
                            final int slot = slab.allocate(cache);
                            if (slot < 0)
                            {
                                break;
                            }
                            if (!holder.compareAndSet(slot, 0, id))
                            {
                                throw new AssertionError("slot " + slot + " handed out while held by " + holder.get(slot));
                            }
                            held[n++] = slot;
                        }
                        for (int i = 0; i < n; i++)
                        {
                            holder.set(held[i], 0);
                            // Half go back through the shared pool, as slots another thread frees without a cache.
                            if ((i & 1) == 0)
                            {
                                slab.release(cache, held[i]);
                            }
                            else
                            {
                                slab.release(held[i]);
                            }
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads[t].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(512, slab.freeSlots(), "every slot is free again, in the pool or a cache");
    }
}
