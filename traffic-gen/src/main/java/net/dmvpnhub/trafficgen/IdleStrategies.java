package net.dmvpnhub.trafficgen;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.function.Supplier;

/**
 * Idle strategies by the names the threaded benchmarks and the main job take: {@code busy} spins (the lowest
 * latency when every thread has a core of its own), {@code yield} gives the core up to any other
 * runnable thread (the fair choice when threads outnumber cores), {@code backoff} spins, yields,
 * then parks for 1 to 100 us.
 */
public final class IdleStrategies
{
    public static final String NAMES = "busy, yield or backoff";

    private IdleStrategies()
    {
    }

    /**
     * @return a supplier of fresh strategies (one per thread), or null for an unknown name.
     */
    public static Supplier<IdleStrategy> byName(final String name)
    {
        return switch (name)
        {
            case "busy" -> BusySpinIdleStrategy::new;
            case "yield" -> YieldingIdleStrategy::new;
            case "backoff" -> () -> new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            default -> null;
        };
    }
}
