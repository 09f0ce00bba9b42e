package net.dmvpnhub.nhrp.eigrp;

import net.dmvpnhub.wire.DecodeStatus;

import java.util.EnumMap;
import java.util.Map;

/**
 * What one {@link EigrpRouter} sent, received and decided ({@code show ip eigrp traffic}'s
 * figures and more), written on its thread and read as a snapshot.
 */
public final class EigrpCounters
{
    long hellosSent;
    long hellosReceived;
    long acksSent;
    long acksReceived;
    long updatesSent;
    long updatesReceived;
    long queriesReceived;
    long repliesSent;
    long repliesReceived;
    long retransmissions;
    long duplicates;
    long neighborsDiscovered;
    long neighborsUp;
    long neighborsDropped;
    long holdTimeExpiries;
    long retryLimitResets;
    long goodbyesReceived;
    long kMismatches;
    long peerRestarts;
    long otherAs;
    long fromNonNeighbor;
    long updatesBeforeUp;
    long otherOpcodes;
    long sendsRefused;
    long routesIgnored;
    final Map<DecodeStatus, Long> rejected = new EnumMap<>(DecodeStatus.class);

    public long hellosSent()
    {
        return hellosSent;
    }

    public long hellosReceived()
    {
        return hellosReceived;
    }

    public long acksSent()
    {
        return acksSent;
    }

    public long acksReceived()
    {
        return acksReceived;
    }

    public long updatesSent()
    {
        return updatesSent;
    }

    public long updatesReceived()
    {
        return updatesReceived;
    }

    public long queriesReceived()
    {
        return queriesReceived;
    }

    public long repliesSent()
    {
        return repliesSent;
    }

    public long repliesReceived()
    {
        return repliesReceived;
    }

    /** @return reliable packets sent again for want of an acknowledgement. */
    public long retransmissions()
    {
        return retransmissions;
    }

    /** @return reliable packets received again (their acknowledgement lost): acknowledged again, otherwise ignored. */
    public long duplicates()
    {
        return duplicates;
    }

    public long neighborsDiscovered()
    {
        return neighborsDiscovered;
    }

    public long neighborsDropped()
    {
        return neighborsDropped;
    }

    public long holdTimeExpiries()
    {
        return holdTimeExpiries;
    }

    public long retryLimitResets()
    {
        return retryLimitResets;
    }

    public long goodbyesReceived()
    {
        return goodbyesReceived;
    }

    /** @return hellos whose K values differ from this router's: no adjacency. */
    public long kMismatches()
    {
        return kMismatches;
    }

    /** @return INIT updates from a neighbour already started: it restarted, and the table went to it again. */
    public long peerRestarts()
    {
        return peerRestarts;
    }

    /** @return packets of another autonomous system, ignored. */
    public long otherAs()
    {
        return otherAs;
    }

    /** @return packets other than a hello from an address that is not a neighbour, ignored. */
    public long fromNonNeighbor()
    {
        return fromNonNeighbor;
    }

    /**
     * @return packets the way out refused (no route or binding to the neighbour yet, no slot, a full
     * ring): a hello or an acknowledgement lost, a reliable packet sent again at its retransmission.
     */
    public long sendsRefused()
    {
        return sendsRefused;
    }

    /** @return route TLVs this router does not take (external routes), received and left out of its topology. */
    public long routesIgnored()
    {
        return routesIgnored;
    }

    /** @return packets of types this router does not handle (Request, SIA), received and ignored. */
    public long otherOpcodes()
    {
        return otherOpcodes;
    }

    /** @return reliable packets a neighbour sent before its startup was complete here, not acknowledged (it sends them again). */
    public long updatesBeforeUp()
    {
        return updatesBeforeUp;
    }

    /** @return packets that failed a check, by the check. */
    public Map<DecodeStatus, Long> rejected()
    {
        return Map.copyOf(rejected);
    }
}
