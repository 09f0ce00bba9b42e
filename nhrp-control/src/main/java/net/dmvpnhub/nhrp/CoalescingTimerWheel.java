package net.dmvpnhub.nhrp;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Timers for very many clients on one Agrona {@link DeadlineTimerWheel}, coalesced by tick:
 * every deadline is rounded up to the wheel's tick, and all timers of one tick share one wheel
 * timer and wait in a FIFO list kept in parallel arrays.
 * <p>
 * Why: a {@link DeadlineTimerWheel} sizes every one of its slots for the most timers any tick
 * ever held (its allocation only grows) and scans that many entries on each poll of a tick. A
 * storm puts every client's timer in the same tick, so with thousands of spokes registering at
 * once every slot of such a wheel grows to thousands of entries, and every later tick scans them
 * all. Coalesced, the wheel holds one timer per busy tick, so its slots stay a few entries deep
 * and memory stays proportional to the timers.
 * <p>
 * A timer fires at the end of its deadline's tick at the latest, never before its deadline; timers
 * of one tick fire in the order they were scheduled, ticks in time order, so a run replays exactly.
 * Single-threaded; nothing is allocated per timer once the arrays have grown.
 */
public final class CoalescingTimerWheel
{
    /** Told of each expired timer's payload; may schedule and cancel timers. */
    @FunctionalInterface
    public interface Handler
    {
        void onExpiry(long payload);
    }

    /** No timer: what {@link #schedule} never returns. */
    public static final int NULL_TIMER = -1;
    private static final int NONE = -1;

    private final DeadlineTimerWheel wheel;
    private final DeadlineTimerWheel.TimerHandler onWheelTimer = this::onWheelTimer;
    private final long startNs;
    private final int tickShift;
    private final Long2LongHashMap bucketByTick = new Long2LongHashMap(NONE);
    private final Long2LongHashMap bucketByWheelTimer = new Long2LongHashMap(NONE);

    // Buckets: one per tick that has timers.
    private long[] bucketTick = new long[64];
    private long[] bucketWheelTimer = new long[64];
    private int[] bucketHead = new int[64];
    private int[] bucketTail = new int[64];
    private int bucketFree = NONE;
    private int bucketsUsed;

    // Timers.
    private long[] payload;
    private int[] next;
    private int[] previous;
    private int[] bucket;
    private int timerFree = NONE;
    private int timersUsed;
    private int live;

    /** The bucket being fired, possibly over several polls when a limit stops it. */
    private int firing = NONE;

