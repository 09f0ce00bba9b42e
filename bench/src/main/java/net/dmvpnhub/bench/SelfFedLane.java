package net.dmvpnhub.bench;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.HubWorker;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.ring.SpscLongRing;

import java.util.Arrays;

/**
 * One worker of a run-to-completion {@link Dataplane} driven by one thread that is also its own
 * outside world, as {@link HubForwardingBenchmark} drives its worker: each step copies up to
 * {@value HubWorker#BATCH} of the {@link HairpinTraffic} frames whose senders this worker owns
 * ({@link Dataplane#rxFor}) into slab slots and onto its receive ring, runs one duty cycle of the
 * worker, then takes the frames off the worker's transmit ring and frees their slots and empties
 * its control-plane rings. So N lanes on N threads keep N workers busy with N busy threads, and
 * no separate source thread competes for a processor.
 * <p>
 * Frames whose destination's outbound SA another worker owns are handed to that worker (the
 * dataplane's SA-owner handoff) and leave by its transmit ring, so its lane frees their slots; the
 * slab's free-slot pool is many-to-many.
 * <p>
 * Replay: a sender's frames carry increasing ESP sequence numbers in ring order, and only this
 * lane's worker decrypts them (on this thread). When the lane's frames wrap, it resets its
 * senders' inbound windows once its receive ring is empty, that is once every frame of the pass
 * has been decrypted; until then it sends nothing and lets the worker empty the ring.
 * <p>
 * Single-threaded: one thread at a time calls a lane (a hand-over between threads needs a
 * happens-before edge, as a blocking queue gives).
 */
final class SelfFedLane
{
    private static final int DRAIN_BATCH = 256;

    private final HairpinTraffic traffic;
    private final FrameSlab slab;
    private final FrameSlab.SlotCache slotCache;
    private final HubWorker worker;
    private final SpscLongRing rx;
    private final SpscLongRing tx;
    private final SpscLongRing[] control;
    private final SpscLongRing[] punts;
    private final int[] frames;
    private final int[] senders;
    private final long[] drained = new long[DRAIN_BATCH];

    private int cursor;
    private long sent;
    private long transmitted;
    private long puntedFreed;
    private long passes;

    /**
     * @param lane the worker this lane drives (run-to-completion), 0 to workers - 1.
     */
    SelfFedLane(final HairpinTraffic traffic, final Dataplane dataplane, final int lane)
    {
        if (dataplane.mode() != Dataplane.ThreadingMode.RUN_TO_COMPLETION)
        {
            throw new IllegalArgumentException("a self-fed lane drives a run-to-completion worker");
        }
        this.traffic = traffic;
        this.slab = dataplane.slab();
        this.slotCache = slab.newCache();
        this.worker = dataplane.workers()[lane];
        this.tx = dataplane.txRings()[lane];
        this.control = new SpscLongRing[]{dataplane.redirectRings()[lane], dataplane.resolutionRings()[lane]};
        this.punts = new SpscLongRing[]{dataplane.nhrpPuntRings()[lane], dataplane.localPuntRings()[lane]};
        this.rx = dataplane.receiveRings()[lane];
        final int[] mine = new int[traffic.frames()];
        int count = 0;
        for (int f = 0; f < traffic.frames(); f++)
        {
            if (dataplane.rxFor(HairpinTraffic.nbma(traffic.sender(f))) == rx)
            {
                mine[count++] = f;
            }
        }
        if (count == 0)
        {
            throw new IllegalArgumentException("no frame of the traffic is sent to worker " + lane);
        }
        this.frames = Arrays.copyOf(mine, count);
        this.senders = Arrays.stream(frames).map(traffic::sender).distinct().toArray();
    }

    /**
     * One step: up to a batch of frames sent (fewer when the ring, the slab or a wrap says wait),
     * one duty cycle, the transmit and control rings emptied.
     *
     * @param send false to send nothing (to let the hub empty itself).
     * @return frames taken off the transmit ring.
     */
    int step(final long nowNs, final boolean send)
    {
        if (send)
        {
            offer(nowNs);
        }
        worker.doWork(nowNs);
        return drain();
    }

    private void offer(final long nowNs)
    {
        for (int n = 0; n < HubWorker.BATCH && rx.hasRoomFor(1); n++)
        {
            if (cursor == frames.length)
            {
                if (rx.size() != 0)
                {
                    return;
                }
                for (final int sender : senders)
                {
                    traffic.hubInbound(sender).replayWindow().reset(0);
                }
                cursor = 0;
                passes++;
            }
            final int f = frames[cursor];
            final int slot = slab.receive(slotCache, traffic.store(), traffic.offset(f), traffic.length(f), nowNs);
            if (slot < 0)
            {
                return;
            }
            if (!rx.offer(slot))
            {
                throw new IllegalStateException("receive ring full after it had room");
            }
            cursor++;
            sent++;
        }
    }

    private int drain()
    {
        final int n = tx.pollBatch(drained, DRAIN_BATCH);
        for (int i = 0; i < n; i++)
        {
            slab.release(slotCache, (int)drained[i]);
        }
        transmitted += n;
        for (final SpscLongRing ring : control)
        {
            ring.pollBatch(drained, DRAIN_BATCH);
        }
        for (final SpscLongRing ring : punts)
        {
            final int p = ring.pollBatch(drained, DRAIN_BATCH);
            for (int i = 0; i < p; i++)
            {
                slab.release(slotCache, (int)drained[i]);
            }
            puntedFreed += p;
        }
        return n;
    }

    /** @return true when this lane's receive and transmit rings are empty. */
    boolean empty()
    {
        return rx.size() == 0 && tx.size() == 0;
    }

    /** Frames of the traffic this lane sends. */
    int frames()
    {
        return frames.length;
    }

    long sent()
    {
        return sent;
    }

    long transmitted()
    {
        return transmitted;
    }

    long puntedFreed()
    {
        return puntedFreed;
    }

    /** Times this lane's frames wrapped and its senders' windows were reset. */
    long passes()
    {
        return passes;
    }
}
