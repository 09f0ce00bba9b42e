package net.dmvpnhub.nhrp;

import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timers coalesced by tick on Agrona's wheel: never early, at most a tick late, in order, cancel
 * anywhere (also from a handler), a poll limit that resumes where it stopped, clock jumps, and a
 * storm in one tick that costs memory per timer, not per wheel slot.
 */
class CoalescingTimerWheelTest
{
    private static final long TICK = 1L << 20;
    private static final long START = 1_000_000_000L;

    @Test
    void timersFireInOrderNeverEarlyAtMostATickLate()
    {
        final CoalescingTimerWheel timers = new CoalescingTimerWheel(START, TICK, 64, 4);
        final LongArrayList fired = new LongArrayList();
        final long[] deadlines = {5 * TICK + 3, 5 * TICK + 1, 200 * TICK, 2 * TICK, 5 * TICK + 2, 1000 * TICK + 7};
        for (int i = 0; i < deadlines.length; i++)
        {
            timers.schedule(START + deadlines[i], i);
        }
        for (long now = START; now <= START + 1002 * TICK; now += TICK / 4)
        {
            final long at = now;
            timers.poll(now, payload ->
            {
                assertTrue(at >= START + deadlines[(int)payload], "never before its deadline");
                assertTrue(at - (START + deadlines[(int)payload]) <= TICK + TICK / 4, "at most a tick (plus the poll step) late");
                fired.addLong(payload);
            }, 100);
        }
        // Tick 2, then tick 5's three in the order scheduled, then 200, then 1000.
        assertEquals(new LongArrayList(new long[]{3, 0, 1, 4, 2, 5}, 6, -1), fired);
        assertEquals(0, timers.size());
    }

    @Test
    void cancelAnywhereAndResumeAfterALimit()
    {
        final CoalescingTimerWheel timers = new CoalescingTimerWheel(START, TICK, 64, 4);
        final int[] handles = new int[10];
        for (int i = 0; i < 10; i++)
        {
            handles[i] = timers.schedule(START + 3 * TICK, i);
        }
        timers.cancel(handles[0]);
        timers.cancel(handles[9]);
        final LongArrayList fired = new LongArrayList();
        // The handler of timer 1 cancels timer 5 of the same tick, which then never fires.
        final CoalescingTimerWheel.Handler handler = payload ->
        {
            fired.addLong(payload);
            if (payload == 1)
            {
                timers.cancel(handles[5]);
            }
        };
        assertEquals(3, timers.poll(START + 10 * TICK, handler, 3));
        assertEquals(3, timers.poll(START + 10 * TICK, handler, 3), "resumes in the same tick");
        assertEquals(1, timers.poll(START + 10 * TICK, handler, 3));
        assertEquals(0, timers.poll(START + 10 * TICK, handler, 3));
        assertEquals(new LongArrayList(new long[]{1, 2, 3, 4, 6, 7, 8}, 7, -1), fired);
        assertEquals(0, timers.size());

        // After everything fired or was cancelled, a new timer in a long-gone tick fires at once.
        timers.schedule(START, 42);
        assertEquals(1, timers.poll(START + 10 * TICK, handler, 10));
    }

    @Test
    void aStormInOneTickCostsMemoryPerTimerNotPerSlot()
    {
        final CoalescingTimerWheel timers = new CoalescingTimerWheel(START, TICK, 4096, 16);
        final long before = timers.memoryBytes();
        for (int i = 0; i < 100_000; i++)
        {
            timers.schedule(START + 7 * TICK, i);
        }
        // Agrona's wheel alone would size each of its 4096 slots for 131,072 timers: 4 GiB.
        assertTrue(timers.memoryBytes() - before < 100_000 * 40L, "about 20 bytes a timer: " + (timers.memoryBytes() - before));
        final long[] sum = {0};
        int fired = 0;
        for (long now = START; fired < 100_000; now += TICK)
        {
            fired += timers.poll(now, payload -> sum[0] += payload, 1024);
        }
        assertEquals(100_000L * 99_999 / 2, sum[0]);
    }
}
