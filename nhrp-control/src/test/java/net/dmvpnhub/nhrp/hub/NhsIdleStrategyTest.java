package net.dmvpnhub.nhrp.hub;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The NHS thread's parks: none after a backlog, doubling after a trickle or nothing. */
class NhsIdleStrategyTest
{
    private final List<Long> parks = new ArrayList<>();
    private final NhsIdleStrategy idle = new NhsIdleStrategy(50, 1000, 32, parks::add);

    @Test
    void idleCyclesDoubleThePark()
    {
        for (int i = 0; i < 7; i++)
        {
            idle.idle(0);
        }
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1000L, 1000L), parks);
    }

    @Test
    void aTrickleBacksOffLikeIdleness()
    {
        idle.idle(0);
        idle.idle(5);
        idle.idle(1);
        idle.idle(31);
        idle.idle(31);
        idle.idle(31);
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1000L), parks, "light work does not bring back the short parks");
    }

    @Test
    void aBacklogRunsTheNextCycleAtOnceAndStartsOverFromTheShortestPark()
    {
        idle.idle(0);
        idle.idle(0);
        idle.idle(0);
        idle.idle(32);
        idle.idle(256);
        assertEquals(List.of(50L, 100L, 200L), parks, "no park after busy cycles");
        idle.idle(0);
        assertEquals(50L, parks.getLast());
        idle.idle();
        assertEquals(100L, parks.getLast());
        idle.reset();
        assertEquals(50L, idle.parkNs());
    }

    @Test
    void badBoundsAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new NhsIdleStrategy(0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new NhsIdleStrategy(20, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new NhsIdleStrategy(10, 20, 0));
    }
}
