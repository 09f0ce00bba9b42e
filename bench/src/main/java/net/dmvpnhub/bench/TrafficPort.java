package net.dmvpnhub.bench;

import net.dmvpnhub.dataplane.Dataplane;
import net.dmvpnhub.dataplane.frame.FrameSlab;
import net.dmvpnhub.dataplane.ring.SpscLongRing;
import org.HdrHistogram.Histogram;
import net.dmvpnhub.dataplane.WorkerCounters;
import org.agrona.concurrent.NanoClock;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outside of a running {@link Dataplane}, as one thread sees it: a NIC that copies the next
 * pre-built hairpin frame of a {@link HairpinTraffic} into a slab slot and puts it on the receive
 * ring of the worker that owns the sender's SA, and the wire that takes transmitted frames off
 * every transmit ring and gives their slots back. It also empties the control-plane rings
 * (redirect and resolution signals are discarded; punted frames, which hairpin traffic never
 * causes, are counted and freed).
 * <p>
 * Single-threaded: one thread calls everything here, so it is the one producer of every receive
 * ring and the one consumer of every transmit and control ring.
 * <p>
 * Replay: when the frame ring wraps, a sender's frames repeat their ESP sequence numbers, so the
 * hub's inbound window for that sender is reset before its first frame of the new pass, but only
 * once none of its frames of the previous pass is still in the hub. The worker's last use of that
 * window happened before it published the frame on a ring that this thread then read, so the reset
 * does not race with it; until then {@link #offerNext} answers {@link Offer#REPLAY_WAIT} and the
 * caller drains and tries again. That relies on the hub losing no frame (back-pressure on, see
 * {@link HairpinTraffic#config()}); a wait longer than a limit is reported as an error. The ring
 * only moves on when a frame is sent, so with at most as many frames in flight as the slab has
 * slots and the ring's ends from disjoint senders ({@link HairpinTraffic#boundary()}), a wait
 * cannot happen unless the hub holds more frames than that.
 */
public final class TrafficPort
{
    /** What {@link #offerNext} did. */
    public enum Offer
    {
        /** The frame is on a receive ring. */
        SENT,
        /** The receive ring was full: nothing sent, the frame is still next. */
        RX_FULL,
        /** No free slot: nothing sent, the frame is still next. */
        NO_SLOT,
        /** The sender's previous-pass frames are still in the hub: nothing sent, the frame is still next. */
        REPLAY_WAIT
    }

    private static final int DRAIN_BATCH = 256;

    private final HairpinTraffic traffic;
    private final Dataplane dataplane;
    private final FrameSlab slab;
    private final FrameSlab.SlotCache slotCache;
    private final SpscLongRing[] rxBySender;
    private final SpscLongRing[] rx;
    private final SpscLongRing[] tx;
    private final SpscLongRing[] control;
    private final SpscLongRing[] punts;
    private final int[] slotSender;
    private final int[] outstanding;
    private final int[] windowPass;
    private final long[] drained = new long[DRAIN_BATCH];

    private int cursor;
    private int pass;
    private long sent;
    private long transmitted;
    private long puntedFreed;
    private long replayResets;
    private long replayWaits;

    public TrafficPort(final HairpinTraffic traffic, final Dataplane dataplane)
    {
        this.traffic = traffic;
        this.dataplane = dataplane;
        this.slab = dataplane.slab();
        this.slotCache = slab.newCache();
        this.rxBySender = new SpscLongRing[traffic.spokes() + 1];
        for (int spoke = 1; spoke <= traffic.spokes(); spoke++)
        {
            rxBySender[spoke] = dataplane.rxFor(HairpinTraffic.nbma(spoke));
        }
        this.rx = Arrays.stream(rxBySender).filter(Objects::nonNull).distinct().toArray(SpscLongRing[]::new);
        this.tx = dataplane.txRings();
        this.control = concat(dataplane.redirectRings(), dataplane.resolutionRings());
        this.punts = concat(dataplane.nhrpPuntRings(), dataplane.localPuntRings());
        this.slotSender = new int[slab.slots()];
        this.outstanding = new int[traffic.spokes() + 1];
        this.windowPass = new int[traffic.spokes() + 1];
    }

    private static SpscLongRing[] concat(final SpscLongRing[] a, final SpscLongRing[] b)
    {
        final SpscLongRing[] all = new SpscLongRing[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Puts the next frame of the ring on its receive ring, its slot stamped with {@code stampNs}
     * (the time it was meant to be sent, for latency).
     */
    public Offer offerNext(final long stampNs)
    {
        final int frame = cursor;
        final int sender = traffic.sender(frame);
        if (windowPass[sender] != pass)
        {
            if (outstanding[sender] != 0)
            {
                replayWaits++;
                return Offer.REPLAY_WAIT;
            }
            traffic.hubInbound(sender).replayWindow().reset(0);
            windowPass[sender] = pass;
            replayResets++;
        }
        final SpscLongRing rx = rxBySender[sender];
        if (!rx.hasRoomFor(1))
        {
            return Offer.RX_FULL;
        }
        final int slot = slab.receive(slotCache, traffic.store(), traffic.offset(frame), traffic.length(frame), stampNs);
        if (slot < 0)
        {
            return Offer.NO_SLOT;
        }
        if (!rx.offer(slot))
        {
            // Only this thread produces to the ring, so room it saw cannot vanish.
            throw new IllegalStateException("receive ring full after it had room");
        }
        slotSender[slot] = sender;
        outstanding[sender]++;
        sent++;
        return Offer.SENT;
    }

    /**
     * Moves past the frame just sent.
     */
    public void advance()
    {
        if (++cursor == traffic.frames())
        {
            cursor = 0;
            pass++;
        }
    }

    /**
     * Sends the next frame and moves on.
     *
     * @return what happened; on anything but {@link Offer#SENT} the frame stays next.
     */
    public Offer sendNext(final long stampNs)
    {
        final Offer offer = offerNext(stampNs);
        if (offer == Offer.SENT)
        {
            advance();
        }
        return offer;
    }

    /**
     * Takes what the hub transmitted off the transmit rings and frees the slots, and empties the
     * control-plane rings.
     *
     * @param latencies if not null, records for each transmitted frame the time it was seen here
     * minus the time stamped on it when offered (values above the histogram's range are recorded as
     * its highest trackable value).
     * @param clock read once per batch taken off a ring, when {@code latencies} is not null.
     * @return frames taken off the transmit rings.
     */
    public int drain(final Histogram latencies, final NanoClock clock)
    {
        return drain(latencies, null, clock);
    }

    /**
     * {@link #drain(Histogram, NanoClock)}, recording each latency into a second histogram too
     * (values above its range as its highest trackable value), when {@code also} is not null.
     */
    public int drain(final Histogram latencies, final Histogram also, final NanoClock clock)
    {
        int total = 0;
        for (final SpscLongRing ring : tx)
        {
            final int n = ring.pollBatch(drained, DRAIN_BATCH);
            if (n == 0)
            {
                continue;
            }
            final long seenNs = latencies == null ? 0 : clock.nanoTime();
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)drained[i];
                outstanding[slotSender[slot]]--;
                if (latencies != null)
                {
                    final long latencyNs = seenNs - slab.receivedNs(slot);
                    latencies.recordValue(Math.min(latencyNs, latencies.getHighestTrackableValue()));
                    if (also != null)
                    {
                        also.recordValue(Math.min(latencyNs, also.getHighestTrackableValue()));
                    }
                }
                slab.release(slotCache, slot);
            }
            total += n;
        }
        transmitted += total;
        for (final SpscLongRing ring : control)
        {
            ring.pollBatch(drained, DRAIN_BATCH);
        }
        for (final SpscLongRing ring : punts)
        {
            final int n = ring.pollBatch(drained, DRAIN_BATCH);
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)drained[i];
                outstanding[slotSender[slot]]--;
                slab.release(slotCache, slot);
            }
            puntedFreed += n;
        }
        return total;
    }

    /** Frames put on receive rings. */
    public long sent()
    {
        return sent;
    }

    /** Frames taken off transmit rings. */
    public long transmitted()
    {
        return transmitted;
    }

    /** Punted frames taken off the control plane's rings (none for hairpin traffic). */
    public long puntedFreed()
    {
        return puntedFreed;
    }

    /** Inbound windows reset for a new pass through the frame ring. */
    public long replayResets()
    {
        return replayResets;
    }

    /** Times a frame waited for its sender's previous-pass frames to leave the hub. */
    public long replayWaits()
    {
        return replayWaits;
    }

    /** Frames sent and neither transmitted nor punted yet. */
    public long outstanding()
    {
        return sent - transmitted - puntedFreed;
    }

    /** Frames waiting on receive rings, not yet taken by a worker. */
    public long queuedOnReceiveRings()
    {
        long frames = 0;
        for (final SpscLongRing ring : rx)
        {
            frames += ring.size();
        }
        return frames;
    }

    /**
     * Drains until every frame sent has ended (come back here, or been dropped by the hub), or
     * {@code timeoutNs} passed.
     *
     * @return true when every frame sent has ended.
     */
    public boolean settle(final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (true)
        {
            drain(null, null);
            if (outstanding() == 0)
            {
                return true;
            }
            final WorkerCounters t = dataplane.totals();
            if (queuedOnReceiveRings() == 0 && dataplane.inFlight() == 0 && t.received() == sent && t.transmitted() == transmitted &&
                t.punted() == puntedFreed && t.received() + t.injected() == t.transmitted() + t.punted() + t.dropped())
            {
                return true;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.yield();
        }
    }

    /**
     * Conservation over the hub and this port: every frame the hub received is transmitted,
     * punted, dropped (by reason) or in flight between workers; every frame sent is on a receive
     * ring or received; every frame transmitted is on a transmit ring or taken off it here; every
     * slot not in flight is free. Exact once the workers are stopped ({@link Dataplane#close()}).
     *
     * @return the equation with its figures.
     * @throws IllegalStateException, with the figures, when it does not hold.
     */
    public String checkConservation()
    {
        return checkConservation(0);
    }

    /**
     * {@link #checkConservation()} when {@code bypassed} of the frames sent went around the hub:
     * moved from receive to transmit rings by threads in the workers' places (the latency run's
     * floor, {@link FloorWorkers}) while the workers were stopped.
     */
    public String checkConservation(final long bypassed)
    {
        final WorkerCounters t = dataplane.totals();
        final long handoff = dataplane.inFlight();
        final long queuedRx = queuedOnReceiveRings();
        long queuedTx = 0;
        for (final SpscLongRing ring : tx)
        {
            queuedTx += ring.size();
        }
        final long inSlots = queuedRx + handoff + queuedTx;
        final String line = "received " + t.received() + " = transmitted " + t.transmitted() + " + punted " + t.punted() +
            " + dropped " + t.dropped() + " + in flight " + handoff + " (injected " + t.injected() + "); source sent " + sent +
            ", on receive rings " + queuedRx + ", wire took " + transmitted + ", on transmit rings " + queuedTx +
            (bypassed == 0 ? "" : ", around the hub (sent and taken back) " + bypassed) + ", slots free " + slab.freeSlots() + " of " + slab.slots();
        final boolean holds = dataplane.conserved() &&
            t.received() + t.injected() == t.transmitted() + t.punted() + t.dropped() + handoff &&
            sent == t.received() + bypassed + queuedRx &&
            t.transmitted() + bypassed == transmitted + queuedTx &&
            t.punted() >= puntedFreed &&
            slab.freeSlots() == slab.slots() - inSlots - (t.punted() - puntedFreed);
        if (!holds)
        {
            throw new IllegalStateException("conservation does not hold: " + line);
        }
        return line;
    }

    public HairpinTraffic traffic()
    {
        return traffic;
    }

    public Dataplane dataplane()
    {
        return dataplane;
    }
}
