package net.dmvpnhub.dataplane;

import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The hub's dataplane: its workers, every ring between them and to the control plane, and how
 * they map onto threads. The same stages run in either mode, chosen at start-up:
 * <ul>
 *   <li>{@link ThreadingMode#RUN_TO_COMPLETION}: N workers each take every stage for the frames
 *   sharded to them by the sender's NBMA address (so each inbound SA has one writer), and hand a
 *   frame to the worker owning the peer's outbound SA (SA id modulo N) when it is not
 *   themselves, so each outbound SA has one writer too (VPP's handoff).</li>
 *   <li>{@link ThreadingMode#PIPELINED}: worker 0 decrypts, decaps, forwards and resolves;
 *   worker 1 encapsulates, encrypts and transmits; one ring joins them.</li>
 * </ul>
 * Workers are Agrona {@link Agent}s: {@link #start} gives each a thread with an idle strategy, or
 * a caller (a test, a benchmark, a single-threaded run) drives them all with {@link #doWork}.
 */
public final class Dataplane implements AutoCloseable
{
    /** Multicast packets each worker's queue holds while it replicates the one before them. */
    public static final int MULTICAST_QUEUE_CAPACITY = 64;

    /** Each worker's thread (agent role) name: this, then the worker's index. */
    public static final String WORKER_THREAD_PREFIX = "hub-worker-";

    /** How stages map onto threads. */
    public enum ThreadingMode
    {
        RUN_TO_COMPLETION, PIPELINED
    }

    private final ThreadingMode mode;
    private final FrameSlab slab;
    private final HubWorker[] workers;
    private final SpscLongRing[] rx;
    private final SpscLongRing[] tx;
    private final SpscLongRing[] inject;
    private final SpscLongRing[] nhrpPunt;
    private final SpscLongRing[] localPunt;
    private final SpscLongRing[] resolutions;
    private final SpscLongRing[] redirects;
    private final HubTables tables;
    private final HubWorker.SendPlacement placement;
    /** By worker, its queue of multicast packets to replicate (one producer: the control plane's thread that sends them). */
    private final OneToOneConcurrentArrayQueue<MulticastPacket>[] multicast;
    /** The published multicast list {@link #multicastSplit} was made from, and that list split by the worker that owns each peer's SA. */
    private long[] splitFrom;
    private long[][] multicastSplit;
    private final List<SpscLongRing> handoffRings = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();

    /**
     * @param workerCount workers for run-to-completion; pipelined mode always has two.
     * @param ringCapacity capacity of every ring (a power of two).
     */
    public Dataplane(
        final FrameSlab slab,
        final HubTables tables,
        final HubConfig config,
        final ThreadingMode mode,
        final int workerCount,
        final int ringCapacity)
    {
        if (mode == ThreadingMode.RUN_TO_COMPLETION && workerCount < 1)
        {
            throw new IllegalArgumentException("run-to-completion needs at least one worker, not " + workerCount);
        }
        final int n = mode == ThreadingMode.PIPELINED ? 2 : workerCount;
        // With back-pressure a worker takes a batch only when its output rings have room for all it may send (HubWorker.doWork:
        // a batch per input, its injection ring and each handoff ring, plus its own): smaller rings would never admit one.
        if (config.backPressure() && ringCapacity < HubWorker.BATCH * (n + 1))
        {
            throw new IllegalArgumentException("with back-pressure on, the rings of " + n + " workers need a capacity of at least " +
                HubWorker.BATCH * (n + 1) + " (a batch of " + HubWorker.BATCH + " per input and one more), not " + ringCapacity);
        }
        this.mode = mode;
        this.slab = slab;
        this.workers = new HubWorker[n];
        this.rx = rings(n, ringCapacity);
        this.tx = rings(n, ringCapacity);
        this.inject = rings(n, ringCapacity);
        this.nhrpPunt = rings(n, ringCapacity);
        this.localPunt = rings(n, ringCapacity);
        this.resolutions = rings(n, ringCapacity);
        this.redirects = rings(n, ringCapacity);
        this.tables = tables;
        @SuppressWarnings("unchecked") final OneToOneConcurrentArrayQueue<MulticastPacket>[] queues = new OneToOneConcurrentArrayQueue[n];
        for (int i = 0; i < n; i++)
        {
            queues[i] = new OneToOneConcurrentArrayQueue<>(MULTICAST_QUEUE_CAPACITY);
        }
        this.multicast = queues;

        // handoff[from][to]
        final SpscLongRing[][] handoff = new SpscLongRing[n][n];
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                if (from != to)
                {
                    handoff[from][to] = new SpscLongRing(ringCapacity);
                    handoffRings.add(handoff[from][to]);
                }
            }
        }
        this.placement = mode == ThreadingMode.PIPELINED ? saId -> 1 : saId -> Math.floorMod(saId, n);
        for (int i = 0; i < n; i++)
        {
            final List<SpscLongRing> inputs = new ArrayList<>();
            inputs.add(inject[i]);
            for (int from = 0; from < n; from++)
            {
                if (from != i)
                {
                    inputs.add(handoff[from][i]);
                }
            }
            final SpscLongRing receive = mode == ThreadingMode.PIPELINED && i == 1 ? null : rx[i];
            workers[i] = new HubWorker(i, placement, slab, tables, config, receive, inputs.toArray(SpscLongRing[]::new),
                handoff[i], tx[i], nhrpPunt[i], localPunt[i], resolutions[i], redirects[i], multicast[i]);
        }
    }

    private static SpscLongRing[] rings(final int n, final int capacity)
    {
        final SpscLongRing[] rings = new SpscLongRing[n];
        for (int i = 0; i < n; i++)
        {
            rings[i] = new SpscLongRing(capacity);
        }
        return rings;
    }

    public ThreadingMode mode()
    {
        return mode;
    }

    public FrameSlab slab()
    {
        return slab;
    }

    public HubWorker[] workers()
    {
        return workers;
    }

    /**
     * @return the receive ring for a frame from {@code senderNbma}: the worker that owns the
     * sender's inbound SA (in pipelined mode, the receive stage). One producer per ring.
     */
    public SpscLongRing rxFor(final int senderNbma)
    {
        if (mode == ThreadingMode.PIPELINED)
        {
            return rx[0];
        }
        final int h = senderNbma * 0x9E3779B9;
        return rx[Math.floorMod(h ^ h >>> 16, workers.length)];
    }

    /**
     * Control plane, one thread: queues an NHRP packet built in {@code slot} (its data set to the
     * packet, with headroom for the tunnel headers) for the worker that owns the SA {@code saId}
     * to encapsulate, encrypt and send to {@code peerNbma}.
     *
     * @return false when that worker's injection ring is full; the slot is still the caller's.
     */
    public boolean inject(final int slot, final int saId, final int peerNbma)
    {
        return HubWorker.inject(injectFor(saId), slot, saId, peerNbma);
    }

    /**
     * Control plane, one thread: as {@link #inject}, for an IPv4 packet the hub itself originates
     * (a ping or traceroute probe from the hub, an answer of its host stack).
     *
     * @return false when that worker's injection ring is full; the slot is still the caller's.
     */
    public boolean injectIpv4(final int slot, final int saId, final int peerNbma)
    {
        return HubWorker.injectIpv4(injectFor(saId), slot, saId, peerNbma);
    }

    /**
     * Control plane, one thread (the one that sends multicast): sends an IPv4 packet to a multicast
     * group (or a broadcast address), built in {@code slot} as {@link #inject} says, out of the
     * tunnel to every peer of the published multicast list ({@link HubTables#multicastPeers(long[])}):
     * one GRE + ESP copy per peer under that peer's outbound SA. The list is read once here and
     * split by the worker that owns each peer's SA (kept until another list is published); each
     * worker with a part gets the packet (the first in {@code slot}, the others in slots copied from
     * it) and its part, and makes the copies a bounded number per duty cycle
     * ({@link HubConfig#replicationWeight()}). All or nothing: either every such worker has the
     * packet, or none has.
     *
     * @return false when the list is empty, a worker's multicast queue is full or no slot is free
     * for a worker's copy of the packet; the slot is then still the caller's.
     */
    public boolean injectMulticast(final int slot)
    {
        final long[][] parts = multicastSplit();
        int senders = 0;
        for (int w = 0; w < parts.length; w++)
        {
            if (parts[w].length > 0)
            {
                if (multicast[w].remainingCapacity() == 0)
                {
                    return false;
                }
                senders++;
            }
        }
        if (senders == 0)
        {
            return false;
        }
        final int[] slots = new int[senders];
        slots[0] = slot;
        for (int i = 1; i < senders; i++)
        {
            slots[i] = slab.allocate();
            if (slots[i] < 0)
            {
                for (int j = 1; j < i; j++)
                {
                    slab.release(slots[j]);
                }
                return false;
            }
            final int at = slab.base(slots[i]) + (slab.offset(slot) - slab.base(slot));
            slab.buffer().putBytes(at, slab.buffer(), slab.offset(slot), slab.length(slot));
            slab.data(slots[i], at, slab.length(slot));
        }
        int next = 0;
        for (int w = 0; w < parts.length; w++)
        {
            // One producer per queue (this thread) and room checked above: the offer cannot fail.
            if (parts[w].length > 0 && !multicast[w].offer(new MulticastPacket(slots[next], parts[w], next++ == 0)))
            {
                throw new IllegalStateException("a multicast queue filled while only this thread writes to it");
            }
        }
        return true;
    }

    /** The published multicast list split by the worker that owns each peer's outbound SA, in list order. */
    private long[][] multicastSplit()
    {
        final long[] list = tables.multicastList();
        if (list != splitFrom)
        {
            final int[] counts = new int[workers.length];
            for (final long peer : list)
            {
                counts[placement.workerFor((int)(peer >>> 32))]++;
            }
            final long[][] parts = new long[workers.length][];
            for (int w = 0; w < parts.length; w++)
            {
                parts[w] = new long[counts[w]];
                counts[w] = 0;
            }
            for (final long peer : list)
            {
                final int w = placement.workerFor((int)(peer >>> 32));
                parts[w][counts[w]++] = peer;
            }
            multicastSplit = parts;
            splitFrom = list;
        }
        return multicastSplit;
    }

    /**
     * @return the injection ring of the worker that sends for {@code saId} (where {@link #inject}
     * puts a packet; for a test or benchmark that drives the ring itself).
     */
    public SpscLongRing injectFor(final int saId)
    {
        return inject[mode == ThreadingMode.PIPELINED ? 1 : Math.floorMod(saId, workers.length)];
    }

    /**
     * @return the packets the control plane can still inject before some worker's injection ring
     * is full (the least room over the rings: where a packet goes depends on its SA). With an
     * injection weight below a batch the workers drain these rings slowly while they forward, and
     * the control plane paces itself by this instead of losing packets to a full ring.
     */
    public int injectRoom()
    {
        int room = Integer.MAX_VALUE;
        for (final SpscLongRing ring : inject)
        {
            // Two longs per packet (see inject).
            room = Math.min(room, (ring.capacity() - ring.size()) / 2);
        }
        return room;
    }

    /** @return the packets one injection ring holds when empty (the least over the workers' rings). */
    public int injectCapacity()
    {
        int capacity = Integer.MAX_VALUE;
        for (final SpscLongRing ring : inject)
        {
            capacity = Math.min(capacity, ring.capacity() / 2);
        }
        return capacity;
    }

    /** @return the workers' receive rings, by worker (in pipelined mode the second stage's is unused). */
    public SpscLongRing[] receiveRings()
    {
        return rx;
    }

    public SpscLongRing[] txRings()
    {
        return tx;
    }

    public SpscLongRing[] nhrpPuntRings()
    {
        return nhrpPunt;
    }

    public SpscLongRing[] localPuntRings()
    {
        return localPunt;
    }

    public SpscLongRing[] resolutionRings()
    {
        return resolutions;
    }

    public SpscLongRing[] redirectRings()
    {
        return redirects;
    }

    /**
     * Invoker mode: one duty cycle of every worker on the caller's thread.
     */
    public int doWork(final long nowNs)
    {
        int work = 0;
        for (final HubWorker worker : workers)
        {
            work += worker.doWork(nowNs);
        }
        return work;
    }

    /**
     * Gives every worker a thread of its own.
     */
    public void start(final Supplier<IdleStrategy> idleStrategies, final NanoClock clock)
    {
        if (!runners.isEmpty())
        {
            throw new IllegalStateException("already started");
        }
        for (final HubWorker worker : workers)
        {
            final AgentRunner runner = new AgentRunner(idleStrategies.get(), Throwable::printStackTrace, null, new Agent()
            {
                @Override
                public int doWork()
                {
                    return worker.doWork(clock.nanoTime());
                }

                @Override
                public String roleName()
                {
                    return WORKER_THREAD_PREFIX + worker.index();
                }
            });
            runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * @return every worker's counters added up (a snapshot while threads run).
     */
    public WorkerCounters totals()
    {
        final WorkerCounters total = new WorkerCounters();
        for (final HubWorker worker : workers)
        {
            worker.counters().addTo(total);
        }
        return total;
    }

    /**
     * @return frames waiting in handoff rings between workers.
     */
    public long inFlight()
    {
        long frames = 0;
        for (final SpscLongRing ring : handoffRings)
        {
            frames += ring.size() / 2;
        }
        return frames;
    }

    /**
     * Conservation over all workers: received + injected + multicast copies = transmitted + punted
     * + dropped + multicast packets replicated + in flight between workers. Exact when the workers
     * are stopped or idle.
     */
    public boolean conserved()
    {
        final WorkerCounters t = totals();
        return t.received() + t.injected() + t.copies() ==
            t.transmitted() + t.punted() + t.dropped() + t.replicated() + (t.handedOff() - t.handedIn()) &&
            t.handedOff() - t.handedIn() == inFlight();
    }

    /**
     * Stops the worker threads, if any, and waits for them.
     */
    @Override
    public void close()
    {
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        runners.clear();
    }
}
