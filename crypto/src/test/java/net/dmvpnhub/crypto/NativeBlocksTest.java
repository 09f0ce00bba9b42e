package net.dmvpnhub.crypto;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

class NativeBlocksTest
{
    @Test
    void blocksAreAlignedDistinctZeroedAndReusedZeroed()
    {
        final NativeBlocks blocks = new NativeBlocks(128, 4);
        final Set<Long> seen = new HashSet<>();
        final long[] taken = new long[10];
        for (int i = 0; i < taken.length; i++)
        {
            taken[i] = blocks.allocate();
            assertEquals(0, taken[i] % 64, "64-byte aligned");
            assertTrue(seen.add(taken[i]), "distinct");
            final UnsafeBuffer block = new UnsafeBuffer(taken[i], 128);
            for (int b = 0; b < 128; b++)
            {
                assertEquals(0, block.getByte(b));
            }
            block.setMemory(0, 128, (byte)0x5A);
        }
        assertEquals(12, blocks.capacity(), "three chunks of four");
        assertEquals(2, blocks.available());
        blocks.release(taken[3]);
        assertEquals(3, blocks.available());
        final long again = blocks.allocate();
        assertEquals(taken[3], again, "the freed block goes out first");
        final UnsafeBuffer reused = new UnsafeBuffer(again, 128);
        for (int b = 0; b < 128; b++)
        {
            assertEquals(0, reused.getByte(b), "a reused block holds nothing of its last owner");
        }
        assertEquals(12, blocks.capacity(), "no new chunk while blocks are free");
    }

    @Test
    void hugePageChunksAreAlignedToTwoMebibytesAndReserveGrowsAhead()
    {
        final NativeBlocks blocks = new NativeBlocks(1024, 2048, true);
        blocks.reserve(3000);
        assertEquals(4096, blocks.capacity(), "two whole chunks of 2,048 blocks");
        assertEquals(4096, blocks.available());
        final long first = blocks.allocate();
        assertEquals(0, first % NativeBlocks.HUGE_PAGE, "a chunk starts on a huge-page boundary");
        final long second = blocks.allocate();
        assertEquals(1024, second - first, "blocks go out in address order");
        blocks.reserve(10);
        assertEquals(4096, blocks.capacity(), "no new chunk while enough blocks are free");
    }

    @Test
    void badSizesAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new NativeBlocks(100, 4));
        assertThrows(IllegalArgumentException.class, () -> new NativeBlocks(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new NativeBlocks(64, 0));
    }

    @Test
    void twoThreadsNeverHoldTheSameBlock() throws InterruptedException
    {
        final NativeBlocks blocks = new NativeBlocks(64, 16);
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        final CountDownLatch start = new CountDownLatch(1);
        final Throwable[] failure = new Throwable[1];
        final Runnable churn = () ->
        {
            try
            {
                start.await();
                for (int i = 0; i < 20_000; i++)
                {
                    final long a = blocks.allocate();
                    final long b = blocks.allocate();
                    assertTrue(held.add(a) && held.add(b), "a block handed out twice");
                    held.remove(a);
                    blocks.release(a);
                    held.remove(b);
                    blocks.release(b);
                }
            }
            catch (final Throwable ex)
            {
                failure[0] = ex;
            }
        };
        final Thread one = new Thread(churn);
        final Thread two = new Thread(churn);
        one.start();
        two.start();
        start.countDown();
        one.join();
        two.join();
        assertNull(failure[0], () -> String.valueOf(failure[0]));
        assertEquals(blocks.capacity(), blocks.available(), "every block back");
    }
}
