package net.dmvpnhub.bench.runners;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PacerTest
{
    @Test
    void intendedTimesFollowTheRateFromTheStart()
    {
        final Pacer pacer = new Pacer(1_000, 250_000);
        assertEquals(1_000, pacer.intendedNs(0));
        assertEquals(1_000 + 4_000, pacer.intendedNs(1));
        assertEquals(1_000 + 4_000_000_000L, pacer.intendedNs(1_000_000));
    }

    @Test
    void aFractionalPeriodDoesNotDrift()
    {
        final Pacer pacer = new Pacer(0, 3_000_000);
        // 333.33 ns apart: after three million frames, exactly one second.
        assertEquals(1_000_000_000L, pacer.intendedNs(3_000_000));
        assertEquals(333, pacer.intendedNs(1));
        assertEquals(667, pacer.intendedNs(2));
    }

    @Test
    void aLateSourceKeepsTheIntendedTimesOfTheFramesItMissed()
    {
        final Pacer pacer = new Pacer(10_000, 1_000_000);
        assertFalse(pacer.due(9_999));
        assertTrue(pacer.due(10_000));
        // The source stalls for 5 us: six frames are due at once, each with its own intended time.
        final long nowNs = 15_000;
        int sent = 0;
        while (pacer.due(nowNs))
        {
            assertEquals(10_000 + 1_000L * sent, pacer.nextNs());
            pacer.advance();
            sent++;
        }
        assertEquals(6, sent);
        assertEquals(6, pacer.count());
        assertEquals(16_000, pacer.nextNs());
    }

    @Test
    void dueIsWrapSafe()
    {
        final Pacer pacer = new Pacer(Long.MAX_VALUE - 10, 1_000_000_000);
        assertFalse(pacer.due(Long.MAX_VALUE - 11));
        assertTrue(pacer.due(Long.MAX_VALUE + 5));
    }

    @Test
    void refusesARateThatIsNotPositive()
    {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, Double.NaN));
    }
}
