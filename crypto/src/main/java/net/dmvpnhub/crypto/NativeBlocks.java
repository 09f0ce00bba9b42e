package net.dmvpnhub.crypto;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Fixed-size, 64-byte aligned blocks of native memory for the OpenSSL engines' per-SA fields,
 * carved from chunks that live as long as the process, and handed out again once freed. A freed
 * block is zeroed (the salt and any key bytes with it) before it is reused.
 * <p>
 * Why not an arena per SA: a shared arena's close makes every Java thread stop at a handshake
 * (the dataplane workers included) and cost about 30 us per SA here, so a 10,000-spoke hub that
 * withdraws SAs (NBMA moves, expiry, rekey) stalled its own forwarding; a confined arena cannot
 * be closed by another thread. Blocks cost a lock on the control plane's rate and nothing on the
 * packet path. The pool grows to the most SAs alive at once and keeps that memory.
 * <p>
 * Thread-safe.
 */
final class NativeBlocks
{
    /** Linux's transparent huge pages are 2 MiB on x86-64 and the usual AArch64 kernels. */
    static final long HUGE_PAGE = 2L * 1024 * 1024;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MADVISE = libc("madvise", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle ALIGNED_ALLOC = libc("aligned_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));

    private final int blockSize;
    private final int blocksPerChunk;
    private final boolean hugePages;
    private long[] free = new long[64];
    private int freeCount;
    private long chunks;

    /**
     * @param blockSize bytes per block, a multiple of 64.
     * @param blocksPerChunk blocks allocated together when the pool runs dry.
     */
    NativeBlocks(final int blockSize, final int blocksPerChunk)
    {
        this(blockSize, blocksPerChunk, false);
    }

    /**
     * @param hugePages chunks aligned to {@link #HUGE_PAGE} and advised to the kernel as huge-page
     * memory (madvise MADV_HUGEPAGE), so that blocks touched at random, as 10,000 spokes' key
     * state is, cost one TLB entry per 2 MiB instead of one per 4 KiB; a kernel that will not
     * give huge pages leaves them ordinary pages.
     */
    NativeBlocks(final int blockSize, final int blocksPerChunk, final boolean hugePages)
    {
        if (blockSize <= 0 || blockSize % 64 != 0 || blocksPerChunk <= 0)
        {
            throw new IllegalArgumentException("blockSize must be a positive multiple of 64 and blocksPerChunk positive: " + blockSize +
                ", " + blocksPerChunk);
        }
        this.blockSize = blockSize;
        this.blocksPerChunk = blocksPerChunk;
        this.hugePages = hugePages;
    }

    /** @return the address of a zeroed block of the pool's block size, 64-byte aligned. */
    synchronized long allocate()
    {
        if (freeCount == 0)
        {
            grow();
        }
        return free[--freeCount];
    }

    /** Zeroes the block at {@code address} (from {@link #allocate}) and takes it back. */
    synchronized void release(final long address)
    {
        new UnsafeBuffer(address, blockSize).setMemory(0, blockSize, (byte)0);
        if (freeCount == free.length)
        {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = address;
    }

    /** Grows the pool until at least {@code blocks} blocks are free, so that a storm of new SAs finds its memory ready. */
    synchronized void reserve(final int blocks)
    {
        while (freeCount < blocks)
        {
            grow();
        }
    }

    /** Blocks allocated from the operating system so far, in use or free. */
    synchronized long capacity()
    {
        return chunks * blocksPerChunk;
    }

    /** Blocks free to hand out. */
    synchronized int available()
    {
        return freeCount;
    }

    private void grow()
    {
        // Arena.global(): never freed, so no close and no handshake; allocate() zeroes it.
        final long length = (long)blockSize * blocksPerChunk;
        final long base;
        if (hugePages)
        {
            base = hugePageChunk((length + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
        }
        else
        {
            base = Arena.global().allocate(length, 64).address();
        }
        if (free.length < freeCount + blocksPerChunk)
        {
            free = Arrays.copyOf(free, Math.max(free.length * 2, freeCount + blocksPerChunk));
        }
        // Highest address first onto the stack, so blocks go out in address order.
        for (int i = blocksPerChunk - 1; i >= 0; i--)
        {
            free[freeCount++] = base + (long)i * blockSize;
        }
        chunks++;
    }

    /**
     * A chunk aligned to a huge page, advised as huge-page memory before its first touch (the
     * kernel decides the page size when a page is first written), then zeroed. Never freed, as
     * the global arena's chunks. Falls back to the global arena where libc lacks aligned_alloc.
     */
    private static long hugePageChunk(final long length)
    {
        if (MADVISE != null && ALIGNED_ALLOC != null)
        {
            try
            {
                final long address = (long)ALIGNED_ALLOC.invokeExact(HUGE_PAGE, length);
                if (address != 0)
                {
                    final int ignored = (int)MADVISE.invokeExact(address, length, MADV_HUGEPAGE);
                    new UnsafeBuffer(address, (int)length).setMemory(0, (int)length, (byte)0);
                    return address;
                }
            }
            catch (final Throwable ex)
            {
                // Advice only: ordinary pages work the same, a little slower.
            }
        }
        return Arena.global().allocate(length, HUGE_PAGE).address();
    }

    private static MethodHandle libc(final String name, final FunctionDescriptor descriptor)
    {
        try
        {
            final Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor)).orElse(null);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }
}
