package net.dmvpnhub.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.BitSet;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ReplayWindowTest
{
    /** check then update, as the processor does after a good ICV. */
    private static long accept(final ReplayWindow window, final long sequenceLow)
    {
        final long sequence = window.check(sequenceLow);
        if (sequence >= 0)
        {
            window.update(sequence);
        }
        return sequence;
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 4096})
    void tableOfCases(final int size)
    {
        final ReplayWindow window = new ReplayWindow(size, false);
        assertEquals(ReplayWindow.ZERO, window.check(0));
        assertEquals(1, accept(window, 1));
        assertEquals(ReplayWindow.DUPLICATE, window.check(1));
        assertEquals(size + 10, accept(window, size + 10));
        // Reordered inside the window: accepted once.
        assertEquals(11, accept(window, 11));
        assertEquals(ReplayWindow.DUPLICATE, window.check(11));
        // The window's left edge is top - size + 1.
        assertEquals(ReplayWindow.TOO_OLD, window.check(10));
        assertEquals(12, window.check(12));
        assertEquals(ReplayWindow.TOO_OLD, window.check(1));
        assertEquals(size + 10, window.top());
        // A jump of more than a window forgets everything behind it.
        assertEquals(5L * size, accept(window, 5L * size));
        assertEquals(5L * size - 1, window.check(5L * size - 1));
        assertEquals(ReplayWindow.TOO_OLD, window.check(4L * size));
        // The largest 32-bit sequence number is accepted without ESN.
        assertEquals(0xFFFF_FFFFL, accept(window, 0xFFFF_FFFFL));
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwoFrom64To4096()
    {
        for (final int bad : new int[]{0, 32, 63, 100, 8192})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(bad, false));
            assertTrue(ex.getMessage().contains(String.valueOf(bad)));
        }
    }

    /** Random arrivals against a reference that remembers every sequence number ever accepted. */
    @ParameterizedTest
    @ValueSource(ints = {64, 128, 1024, 4096})
    void matchesAReferenceOnRandomReordering(final int size)
    {
        final SplittableRandom random = new SplittableRandom(size);
        final ReplayWindow window = new ReplayWindow(size, false);
        final BitSet seen = new BitSet();
        long top = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final long sequence = Math.max(1, top + random.nextInt(-size - 20, 40));
            final long result = window.check(sequence);
            final long expected = sequence <= top - size ? ReplayWindow.TOO_OLD :
                seen.get((int)sequence) ? ReplayWindow.DUPLICATE : sequence;
            assertEquals(expected, result, "sequence " + sequence + " top " + top);
            if (result >= 0 && random.nextInt(10) != 0)
            {
                // Nine in ten pass the ICV; a forged one must leave the window as it was.
                window.update(result);
                seen.set((int)sequence);
                top = Math.max(top, sequence);
            }
        }
    }

    @Test
    void extendedSequenceNumbersRollOverIntoTheNextSubspace()
    {
        final ReplayWindow window = new ReplayWindow(64, true);
        final long beforeWrap = 0xFFFF_FFF0L;
        // A fresh window takes 0xFFFFFFE0 for the subspace before the first: start it near the wrap.
        assertEquals(ReplayWindow.TOO_OLD, window.check(beforeWrap - 16));
        window.reset(beforeWrap - 17);
        for (long s = beforeWrap - 16; s <= beforeWrap; s++)
        {
            accept(window, s);
        }
        // Case A of RFC 4303 A2.2: low bits below the window's bottom belong to the next subspace.
        assertEquals(1L << 32 | 5, accept(window, 5));
        assertEquals(1L << 32 | 5, window.top());
        // Case B: the window now spans the boundary; a late packet from before the wrap is
        // placed in the old subspace and accepted once.
        assertEquals(0xFFFF_FFF8L, accept(window, 0xFFFF_FFF8L));
        assertEquals(ReplayWindow.DUPLICATE, window.check(0xFFFF_FFF8L));
        assertEquals(ReplayWindow.DUPLICATE, window.check(5));
        assertEquals(1L << 32 | 6, window.check(6));
        assertEquals(0xFFFF_FFC6L, window.check(0xFFFF_FFC6L));
        assertEquals(ReplayWindow.TOO_OLD, window.check(0xFFFF_FFC5L));
        // 64 slots right of top is far ahead in the new subspace, not behind.
        assertEquals(1L << 32 | 500, accept(window, 500));
    }

    @Test
    void extendedSequenceNumbersAtTheStartNeverGoBelowTheFirstSubspace()
    {
        final ReplayWindow window = new ReplayWindow(64, true);
        assertEquals(1, accept(window, 1));
        assertEquals(ReplayWindow.TOO_OLD, window.check(0xFFFF_FFF0L));
        assertEquals(40, accept(window, 40));
    }
}
