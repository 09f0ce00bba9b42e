package net.dmvpnhub.bench.runners;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubWorker;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The latency run's floor ({@code ./dmvpn latency --floor}, or beside the hub with {@code --with-floor}): in place of the hub's workers, one
 * thread per worker takes up to a batch ({@link HubWorker#BATCH}) of slot indices off that worker's
 * receive ring, spins for a fixed time per frame, and puts them on its transmit ring unchanged.
 * <p>
 * With the time per frame the hub's own at its maximum rate, a load is the same share of each
 * thread's time as with the hub, and the frames of a batch leave together as the hub's do (it
 * runs each batch stage by stage); what the floor leaves out is everything that varies in the
 * hub's work: crypto, tables, cache misses, branches, the JIT's code for it. Its latency is what
 * the machine, the rings and the source give any worker with that constant cost: a tail the hub
 * cannot go below on the same machine.
 */
public final class FloorWorkers implements AutoCloseable
{
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<Echo> echoes = new ArrayList<>();
    private final long nsPerFrame;

    /**
     * Starts one thread per worker of {@code dataplane}, whose own workers must be stopped.
     *
     * @param nsPerFrame the time each thread spins per frame of a batch.
     */
    public FloorWorkers(final Dataplane dataplane, final long nsPerFrame, final Supplier<IdleStrategy> idleStrategies, final NanoClock clock)
    {
        if (nsPerFrame < 0)
        {
            throw new IllegalArgumentException("time per frame must not be negative, not " + nsPerFrame + " ns");
        }
        this.nsPerFrame = nsPerFrame;
        final SpscLongRing[] rx = dataplane.receiveRings();
        final SpscLongRing[] tx = dataplane.txRings();
        if (dataplane.mode() != Dataplane.ThreadingMode.RUN_TO_COMPLETION || rx.length != tx.length)
        {
            throw new IllegalArgumentException("the floor stands in for run-to-completion workers, a receive and a transmit ring each");
        }
        for (int w = 0; w < rx.length; w++)
        {
            final Echo echo = new Echo(w, rx[w], tx[w], nsPerFrame, clock);
            echoes.add(echo);
            final AgentRunner runner = new AgentRunner(idleStrategies.get(), Throwable::printStackTrace, null, echo);
            runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
    }

    /** The time each thread spins per frame. */
    long nsPerFrame()
    {
        return nsPerFrame;
    }

    /**
     * @return frames moved from receive to transmit rings by every thread (a snapshot while they run).
     */
    public long moved()
    {
        long frames = 0;
        for (final Echo echo : echoes)
        {
            frames += echo.moved;
        }
        return frames;
    }

    /** Stops the threads and waits for them. */
    @Override
    public void close()
    {
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        runners.clear();
    }

    private static final class Echo implements Agent
    {
        private final int index;
        private final SpscLongRing rx;
        private final SpscLongRing tx;
        private final long nsPerFrame;
        private final NanoClock clock;
        private final long[] batch = new long[HubWorker.BATCH];
        /** Written by this thread alone, read by others as a snapshot. */
        private volatile long moved;

        Echo(final int index, final SpscLongRing rx, final SpscLongRing tx, final long nsPerFrame, final NanoClock clock)
        {
            this.index = index;
            this.rx = rx;
            this.tx = tx;
            this.nsPerFrame = nsPerFrame;
            this.clock = clock;
        }

        @Override
        public int doWork()
        {
            // As the hub's worker: a batch is taken only when the transmit ring has room for all of it.
            if (!tx.hasRoomFor(HubWorker.BATCH))
            {
                return 0;
            }
            final int n = rx.pollBatch(batch, HubWorker.BATCH);
            if (n == 0)
            {
                return 0;
            }
            final long untilNs = clock.nanoTime() + n * nsPerFrame;
            while (clock.nanoTime() - untilNs < 0)
            {
                Thread.onSpinWait();
            }
            if (tx.offerBatch(batch, 0, n) != n)
            {
                // Only this thread produces to the ring, so room it saw cannot vanish.
                throw new IllegalStateException("transmit ring full after it had room");
            }
            moved += n;
            return n;
        }

        @Override
        public String roleName()
        {
            // The hub's workers' names: the latency report finds its busy threads by them.
            return LatencyReport.WORKER_THREAD_PREFIX + index;
        }
    }
}
