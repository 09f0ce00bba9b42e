package net.dmvpnhub.dataplane;

/**
 * What one worker did, written by that worker alone with plain stores and read by others (show
 * commands, the conservation check) as a snapshot that may lag by a batch. Every frame a worker
 * receives or is handed by the control plane ends in exactly one of transmitted, punted or
 * dropped (by reason), or is handed to the worker that sends for its peer, or, a multicast packet
 * the control plane handed over ({@link Dataplane#injectMulticast}), replicated: it becomes one
 * new frame per multicast peer, each a copy that then ends like any other frame. So after each
 * duty cycle {@code received + injected + handedIn + copies == transmitted + punted + dropped +
 * handedOff + replicated}. Summed over all workers, handed-off and handed-in cancel once the
 * handoff rings are empty.
 */
public final class WorkerCounters
{
    long received;
    long injected;
    long handedOff;
    long handedIn;
    long transmitted;
    long puntedNhrp;
    long puntedLocal;
    long redirectsSignalled;
    long redirectsSuppressed;
    long redirectSignalsLost;
    long resolutionsRequested;
    long resolutionSignalsLost;
    long busyNs;
    long timeExceededSent;
    long echoRepliesSent;
    long icmpErrorsSuppressed;
    long icmpErrorsNotAllowed;
    long replicated;
    long multicastPackets;
    long copies;
    final long[] drops = new long[DropReasons.COUNT];

    /**
     * @return time spent in duty cycles that found work (from one cycle's start to the next's),
     * by the clock the worker is given: busy / elapsed is the worker's utilisation.
     */
    public long busyNs()
    {
        return busyNs;
    }

    public long received()
    {
        return received;
    }

    /**
     * @return packets the control plane handed over to send.
     */
    public long injected()
    {
        return injected;
    }

    /**
     * @return frames passed to the worker that owns their outbound SA.
     */
    public long handedOff()
    {
        return handedOff;
    }

    /**
     * @return frames another worker passed here to send.
     */
    public long handedIn()
    {
        return handedIn;
    }

    public long transmitted()
    {
        return transmitted;
    }

    /**
     * @return frames handed to the control plane: NHRP packets and packets for the hub itself.
     */
    public long punted()
    {
        return puntedNhrp + puntedLocal;
    }

    public long puntedNhrp()
    {
        return puntedNhrp;
    }

    public long puntedLocal()
    {
        return puntedLocal;
    }

    public long drops(final int reasonIndex)
    {
        return drops[reasonIndex];
    }

    public long dropped()
    {
        long sum = 0;
        for (final long count : drops)
        {
            sum += count;
        }
        return sum;
    }

    /**
     * @return redirect (Traffic Indication) requests passed to the control plane.
     */
    public long redirectsSignalled()
    {
        return redirectsSignalled;
    }

    /**
     * @return hairpinned packets whose redirect was suppressed by the per-pair rate limit.
     */
    public long redirectsSuppressed()
    {
        return redirectsSuppressed;
    }

    /**
     * @return redirect requests lost because the signal ring was full.
     */
    public long redirectSignalsLost()
    {
        return redirectSignalsLost;
    }

    public long resolutionsRequested()
    {
        return resolutionsRequested;
    }

    public long resolutionSignalsLost()
    {
        return resolutionSignalsLost;
    }

    /**
     * @return ICMP Time Exceeded messages the worker generated for packets whose TTL expired here
     * (counted in {@link #injected()} too: each is a new frame entering the hub).
     */
    public long timeExceededSent()
    {
        return timeExceededSent;
    }

    /**
     * @return ICMP Echo Replies the worker generated for Echo Requests to the hub's own addresses
     * (counted in {@link #injected()} too; the requests are counted as punted, delivered to the hub).
     */
    public long echoRepliesSent()
    {
        return echoRepliesSent;
    }

    /**
     * @return ICMP errors not sent because the rate limit ({@code ip icmp rate-limit unreachable})
     * had no token.
     */
    public long icmpErrorsSuppressed()
    {
        return icmpErrorsSuppressed;
    }

    /**
     * @return ICMP errors not sent because none may be (RFC 1812: about an ICMP error, a fragment,
     * a source that is not one host) or the hub has no tunnel address to send one from.
     */
    public long icmpErrorsNotAllowed()
    {
        return icmpErrorsNotAllowed;
    }

    /**
     * @return multicast packets this worker took to replicate (counted in {@link #injected()} too,
     * as they came from the control plane): each worker that owns the outbound SA of some peer of
     * the multicast list takes its own copy of the packet and makes the copies for those peers.
     */
    public long replicated()
    {
        return replicated;
    }

    /**
     * @return multicast packets replicated, each counted once however many workers shared its
     * copies ({@code show interface}'s figure).
     */
    public long multicastPackets()
    {
        return multicastPackets;
    }

    /**
     * @return copies of multicast packets made, one per multicast peer: each a new frame that is
     * transmitted or dropped with a reason ({@code multicast-no-slot} when no slot was free for it),
     * so the dropped ones are counted here too.
     */
    public long copies()
    {
        return copies;
    }

    /**
     * @return true when every frame is accounted for: {@code received + injected + handedIn +
     * copies == transmitted + punted + dropped + handedOff + replicated}.
     */
    public boolean conserved()
    {
        return received + injected + handedIn + copies == transmitted + punted() + dropped() + handedOff + replicated;
    }

    /**
     * Adds another worker's counters into this one (for a total).
     */
    public void addTo(final WorkerCounters total)
    {
        total.received += received;
        total.injected += injected;
        total.handedOff += handedOff;
        total.handedIn += handedIn;
        total.transmitted += transmitted;
        total.puntedNhrp += puntedNhrp;
        total.puntedLocal += puntedLocal;
        total.redirectsSignalled += redirectsSignalled;
        total.redirectsSuppressed += redirectsSuppressed;
        total.redirectSignalsLost += redirectSignalsLost;
        total.resolutionsRequested += resolutionsRequested;
        total.resolutionSignalsLost += resolutionSignalsLost;
        total.busyNs += busyNs;
        total.timeExceededSent += timeExceededSent;
        total.echoRepliesSent += echoRepliesSent;
        total.icmpErrorsSuppressed += icmpErrorsSuppressed;
        total.icmpErrorsNotAllowed += icmpErrorsNotAllowed;
        total.replicated += replicated;
        total.multicastPackets += multicastPackets;
        total.copies += copies;
        for (int i = 0; i < drops.length; i++)
        {
            total.drops[i] += drops[i];
        }
    }
}
