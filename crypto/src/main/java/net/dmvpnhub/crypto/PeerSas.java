package net.dmvpnhub.crypto;

/**
 * The SAs protecting traffic with one peer: one outbound SA, and the inbound SAs accepted now,
 * which during a rekey are two: the new one, and the previous one until its overlap deadline,
 * so packets the peer sent before it switched still arrive (RFC 4301 section 4.4.2.2 leaves the
 * overlap to the implementation; IOS keeps the old SA briefly too).
 * <p>
 * One writer (the control plane) calls {@link #rekey} and {@link #expireOverlap}; any number of
 * dataplane threads read with plain volatile loads, never lock and never see a half-made switch:
 * each field is one reference, published after the SA it points to is fully built. An old SA is
 * marked expired, not closed: its owner closes it once no dataplane thread can still hold it.
 */
public final class PeerSas
{
    private volatile SecurityAssociation outbound;
    private volatile SecurityAssociation inbound;
    private volatile SecurityAssociation previousInbound;
    private long previousDeadlineNs;

    public PeerSas(final SecurityAssociation outbound, final SecurityAssociation inbound)
    {
        this.outbound = outbound;
        this.inbound = inbound;
    }

    /**
     * @return the SA to encrypt with.
     */
    public SecurityAssociation outbound()
    {
        return outbound;
    }

    /**
     * @return the inbound SA with this SPI that is still accepted, or null.
     */
    public SecurityAssociation inbound(final int spi)
    {
        final SecurityAssociation current = inbound;
        if (current.spi() == spi)
        {
            return current;
        }
        final SecurityAssociation previous = previousInbound;
        return previous != null && previous.spi() == spi && !previous.isHardExpired() ? previous : null;
    }

    /**
     * @return the newest inbound SA.
     */
    public SecurityAssociation currentInbound()
    {
        return inbound;
    }

    /**
     * @return the inbound SA of the rekey overlap, or null when there is none.
     */
    public SecurityAssociation previousInbound()
    {
        return previousInbound;
    }

    /**
     * First step of a rekey, before the peer can send under the new inbound SA: packets under it
     * are accepted from now on, and those under the inbound SA it replaces until
     * {@code overlapDeadlineNs}; outbound packets keep their SA until {@link #switchOutbound}.
     *
     * @return an inbound SA this ends early (the previous one of an overlap still running), or
     * null; it is not marked expired, for its owner to withdraw and close.
     */
    public SecurityAssociation acceptInbound(final SecurityAssociation newInbound, final long overlapDeadlineNs)
    {
        final SecurityAssociation dropped = previousInbound;
        previousDeadlineNs = overlapDeadlineNs;
        previousInbound = inbound;
        inbound = newInbound;
        return dropped;
    }

    /**
     * Second step of a rekey, once the peer accepts the new SA: outbound packets use it from now
     * on. The SA it replaces is returned, not marked expired, so that a packet a dataplane thread
     * already took it for still leaves; its owner closes it once no thread can hold it.
     */
    public SecurityAssociation switchOutbound(final SecurityAssociation newOutbound)
    {
        final SecurityAssociation old = outbound;
        outbound = newOutbound;
        return old;
    }

    /**
     * Switches to new SAs. Outbound packets use the new SA at once; inbound packets on the old
     * SA are accepted until {@code overlapDeadlineNs}.
     *
     * @return the replaced outbound SA, now expired, for its owner to close later.
     */
    public SecurityAssociation rekey(
        final SecurityAssociation newOutbound, final SecurityAssociation newInbound, final long overlapDeadlineNs)
    {
        final SecurityAssociation endedEarly = acceptInbound(newInbound, overlapDeadlineNs);
        if (endedEarly != null)
        {
            endedEarly.expire();
        }
        final SecurityAssociation oldOutbound = switchOutbound(newOutbound);
        oldOutbound.expire();
        return oldOutbound;
    }

    /**
     * Ends the overlap once its deadline passed (compared wrap-safely).
     *
     * @return the inbound SA that ended, for its owner to close later, or null.
     */
    public SecurityAssociation expireOverlap(final long nowNs)
    {
        final SecurityAssociation previous = previousInbound;
        if (previous == null || nowNs - previousDeadlineNs < 0)
        {
            return null;
        }
        previous.expire();
        previousInbound = null;
        return previous;
    }
}