    /**
     * @param tickNs a power of two: the timers' resolution.
     * @param ticksPerWheel a power of two.
     * @param expectedTimers sizes the arrays (they grow).
     */
    public CoalescingTimerWheel(final long startNs, final long tickNs, final int ticksPerWheel, final int expectedTimers)
    {
        if (Long.bitCount(tickNs) != 1)
        {
            throw new IllegalArgumentException("tick " + tickNs + " ns is not a power of two");
        }
        this.startNs = startNs;
        this.tickShift = Long.numberOfTrailingZeros(tickNs);
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, startNs, tickNs, ticksPerWheel);
        final int capacity = Math.max(16, expectedTimers);
        payload = new long[capacity];
        next = new int[capacity];
        previous = new int[capacity];
        bucket = new int[capacity];
    }

    /**
     * @return a handle for {@link #cancel}.
     */
    public int schedule(final long deadlineNs, final long payload)
    {
        final long tick = Math.max(0, deadlineNs - startNs + (1L << tickShift) - 1) >> tickShift;
        int b = (int)bucketByTick.get(tick);
        if (b == NONE)
        {
            b = newBucket(tick);
        }
        final int t = newTimer();
        this.payload[t] = payload;
        bucket[t] = b;
        next[t] = NONE;
        previous[t] = bucketTail[b];
        if (bucketTail[b] == NONE)
        {
            bucketHead[b] = t;
        }
        else
        {
            next[bucketTail[b]] = t;
        }
        bucketTail[b] = t;
        live++;
        return t;
    }

    /**
     * Cancels a timer that has not fired; {@link #NULL_TIMER} is ignored.
     */
    public void cancel(final int timer)
    {
        if (timer == NULL_TIMER)
        {
            return;
        }
        final int b = bucket[timer];
        if (b == NONE)
        {
            throw new IllegalStateException("timer " + timer + " is not scheduled");
        }
        unlink(timer, b);
        if (bucketHead[b] == NONE && b != firing)
        {
            wheel.cancelTimer(bucketWheelTimer[b]);
            freeBucket(b);
        }
    }

    /**
     * Fires timers whose tick has passed, in order, at most {@code limit}; the rest wait for the
     * next poll.
     *
     * @return timers fired.
     */
    public int poll(final long nowNs, final Handler handler, final int limit)
    {
        int fired = 0;
        while (fired < limit)
        {
            if (firing != NONE)
            {
                final int t = bucketHead[firing];
                if (t == NONE)
                {
                    freeBucket(firing);
                    firing = NONE;
                    continue;
                }
                final long p = payload[t];
                unlink(t, firing);
                fired++;
                handler.onExpiry(p);
                continue;
            }
            if (wheel.timerCount() == 0)
            {
                if (wheel.currentTickTime() <= nowNs)
                {
                    wheel.currentTickTime(nowNs);
                }
                break;
            }
            final int found = wheel.poll(nowNs, onWheelTimer, 1);
            if (found == 0 && wheel.currentTickTime() > nowNs)
            {
                break;
            }
        }
        return fired;
    }

    private boolean onWheelTimer(final TimeUnit unit, final long now, final long wheelTimerId)
    {
        firing = (int)bucketByWheelTimer.remove(wheelTimerId);
        bucketByTick.remove(bucketTick[firing]);
        return true;
    }

    /** @return timers scheduled and not yet fired or cancelled. */
    public int size()
    {
        return live;
    }

    /** @return bytes of the arrays and maps as allocated now (the wheel's own array included). */
    public long memoryBytes()
    {
        return (long)payload.length * (8 + 3 * 4) + (long)bucketTick.length * (8 + 8 + 4 + 4) +
            (long)(bucketByTick.capacity() + bucketByWheelTimer.capacity()) * 16 + (long)wheel.ticksPerWheel() * 16 * 8;
    }

    private void unlink(final int t, final int b)
    {
        final int before = previous[t];
        final int after = next[t];
        if (before == NONE)
        {
            bucketHead[b] = after;
        }
        else
        {
            next[before] = after;
        }
        if (after == NONE)
        {
            bucketTail[b] = before;
        }
        else
        {
            previous[after] = before;
        }
        bucket[t] = NONE;
        next[t] = timerFree;
        timerFree = t;
        live--;
    }

    private int newTimer()
    {
        if (timerFree != NONE)
        {
            final int t = timerFree;
            timerFree = next[t];
            return t;
        }
        if (timersUsed == payload.length)
        {
            final int capacity = payload.length * 2;
            payload = Arrays.copyOf(payload, capacity);
            next = Arrays.copyOf(next, capacity);
            previous = Arrays.copyOf(previous, capacity);
            bucket = Arrays.copyOf(bucket, capacity);
        }
        return timersUsed++;
    }

    private int newBucket(final long tick)
    {
        int b = bucketFree;
        if (b != NONE)
        {
            bucketFree = bucketHead[b];
        }
        else
        {
            if (bucketsUsed == bucketTick.length)
            {
                final int capacity = bucketTick.length * 2;
                bucketTick = Arrays.copyOf(bucketTick, capacity);
                bucketWheelTimer = Arrays.copyOf(bucketWheelTimer, capacity);
                bucketHead = Arrays.copyOf(bucketHead, capacity);
                bucketTail = Arrays.copyOf(bucketTail, capacity);
            }
            b = bucketsUsed++;
        }
        bucketTick[b] = tick;
        bucketHead[b] = NONE;
        bucketTail[b] = NONE;
        // The wheel fires at the end of the tick (its deadline rounded up), so all the bucket's timers are due.
        bucketWheelTimer[b] = wheel.scheduleTimer(startNs + (tick << tickShift));
        bucketByTick.put(tick, b);
        bucketByWheelTimer.put(bucketWheelTimer[b], b);
        return b;
    }

    private void freeBucket(final int b)
    {
        // A fired bucket's tick and wheel timer id may belong to a newer bucket by now.
        if (bucketByTick.get(bucketTick[b]) == b)
        {
            bucketByTick.remove(bucketTick[b]);
        }
        if (bucketByWheelTimer.get(bucketWheelTimer[b]) == b)
        {
            bucketByWheelTimer.remove(bucketWheelTimer[b]);
        }
        bucketHead[b] = bucketFree;
        bucketFree = b;
    }
}
